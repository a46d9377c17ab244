"""`pni status`: what the store holds."""

from __future__ import annotations

from typing import Any

import typer

from pni.cli.common import FormatOpt, JsonOpt, StoreOpt, emit, open_store, output_format, table
from pni.cli.output import out


def register(app: typer.Typer) -> None:
    app.command("status")(status)


def status(store: StoreOpt = None, format_: FormatOpt = None, json_: JsonOpt = False) -> None:
    """Show what the store holds: stories, tellers, questions, imports, rejects, runs, outcomes.

    JSON: {"store": PATH, "migrations": [...], "counts": {"stories": N, ...}, "collections":
    [...], "sections": [{"title", "columns", "rows"}, ...]}; jsonl and csv give one row per count
    ({"what", "count"}).
    """
    from pni.status import summarize

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        info: dict[str, Any] = summarize(db)
    counts = info["counts"]
    emit(fmt, "counts", counts, meta={k: v for k, v in info.items() if k != "counts"},
         rows=[{"what": k, "count": v} for k, v in counts.items()], show=lambda: _show(info))


def _show(info: dict[str, Any]) -> None:
    out().print(f"Store {info['store']}", markup=False, highlight=False)
    table(None, ["what", "count"], [[k, v] for k, v in info["counts"].items()])
    for section in info.get("sections", []):
        out().print()
        table(section["title"], section["columns"], section["rows"])
