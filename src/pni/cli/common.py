"""What every command shares: options defined once, output helpers (JSON on stdout, people's text
and progress on stderr), and opening the store. Keep imports light: this is on the start-up path."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from pni.store import Store

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar="PNI_STORE",
        help="The project's SQLite store (default: $PNI_STORE, else ./pni.db).",
        show_default=False,
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Machine-readable JSON on stdout; people's text goes to stderr.")
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same result.")]
RunOpt = Annotated[
    int | None, typer.Option("--run", help="Cluster run id (default: the latest run).", show_default=False)
]

_err: Console | None = None


def err() -> Console:
    """The stderr console: people's text, tables and progress bars."""
    global _err
    if _err is None:
        from rich.console import Console

        _err = Console(stderr=True, highlight=False, soft_wrap=False)
    return _err


def say(message: str) -> None:
    """A line for people, on stderr (rich markup allowed)."""
    err().print(message)


def emit_json(obj: Any) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_default) + "\n")
    sys.stdout.flush()


def _default(o: Any) -> Any:
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if isinstance(o, Path):
        return str(o)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "tolist"):
        return o.tolist()
    return str(o)


def progress(transient: bool = False) -> Progress:
    """A rich progress bar on stderr (stdout stays clean for --json)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err(),
        transient=transient,
    )


@contextmanager
def open_store(path: Path | None, *, create: bool = False) -> Iterator[Store]:
    """Open the resolved store; commands that only read pass ``create=False``."""
    from pni.paths import resolve_store
    from pni.store import Store

    db = Store.open(resolve_store(path), create=create)
    try:
        yield db
    finally:
        db.close()


def names_file(given: Path | None, store: Path | None) -> Path | None:
    """``--names`` as given, else a ``names.txt`` beside the store (the project's redaction list),
    announced on stderr so nobody wonders where the names came from."""
    if given is not None:
        return given
    from pni.paths import resolve_store

    beside = resolve_store(store).parent / "names.txt"
    if beside.is_file():
        err().print(f"Names from {beside} (beside the store; --names FILE to use another).",
                    soft_wrap=True, markup=False)
        return beside
    return None


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    """Print a rich table on stderr."""
    from rich.table import Table

    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*["" if v is None else str(v) for v in r])
    err().print(t)
