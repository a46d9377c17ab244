"""`pni status`: what the store holds."""

from __future__ import annotations

from typing import Any

import typer

from pni.cli.common import FormatOpt, JsonOpt, StoreOpt, emit, open_store, output_format, table
from pni.cli.output import out


def register(app: typer.Typer) -> None:
    app.command("status")(status)


def status(store: StoreOpt = None, format_: FormatOpt = None, json_: JsonOpt = False) -> None:
    """Where the project stands: stories and collections, the latest cluster run and
    exploration, the sessions recorded, the privacy policy, and what to do next.

    JSON: {"store": PATH, "state": [sentences], "next": [steps], "migrations": [...], "counts":
    {"stories": N, ...} (rows per table), "collections": [...], "sections": [{"title",
    "columns", "rows"}, ...]}; jsonl and csv give one row per count ({"what", "count"}).
    """
    from pni.status import summarize

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        info: dict[str, Any] = summarize(db)
    counts = info["counts"]
    emit(fmt, "counts", counts, meta={k: v for k, v in info.items() if k != "counts"},
         rows=[{"what": k, "count": v} for k, v in counts.items()], show=lambda: _show(info))


def _show(info: dict[str, Any]) -> None:
    con = out()
    con.print(f"Project store {info['store']}", markup=False, highlight=False, style="bold")
    for line in info.get("state", []):
        con.print(line, markup=False, highlight=False)
    for section in info.get("sections", []):
        con.print()
        table(section["title"], section["columns"], section["rows"])
    if info.get("next"):
        con.print()
        con.print("Next", style="bold")
        for step in info["next"]:
            con.print(f"- {step}", markup=False, highlight=False)
