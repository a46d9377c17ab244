from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pni.embed.cache import text_hash
from pni.errors import NotFoundError
from pni.ingest.collect import collect
from pni.ingest.imports import remove_imports
from pni.store import Store
from pni.store import imports as iq
from pni.store import stories as q
from pni.store import vectors as vq
from tests.helpers import fake_run

A = """id,story,teller,mood,role,only_a
A1,The lunch table was full and nobody moved over for me.,Ana,sad,student,x
A2,My teacher stayed late to help with the project.,Ben,happy,student,y
A3,The bus never came in the snow.,Cy,sad,parent,x
A4,,Fay,sad,student,x
"""
B = """id,story,teller,mood
B1,We built a garden behind the gym.,Dee,happy
B2,The bus never came in the snow.,Eve,sad
B3,Ana again: the library let me stay after school.,Ana,happy
"""


@pytest.fixture
def two(store: Store, tmp_path: Path) -> tuple[Store, int, int]:
    """Files a.csv (3 stories and a blank row) and b.csv (3 stories) collected as imports."""
    (tmp_path / "a.csv").write_text(A, encoding="utf-8")
    (tmp_path / "b.csv").write_text(B, encoding="utf-8")
    rep = collect(store, [tmp_path / "a.csv", tmp_path / "b.csv"])
    a, b = (f.import_id for f in rep.files)
    assert a is not None and b is not None
    return store, a, b


def _ids(db: Store, import_id: int) -> list[str]:
    return [r.id for r in iq.stories_of(db, [import_id])]


def _vectors(db: Store, texts: list[str]) -> None:
    with db.transaction():
        vq.put_vectors(db, [(f"k{i}", "m", "b", text_hash(t), np.ones(4, dtype=np.float32), 1)
                            for i, t in enumerate(texts)])


def test_every_collect_records_an_import(two: tuple[Store, int, int]) -> None:
    db, a, b = two
    rows = iq.list_imports(db)
    assert [(r.id, r.kind, r.file, r.read, r.stored, r.rejected, r.held)
            for r in rows] == [(a, "collect", "a.csv", 4, 3, 1, 3),
                               (b, "collect", "b.csv", 3, 3, 0, 3)]
    assert rows[0].options["format"] == "csv" and rows[0].removed_at is None


def test_remove_takes_out_exactly_what_the_import_stored(two: tuple[Store, int, int]) -> None:
    db, a, b = two
    b_before = q.list_stories(db, ids=_ids(db, b))
    questions = {qu.id for qu in q.get_questions(db)}
    [rm] = remove_imports(db, [a])
    assert (rm.stories, rm.story_answers, rm.rejects) == (3, 6, 1)
    assert rm.tellers == 2  # Ben and Cy; Ana still tells a story of b.csv
    assert rm.teller_answers == 2  # their roles
    assert q.count_stories(db) == 3
    assert q.list_stories(db) == b_before  # b's stories untouched, answers and all
    assert {qu.id for qu in q.get_questions(db)} == questions - {"only_a"}  # role: Ana's
    assert db.scalar("SELECT count(*) FROM rejects") == 0
    row = iq.get_import(db, a)
    assert row.removed_at and row.removal["stories"] == 3


def test_remove_is_idempotent(two: tuple[Store, int, int]) -> None:
    db, a, _ = two
    first = remove_imports(db, [a])[0]
    counts = db.table_counts()
    again = remove_imports(db, [a])[0]
    assert again.already and not first.already
    assert (again.stories, again.story_answers) == (first.stories, first.story_answers)
    assert db.table_counts() == counts


def test_remove_is_all_or_none(two: tuple[Store, int, int]) -> None:
    db, a, _ = two
    with pytest.raises(NotFoundError, match="no import with id 99"):
        remove_imports(db, [a, 99])
    assert q.count_stories(db) == 6 and iq.get_import(db, a).removed_at is None


def test_dry_run_removes_nothing(two: tuple[Store, int, int]) -> None:
    db, a, _ = two
    [rm] = remove_imports(db, [a], dry_run=True)
    assert rm.stories == 3 and q.count_stories(db) == 6
    assert iq.get_import(db, a).removed_at is None


def test_runs_that_held_removed_stories_are_marked_stale(two: tuple[Store, int, int]) -> None:
    db, a, b = two
    both = fake_run(db, _ids(db, a) + _ids(db, b))
    only_b = fake_run(db, _ids(db, b))
    [rm] = remove_imports(db, [a])
    assert rm.stale_runs == {both: 3}
    stale = dict(db.execute("SELECT id, stale FROM runs").fetchall())
    assert stale[only_b] is None
    assert "import" in stale[both] and "removed 3 of its stories" in stale[both]
    assert db.scalar("SELECT count(*) FROM assignments WHERE run_id = ?", (both,)) == 3
    assert db.scalar("SELECT count(*) FROM assignments WHERE run_id = ?", (only_b,)) == 3


def test_vectors_of_removed_texts_go_unless_another_story_holds_them(
        two: tuple[Store, int, int]) -> None:
    db, a, _ = two
    texts = [s.text for s in q.list_stories(db, ids=_ids(db, a))]
    _vectors(db, [*texts, "We built a garden behind the gym."])
    [rm] = remove_imports(db, [a])
    # the bus story is also b.csv's (another teller): its vector stays, as does the garden's
    assert rm.vectors == 2
    left = {r[0] for r in db.execute("SELECT text_hash FROM embeddings")}
    assert left == {text_hash("The bus never came in the snow."),
                    text_hash("We built a garden behind the gym.")}


def test_an_emptied_collection_goes_too(store: Store, tmp_path: Path) -> None:
    (tmp_path / "solo").mkdir()
    f = tmp_path / "solo" / "a.csv"
    f.write_text(A, encoding="utf-8")
    rep = collect(store, [f])
    [rm] = remove_imports(store, [rep.files[0].import_id or 0])
    assert rm.collections == 1 and store.scalar("SELECT count(*) FROM collections") == 0
    assert store.scalar("SELECT count(*) FROM tellers") == 0


def test_upgrade_keeps_imports(store_path: Path, tmp_path: Path) -> None:
    old = Store.open(store_path, upto="0004_outcomes")
    (tmp_path / "a.csv").write_text(A, encoding="utf-8")
    old.execute("INSERT INTO imports(batch, file, started_at) VALUES ('b', 'a.csv', 'now')")
    old.close()
    new = Store.open(store_path)
    [row] = iq.list_imports(new)
    assert (row.kind, row.removed_at, row.removal, row.held) == ("collect", None, {}, 0)
    assert new.scalar("SELECT stale FROM runs") is None
    new.close()
