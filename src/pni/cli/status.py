"""`pni status`: what the store holds."""

from __future__ import annotations

from typing import Any

import typer

from pni.cli.common import JsonOpt, StoreOpt, emit_json, open_store, say, table


def register(app: typer.Typer) -> None:
    app.command("status")(status)


def status(store: StoreOpt = None, json_: JsonOpt = False) -> None:
    """Show what the store holds: stories, tellers, questions, imports, rejects, runs, outcomes."""
    from pni.status import summarize

    with open_store(store) as db:
        info: dict[str, Any] = summarize(db)
    if json_:
        emit_json(info)
        return
    say(f"[bold]Store[/bold] {info['store']}")
    table(None, ["what", "count"], [[k, v] for k, v in info["counts"].items()])
    for section in info.get("sections", []):
        table(section["title"], section["columns"], section["rows"])
