from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pni.errors import StoreError
from pni.store import Store, migration_names
from pni.store import stories as q
from tests.helpers import populate


def test_open_sets_pragmas(store_path: Path) -> None:
    with Store.open(store_path) as store:
        assert store.scalar("PRAGMA journal_mode") == "wal"
        assert store.scalar("PRAGMA foreign_keys") == 1
        assert store.scalar("PRAGMA busy_timeout") == 60_000


def test_migrations_are_ordered_and_recorded(store: Store) -> None:
    names = migration_names()
    assert names == sorted(names)
    assert names[0] == "0001_initial"
    assert store.applied_migrations() == names
    assert store.migrate() == []  # idempotent


def test_upgrade_from_first_migration_keeps_data(store_location: str) -> None:
    old = Store.open(store_location, upto="0001_initial")
    assert old.applied_migrations() == ["0001_initial"]
    ids = populate(old, 12)
    old.close()
    new = Store.open(store_location)
    assert new.applied_migrations() == migration_names()
    assert [s.id for s in q.list_stories(new)] == ids
    assert new.scalar("SELECT count(*) FROM answers") > 0
    new.close()


def test_composite_stories_migrate_on_both_engines(store_location: str) -> None:
    """Migration 0013 loosens the stories' CHECK constraint on each engine in its own way
    (SQLite: the table definition edited in sqlite_schema; PostgreSQL: ALTER TABLE ... CONSTRAINT)
    on a store that already holds stories: they are all kept, with their answers and codes; a
    composite story is admitted and linked to its cards; an unknown kind is still refused."""
    from pni.models import Story
    from pni.store.codes import story_codes
    from pni.store.composites import insert_composite, sources_of

    old = Store.open(store_location, upto="0012_session_records")
    ids = populate(old, 6)
    answers = old.scalar("SELECT count(*) FROM answers")
    codes = story_codes(old)
    old.close()
    db = Store.open(store_location)
    assert db.applied_migrations() == migration_names()
    assert [s.id for s in q.list_stories(db)] == ids and story_codes(db) == codes
    assert db.scalar("SELECT count(*) FROM answers") == answers
    comp = Story(id="S-c0mp051te", text="We wrote it together", source_kind="composite",
                 content_hash="c" * 64, consent="yes")
    with db.transaction():
        assert insert_composite(db, comp, [ids[2], ids[0], ids[2]])
        assert not insert_composite(db, comp, [ids[2]])  # stored already
    assert sources_of(db) == {comp.id: [ids[2], ids[0]]}
    assert story_codes(db)[comp.id] == "C1"
    assert [s.id for s in q.list_stories(db)] == ids  # not a raw story
    assert [s.id for s in q.list_stories(db, composite=True)] == [*ids, comp.id]
    assert q.count_stories(db) == 6 and q.count_stories(db, composite=True) == 1
    with pytest.raises(Exception, match=r"(?i)check"), db.transaction():
        db.execute("INSERT INTO stories(id, text, source_kind, content_hash)"
                   " VALUES ('S-x', 'x', 'poem', 'x')")
    with db.transaction():  # a card removed: its link goes, the composite stays
        db.execute("DELETE FROM stories WHERE id = ?", (ids[0],))
    assert sources_of(db) == {comp.id: [ids[2]]}
    db.close()


def test_newer_store_is_refused(store_location: str) -> None:
    db = Store.open(store_location)
    db.execute("INSERT INTO migrations(name) VALUES ('9999_from_the_future')")
    db.close()
    with pytest.raises(StoreError, match="newer pni"):
        Store.open(store_location)


def test_not_a_database(tmp_path: Path) -> None:
    p = tmp_path / "junk.db"
    p.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        Store.open(p)


def test_missing_store_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store here yet"):
        Store.open(tmp_path / "none.db", create=False)


def test_transaction_rolls_back(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        q.ensure_collection(store, "x")
        raise RuntimeError
    assert store.scalar("SELECT count(*) FROM collections") == 0


def test_foreign_keys_enforced(store: Store) -> None:
    import psycopg

    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
        store.execute("INSERT INTO answers(story_id, question_id, value) VALUES ('nope','x','1')")


def test_answers_are_the_same_read_few_or_many(store: Store) -> None:
    ids = populate(store, 520)
    every = {s.id: (s.answers, s.teller_answers) for s in q.list_stories(store)}
    some = q.list_stories(store, ids=ids[:7])
    assert [s.id for s in some] == ids[:7]
    for s in some:
        assert s.answers and s.teller_answers
        assert (s.answers, s.teller_answers) == every[s.id]
    assert q.get_story(store, "SYN-003").answers == every[ids[3]][0]
