"""A summary of a store for `pni status`. Each stage adds its own section when its tables exist."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pni.store import Store

if TYPE_CHECKING:
    from pni.store.records import Outcome

_COUNTED = ["stories", "tellers", "collections", "questions", "answers", "imports", "rejects"]


def summarize(db: Store) -> dict[str, Any]:
    """The project's state for a person (``state``: sentences; ``next``: what to do next) and
    for scripts (``counts`` per table, ``collections``, ``sections``). Counts of tellers grouped
    by an answer (consent "no") pass the small-cell rule through the gate."""
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
    info["collections"] = [{"collection": r.collection, "kind": r.kind, "stories": r.stories}
                           for r in rows]
    if rows:
        info["sections"].append({
            "title": "Stories by collection",
            "columns": ["collection", "kind", "stories"],
            "rows": [[r.collection, r.kind, r.stories] for r in rows],
        })
    info["sections"].append(_policy(db))
    for extra in _extra_sections():
        section = extra(db)
        if section:
            info["sections"].append(section)
    info["state"], info["next"] = _state(db, counts, counts.get("collections", 0))
    return info


def _state(db: Store, counts: dict[str, int], n_collections: int) -> tuple[list[str], list[str]]:
    """Sentences on where the project stands, and the next steps in the PNI cycle."""
    from pni.privacy.gate import Gate
    from pni.store import runs as runq
    from pni.store.stories import count_stories

    stories = count_stories(db) if counts.get("stories") else 0  # raw stories, not composites
    if not stories:
        return (["No stories yet."],
                ["Collect fieldwork files: pni collect FOLDER (story forms, transcripts, "
                 "survey exports)."])
    gate = Gate.open(db)
    release = gate.stories(with_answers=False)
    state = [f"{stories} stories from {counts.get('tellers', 0)} tellers in {n_collections} "
             f"collection(s); {gate.withheld_summary(release)}"]
    nxt: list[str] = []
    run_id = runq.latest_run_id(db, kind=None)
    if run_id is None:
        nxt.append("Find candidate patterns: pni cluster")
        return state, nxt
    run = runq.get_run(db, run_id)
    cov = "" if run.coverage is None else f", {run.coverage:.0%} of its stories in one"
    state.append(f"Cluster run {run_id} ({run.created_at[:10]}): {run.n_patterns} "
                 f"candidate patterns{cov}.")
    if run.n_stories < stories:
        nxt.append(f"{stories - run.n_stories} stories came after run {run_id}: "
                   "pni cluster again to place them.")
    from pni.store.observations import latest_exploration

    ex = latest_exploration(db, run_id)
    if ex is None:
        nxt.append("Explore the patterns against the tellers' answers: pni explore --html "
                   "report.html")
    else:
        state.append(f"Explored {ex.created_at[:10]}: "
                     f"{counts.get('observations', 0)} observations stored.")
    records = _sessions(db)
    if not records:
        nxt.append("Print packets for the room: pni packet -o packets/ (a facilitator file and "
                   "one packet per small group, with capture.csv beside them)")
        nxt.append("After the session: pni record packets/capture.csv")
    else:
        state += records
        composites = count_stories(db, composite=True)
        if composites:
            state.append(f"{composites} composite stor{'y' if composites == 1 else 'ies'} "
                         "written in sessions: pni stories list --kind composite")
        nxt.append("Share what the room made: the report (pni explore --html report.html) shows "
                   "every recorded session; record later sessions with pni record FILE.")
    return state, nxt


def _sessions(db: Store) -> list[str]:
    """One sentence per recorded session: groups and what they made."""
    if not db.has_table("outcomes"):
        return []
    from pni.store.outcomes import list_outcomes

    by: dict[str, list[Outcome]] = {}
    for o in list_outcomes(db):
        by.setdefault(o.session or "(no session named)", []).append(o)
    out = []
    for session, recs in by.items():
        groups = {o.group for o in recs if o.group}
        parts: dict[str, int] = {}
        for o in recs:
            parts[o.section or "outcome"] = parts.get(o.section or "outcome", 0) + 1
        what = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in parts.items())
        out.append(f"Session {session}: {len(groups)} group(s); {what} recorded.")
    return out


def _policy(db: Store) -> dict[str, Any]:
    """The project's privacy policy (``pni.toml``) and how many names the store knows."""
    from pni.privacy.policy import project_settings, stored_policy
    from pni.store.names import count_names

    s = project_settings(db)
    known = sum(count_names(db).values())
    rows = [*s.describe(), ["known name entries (hashed)", str(known)]]
    kept = " held to the store's shared policy (pni store policy)" if stored_policy(db) else ""
    return {"title": f"Privacy policy ({s.path or 'defaults'}{kept})",
            "columns": ["setting", "value"], "rows": rows}


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
