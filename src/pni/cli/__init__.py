"""The `pni` command line: a thin layer that parses options, calls the library, prints results.

Errors raised by the library (``pni.errors.PniError``) become one line on stderr and an exit code:
1 for a data error, 2 for a usage error. ``--debug`` (or ``PNI_DEBUG=1``) shows the traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from pni import __version__

_state = {"debug": False}
# Click's own errors (usage, bad parameter) keep Click's handling and exit code 2.
_ClickException: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


class _PniGroup(TyperGroup):
    """Turns domain errors into one-line messages at the CLI edge."""

    def invoke(self, ctx: Any) -> Any:
        argv = [*getattr(ctx, "_protected_args", []), *getattr(ctx, "protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, _ClickException, KeyboardInterrupt, SystemExit):
            raise
        except Exception as e:  # the CLI edge: every error ends as one line
            if _state["debug"] or os.environ.get("PNI_DEBUG"):
                raise
            from pni.errors import EXIT_DATA, PniError, UsageError

            if isinstance(e, PniError):
                code = e.exit_code
                msg = _with_flag(self, argv, e)
                label = "Usage error" if isinstance(e, UsageError) else "Error"
            elif isinstance(e, OSError):
                code, label = EXIT_DATA, "Error"
                msg = f"{e.filename}: {e.strerror}" if e.filename else str(e)
            else:
                code, label = EXIT_DATA, "Internal error"
                msg = f"{type(e).__name__}: {e} (rerun with --debug for the traceback)"
            sys.stderr.write(f"{label}: {msg}\n")
            raise typer.Exit(code) from None


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
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Participatory narrative inquiry: collect stories, find patterns, explore, print packets.

    Exit codes: 0 ok, 1 data error, 2 usage error.
    """
    _state["debug"] = debug


def _register() -> None:
    """Each command module has ``register(app)``; modules import only typer and the standard
    library at import time, so `pni --help` stays fast."""
    from importlib import import_module

    for name in ("prepare", "collect", "stories", "cluster", "runs", "patterns", "explore",
                 "packet", "record", "export", "status"):
        import_module(f"pni.cli.{name}").register(app)


_register()


def main() -> None:
    app()
