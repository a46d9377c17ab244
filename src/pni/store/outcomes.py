"""Queries for sensemaking outcomes (tables from migration 0004), written by `pni record`."""

from __future__ import annotations

from typing import Any

from pni.store.db import Store, dumps
from pni.store.records import Outcome, OutcomeCount, OutcomeReject


def insert_outcome(db: Store, rec: dict[str, Any]) -> bool:
    """Store one outcome with its story and pattern links. ``False``: it was already recorded."""
    oid = db.insert(
        "INSERT INTO outcomes(key, session, group_name, exercise, kind, text, source_file,"
        " source_line, section, type, name, why, said, detail)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO NOTHING",
        (rec["key"], rec.get("session"), rec.get("group"), rec.get("exercise"), rec["kind"],
         rec["text"], rec["file"], rec.get("line"), rec.get("section") or "outcome",
         rec.get("type") or rec["kind"], rec.get("name"), rec.get("why"), rec.get("said"),
         dumps(rec.get("detail") or {})),
    )
    if oid is None:
        return False
    db.executemany("INSERT INTO outcome_stories(outcome_id, story_id) VALUES (?,?)"
                   " ON CONFLICT DO NOTHING", [(oid, s) for s in rec.get("story_ids", [])])
    db.executemany("INSERT INTO outcome_patterns(outcome_id, pattern_id) VALUES (?,?)"
                   " ON CONFLICT DO NOTHING", [(oid, p) for p in rec.get("pattern_ids", [])])
    return True


def outcome_exists(db: Store, key: str) -> bool:
    return db.scalar("SELECT 1 FROM outcomes WHERE key = ?", (key,)) is not None


def add_outcome_reject(db: Store, file: str, line: int | None, reason: str,
                       raw: str | None) -> None:
    db.execute(
        "INSERT INTO outcome_rejects(file, line, reason, raw) VALUES (?,?,?,?)"
        " ON CONFLICT (file, COALESCE(line, -1), reason) DO UPDATE SET raw = excluded.raw",
        (file, line, reason, raw),
    )


def list_outcomes(db: Store, *, session: str | None = None) -> list[Outcome]:
    """Session records in recording order (outcomes and, by ``section``, resonant stories and
    patterns, constructions, reflections, session notes), each with the stories and patterns
    it links, in the order written."""
    sql = "SELECT * FROM outcomes" + (" WHERE session = ?" if session else "") + " ORDER BY id"
    rows = db.query(sql, (session,) if session else ())
    links_s: dict[int, list[str]] = {}
    for r in db.query("SELECT outcome_id, story_id FROM outcome_stories ORDER BY rowid"):
        links_s.setdefault(int(r["outcome_id"]), []).append(r["story_id"])
    links_p: dict[int, list[int]] = {}
    for r in db.query("SELECT outcome_id, pattern_id FROM outcome_patterns ORDER BY rowid"):
        links_p.setdefault(int(r["outcome_id"]), []).append(int(r["pattern_id"]))
    return [Outcome.from_row(r, links_s.get(int(r["id"]), []), links_p.get(int(r["id"]), []))
            for r in rows]


def list_outcome_rejects(db: Store) -> list[OutcomeReject]:
    return [OutcomeReject.from_row(r) for r in db.query(
        "SELECT file, line, reason, raw FROM outcome_rejects ORDER BY id")]


def count_outcome_rejects(db: Store) -> int:
    return int(db.scalar("SELECT count(*) FROM outcome_rejects") or 0)


def outcome_summary(db: Store) -> list[OutcomeCount]:
    return [OutcomeCount.from_row(r) for r in db.query(
        "SELECT COALESCE(session, '') AS session, kind, count(*) AS n,"
        " count(DISTINCT group_name) AS groups FROM outcomes GROUP BY 1, 2 ORDER BY 1, 2")]
