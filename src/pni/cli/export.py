"""`pni export narrafirma|qdpx`: stories, answers and patterns out to NarraFirma and to QDA tools
(NVivo, ATLAS.ti, MAXQDA, QualCoder). Consent and redaction as for every output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pni.cli.common import (
    FormatOpt,
    JsonOpt,
    RunOpt,
    StoreOpt,
    announce_policy,
    emit,
    open_store,
    output_format,
    say,
)

if TYPE_CHECKING:
    from pni.interop.scope import ExportOptions

export_app = typer.Typer(help="Export stories, answers and patterns for NarraFirma or QDA tools.",
                         no_args_is_help=True)

NamesOpt = Annotated[Path | None, typer.Option(
    "--names", help="Names file to redact (default: names_file in the project's pni.toml).",
    show_default=False)]
NoRedactOpt = Annotated[bool, typer.Option(
    "--no-redact", help="Keep names, e-mail addresses and phone numbers as told.")]
UnknownOpt = Annotated[bool, typer.Option(
    "--include-unknown-consent", help="Also export stories without recorded consent.")]
AllOpt = Annotated[bool, typer.Option(
    "--all", help="Export every story, even those whose tellers said no to sharing (the"
    " export says so). For moving a project between your own tools only.")]
CollectionOpt = Annotated[str | None, typer.Option(
    "--collection", help="Only this collection.", show_default=False)]


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")


def _options(store: Path | None, run: int | None, collection: str | None, names: Path | None,
             no_redact: bool, include_unknown: bool, all_: bool) -> ExportOptions:
    from pni.interop.scope import ExportOptions

    return ExportOptions(run_id=run, collection=collection, include_unknown=include_unknown,
                         all_stories=all_, redact=not no_redact,
                         names_file=None if no_redact else names)


def _paths(paths: list[str]) -> Callable[[], None]:
    """The people's view of an export: the paths written, one a line."""

    def show() -> None:
        for p in paths:
            typer.echo(p)

    return show


def _scope(store: Path | None, opts: Any) -> Any:
    """The stories, answers and patterns an export carries, under the project's policy."""
    from pni.interop.scope import gather

    with open_store(store) as db:
        return gather(db, opts)


def _policy(lines: list[str], store: Path | None, names: Path | None, no_redact: bool) -> None:
    """What the export left out and why, then the names policy when redaction is on."""
    from rich.markup import escape

    for line in lines:
        say(escape(line))
    if not no_redact:
        announce_policy(store, names)


@export_app.command("narrafirma")
def narrafirma(
    out: Annotated[Path, typer.Option("-o", "--output", help="Folder for the CSV files.")],
    store: StoreOpt = None,
    run: RunOpt = None,
    collection: CollectionOpt = None,
    names: NamesOpt = None,
    no_redact: NoRedactOpt = False,
    include_unknown: UnknownOpt = False,
    all_: AllOpt = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """NarraFirma story CSV and story-form CSV (plus an annotation CSV with each story's
    pattern): import the form, then the stories, into a NarraFirma story collection.

    JSON: {"stories": N, "questions": N, "policy": [...], "files": [{"path", "content"}, ...]}.
    """
    from pni.interop.narrafirma import write_narrafirma
    fmt = output_format(format_, json_)
    opts = _options(store, run, collection, names, no_redact, include_unknown, all_)
    scope = _scope(store, opts)
    res = write_narrafirma(scope, out)
    files = [{"path": str(p), "content": c} for p, c in (
        (res.form, "story form"), (res.stories, "stories"), (res.annotations, "annotations"))
        if p is not None]
    _policy(res.policy, store, names, no_redact)
    emit(fmt, "files", files, meta={"stories": res.n_stories, "questions": res.n_questions,
                                    "policy": res.policy},
         show=_paths([f["path"] for f in files]))


@export_app.command("qdpx")
def qdpx(
    out: Annotated[Path, typer.Option("-o", "--output", help="The project file, e.g. project.qdpx.")],
    store: StoreOpt = None,
    run: RunOpt = None,
    collection: CollectionOpt = None,
    names: NamesOpt = None,
    no_redact: NoRedactOpt = False,
    include_unknown: UnknownOpt = False,
    all_: AllOpt = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA or QualCoder: stories as text
    sources, tellers as cases, answers as variables, patterns as codes.

    JSON: {"policy": [...], "project": {"path", "sources", "cases", "codes", "notes", "sets"}}.
    """
    from pni.errors import UsageError
    from pni.interop.qdpx import write_qdpx
    fmt = output_format(format_, json_)
    if out.suffix.lower() != ".qdpx":
        raise UsageError(f"-o {out}: a REFI-QDA project file ends in .qdpx", param="out")
    opts = _options(store, run, collection, names, no_redact, include_unknown, all_)
    scope = _scope(store, opts)
    res = write_qdpx(scope, out)
    _policy(res.policy, store, names, no_redact)
    say(f"{res.sources} text sources, {res.cases} cases, {res.codes} codes, {res.notes} notes,"
        f" {res.sets} sets.")
    emit(fmt, "project", {"path": str(res.path), "sources": res.sources, "cases": res.cases,
                          "codes": res.codes, "notes": res.notes, "sets": res.sets},
         meta={"policy": res.policy}, show=_paths([str(res.path)]))
