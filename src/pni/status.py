"""A summary of a store for `pni status`. Each stage adds its own section when its tables exist."""

from __future__ import annotations

from typing import Any

from pni.store import Store

_COUNTED = ["stories", "tellers", "collections", "questions", "answers", "imports", "rejects"]


def summarize(db: Store) -> dict[str, Any]:
    counts = db.table_counts()
    info: dict[str, Any] = {
        "store": str(db.path) if db.path else ":memory:",
        "migrations": db.applied_migrations(),
        "counts": {k: counts[k] for k in _COUNTED if k in counts}
        | {k: v for k, v in counts.items() if k not in _COUNTED and k not in ("meta", "migrations")},
        "sections": [],
    }
    from pni.store.stories import collection_summary

    rows = collection_summary(db)
    info["collections"] = rows
    if rows:
        info["sections"].append({
            "title": "Stories by collection",
            "columns": ["collection", "kind", "stories", "consent no"],
            "rows": [[r["collection"], r["kind"], r["stories"], r["consent_no"]] for r in rows],
        })
    info["sections"].append(_policy(db))
    for extra in _extra_sections():
        section = extra(db)
        if section:
            info["sections"].append(section)
    return info


def _policy(db: Store) -> dict[str, Any]:
    """The project's privacy policy (``pni.toml``) and how many names the store knows."""
    from pni.privacy.policy import project_settings
    from pni.store.names import count_names

    s = project_settings(db)
    known = sum(count_names(db).values())
    rows = [*s.describe(), ["known name entries (hashed)", str(known)]]
    return {"title": f"Privacy policy ({s.path or 'defaults'})", "columns": ["setting", "value"],
            "rows": rows}


def _extra_sections() -> list[Any]:
    """Sections from later stages (runs, outcomes), found by name so this module stays small."""
    from importlib import import_module

    out = []
    for mod_name in ("pni.cluster.status", "pni.record.status"):
        try:
            mod = import_module(mod_name)
        except ModuleNotFoundError:
            continue
        out.append(mod.section)
    return out
