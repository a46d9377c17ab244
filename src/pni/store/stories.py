"""Queries for the foundation tables: collections, tellers, questions, stories, answers,
imports and rejects. Every function takes a ``Store``; none commits (callers own transactions)."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pni.errors import NotFoundError
from pni.models import COMPOSITE, ImportRecord, Provenance, Question, Reject, Story
from pni.store.db import Store, dumps, loads
from pni.store.records import CollectionCount


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_text(text: str) -> str:
    """Unicode NFC and collapsed white space: what two copies of one story share."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_hash(text: str, teller_key: str | None = None, prompt: str | None = None,
                 record: str | None = None) -> str:
    """The identity of a story: its normalized text, who told it and what prompt it answered;
    for a record whose teller is unknown, also what makes the record itself (``record``: a
    response id or the row's cells), so two anonymous respondents who wrote the same words are
    two stories."""
    h = hashlib.sha256()
    for part in (normalize_text(text), normalize_text(teller_key or "").casefold(),
                 normalize_text(prompt or "")):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    if record is not None:
        h.update(b"record\x1f" + record.encode("utf-8"))
    return h.hexdigest()


def story_id_for(hash_: str) -> str:
    """Stable story id derived from the content hash: the same story gets the same id anywhere."""
    return "S-" + hash_[:10]


# -- collections and tellers ------------------------------------------------------------------
def ensure_collection(db: Store, name: str, description: str | None = None) -> int:
    row = db.one("SELECT id FROM collections WHERE name = ?", (name,))
    if row:
        return int(row["id"])
    return int(db.insert(
        "INSERT INTO collections(name, description) VALUES (?, ?)", (name, description)) or 0)


def teller_id_for(db: Store, key: str) -> str:
    """A stable pseudonym for a teller key (a name or a source's teller id), salted per store."""
    norm = normalize_text(key).casefold().encode("utf-8")
    digest = hmac.new(db.secret().encode(), norm, hashlib.sha256).hexdigest()
    return "T-" + digest[:8]


def ensure_teller(db: Store, teller_id: str, name: str | None = None) -> None:
    db.execute(
        "INSERT INTO tellers(id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE"
        " SET name = COALESCE(excluded.name, tellers.name)",
        (teller_id, name),
    )


# -- questions --------------------------------------------------------------------------------
def upsert_question(db: Store, q: Question) -> None:
    """Store a question, or update it (an inferred question never overwrites a declared one); a
    short name, once given, is kept when a later source gives none."""
    cols = ["id", "text", "kind", "about", "options", "scale_min", "scale_max", "labels",
            "inferred"]
    values: list[Any] = [q.id, q.text, q.kind, q.about, dumps(q.options), q.scale_min,
                         q.scale_max, dumps(q.labels), int(q.inferred)]
    if q.short is not None:  # (a question without one writes no column: any migration holds)
        cols.append("short")
        values.append(q.short)
    db.execute(
        f"INSERT INTO questions({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        " ON CONFLICT(id) DO UPDATE SET "
        + ", ".join(f"{c}=excluded.{c}" for c in cols[1:])
        + " WHERE questions.inferred = 1 OR excluded.inferred = 0", values)


def get_questions(db: Store, about: str | None = None) -> list[Question]:
    sql = "SELECT * FROM questions"
    params: tuple[Any, ...] = ()
    if about:
        sql += " WHERE about = ?"
        params = (about,)
    out = []
    for r in db.query(sql + " ORDER BY rowid", params):
        out.append(Question(
            id=r["id"], text=r["text"], kind=r["kind"], about=r["about"],
            options=loads(r["options"]) or [], scale_min=r["scale_min"],
            scale_max=r["scale_max"], labels=loads(r["labels"]) or [], inferred=bool(r["inferred"]),
            short=r.get("short"),
        ))
    return out


# -- stories and answers ----------------------------------------------------------------------
def source_meta(db: Store, story_id: str) -> dict[str, Any]:
    """The platform metadata kept with a story's record (provenance: never an answer)."""
    row = db.one("SELECT source_meta FROM stories WHERE id = ?", (story_id,))
    return loads(row["source_meta"]) if row and row["source_meta"] else {}


def story_exists(db: Store, hash_: str) -> bool:
    return db.scalar("SELECT 1 FROM stories WHERE content_hash = ?", (hash_,)) is not None


def insert_story(db: Store, story: Story, *, collection_id: int | None, import_id: int | None) -> bool:
    """Insert a story and its answers. Returns False (and writes nothing) for a duplicate."""
    if story_exists(db, story.content_hash):
        return False
    prov = story.provenance or Provenance(file="")
    db.execute(
        "INSERT INTO stories(id, source_id, collection_id, teller_id, title, text, prompt,"
        " source_kind, date, language, consent, content_hash, import_id, source_file,"
        " source_sheet, source_locator) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (story.id, story.source_id, collection_id, story.teller_id, story.title, story.text,
         story.prompt, story.source_kind, story.date, story.language, story.consent,
         story.content_hash, import_id, prov.file or None, prov.sheet, prov.locator),
    )
    for qid, value in story.answers.items():
        set_answer(db, qid, value, story_id=story.id)
    if story.teller_id:
        for qid, value in story.teller_answers.items():
            set_answer(db, qid, value, teller_id=story.teller_id)
    return True


def set_answer(db: Store, question_id: str, value: Any, *, story_id: str | None = None,
               teller_id: str | None = None) -> None:
    if story_id is not None:
        db.execute(
            "INSERT INTO answers(story_id, question_id, value) VALUES (?,?,?)"
            " ON CONFLICT(story_id, question_id) WHERE story_id IS NOT NULL"
            " DO UPDATE SET value = excluded.value",
            (story_id, question_id, dumps(value)),
        )
    else:
        db.execute(
            "INSERT INTO answers(teller_id, question_id, value) VALUES (?,?,?)"
            " ON CONFLICT(teller_id, question_id) WHERE teller_id IS NOT NULL"
            " DO UPDATE SET value = excluded.value",
            (teller_id, question_id, dumps(value)),
        )


_STORY_SQL = (
    "SELECT s.*, c.name AS collection FROM stories s"
    " LEFT JOIN collections c ON c.id = s.collection_id"
)


def _row_to_story(r: dict[str, Any]) -> Story:
    prov = Provenance(file=r["source_file"], sheet=r["source_sheet"],
                      locator=r["source_locator"]) if r["source_file"] else None
    return Story(
        id=r["id"], text=r["text"], title=r["title"], prompt=r["prompt"],
        source_kind=r["source_kind"], source_id=r["source_id"], collection=r["collection"],
        teller_id=r["teller_id"], date=r["date"], language=r["language"], consent=r["consent"],
        content_hash=r["content_hash"], provenance=prov,
    )


def list_stories(
    db: Store,
    *,
    collection: str | None = None,
    consent: str | None = None,
    source_kind: str | None = None,
    ids: Iterable[str] | None = None,
    limit: int | None = None,
    with_answers: bool = True,
    composite: bool = False,
) -> list[Story]:
    """Stories in insertion order, with their answers and their tellers' answers. Composite
    stories (written by sensemaking groups) are raw stories of no one: they come only when asked
    for, by id, by ``source_kind="composite"`` or with ``composite=True``."""
    where: list[str] = []
    params: list[Any] = []
    if not composite and ids is None and source_kind != COMPOSITE:
        where.append(f"s.source_kind <> '{COMPOSITE}'")
    if collection:
        where.append("c.name = ?")
        params.append(collection)
    if consent:
        where.append("s.consent = ?")
        params.append(consent)
    if source_kind:
        where.append("s.source_kind = ?")
        params.append(source_kind)
    if ids is not None:
        idl = list(ids)
        where.append(f"s.id IN ({','.join('?' * len(idl))})" if idl else "1 = 0")
        params.extend(idl)
    sql = _STORY_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.rowid"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    stories = [_row_to_story(r) for r in db.query(sql, params)]
    if with_answers and stories:
        _attach_answers(db, stories)
    return stories


def _attach_answers(db: Store, stories: list[Story]) -> None:
    """Fill ``answers`` and ``teller_answers``: a few stories read only their own rows (so
    `pni stories show` stays instant in a large store), many read the table once."""
    story_ids = [s.id for s in stories]
    teller_ids = sorted({s.teller_id for s in stories if s.teller_id})
    few = len(story_ids) <= 500

    def rows(column: str, ids: list[str]) -> list[dict[str, Any]]:
        # in the order of SQLite's index on (column, question_id), on every engine
        sql = f"SELECT {column}, question_id, value FROM answers WHERE {column} IS NOT NULL"
        order = f" ORDER BY {column}, question_id"
        if few:
            if not ids:
                return []
            return db.query(sql + f" AND {column} IN ({','.join('?' * len(ids))})" + order, ids)
        return db.query(sql + order)

    by_story: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in rows("story_id", story_ids):
        by_story[r["story_id"]][r["question_id"]] = loads(r["value"])
    by_teller: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in rows("teller_id", teller_ids):
        by_teller[r["teller_id"]][r["question_id"]] = loads(r["value"])
    for s in stories:
        s.answers = by_story.get(s.id, {})
        s.teller_answers = by_teller.get(s.teller_id or "", {})


def get_story(db: Store, ref: str) -> Story:
    """A story by its pni id, or by its source's own id (if that names exactly one story)."""
    found = list_stories(db, ids=[ref])
    if not found:
        rows = db.query("SELECT id FROM stories WHERE source_id = ?", (ref,))
        if len(rows) == 1:
            found = list_stories(db, ids=[rows[0]["id"]])
        elif len(rows) > 1:
            raise NotFoundError(f"source id {ref!r} names {len(rows)} stories; use a pni id")
    if not found:
        raise NotFoundError(f"no story with id {ref!r}")
    return found[0]


def count_stories(db: Store, *, composite: bool = False) -> int:
    """How many raw stories the store holds (or composite ones, with ``composite=True``)."""
    op = "=" if composite else "<>"
    return int(db.scalar(f"SELECT count(*) FROM stories WHERE source_kind {op} '{COMPOSITE}'"))


def story_refs(db: Store) -> list[tuple[str, str | None]]:
    """Every story's pni id and the source's own id (None when the source gave none), in
    collection order."""
    return [(r["id"], r["source_id"])
            for r in db.query("SELECT id, source_id FROM stories ORDER BY rowid")]


def collection_summary(db: Store) -> list[CollectionCount]:
    """Stories per collection and source kind, and how many of them said consent 'no'."""
    return [CollectionCount.from_row(r) for r in db.query(
        "SELECT c.name AS collection, s.source_kind AS kind, count(*) AS stories,"
        " sum(CASE WHEN s.consent = 'no' THEN 1 ELSE 0 END) AS consent_no FROM stories s"
        " LEFT JOIN collections c ON c.id = s.collection_id GROUP BY 1, 2 ORDER BY 1, 2")]


# -- imports and rejects ----------------------------------------------------------------------
def start_import(db: Store, rec: ImportRecord) -> int:
    return int(db.insert(
        "INSERT INTO imports(batch, file, started_at, options, kind) VALUES (?,?,?,?,?)",
        (rec.batch, rec.file, now(), dumps(rec.options), rec.kind)) or 0)


def finish_import(db: Store, import_id: int, *, read: int, stored: int, duplicates: int,
                  rejected: int) -> None:
    db.execute(
        "UPDATE imports SET finished_at=?, read=?, stored=?, duplicates=?, rejected=? WHERE id=?",
        (now(), read, stored, duplicates, rejected, import_id),
    )


#: the unique index ``rejects_once`` (PostgreSQL names the conflict it updates on)
_REJECT_CONFLICT = "ON CONFLICT (file, COALESCE(locator, ''), reason)"


def add_reject(db: Store, rej: Reject) -> None:
    db.execute(
        "INSERT INTO rejects(import_id, file, locator, reason, raw) VALUES (?,?,?,?,?)"
        f" {_REJECT_CONFLICT} DO UPDATE SET import_id = excluded.import_id, raw = excluded.raw",
        (rej.import_id, rej.file, rej.locator, rej.reason, rej.raw),
    )


def list_rejects(db: Store, *, batch: str | None = None) -> list[Reject]:
    sql = "SELECT r.* FROM rejects r"
    params: tuple[Any, ...] = ()
    if batch:
        sql += " JOIN imports i ON i.id = r.import_id WHERE i.batch = ?"
        params = (batch,)
    return [Reject(file=r["file"], locator=r["locator"], reason=r["reason"], raw=r["raw"],
                   import_id=r["import_id"]) for r in db.query(sql + " ORDER BY r.id", params)]


# -- bulk writes and lookups for `pni collect` ---------------------------------------------------
def existing_hashes(db: Store) -> set[str]:
    """Every content hash in the store (one query, so collect needs no per-row SELECT)."""
    return {r[0] for r in db.execute("SELECT content_hash FROM stories")}


def hashes_among(db: Store, hashes: list[str]) -> set[str]:
    """Which of ``hashes`` are stored (read inside a write transaction, it sees what other
    processes committed since this one started)."""
    found: set[str] = set()
    for i in range(0, len(hashes), 500):
        part = hashes[i:i + 500]
        found.update(r[0] for r in db.execute(
            f"SELECT content_hash FROM stories WHERE content_hash IN ({','.join('?' * len(part))})",
            part))
    return found


def source_ids(db: Store, collection: str) -> dict[str, tuple[str, str]]:
    """``source_id -> (story id, content hash)`` for one collection (by name)."""
    rows = db.execute(
        "SELECT s.source_id, s.id, s.content_hash FROM stories s JOIN collections c"
        " ON c.id = s.collection_id WHERE c.name = ? AND s.source_id IS NOT NULL"
        " ORDER BY s.rowid", (collection,))  # insertion order, on both engines
    return {r[0]: (r[1], r[2]) for r in rows}


def ensure_tellers_many(db: Store, tellers: Iterable[tuple[str, str | None]]) -> None:
    db.executemany(
        "INSERT INTO tellers(id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE"
        " SET name = COALESCE(excluded.name, tellers.name)", list(tellers))


_STORY_COLUMNS = ("source_id, collection_id, teller_id, title, text, prompt, source_kind, date,"
                  " language, consent, content_hash, import_id, source_file, source_sheet,"
                  " source_locator, source_meta")


def _story_row(s: Story, collection_id: int | None, import_id: int | None) -> tuple[Any, ...]:
    prov = s.provenance or Provenance(file="")
    return (s.source_id, collection_id, s.teller_id, s.title, s.text, s.prompt, s.source_kind,
            s.date, s.language, s.consent, s.content_hash, import_id, prov.file or None,
            prov.sheet, prov.locator, dumps(prov.meta) if prov.meta else None)


def insert_stories_many(db: Store, stories: list[Story], *, collection_id: int | None,
                        import_id: int | None) -> None:
    """Insert new stories and their answers with executemany. The caller has already removed
    duplicates (``existing_hashes``); a duplicate here raises ``sqlite3.IntegrityError``."""
    db.executemany(
        f"INSERT INTO stories(id, {_STORY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(s.id, *_story_row(s, collection_id, import_id)) for s in stories])
    _insert_answers_many(db, stories)


def rewrite_stories_many(db: Store, stories: list[Story], *, collection_id: int | None,
                         import_id: int | None) -> None:
    """Overwrite stored stories (same ids) with a new reading of their source: every field, the
    import they belong to, and the answers that came with them (answers added later by
    `pni annotate` stay)."""
    sets = ", ".join(f"{c.strip()} = ?" for c in _STORY_COLUMNS.split(","))
    db.executemany(f"UPDATE stories SET {sets} WHERE id = ?",
                   [(*_story_row(s, collection_id, import_id), s.id) for s in stories])
    db.executemany("DELETE FROM answers WHERE story_id = ? AND import_id IS NULL",
                   [(s.id,) for s in stories])
    _insert_answers_many(db, stories)
    if stories:
        from pni.store import derived

        derived.clear(db)  # nothing computed from the stories' old reading stays behind


def _insert_answers_many(db: Store, stories: list[Story]) -> None:
    story_answers: list[tuple[str, str, str]] = []
    teller_answers: list[tuple[str, str, str]] = []
    for s in stories:
        story_answers.extend((s.id, q, dumps(v)) for q, v in s.answers.items())
        if s.teller_id:
            teller_answers.extend((s.teller_id, q, dumps(v)) for q, v in s.teller_answers.items())
    db.executemany(
        "INSERT INTO answers(story_id, question_id, value) VALUES (?,?,?)"
        " ON CONFLICT(story_id, question_id) WHERE story_id IS NOT NULL"
        " DO UPDATE SET value = excluded.value, import_id = NULL", story_answers)
    db.executemany(
        "INSERT INTO answers(teller_id, question_id, value) VALUES (?,?,?)"
        " ON CONFLICT(teller_id, question_id) WHERE teller_id IS NOT NULL"
        " DO UPDATE SET value = excluded.value", teller_answers)


def add_rejects_many(db: Store, rejects: Iterable[Reject]) -> None:
    db.executemany(
        "INSERT INTO rejects(import_id, file, locator, reason, raw) VALUES (?,?,?,?,?)"
        f" {_REJECT_CONFLICT} DO UPDATE SET import_id = excluded.import_id, raw = excluded.raw",
        [(r.import_id, r.file, r.locator, r.reason, r.raw) for r in rejects])


def teller_names(db: Store) -> dict[str, str]:
    """Real names kept with ``--keep-names`` (teller id -> name)."""
    return {r[0]: r[1] for r in db.execute(
        "SELECT id, name FROM tellers WHERE name IS NOT NULL ORDER BY rowid")}
