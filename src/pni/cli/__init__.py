"""The `pni` command line: a thin layer that parses options, calls the library, prints results.

Errors raised by the library (``pni.errors.PniError``) become one line on stderr and an exit code:
1 for a data error, 2 for a usage error. ``--debug`` (or ``PNI_DEBUG=1``) shows the traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from pni import __version__

_state = {"debug": False}
# Click's own errors (usage, bad parameter) keep Click's handling and exit code 2.
_ClickException: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


# Each command's module and its one-line help: `pni --help` lists them without importing a
# module or building a command (building them all costs a third of a second); the command asked
# for is built on demand. tests/cli/test_app.py checks each line against the command's own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "prepare": ("prepare", "From fieldwork files to a sensemaking packet in one folder."),
    "collect": ("collect", "Read story files into the store; account for every record."),
    "annotate": ("annotate", "Add answers to stored stories (coding, later annotations)."),
    "imports": ("imports", "List the imports (files read into the store) and undo one."),
    "embed": ("embed", "Embed stories not cached yet, here or on a Ray cluster."),
    "cluster": ("cluster", "Embed the stories and find candidate patterns."),
    "explore": ("explore", "Integrity, pattern and answer lenses, observations, voices."),
    "curate": ("curate", "Keep the catalyst's work: pattern names, observations, perspectives."),
    "packet": ("packet", "Print sensemaking packets: guide, worksheets, story cards."),
    "record": ("record", "Store what sensemaking groups produced."),
    "return": ("returns", "A printable return page: what we heard, what we will do."),
    "compare": ("compare", "Two collections (two cycles) side by side."),
    "export": ("export", "Export stories, answers and patterns for NarraFirma or QDA tools."),
    "status": ("status", "Where the project stands, and what to do next."),
    "stories": ("stories", "List, show and export stored stories."),
    "runs": ("runs", "List and show cluster runs (`pni cluster` makes them)."),
    "patterns": ("patterns", "List and show the patterns of a cluster run."),
    "store": ("store", "Copy a project between SQLite and PostgreSQL, checked; its shared "
                       "privacy policy."),
}


class _PniGroup(TyperGroup):
    """Builds commands on demand and turns domain errors into one-line messages at the CLI
    edge."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        if cmd_name not in self.commands:
            self.commands[cmd_name] = build(cmd_name)
        return self.commands[cmd_name]

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        """Click's own errors (a bad value, a missing or unreadable file) as one line, like
        pni's: ``Usage error: Invalid value for '--consent': ... (pni stories list -h)``."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except _ClickException as exc:
            e: Any = exc
            if type(e).__name__ == "NoArgsIsHelpError":  # `pni`, `pni stories`: the help
                sys.stderr.write(e.format_message() + "\n")
                sys.exit(e.exit_code)
            label = "Usage error" if e.exit_code == 2 else "Error"
            ctx = getattr(e, "ctx", None)
            hint = f" (see {ctx.command_path} -h)" if ctx is not None else ""
            sys.stderr.write(f"{label}: {e.format_message()}{hint}\n")
            sys.exit(e.exit_code)
        except typer.Abort:
            sys.stderr.write("Aborted.\n")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list from :data:`COMMANDS`, without building the commands."""
        rows = [(name, COMMANDS[name][1]) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: Any) -> Any:
        argv = [*getattr(ctx, "_protected_args", []), *getattr(ctx, "protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except typer.BadParameter as e:
            if not _is_path_problem(e):
                raise
            sys.stderr.write(f"Usage error: {e.format_message()}\n")  # one line, not a box
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, _ClickException, KeyboardInterrupt, SystemExit):
            raise
        except Exception as e:  # the CLI edge: every error ends as one line
            from pni.environment import enabled

            if _state["debug"] or enabled("PNI_DEBUG"):
                raise
            from pni.errors import EXIT_DATA, PniError, UsageError

            if isinstance(e, PniError):
                code = e.exit_code
                msg = _with_flag(self, argv, e)
                label = "Usage error" if isinstance(e, UsageError) else "Error"
            elif isinstance(e, OSError):
                code, label = EXIT_DATA, "Error"
                msg = f"{e.filename}: {e.strerror}" if e.filename else str(e)
            elif _store_fault(e):  # busy, read-only, disk full: the store is fine, say why
                from pni.store.db import explain

                code, label, msg = EXIT_DATA, "Error", str(explain(e, None))  # type: ignore[arg-type]
            else:
                code, label = EXIT_DATA, "Internal error"
                msg = f"{type(e).__name__}: {e} (rerun with --debug for the traceback)"
            sys.stderr.write(f"{label}: {msg}\n")
            raise typer.Exit(code) from None


def _store_fault(e: Exception) -> bool:
    if type(e).__module__ != "sqlite3":
        return False
    from pni.store.db import is_fault

    return is_fault(e)


def _with_flag(root: Any, argv: list[str], e: Any) -> str:
    """The error's message, led by the flag of the parameter it names (``--groups: ...``): the
    flag of the invoked command's option of that name, else the name with dashes."""
    msg = str(e)
    if not e.param:
        return msg
    flag = "--" + e.param.replace("_", "-")
    cmd, path = root, [root]
    for tok in argv:
        sub = getattr(cmd, "commands", {}).get(tok)
        if sub is None:
            continue
        cmd = sub
        path.append(sub)
    for c in path:
        for p in c.params:
            if p.name in (e.param, e.param + "_"):
                longs = [o for o in p.opts if o.startswith("--")]
                flag = longs[0] if longs else flag
    return msg if flag in msg else f"{flag}: {msg}"


def _is_path_problem(e: Exception) -> bool:
    """A file named on the command line that is missing, unreadable or a folder: one line says
    it all (a missing option or a typo keeps Click's usage text)."""
    if type(e).__name__ != "BadParameter":
        return False
    msg = str(getattr(e, "message", e))
    return any(s in msg for s in ("is a directory", "does not exist", "is not readable",
                                  "is not writable", "is a file", "is not a directory"))


app = typer.Typer(
    cls=_PniGroup,
    name="pni",
    help="Participatory narrative inquiry: collect stories, find patterns, explore, print packets.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pni {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet",
                                        help="Only data, warnings and errors: no notices or"
                                        " progress bars.")] = False,
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True,
                                         help="More detail on stderr (-vv: libraries' too).")]
    = 0,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Participatory narrative inquiry: collect stories, find patterns, explore, print packets.

    Exit codes: 0 ok, 1 data error, 2 usage error.
    """
    _state["debug"] = debug
    from pni.cli.common import set_verbosity

    set_verbosity(quiet, verbose)


def build(name: str) -> Any:
    """The click command ``name``: its module's ``register(app)`` adds it to a holder Typer,
    which typer turns into click objects."""
    from importlib import import_module

    holder = typer.Typer(rich_markup_mode=None)

    @holder.callback()
    def _holder() -> None:
        pass

    import_module(f"pni.cli.{COMMANDS[name][0]}").register(holder)
    return typer.main.get_command(holder).commands[name]  # type: ignore[attr-defined]


def main() -> None:
    app()
