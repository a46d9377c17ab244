"""The cluster section of `pni status`: the latest runs."""

from __future__ import annotations

from typing import Any

from pni.store import Store

SHOWN = 5


def section(db: Store) -> dict[str, Any] | None:
    """The latest runs (newest first), or None when there is none."""
    from pni.store.runs import list_runs

    rows = list_runs(db, latest=SHOWN)
    if not rows:
        return None
    out = []
    for r in rows:
        m = r.metrics
        cov = r.coverage
        kind = r.kind + (f" of {r.parent_run}" if r.parent_run else "")
        out.append([r.id, kind + (" (stale)" if r.stale else ""),
                    r.created_at, r.n_stories, r.n_patterns,
                    "" if cov is None else f"{cov:.0%}",
                    "" if m.get("validity") is None else f"{m['validity']:.2f}"])
    return {"title": "Cluster runs (latest first)",
            "columns": ["run", "kind", "created", "stories", "patterns", "coverage", "validity"],
            "rows": out}
