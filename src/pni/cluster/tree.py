"""The pattern tree of a run: themes -> patterns -> sub-patterns (``pni patterns tree``).

A run with fewer than four patterns has no themes; each pattern is then its own theme, so the
tree always has three levels to walk.
"""

from __future__ import annotations

from typing import Any

from pni.store import Store
from pni.store import runs as runq


def pattern_tree(db: Store, run_id: int | None = None) -> dict[str, Any]:
    """``{"run_id", "n_stories", "n_patterns", "n_subpatterns", "n_unclustered", "themes": [
    {"number", "title", "keywords", "size", "patterns": [{"id", "number", "title", "keywords",
    "size", "stability", "n_loose", "subpatterns": [{"number", "title", "keywords", "size"}]}]}]}``
    for ``run_id`` (default: the latest run)."""
    run_id = runq.resolve_run(db, run_id)
    run = runq.get_run(db, run_id)
    pats = runq.list_patterns(db, run_id)
    themes = runq.list_levels(db, run_id, "theme")
    subs = runq.list_levels(db, run_id, "sub")
    by_parent: dict[int, list[dict[str, Any]]] = {}
    for sp in subs:
        if sp.parent is not None:
            by_parent.setdefault(sp.parent, []).append(
                {"number": sp.number, "title": sp.title, "keywords": sp.keywords,
                 "size": sp.size})
    nodes = {p.number: {"id": p.id, "number": p.number, "title": p.title,
                        "keywords": p.keywords, "size": p.size, "stability": p.stability,
                        "n_loose": p.n_loose, "subpatterns": by_parent.get(p.number, [])}
             for p in pats}
    if themes:
        out = [{"number": t.number, "title": t.title, "keywords": t.keywords,
                "size": t.size, "patterns": [nodes[n] for n in t.patterns if n in nodes]}
               for t in themes]
    else:
        out = [{"number": n["number"], "title": n["title"], "keywords": n["keywords"],
                "size": n["size"], "patterns": [n]} for n in nodes.values()]
    clustered = sum(p.size for p in pats)
    return {"run_id": run_id, "n_stories": run.n_stories, "n_patterns": len(pats),
            "n_subpatterns": len(subs), "n_unclustered": run.n_stories - clustered,
            "themes": out}
