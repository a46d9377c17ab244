"""`pni imports list|remove`: every file read into the store, and undoing one."""

from __future__ import annotations

from typing import Annotated

import typer

from pni.cli.common import FormatOpt, JsonOpt, StoreOpt, emit, err, open_store, output_format, say
from pni.cli.output import Format

imports_app = typer.Typer(help="List the imports (files read into the store) and undo one.",
                          no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(imports_app, name="imports")


@imports_app.command("list")
def list_(
    store: StoreOpt = None,
    current: Annotated[bool, typer.Option(
        "--current", help="Only imports not removed.")] = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """List every import: id, kind (collect or annotate), file, when, counts, what the store still
    holds from it (stories or answers), and when it was removed.

    JSON: {"imports": [{"id", "kind", "file", "batch", "started_at", "finished_at", "options",
    "read", "stored", "duplicates", "rejected", "held", "counts", "removed_at", "removal"}, ...]}.
    """
    from pni.store.imports import list_imports
    from pni.store.records import as_dict

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        rows = [as_dict(r) for r in list_imports(db, include_removed=not current)]
    if fmt is Format.table and not rows:
        say("No imports yet: `pni collect PATH` reads files into the store.")
        return
    emit(fmt, "imports", rows, title=f"{len(rows)} imports",
         columns=["id", "kind", "file", "started_at", "read", "stored", "duplicates",
                  "rejected", "held", "removed_at"])


@imports_app.command("remove")
def remove(
    ids: Annotated[list[int], typer.Argument(metavar="ID...", help="Import ids (`pni imports list`).",
                                             show_default=False)],
    store: StoreOpt = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Do everything, then roll back: shows what would be removed.")] = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Remove exactly what these imports stored, all in one transaction.

    A collect import: its stories with their answers (annotations too), tellers and inferred
    questions left with nothing, cached vectors of texts no other story holds, and its rejects.
    Cluster runs that included those stories are marked stale. An annotate import: the answers
    it added; answers it replaced are put back. Removing an import again changes nothing.
    Exit codes: 0 done (or already removed), 1 no such import. What was removed is said on
    stderr; with --format the records go to stdout.

    JSON: {"dry_run": B, "removed": [{"import_id", "file", "kind", "already", "stories",
    "story_answers", "tellers", "vectors", "rejects", "stale_runs": {run: stories}, ...}, ...]}.
    """
    from pni.ingest.imports import describe, remove_imports, stale_note

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        removals = remove_imports(db, list(ids), dry_run=dry_run)
    if fmt is not Format.table:
        emit(fmt, "removed", [r.as_json() for r in removals], meta={"dry_run": dry_run})
    prefix = "Dry run (nothing was removed): " if dry_run else ""
    for r in removals:
        err().print(prefix + describe(r), markup=False, highlight=False, soft_wrap=True)
    note = stale_note(removals)
    if note:
        err().print(f"{prefix}Runs {note}.", markup=False, highlight=False, soft_wrap=True)
