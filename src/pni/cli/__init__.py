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
                msg = str(e)
                label = "Usage error" if isinstance(e, UsageError) else "Error"
            elif isinstance(e, OSError):
                code, label = EXIT_DATA, "Error"
                msg = f"{e.filename}: {e.strerror}" if e.filename else str(e)
            else:
                code, label = EXIT_DATA, "Internal error"
                msg = f"{type(e).__name__}: {e} (rerun with --debug for the traceback)"
            sys.stderr.write(f"{label}: {msg}\n")
            raise typer.Exit(code) from None


app = typer.Typer(
    cls=_PniGroup,
    name="pni",
    help="Participatory narrative inquiry: collect stories, find patterns, explore, print packets.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
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

    for name in ("prepare", "collect", "stories", "cluster", "patterns", "explore", "packet",
                 "record", "status"):
        import_module(f"pni.cli.{name}").register(app)


_register()


def main() -> None:
    app()
