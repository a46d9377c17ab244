from __future__ import annotations

from pathlib import Path

from pni.ingest.annotate import annotate
from pni.ingest.collect import collect
from pni.ingest.imports import describe, stale_note
from pni.ingest.models import CollectOptions
from pni.store import Store
from pni.store import imports as iq
from pni.store import stories as q
from tests.helpers import fake_run

WRONG = """id,story,teller,consent,mood
R1,The lunch table was full and nobody moved over for me.,Ana,Sí,sad
R2,My teacher stayed late to help with the project.,Ben,Sí,happy
R3,The bus never came in the snow.,Cy,Sí,sad
"""
# corrected: consent in English, R2's text fixed, R3 gone, R4 new
RIGHT = """id,story,teller,consent,mood
R1,The lunch table was full and nobody moved over for me.,Ana,no,sad
R2,My teacher stayed late after school to help with the project.,Ben,yes,happy
R4,We built a garden behind the gym.,Dee,yes,happy
"""


def _collect(db: Store, f: Path, **kw: bool) -> int:
    rep = collect(db, [f], CollectOptions(**kw))
    assert rep.files[0].error is None, rep.files[0].error
    return rep.files[0].import_id or 0


def test_replace_rereads_a_file_in_one_import(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "survey.csv"
    f.write_text(WRONG, encoding="utf-8")
    first = _collect(store, f)
    r1 = q.get_story(store, "R1")
    run = fake_run(store, [s.id for s in q.list_stories(store)])
    annotations = tmp_path / "codes.csv"
    annotations.write_text("id,theme\nR1,belonging\nR3,transport\n", encoding="utf-8")
    annotate(store, annotations)
    f.write_text(RIGHT, encoding="utf-8")
    rep = collect(store, [f], CollectOptions(replace=True))
    fr = rep.files[0]
    assert (fr.read, fr.stored, fr.duplicates, fr.rejected) == (3, 3, 0, 0)
    assert fr.replaced == [first]
    assert any("replaced import 1: 1 story read again (ids kept), 2 stories no longer in the"
               " file removed" in n for n in fr.notices)
    assert any(f"run {run} (2 stories)" in n for n in fr.notices)
    assert sorted(s.source_id or "" for s in q.list_stories(store)) == ["R1", "R2", "R4"]
    kept = q.get_story(store, "R1")
    assert kept.id == r1.id and kept.consent == "no"  # rewritten in place, same id
    assert kept.answers == {"mood": "sad", "theme": "belonging"}  # its annotation stays
    assert iq.get_import(store, first).removed_at is not None
    assert [r.id for r in iq.list_imports(store, include_removed=False)] == [2, fr.import_id]
    assert store.scalar("SELECT count(*) FROM assignments WHERE run_id = ?", (run,)) == 1


def test_replace_again_changes_nothing(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "survey.csv"
    f.write_text(RIGHT, encoding="utf-8")
    _collect(store, f)
    before = q.list_stories(store)
    run = fake_run(store, [s.id for s in before])
    rep = collect(store, [f], CollectOptions(replace=True))
    assert rep.files[0].stored == 3
    assert q.list_stories(store) == before
    assert store.scalar("SELECT stale FROM runs WHERE id = ?", (run,)) is None
    assert not any("runs" in n for n in rep.files[0].notices)


def test_replace_without_earlier_import_says_so(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "new.csv"
    f.write_text(RIGHT, encoding="utf-8")
    rep = collect(store, [f], CollectOptions(replace=True))
    assert rep.files[0].stored == 3 and rep.files[0].replaced == []
    assert "no earlier import of this file" in rep.files[0].notices[-1]


def test_replace_dry_run_and_unreadable_file_touch_nothing(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "survey.csv"
    f.write_text(WRONG, encoding="utf-8")
    first = _collect(store, f)
    f.write_text(RIGHT, encoding="utf-8")
    dry = collect(store, [f], CollectOptions(replace=True, dry_run=True))
    assert dry.files[0].import_id is None
    f.write_text("x,y,z\n1,2,3\n", encoding="utf-8")
    bad = collect(store, [f], CollectOptions(replace=True))
    assert bad.files[0].error and "no story text column" in bad.files[0].error
    assert iq.get_import(store, first).removed_at is None
    assert sorted(s.source_id or "" for s in q.list_stories(store)) == ["R1", "R2", "R3"]


def test_describe_and_stale_note(store: Store, tmp_path: Path) -> None:
    from pni.ingest.imports import remove_imports

    f = tmp_path / "survey.csv"
    f.write_text(WRONG, encoding="utf-8")
    i = _collect(store, f)
    fake_run(store, [s.id for s in q.list_stories(store)])
    rms = remove_imports(store, [i])
    assert describe(rms[0]) == ("import 1 (survey.csv) removed: 3 stories, 3 answers, 3 tellers,"
                                " 0 cached vectors, 1 question, 0 rejects")
    assert stale_note(rms) == ("marked stale, they included removed stories: run 1 (3 stories);"
                               " their patterns no longer hold those stories: run `pni cluster`"
                               " again")
    assert stale_note(remove_imports(store, [i])) is None
