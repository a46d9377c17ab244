"""The outcomes section of `pni status` (called by ``pni.status``)."""

from __future__ import annotations

from typing import Any

from pni.store import Store
from pni.store.outcomes import count_outcome_rejects


def section(db: Store) -> dict[str, Any] | None:
    """What sessions made, by session, section and type, and how many records were rejected;
    None when nothing is recorded yet."""
    if not db.has_table("outcomes"):
        return None
    from pni.store.outcomes import list_outcomes

    counts: dict[tuple[str, str, str], list[str | None]] = {}
    for o in list_outcomes(db):
        key = (o.session or "-", o.section or "outcome", o.type)
        counts.setdefault(key, []).append(o.group)
    rejected = count_outcome_rejects(db)
    if not counts and not rejected:
        return None
    table = [[s, sec, t, len(groups), len({g for g in groups if g})]
             for (s, sec, t), groups in counts.items()]
    if rejected:
        table.append(["(rejected records)", "", "", rejected, ""])
    return {"title": "Recorded from sessions", "columns": ["session", "section", "type",
                                                           "records", "groups"],
            "rows": table, "total": sum(len(g) for g in counts.values()), "rejected": rejected}
