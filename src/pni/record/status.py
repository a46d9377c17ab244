"""The outcomes section of `pni status` (called by ``pni.status``)."""

from __future__ import annotations

from typing import Any

from pni.store import Store
from pni.store.outcomes import count_outcome_rejects, outcome_summary


def section(db: Store) -> dict[str, Any] | None:
    """Outcomes by session and kind, and how many records were rejected; None when none yet."""
    if not db.has_table("outcomes"):
        return None
    rows = outcome_summary(db)
    rejected = count_outcome_rejects(db)
    if not rows and not rejected:
        return None
    table = [[r["session"] or "-", r["kind"], r["n"], r["groups"]] for r in rows]
    if rejected:
        table.append(["(rejected records)", "", rejected, ""])
    return {"title": "Outcomes recorded", "columns": ["session", "kind", "outcomes", "groups"],
            "rows": table, "total": sum(r["n"] for r in rows), "rejected": rejected}
