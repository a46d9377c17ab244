"""`pni record`: store what sensemaking groups produced, from CSV, YAML or Markdown files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pni.cli.common import FormatOpt, JsonOpt, StoreOpt, emit, open_store, output_format, table


def register(app: typer.Typer) -> None:
    app.command("record")(record)


def record(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", help="Outcome files (.csv, .yaml, .md).")],
    store: StoreOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the files; store nothing.")] = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Record sensemaking outcomes (session, group, exercise, kind, text, stories, patterns).

    Malformed records are rejected with file, line and reason; the rest of the file is kept.
    Recording the same file again adds nothing.

    A composite story (section construction, type "composite story") is kept as a story of its
    own, kind "composite", with a card code (C1) and its cards: see `pni stories show C1`.

    JSON: {"dry_run": BOOL, "files": [{"file", "read", "stored", "duplicates", "rejected",
    "composites", "rejects": [...]}, ...]}.
    """
    from pni.record import record_file

    fmt = output_format(format_, json_)
    results = []
    with open_store(store) as db:
        for f in files:
            results.append(record_file(db, f, dry_run=dry_run))
    emit(fmt, "files", [r.model_dump(mode="json") for r in results], meta={"dry_run": dry_run},
         show=lambda: table("Dry run: nothing stored" if dry_run else "Recorded",
                            ["file", "read", "stored", "duplicates", "rejected",
                             "composite stories"],
                            [[r.file, r.read, r.stored, r.duplicates, r.rejected, r.composites]
                             for r in results]))
    for r in results:
        for rej in r.rejects:
            typer.echo(f"rejected: {rej}", err=True)
