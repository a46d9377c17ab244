"""The outcomes section of `pni status` (called by ``pni.status``)."""

from __future__ import annotations

from typing import Any

from pni.store import Store
from pni.store.outcomes import outcome_summary


def section(db: Store) -> dict[str, Any] | None:
    """Outcomes by session and kind, and how many records were rejected; None when none yet."""
    if db.scalar("SELECT 1 FROM sqlite_master WHERE type='table' AND name='outcomes'") is None:
        return None
    rows = outcome_summary(db)
    rejected = int(db.scalar("SELECT count(*) FROM outcome_rejects") or 0)
    if not rows and not rejected:
        return None
    table = [[r["session"] or "-", r["kind"], r["n"], r["groups"]] for r in rows]
    if rejected:
        table.append(["(rejected records)", "", rejected, ""])
    return {"title": "Outcomes recorded", "columns": ["session", "kind", "outcomes", "groups"],
            "rows": table, "total": sum(r["n"] for r in rows), "rejected": rejected}
