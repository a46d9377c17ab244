"""`pni imports list|remove`: every file read into the store, and undoing one."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pni.cli.common import JsonOpt, StoreOpt, emit_json, err, open_store, say

imports_app = typer.Typer(help="List the imports (files read into the store) and undo one.",
                          no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(imports_app, name="imports")


@imports_app.command("list")
def list_(
    store: StoreOpt = None,
    current: Annotated[bool, typer.Option(
        "--current", help="Only imports not removed.")] = False,
    json_: JsonOpt = False,
) -> None:
    """List every import: id, kind (collect or annotate), file, when, counts, what the store still
    holds from it, and whether it was removed. The table or JSON goes to stdout."""
    from pni.store.imports import list_imports

    with open_store(store) as db:
        rows = list_imports(db, include_removed=not current)
    if json_:
        emit_json(rows)
        return
    columns = ["id", "kind", "file", "started_at", "read", "stored", "duplicates", "rejected",
               "held", "removed_at"]
    _stdout_table(columns, [[r[c] for c in columns] for r in rows])
    if not rows:
        say("No imports yet: `pni collect PATH` reads files into the store.")


def _stdout_table(columns: list[str], rows: list[list[Any]]) -> None:
    """Plain aligned columns on stdout, never folded, so scripts can cut and grep them."""
    cells = [columns] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    for r in cells:
        typer.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


@imports_app.command("remove")
def remove(
    ids: Annotated[list[int], typer.Argument(metavar="ID...", help="Import ids (`pni imports list`).",
                                             show_default=False)],
    store: StoreOpt = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Do everything, then roll back: shows what would be removed.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Remove exactly what these imports stored, all in one transaction.

    A collect import: its stories with their answers (annotations too), tellers and inferred
    questions left with nothing, cached vectors of texts no other story holds, and its rejects.
    Cluster runs that included those stories are marked stale. An annotate import: the answers
    it added; answers it replaced are put back. Removing an import again changes nothing.
    Exit codes: 0 done (or already removed), 1 no such import.
    """
    from pni.ingest.imports import describe, remove_imports, stale_note

    with open_store(store) as db:
        removals = remove_imports(db, list(ids), dry_run=dry_run)
    if json_:
        emit_json({"dry_run": dry_run, "removed": [r.as_json() for r in removals]})
    prefix = "Dry run (nothing was removed): " if dry_run else ""
    for r in removals:
        err().print(prefix + describe(r), markup=False, highlight=False, soft_wrap=True)
    note = stale_note(removals)
    if note:
        err().print(f"{prefix}Runs {note}.", markup=False, highlight=False, soft_wrap=True)
