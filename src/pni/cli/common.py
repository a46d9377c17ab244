"""What every command shares: options defined once, output helpers (data on stdout in
``--format table|json|jsonl|csv``: see ``pni.cli.output``; people's notices and progress on
stderr), and opening the store. Keep imports light: this is on the start-up path."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pni.cli.output import (  # noqa: F401  (re-exported: what every command imports from here)
    Format,
    FormatOpt,
    JsonOpt,
    emit,
    emit_json,
    output_format,
    table,
)

if TYPE_CHECKING:
    from rich.console import Console

    from pni.store import Store

class SourceKind(StrEnum):
    """Where stories came from (the store's ``source_kind``; ``pni.models.SOURCE_KINDS``)."""

    empathy_interview = "empathy-interview"
    kiva_panel = "kiva-panel"
    story_form = "story-form"
    reflection = "reflection"
    other = "other"


class StoryKind(StrEnum):
    """A stored story's kind: how it was gathered, or ``composite`` (a sensemaking group's)."""

    empathy_interview = "empathy-interview"
    kiva_panel = "kiva-panel"
    story_form = "story-form"
    reflection = "reflection"
    other = "other"
    composite = "composite"


class Consent(StrEnum):
    """A story's recorded consent."""

    yes = "yes"
    no = "no"
    unknown = "unknown"


def _store_value(value: str | None) -> Path | None:
    from pni.store.url import parse_store

    return parse_store(value)


StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar="PNI_STORE",
        help="The project's store: a SQLite file, or a postgresql:// URL (default: $PNI_STORE,"
        " else ./pni.db).",
        show_default=False,
        parser=_store_value,
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same result.")]
RunOpt = Annotated[
    int | None, typer.Option("--run", help="Cluster run id (default: the latest run).", show_default=False)
]


def _choices(label: str, items: list[Any]) -> Any:
    """A choice type for Typer from a registry's names (``items``: objects with ``name``)."""
    return StrEnum(label, {i.name: i.name for i in items})


def _listing(items: list[Any]) -> str:
    return "; ".join(f"{i.name}: {i.summary}" for i in items)


# The embedder and clusterer choices come from their registries (pni.embed.backends,
# pni.cluster.methods): a backend or method added there is offered here without an edit.
# (Both registries import nothing heavy.)
from pni.cluster.methods.base import clusterers as _clusterers  # noqa: E402
from pni.embed.backends.base import backends as _backends  # noqa: E402

if TYPE_CHECKING:
    BackendName = str
    ClustererName = str
else:
    BackendName = _choices("BackendName", _backends(listed=True))
    ClustererName = _choices("ClustererName", _clusterers())

BackendOpt = Annotated[
    BackendName | None,
    typer.Option(
        "--backend",
        help="Embedding backend (default: $PNI_EMBED_BACKEND, else auto). "
        + _listing(_backends(listed=True)) + ".",
        show_default=False,
    ),
]
ClustererOpt = Annotated[
    ClustererName | None,
    typer.Option(
        "--clusterer",
        help="How patterns are found (default: leiden). " + _listing(_clusterers()) + ".",
        show_default=False,
    ),
]

_err: Console | None = None


def err() -> Console:
    """The stderr console: people's text, tables and progress bars."""
    global _err
    if _err is None:
        from rich.console import Console

        _err = Console(stderr=True, highlight=False, soft_wrap=False)
    return _err


log = logging.getLogger("pni")


class _ConsoleHandler(logging.Handler):
    """pni's log records as lines on stderr, through the rich console (markup allowed unless a
    record says ``markup=False``); warnings keep a 'Warning:' label."""

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if record.levelno >= logging.WARNING and not msg.lower().startswith(("warning", "note")):
            msg = f"[yellow]Warning:[/yellow] {msg}"
        err().print(msg, markup=getattr(record, "markup", True), soft_wrap=True)


def set_verbosity(quiet: bool, verbose: int) -> None:
    """``-q`` keeps warnings and errors only; ``-v`` adds pni's debug records (``-vv`` every
    library's). Notices (``say``) are INFO records of the ``pni`` logger."""
    if not any(isinstance(h, _ConsoleHandler) for h in log.handlers):
        log.addHandler(_ConsoleHandler())
        log.propagate = False
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    log.setLevel(level)
    logging.getLogger().setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)


def quiet() -> bool:
    return log.getEffectiveLevel() > logging.INFO


def say(message: str, *, markup: bool = True) -> None:
    """A notice for people, on stderr (rich markup allowed), unless ``-q``."""
    if not log.handlers:
        set_verbosity(False, 0)
    log.info(message, extra={"markup": markup})


def progress(transient: bool = False) -> Bars:
    """Progress bars on stderr for a library call: ``with progress() as bar: f(..., progress=bar)``
    (``bar`` is a ``pni.progress.Progress`` callback; nothing is drawn with ``-q``)."""
    return Bars(transient)


class Bars:
    """The CLI edge of ``pni.progress``: one rich bar per stage, on stderr. A new "files" step
    clears the "rows" bar of the file before."""

    def __init__(self, transient: bool = False):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.rich = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(),
            MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
            console=err(), transient=transient, disable=quiet())
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Bars:
        self.rich.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.rich.stop()

    def __call__(self, stage: str, done: int, total: int | None = None,
                 detail: str = "") -> None:
        if stage == "rows" and (total or 0) < 5000:
            return  # small files: the files bar says enough
        if stage == "files" and "rows" in self.tasks:
            self.rich.remove_task(self.tasks.pop("rows"))
        label = (detail or stage)[:40]
        if stage not in self.tasks:
            self.tasks[stage] = self.rich.add_task(label, total=total)
        self.rich.update(self.tasks[stage], completed=done, total=total, description=label)


def status(message: str) -> Any:
    """A spinner with ``message`` on stderr while something slow runs (none with ``-q``)."""
    if quiet():
        from contextlib import nullcontext

        return nullcontext()
    return err().status(message)


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


def announce_policy(store: Path | None, names: Path | None = None) -> None:
    """Say on stderr which privacy policy (the project's ``pni.toml``) and names file apply, so
    nobody wonders where the names came from (nothing when no names file applies)."""
    from pni.paths import resolve_store
    from pni.settings import load_settings

    s = load_settings(resolve_store(store))
    p = names if names is not None else s.names_path()
    if p is not None and p.is_file():  # quiet when no names file applies
        say(f"Privacy policy: {s.path} (names file: {p}; small cells under {s.min_cell} "
            "tellers suppressed).", markup=False)
