"""`pni collect PATH...`: read fieldwork files into the store and account for every record."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pni.cli.common import (
    FormatOpt,
    JsonOpt,
    SourceKind,
    StoreOpt,
    emit,
    err,
    open_store,
    output_format,
    progress,
    say,
    table,
)
from pni.cli.output import Format

if TYPE_CHECKING:
    from pni.ingest.models import CollectReport

MAX_REJECTS_SHOWN = 40


def register(app: typer.Typer) -> None:
    app.command("collect")(collect)


def collect(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="Files or folders (read recursively).",
                                                show_default=False)],
    store: StoreOpt = None,
    collection: Annotated[str | None, typer.Option(
        "--collection", help="Collection name (default: pni.yaml's, else the folder name).",
        show_default=False)] = None,
    kind: Annotated[SourceKind | None, typer.Option(
        "--kind", help="Source kind (default: guessed from the file).", show_default=False)]
    = None,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", help="KEY=COLUMN for text, id, teller, prompt, title, date, consent, language.",
        show_default=False)] = None,
    form: Annotated[Path | None, typer.Option(
        "--form", help="Form file (TOML or YAML) declaring the questions and their kinds.",
        show_default=False)] = None,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="Read only this XLSX sheet (default: every sheet).",
        show_default=False)] = None,
    split: Annotated[bool, typer.Option(
        "--split", help="Text files: each blank-line-separated block is one story.")] = False,
    listener: Annotated[list[str] | None, typer.Option(
        "--listener", help="Transcript speakers who ask, not tell (NAME or NAME,NAME).",
        show_default=False)] = None,
    keep_names: Annotated[bool, typer.Option(
        "--keep-names", help="Store tellers' real names (default: pseudonyms only).")] = False,
    platform: Annotated[str | None, typer.Option(
        "--platform", help="Read tables as this survey platform's export: qualtrics, "
        "google-forms, microsoft-forms, surveymonkey, narrafirma, or none (default: recognised "
        "by content).", show_default=False)] = None,
    teller_question: Annotated[list[str] | None, typer.Option(
        "--teller-question", help="COLUMN asks about the teller, not the story (repeatable).",
        show_default=False)] = None,
    consent_map: Annotated[str | None, typer.Option(
        "--consent-map", help='Consent values, e.g. "yes=Sí,I agree;no=No" (others are '
        "rejected, never guessed).", show_default=False)] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", help="Decode text files as this encoding (default: UTF-8, else "
        "detected), e.g. cp1251.", show_default=False)] = None,
    rejects: Annotated[Path | None, typer.Option(
        "--rejects", help="Write the rejected records to FILE (.csv, or .jsonl).",
        show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Do everything, then roll back: shows what would happen.")] = False,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Re-read files collected before: each file's earlier import is"
        " replaced by this one (see `pni imports`).")] = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Collect stories from CSV/TSV, XLSX, JSON(L), Markdown, text, DOCX, WebVTT and SRT files.

    Every record read is stored, recognized as a duplicate, or rejected with its reason:
    read = stored + duplicates + rejected, per file. Running the same collect twice stores
    nothing new. Exit codes: 0 done (rejected rows are reported, not errors); 1 a file could
    not be read as a whole, a mapping or form is wrong; 2 a path is missing or an option is wrong.

    JSON: {"batch", "dry_run", "totals", "skipped", "rejects", "inferred", "notices", "files":
    [{"file", "format", "kind", "read", "stored", "duplicates", "rejected", ...}, ...]}.
    """
    from pni.ingest.collect import collect as run_collect
    from pni.ingest.collect import parse_consent_map, write_rejects
    from pni.ingest.mapping import parse_map
    from pni.ingest.models import CollectOptions

    fmt = output_format(format_, json_)
    listeners = [x.strip() for item in listener or [] for x in item.split(",") if x.strip()]
    opts = CollectOptions(
        collection=collection, kind=None if kind is None else kind.value, mapping=parse_map(mapping or []), form=form, sheet=sheet,
        split=split, listeners=listeners, keep_names=keep_names, dry_run=dry_run,
        platform=platform, encoding=encoding, teller_questions=list(teller_question or []),
        consent_map=parse_consent_map(consent_map or ""),
        replace=replace,
    )
    with open_store(store, create=True) as db, progress(transient=True) as bars:
        report = run_collect(db, list(paths), opts, progress=bars)
    if rejects is not None:
        write_rejects(report.rejects, rejects)
    doc = report.as_json()
    files = doc.pop("files")
    emit(fmt, "files", files, meta=doc, show=lambda: _print(report))
    if fmt is not Format.table:
        _notices(report)
    if report.dry_run:
        say("Nothing was written (dry run).")
    if rejects is not None:
        say(f"{len(report.rejects)} rejected record(s) written to {rejects}")
    for f in report.failed:
        err().print(f"Error: {f.error}", markup=False, highlight=False, soft_wrap=True)
    if report.failed:
        raise typer.Exit(1)


def _notices(report: CollectReport) -> None:
    for f in report.files:
        for n in f.notices:
            say(f"Notice: {f.file}: {n}", markup=False)


def _print(report: CollectReport) -> None:
    rows: list[list[Any]] = []
    for f in report.files:
        fmt = f"{f.format}/{f.platform}" if f.platform else f.format or ""
        rows.append([f.file, fmt, f.kind or "", f.read, f.stored, f.duplicates,
                     f.rejected if not f.error else "FAILED"])
    t = report.totals
    rows.append(["total", "", "", t["read"], t["stored"], t["duplicates"], t["rejected"]])
    title = "Collect (dry run: nothing was written)" if report.dry_run else "Collect"
    table(title, ["file", "format", "kind", "read", "stored", "duplicates", "rejected"], rows)
    _notices(report)
    if report.skipped:
        table("Skipped files", ["file", "why"], [[s.path, s.reason] for s in report.skipped])
    if report.inferred:
        seen: dict[tuple[str, str], list[Any]] = {}
        for iq in report.inferred:
            qu = iq.question
            key = (qu.id, qu.kind)
            detail = ", ".join(qu.options[:8]) + (" ..." if len(qu.options) > 8 else "")
            if qu.kind == "scale" and qu.scale_min is not None:
                detail = f"{qu.scale_min} to {qu.scale_max}"
            if key not in seen:
                seen[key] = [iq.column, qu.id, qu.kind, qu.about, detail, iq.evidence, iq.file]
        inferred = list(seen.values())
        table("Question kinds inferred (declare them in a form file to correct)",
              ["column", "question", "kind", "about", "options / range", "because", "first in"],
              inferred[:MAX_REJECTS_SHOWN])
        if len(inferred) > MAX_REJECTS_SHOWN:
            say(f"... and {len(inferred) - MAX_REJECTS_SHOWN} more inferred questions:"
                " see them with --json")
    if report.rejects:
        shown = report.rejects[:MAX_REJECTS_SHOWN]
        table(f"Rejected records ({len(report.rejects)})", ["file", "where", "reason"],
              [[r.file, r.locator or "", r.reason] for r in shown])
        if len(report.rejects) > len(shown):
            say(f"... and {len(report.rejects) - len(shown)} more: write them all with"
                " --rejects FILE")
