"""Queries for cluster runs, patterns, assignments (migration 0002) and the pattern levels,
stability and loose flags (migration 0010)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pni.errors import NotFoundError
from pni.store.db import Store, dumps
from pni.store.records import Assignment, Level, Pattern, Run


def save_run(
    db: Store,
    *,
    params: dict[str, Any],
    seed: int | None,
    versions: dict[str, Any],
    timings: dict[str, float],
    metrics: dict[str, Any],
    patterns: list[dict[str, Any]],
    assignments: list[dict[str, Any]],
    kind: str = "cluster",
    parent_run: int | None = None,
    levels: Sequence[dict[str, Any]] = (),
) -> int:
    """Store one run atomically. ``patterns``: dicts with number, title, keywords, size, exemplars,
    teller_mix, centroid (array or None) and optionally stability, theme, n_loose.
    ``assignments``: dicts with story_id, pattern (number or None), strength, assigned, x, y and
    optionally loose, sub. ``levels``: themes and sub-patterns, dicts with level ('theme' or
    'sub'), number, parent, title, keywords, size, patterns. Returns the run id."""
    with db.transaction():
        n_stories = len(assignments)
        clustered = sum(1 for a in assignments if a.get("pattern") is not None)
        run_id = int(db.insert(
            "INSERT INTO runs(kind, parent_run, seed, params, versions, timings, metrics,"
            " n_stories, n_patterns, coverage) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (kind, parent_run, seed, dumps(params), dumps(versions), dumps(timings),
             dumps(metrics), n_stories, len(patterns),
             (clustered / n_stories) if n_stories else None),
        ) or 0)
        ids: dict[int, int] = {}
        for p in patterns:
            c = p.get("centroid")
            blob = None if c is None else np.asarray(c, dtype="<f4").tobytes()
            ids[p["number"]] = int(db.insert(
                "INSERT INTO patterns(run_id, number, title, keywords, size, exemplars,"
                " teller_mix, centroid, stability, theme, n_loose) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (run_id, p["number"], p["title"], dumps(p.get("keywords", [])), p["size"],
                 dumps(p.get("exemplars", [])), dumps(p.get("teller_mix", {})), blob,
                 p.get("stability"), p.get("theme"), int(p.get("n_loose") or 0)),
            ) or 0)
        db.executemany(
            "INSERT INTO assignments(run_id, story_id, pattern_id, strength, assigned, x, y,"
            " loose, sub) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (run_id, a["story_id"],
                 None if a.get("pattern") is None else ids[a["pattern"]],
                 a.get("strength"), int(bool(a.get("assigned"))), a.get("x"), a.get("y"),
                 int(bool(a.get("loose"))), a.get("sub"))
                for a in assignments
            ],
        )
        db.executemany(
            "INSERT INTO pattern_levels(run_id, level, number, parent, title, keywords, size,"
            " patterns) VALUES (?,?,?,?,?,?,?,?)",
            [(run_id, g["level"], g["number"], g.get("parent"), g["title"],
              dumps(g.get("keywords", [])), g["size"], dumps(g.get("patterns", [])))
             for g in levels],
        )
    return run_id


def latest_run_id(db: Store, kind: str | None = "cluster") -> int | None:
    sql = "SELECT max(id) FROM runs" + (" WHERE kind = ?" if kind else "")
    v = db.scalar(sql, (kind,) if kind else ())
    return None if v is None else int(v)


def resolve_run(db: Store, run_id: int | None) -> int:
    """The given run id, checked, or the latest run; raises NotFoundError when there is none."""
    if run_id is None:
        latest = latest_run_id(db, kind=None)
        if latest is None:
            raise NotFoundError("no cluster run yet: run `pni cluster` first")
        return latest
    if db.scalar("SELECT 1 FROM runs WHERE id = ?", (run_id,)) is None:
        raise NotFoundError(f"no run with id {run_id}")
    return run_id


def get_run(db: Store, run_id: int) -> Run:
    r = db.one("SELECT * FROM runs WHERE id = ?", (run_id,))
    if r is None:
        raise NotFoundError(f"no run with id {run_id}")
    return Run.from_row(r)


def list_runs(db: Store, *, latest: int | None = None) -> list[Run]:
    """Every run, oldest first; ``latest=N``: the N newest, newest first."""
    if latest is not None:
        return [Run.from_row(r) for r in db.query("SELECT * FROM runs ORDER BY id DESC LIMIT ?",
                                                  (latest,))]
    return [Run.from_row(r) for r in db.query("SELECT * FROM runs ORDER BY id")]


def pattern_ids(db: Store) -> set[int]:
    """The id of every pattern of every run."""
    return {int(r["id"]) for r in db.query("SELECT id FROM patterns")}


def list_patterns(db: Store, run_id: int) -> list[Pattern]:
    """The patterns of a run, by number."""
    return [Pattern.from_row(r) for r in db.query(
        "SELECT * FROM patterns WHERE run_id = ? ORDER BY number", (run_id,))]


def get_pattern(db: Store, pattern_id: int) -> Pattern:
    r = db.one("SELECT * FROM patterns WHERE id = ?", (pattern_id,))
    if r is None:
        raise NotFoundError(f"no pattern with id {pattern_id}")
    return Pattern.from_row(r)


def list_assignments(db: Store, run_id: int) -> list[Assignment]:
    """Every story of the run with the source's own id (to join back to the researcher's
    spreadsheet), its pattern id (None: unclustered), strength and map position."""
    return [Assignment.from_row(r) for r in db.query(
        "SELECT a.story_id, s.source_id, a.pattern_id, p.number AS pattern_number,"
        " p.title AS pattern_title, a.strength, a.assigned, a.loose, a.sub, a.x, a.y"
        " FROM assignments a"
        " LEFT JOIN patterns p ON p.id = a.pattern_id LEFT JOIN stories s ON s.id = a.story_id"
        " WHERE a.run_id = ? ORDER BY a.rowid",
        (run_id,),
    )]


def pattern_members(db: Store, pattern_id: int) -> tuple[int, int]:
    """How many stories a pattern holds, and how many of them were attached after clustering."""
    r = db.one("SELECT count(*) AS n, sum(assigned) AS assigned FROM assignments"
               " WHERE pattern_id = ?", (pattern_id,))
    return (int(r["n"]), int(r["assigned"] or 0)) if r else (0, 0)


def list_levels(db: Store, run_id: int, level: str) -> list[Level]:
    """The themes (``level="theme"``) or sub-patterns (``"sub"``) of a run, by number."""
    return [Level.from_row(r) for r in db.query(
        "SELECT number, parent, title, keywords, size, patterns FROM pattern_levels"
        " WHERE run_id = ? AND level = ? ORDER BY number", (run_id, level))]

