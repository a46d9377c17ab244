"""Queries for catalysis results (tables from migration 0003): each `pni explore` call is an
exploration; its observations are stored ranked so `pni packet` can print them.

>>> from pni.store import Store
>>> with Store.open(":memory:") as db:
...     list_observations(db, None)
[]
"""

from __future__ import annotations

from typing import Any

from pni.store.db import Store, dumps
from pni.store.records import Exploration, StoredObservation

OBSERVATION_KEYS = ("rank", "lens", "kind", "text", "numbers", "story_ids", "interpretations",
                    "q", "effect", "effect_name")


def save_observations(
    db: Store,
    run_id: int | None,
    observations: list[dict[str, Any]],
    *,
    params: dict[str, Any] | None = None,
    n_stories: int = 0,
    n_tests: int = 0,
) -> int:
    """Store one exploration and its observations atomically; returns the exploration id.

    Each observation is a dict with the keys of ``OBSERVATION_KEYS`` (``rank`` defaults to its
    position, 1-based). Earlier explorations are kept; ``list_observations`` reads the latest.
    """
    with db.transaction():
        eid = int(db.insert(
            "INSERT INTO explorations(run_id, params, n_stories, n_tests, n_observations)"
            " VALUES (?,?,?,?,?)",
            (run_id, dumps(params or {}), n_stories, n_tests, len(observations))) or 0)
        db.executemany(
            "INSERT INTO observations(exploration_id, rank, lens, kind, text, numbers, story_ids,"
            " interpretations, q, effect, effect_name) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (eid, int(o.get("rank") or i + 1), o["lens"], o["kind"], o["text"],
                 dumps(o.get("numbers", {})), dumps(list(o.get("story_ids", []))),
                 dumps(list(o.get("interpretations", []))), o.get("q"), o.get("effect"),
                 o.get("effect_name"))
                for i, o in enumerate(observations)
            ],
        )
    return eid


def latest_exploration(db: Store, run_id: int | None) -> Exploration | None:
    """The latest exploration of a run (``None``: of the answers alone, without a run)."""
    if run_id is None:
        row = db.one("SELECT * FROM explorations WHERE run_id IS NULL ORDER BY id DESC LIMIT 1")
    else:
        row = db.one("SELECT * FROM explorations WHERE run_id = ? ORDER BY id DESC LIMIT 1",
                     (run_id,))
    return None if row is None else Exploration.from_row(row)


def list_observations(db: Store, run_id: int | None) -> list[StoredObservation]:
    """The observations of the latest exploration of ``run_id``, ranked; ``[]`` if none yet."""
    ex = latest_exploration(db, run_id)
    if ex is None:
        return []
    return [StoredObservation.from_row(r) for r in db.query(
        "SELECT * FROM observations WHERE exploration_id = ? ORDER BY rank", (ex.id,))]
