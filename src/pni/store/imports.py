"""Queries for imports (one file read by `pni collect` or `pni annotate`) and for undoing one.

Removing a collect import deletes the stories it stored with their answers, the tellers and
inferred questions left with nothing, the cached vectors of texts no other story holds and its
rejects; runs that included its stories are marked stale. Removing an annotate import deletes the
answers it added and restores those it replaced. The import's row stays, marked removed, with
what the removal did. None of these functions commits: callers own the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from pni.errors import NotFoundError
from pni.models import COMPOSITE
from pni.store import derived
from pni.store.db import Store, dumps, loads
from pni.store.records import Import, ImportedStory
from pni.store.stories import now


@dataclass
class Removal:
    """What removing one import did (or, for an import already removed, did back then)."""

    import_id: int
    file: str
    kind: str
    already: bool = False
    stories: int = 0
    story_answers: int = 0
    annotations: int = 0  # of story_answers: added to these stories by `pni annotate`
    tellers: int = 0
    teller_answers: int = 0
    questions: int = 0
    collections: int = 0
    vectors: int = 0
    rejects: int = 0
    outcome_links: int = 0
    answers: int = 0  # annotate: answers it had added
    restored: int = 0  # annotate: answers it had replaced, put back
    stale_runs: dict[int, int] = field(default_factory=dict)  # run id -> its stories removed

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["stale_runs"] = {str(k): v for k, v in self.stale_runs.items()}
        return d


def _ids(values: Iterable[Any]) -> str:
    """A JSON array for ``db.dialect.in_ids()``: any number of ids, one parameter."""
    return json.dumps(list(values))


_IMPORT_SQL = (
    "SELECT i.*, CASE i.kind"
    " WHEN 'collect' THEN (SELECT count(*) FROM stories s WHERE s.import_id = i.id)"
    " ELSE (SELECT count(*) FROM answers a WHERE a.import_id = i.id) END AS held"
    " FROM imports i"
)


def list_imports(db: Store, *, include_removed: bool = True) -> list[Import]:
    """Every import, oldest first, with ``held``: the stories (collect) or answers (annotate)
    the store still holds from it."""
    sql = _IMPORT_SQL + ("" if include_removed else " WHERE i.removed_at IS NULL")
    return [Import.from_row(r) for r in db.query(sql + " ORDER BY i.id")]


def get_import(db: Store, import_id: int) -> Import:
    r = db.one(_IMPORT_SQL + " WHERE i.id = ?", (import_id,))
    if r is None:
        raise NotFoundError(f"no import with id {import_id} (see `pni imports list`)")
    return Import.from_row(r)


def set_counts(db: Store, import_id: int, counts: dict[str, int]) -> None:
    db.execute("UPDATE imports SET counts = ? WHERE id = ?", (dumps(counts), import_id))


def current_imports_of(db: Store, file: str, kind: str = "collect") -> list[int]:
    """Imports of ``file`` (as the store names it) not removed yet, oldest first."""
    return [r[0] for r in db.execute(
        "SELECT id FROM imports WHERE file = ? AND kind = ? AND removed_at IS NULL ORDER BY id",
        (file, kind))]


def stories_of(db: Store, import_ids: Iterable[int]) -> list[ImportedStory]:
    """The stories these imports stored, in insertion order."""
    return [ImportedStory.from_row(r) for r in db.query(
        "SELECT s.id, s.content_hash, s.source_id, c.name AS collection FROM stories s"
        " LEFT JOIN collections c ON c.id = s.collection_id"
        f" WHERE s.import_id {db.dialect.in_ids('int')} ORDER BY s.rowid",
        (_ids(import_ids),))]


def remove_import(db: Store, import_id: int, text_hash: Callable[[str], str]) -> Removal:
    """Undo one import (see the module's docstring). Idempotent: an import already removed is
    left alone and its earlier removal returned with ``already=True``. ``text_hash`` is the
    embedding cache's hash of a text, so the vectors of removed texts can be found."""
    imp = get_import(db, import_id)
    if imp.removed_at is not None:
        known = {k: v for k, v in imp.removal.items() if k in Removal.__dataclass_fields__}
        known["stale_runs"] = {int(k): v for k, v in known.get("stale_runs", {}).items()}
        known.update(import_id=import_id, file=imp.file, kind=imp.kind, already=True)
        return Removal(**known)
    rm = Removal(import_id=import_id, file=imp.file, kind=imp.kind)
    if imp.kind == "annotate":
        _remove_annotations(db, rm)
    else:
        _remove_stories(db, rm, text_hash)
    rm.rejects = db.execute("DELETE FROM rejects WHERE import_id = ?", (import_id,)).rowcount
    db.execute("UPDATE imports SET removed_at = ?, removal = ? WHERE id = ?",
               (now(), dumps(rm.as_json()), import_id))
    return rm


def _remove_stories(db: Store, rm: Removal, text_hash: Callable[[str], str]) -> None:
    rows = db.query("SELECT id, text, teller_id, collection_id FROM stories WHERE import_id = ?",
                    (rm.import_id,))
    rm.stories = len(rows)
    if not rows:
        return
    ids = _ids(r["id"] for r in rows)
    inside = db.dialect.in_ids()
    rm.stale_runs = {int(r[0]): int(r[1]) for r in db.execute(
        f"SELECT run_id, count(*) FROM assignments WHERE story_id {inside} GROUP BY run_id"
        " ORDER BY run_id", (ids,))}
    rm.outcome_links = int(db.scalar(
        f"SELECT count(*) FROM outcome_stories WHERE story_id {inside}", (ids,)))
    rm.story_answers, rm.annotations = (int(v or 0) for v in db.execute(
        "SELECT count(*), sum(CASE WHEN import_id IS NOT NULL THEN 1 ELSE 0 END) FROM answers"
        f" WHERE story_id {inside}",
        (ids,)).fetchone())
    answered = [r[0] for r in db.execute(
        f"SELECT DISTINCT question_id FROM answers WHERE story_id {inside}", (ids,))]
    db.execute(f"DELETE FROM stories WHERE id {inside}", (ids,))
    derived.clear(db)  # nothing computed from a withdrawn story stays behind
    for run_id, n in rm.stale_runs.items():
        note = f"import {rm.import_id} ({rm.file}) removed {n} of its stories on {now()}"
        db.execute("UPDATE runs SET stale = COALESCE(stale || '; ', '') || ? WHERE id = ?",
                   (note, run_id))
    tellers = _ids({r["teller_id"] for r in rows if r["teller_id"]})
    orphan = (f"id {inside} AND NOT EXISTS"
              " (SELECT 1 FROM stories s WHERE s.teller_id = tellers.id)")
    rm.teller_answers = int(db.scalar(
        f"SELECT count(*) FROM answers WHERE teller_id IN (SELECT id FROM tellers WHERE {orphan})",
        (tellers,)))
    rm.tellers = db.execute(f"DELETE FROM tellers WHERE {orphan}", (tellers,)).rowcount
    rm.questions = _drop_unanswered(db, answered, inferred_only=True)
    rm.collections = db.execute(
        f"DELETE FROM collections WHERE id {db.dialect.in_ids('int')} AND NOT EXISTS"
        " (SELECT 1 FROM stories s WHERE s.collection_id = collections.id)",
        (_ids({r["collection_id"] for r in rows if r["collection_id"] is not None}),)).rowcount
    gone = {text_hash(r["text"]) for r in rows}
    for (text,) in db.execute("SELECT text FROM stories"):
        if not gone:
            break
        gone.discard(text_hash(text))
    if gone:
        rm.vectors = db.execute(
            f"DELETE FROM embeddings WHERE text_hash {inside}",
            (_ids(sorted(gone)),)).rowcount


def _remove_annotations(db: Store, rm: Removal) -> None:
    answered = [r[0] for r in db.execute(
        "SELECT DISTINCT question_id FROM answers WHERE import_id = ?", (rm.import_id,))]
    rm.answers = db.execute("DELETE FROM answers WHERE import_id = ?", (rm.import_id,)).rowcount
    rm.restored = db.execute(
        "INSERT INTO answers(story_id, question_id, value, import_id)"
        " SELECT r.story_id, r.question_id, r.value, r.was_import FROM replaced_answers r"
        " LEFT JOIN imports w ON w.id = r.was_import"
        " WHERE r.import_id = ? AND w.removed_at IS NULL AND NOT EXISTS (SELECT 1 FROM answers a"
        "  WHERE a.story_id = r.story_id AND a.question_id = r.question_id)",
        (rm.import_id,)).rowcount
    db.execute("DELETE FROM replaced_answers WHERE import_id = ?", (rm.import_id,))
    rm.questions = _drop_unanswered(db, answered, inferred_only=False, about="annotation")


def _drop_unanswered(db: Store, question_ids: list[str], *, inferred_only: bool,
                     about: str | None = None) -> int:
    """Delete those of ``question_ids`` nothing answers any more (inferred ones only, or those
    ``about`` annotations): questions a removed import brought, not a form's declarations."""
    cond = "inferred = 1" if inferred_only else "about = ?"
    params: list[Any] = [_ids(question_ids)] + ([] if inferred_only else [about])
    return db.execute(
        f"DELETE FROM questions WHERE id {db.dialect.in_ids()} AND {cond}"
        " AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.question_id = questions.id)"
        " AND NOT EXISTS (SELECT 1 FROM replaced_answers r WHERE r.question_id = questions.id)",
        params).rowcount


# -- answers for `pni annotate` -----------------------------------------------------------------
def story_refs(db: Store, collection: str | None = None) -> tuple[set[str], dict[str, list[str]]]:
    """Every story id, and ``source id -> story ids`` (in one collection, or in all)."""
    ids = {r[0] for r in db.execute("SELECT id FROM stories")}
    sql = ("SELECT s.source_id, s.id FROM stories s LEFT JOIN collections c"
           " ON c.id = s.collection_id WHERE s.source_id IS NOT NULL")
    params: tuple[Any, ...] = ()
    if collection is not None:
        sql += " AND c.name = ?"
        params = (collection,)
    by_source: dict[str, list[str]] = {}
    for sid, story in db.execute(sql + " ORDER BY s.rowid", params):
        by_source.setdefault(sid, []).append(story)
    return ids, by_source


def story_texts(db: Store, collection: str | None = None) -> list[tuple[str, str, str | None]]:
    """``(story id, text, title)`` of every raw story (in one collection, or in all): what is
    embedded and clustered (never the composite stories groups wrote)."""
    sql = ("SELECT s.id, s.text, s.title FROM stories s LEFT JOIN collections c"
           f" ON c.id = s.collection_id WHERE s.source_kind <> '{COMPOSITE}'")
    params: tuple[Any, ...] = ()
    if collection is not None:
        sql += " AND c.name = ?"
        params = (collection,)
    return [(r[0], r[1], r[2]) for r in db.execute(sql + " ORDER BY s.rowid", params)]


def story_answers_of(db: Store, story_ids: Iterable[str]) -> dict[tuple[str, str], Any]:
    """``(story id, question id) -> value`` of the stories' answers, in the order written."""
    return {(r[0], r[1]): loads(r[2]) for r in db.execute(
        "SELECT story_id, question_id, value FROM answers"
        f" WHERE story_id {db.dialect.in_ids()} ORDER BY id", (_ids(story_ids),))}


def add_annotations(db: Store, import_id: int, added: list[tuple[str, str, Any]],
                    replaced: list[tuple[str, str, Any]]) -> None:
    """Write ``(story id, question id, value)`` answers of an annotate import: ``added`` are new;
    ``replaced`` overwrite an answer, whose earlier value is kept for `pni imports remove`."""
    db.executemany(
        "INSERT INTO answers(story_id, question_id, value, import_id) VALUES (?,?,?,?)",
        [(s, qid, dumps(v), import_id) for s, qid, v in added])
    db.executemany(
        "INSERT INTO replaced_answers(import_id, story_id, question_id, value,"
        " was_import) SELECT ?, story_id, question_id, value, import_id FROM answers"
        " WHERE story_id = ? AND question_id = ? ON CONFLICT DO NOTHING",
        [(import_id, s, qid) for s, qid, _ in replaced])
    db.executemany(
        "UPDATE answers SET value = ?, import_id = ? WHERE story_id = ? AND question_id = ?",
        [(dumps(v), import_id, s, qid) for s, qid, v in replaced])
