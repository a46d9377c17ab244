"""`pni annotate FILE`: add answers to stories already stored, joined on their ids."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pni.cli.common import (
    FormatOpt,
    JsonOpt,
    StoreOpt,
    emit,
    err,
    open_store,
    output_format,
    say,
    table,
)
from pni.cli.output import Format

if TYPE_CHECKING:
    from pni.ingest.annotate import AnnotateReport

MAX_SHOWN = 40


def register(app: typer.Typer) -> None:
    app.command("annotate")(annotate)


def annotate(
    file: Annotated[Path, typer.Argument(help="A table: CSV, TSV, XLSX, JSON or JSON Lines.",
                                         show_default=False)],
    store: StoreOpt = None,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help="id=COLUMN: the column holding each row's story id (default: a column"
        " named id, story_id, source_id...); text=COLUMN: the story text, for files without"
        " ids.", show_default=False)] = None,
    join: Annotated[str, typer.Option(
        "--join", help="What names each row's story: story (pni ids), source (the ids in the"
        " collected files), text (the story text, as NarraFirma exports) or auto (an id"
        " column if there is one, else the text).")] = "auto",
    collection: Annotated[str | None, typer.Option(
        "--collection", help="Join source ids within this collection only.",
        show_default=False)] = None,
    form: Annotated[Path | None, typer.Option(
        "--form", help="Form file declaring the annotation questions and their kinds.",
        show_default=False)] = None,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="Read only this XLSX sheet.", show_default=False)] = None,
    skip: Annotated[list[str] | None, typer.Option(
        "--skip", help="A column that is not an annotation (repeatable).",
        show_default=False)] = None,
    replace_answers: Annotated[bool, typer.Option(
        "--replace-answers", help="Where a story already has a different answer, replace it"
        " (default: keep it and report the conflict).")] = False,
    rejects: Annotated[Path | None, typer.Option(
        "--rejects", help="Write the rejected rows to FILE (.csv, or .jsonl).",
        show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Do everything, then roll back: shows what would happen.")] = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Add answers to stories already stored: researchers' coding, tellers' later annotations,
    NarraFirma annotation questions.

    Each row names a story by its pni id or its source's own id; every other column is a
    question (new columns become annotation questions). Answers a story lacks are added, the same
    answer again changes nothing, a different one is a conflict: reported, and replaced only with
    --replace-answers. Rows that match no story are rejected with their reason. The file is one
    import: `pni imports remove ID` undoes it. Exit codes: 0 done (rejected rows are reported);
    1 the file cannot be read or has no id column; 2 a wrong option.

    JSON: {"file", "import_id", "read", "stored", "duplicates", "rejected", "added",
    "unchanged", "replaced", "columns", "new_questions", "rejects", "notices", "conflicts":
    [{"locator", "story_id", "question", "stored", "given", "replaced"}, ...]}; jsonl and csv
    give the conflicts.
    """
    from pni.errors import UsageError
    from pni.ingest.annotate import AnnotateOptions
    from pni.ingest.annotate import annotate as run_annotate
    from pni.ingest.collect import write_rejects
    from pni.ingest.mapping import parse_map

    fmt = output_format(format_, json_)
    mapping = parse_map(map_ or [])
    other = sorted(set(mapping) - {"id", "text"})
    if other:
        raise UsageError(f"--map {other[0]}=...: annotate maps only id=COLUMN or text=COLUMN")
    opts = AnnotateOptions(id_column=mapping.get("id"), text_column=mapping.get("text"),
                           join=join, collection=collection,
                           form=form, sheet=sheet, skip=skip or [],
                           replace_answers=replace_answers, dry_run=dry_run)
    with open_store(store) as db:
        report = run_annotate(db, file, opts)
    if rejects is not None:
        write_rejects(report.rejects, rejects)
    doc = report.as_json()
    conflicts = doc.pop("conflicts")
    emit(fmt, "conflicts", conflicts, meta=doc, show=lambda: _print(report))
    if fmt is not Format.table:
        for n in report.notices:
            _line(f"Notice: {report.file}: {n}")
    if rejects is not None:
        say(f"{len(report.rejects)} rejected row(s) written to {rejects}")


def _line(text: str) -> None:
    err().print(text, markup=False, highlight=False, soft_wrap=True)


def _print(r: AnnotateReport) -> None:
    title = "Annotate (dry run: nothing was written)" if r.dry_run else "Annotate"
    table(title, ["file", "import", "rows read", "stored", "unchanged", "rejected",
                  "answers added", "conflicts", "replaced"],
          [[r.file, r.import_id or "", r.read, r.stored, r.duplicates, r.rejected, r.added,
            len(r.conflicts), r.replaced]])
    for n in r.notices:
        _line(f"Notice: {r.file}: {n}")
    if r.new_questions:
        table("New annotation questions (declare them in a form file to correct)",
              ["question", "kind", "about", "options / range"],
              [[qu.id, qu.kind, qu.about, _detail(qu)] for qu in r.new_questions])
    if r.conflicts:
        verb = "replaced" if r.conflicts[0].replaced else "kept (--replace-answers to replace)"
        shown = r.conflicts[:MAX_SHOWN]
        table(f"Conflicting answers ({len(r.conflicts)}): stored answer {verb}",
              ["where", "story", "question", "stored", "in the file"],
              [[c.locator, c.story_id, c.question, _v(c.stored), _v(c.given)] for c in shown])
        if len(r.conflicts) > len(shown):
            say(f"... and {len(r.conflicts) - len(shown)} more: --json lists them all")
    if r.rejects:
        shown_r = r.rejects[:MAX_SHOWN]
        table(f"Rejected rows ({len(r.rejects)})", ["file", "where", "reason"],
              [[x.file, x.locator or "", x.reason] for x in shown_r])
        if len(r.rejects) > len(shown_r):
            say(f"... and {len(r.rejects) - len(shown_r)} more: write them all with"
                " --rejects FILE")


def _detail(qu: Any) -> str:
    if qu.kind == "scale" and qu.scale_min is not None:
        return f"{qu.scale_min} to {qu.scale_max}"
    return ", ".join(qu.options[:8]) + (" ..." if len(qu.options) > 8 else "")


def _v(v: Any) -> str:
    if isinstance(v, list):
        return "; ".join(str(x) for x in v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)
