"""`pni record`: store what sensemaking groups produced, from CSV, YAML or Markdown files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pni.cli.common import JsonOpt, StoreOpt, emit_json, open_store, table


def register(app: typer.Typer) -> None:
    app.command("record")(record)


def record(
    files: Annotated[list[Path], typer.Argument(help="Outcome files (.csv, .yaml, .md).")],
    store: StoreOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the files; store nothing.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Record sensemaking outcomes (session, group, exercise, kind, text, stories, patterns).

    Malformed records are rejected with file, line and reason; the rest of the file is kept.
    Recording the same file again adds nothing.
    """
    from pni.record import record_file

    results = []
    with open_store(store) as db:
        for f in files:
            results.append(record_file(db, f, dry_run=dry_run))
    if json_:
        emit_json({"dry_run": dry_run, "files": [r.model_dump(mode="json") for r in results]})
        return
    table("Dry run: nothing stored" if dry_run else "Recorded",
          ["file", "read", "stored", "duplicates", "rejected"],
          [[r.file, r.read, r.stored, r.duplicates, r.rejected] for r in results])
    for r in results:
        for rej in r.rejects:
            typer.echo(f"rejected: {rej}", err=True)
