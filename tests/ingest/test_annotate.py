from __future__ import annotations

import io
from pathlib import Path

import pytest

from pni.errors import DataError, MappingError, UsageError
from pni.ingest.annotate import AnnotateOptions, annotate
from pni.ingest.collect import collect
from pni.ingest.export import write_stories
from pni.ingest.imports import remove_imports
from pni.ingest.models import CollectOptions
from pni.store import Store
from pni.store import imports as iq
from pni.store import stories as q

STORIES = """id,story,teller,mood,belonging
K1,The lunch table was full and nobody moved over for me.,Ana,sad,2
K2,My teacher stayed late to help with the project.,Ben,happy,5
K3,The bus never came in the snow.,Cy,sad,3
"""
OTHER = """id,story,teller
K1,A story from another school that reused the id K1.,Dee
"""


@pytest.fixture
def db(store: Store, tmp_path: Path) -> Store:
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "s.csv").write_text(STORIES, encoding="utf-8")
    collect(store, [tmp_path / "one" / "s.csv"])
    return store


def _file(tmp_path: Path, text: str, name: str = "codes.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_adds_annotation_answers_joined_on_source_or_pni_ids(db: Store, tmp_path: Path) -> None:
    k2 = q.get_story(db, "K2").id
    f = _file(tmp_path, f"id,Theme,Coder note\nK1,exclusion,at lunch\n{k2},support;care,\n"
                        "K3,,\n")
    rep = annotate(db, f)
    assert (rep.read, rep.stored, rep.duplicates, rep.rejected) == (3, 2, 1, 0)
    assert (rep.added, rep.unchanged, rep.replaced, rep.conflicts) == (3, 0, 0, [])
    assert rep.columns == {"Theme": "theme", "Coder note": "coder_note"}
    theme = {qu.id: qu for qu in q.get_questions(db)}["theme"]
    assert (theme.about, theme.kind, theme.options) == (
        "annotation", "multi-choice", ["care", "exclusion", "support"])
    assert q.get_story(db, "K1").answers == {"mood": "sad", "belonging": 2,
                                             "theme": ["exclusion"], "coder_note": "at lunch"}
    assert q.get_story(db, "K2").answers["theme"] == ["support", "care"]
    imp = iq.get_import(db, rep.import_id or 0)
    assert (imp.kind, imp.file, imp.stored, imp.counts["added"]) == (
        "annotate", "codes.csv", 2, 3)


def test_rows_that_match_no_story_are_rejected_with_reasons(db: Store, tmp_path: Path) -> None:
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "o.csv").write_text(OTHER, encoding="utf-8")
    collect(db, [tmp_path / "two" / "o.csv"])
    f = _file(tmp_path, "story_id,belonging\nK1,4\nK9,1\n,3\nK2,lots\nK3,1\nK3,2\n")
    rep = annotate(db, f)
    k3 = q.get_story(db, "K3").id
    assert [(r.locator, r.reason) for r in rep.rejects] == [
        ("row 2", "source id 'K1' names 2 stories: use pni ids or --collection"),
        ("row 3", "no stored story has the id or source id 'K9'"),
        ("row 4", "no story id in column 'story_id'"),
        ("row 7", f"story {k3} is annotated already by row 6 of this file"),
        ("row 5", "'belonging': answer 'lots' to scale question 'belonging' is not a number"),
    ]
    assert rep.rejected == 5 and rep.read == 6 and rep.stored + rep.duplicates == 1
    stored = db.query("SELECT locator, reason FROM rejects WHERE import_id = ?",
                      (rep.import_id,))
    assert len(stored) == 5
    one = annotate(db, f, AnnotateOptions(collection="one"))
    assert one.rejects[0].reason != rep.rejects[0].reason  # K1 now names one story


def test_rerun_is_idempotent_and_conflicts_are_kept_unless_replaced(db: Store,
                                                                     tmp_path: Path) -> None:
    f = _file(tmp_path, "id,theme\nK1,exclusion\nK2,support\n")
    annotate(db, f)
    again = annotate(db, f)
    assert (again.added, again.unchanged, again.stored, again.duplicates) == (0, 2, 0, 2)
    g = _file(tmp_path, "id,theme,mood\nK1,belonging,sad\nK2,support,angry\n", "recode.csv")
    kept = annotate(db, g)
    assert [(c.locator, c.question, c.stored, c.given, c.replaced) for c in kept.conflicts] == [
        ("row 2", "theme", "exclusion", "belonging", False),
        ("row 3", "mood", "happy", "angry", False),
    ]
    assert q.get_story(db, "K2").answers["mood"] == "happy"
    replaced = annotate(db, g, AnnotateOptions(replace_answers=True))
    assert replaced.replaced == 2 and all(c.replaced for c in replaced.conflicts)
    assert q.get_story(db, "K1").answers["theme"] == "belonging"
    assert q.get_story(db, "K2").answers["mood"] == "angry"
    [rm] = remove_imports(db, [replaced.import_id or 0])
    assert (rm.answers, rm.restored) == (2, 2)
    assert q.get_story(db, "K1").answers["theme"] == "exclusion"
    assert q.get_story(db, "K2").answers["mood"] == "happy"


def test_removing_an_annotate_import_drops_its_new_questions(db: Store, tmp_path: Path) -> None:
    before = {qu.id for qu in q.get_questions(db)}
    rep = annotate(db, _file(tmp_path, "id,theme\nK1,exclusion\n"))
    [rm] = remove_imports(db, [rep.import_id or 0])
    assert (rm.answers, rm.questions) == (1, 1)
    assert {qu.id for qu in q.get_questions(db)} == before


def test_an_export_comes_back_unchanged(db: Store, tmp_path: Path) -> None:
    out = io.StringIO()
    write_stories(q.list_stories(db), "csv", out)
    f = _file(tmp_path, out.getvalue(), "export.csv")
    rep = annotate(db, f)
    assert (rep.added, rep.conflicts, rep.rejected, rep.duplicates) == (0, [], 0, 3)
    assert rep.unchanged == 6 and rep.columns == {"answer.belonging": "belonging",
                                                  "answer.mood": "mood"}
    assert any("'text'" in n and "'source_id'" in n for n in rep.notices)


def test_form_declares_annotation_kinds_and_dry_run_writes_nothing(db: Store,
                                                                   tmp_path: Path) -> None:
    form = tmp_path / "codes.toml"
    form.write_text('[[questions]]\nid = "severity"\ncolumn = "Severity (1-3)"\n'
                    'kind = "scale"\nabout = "annotation"\nmin = 1\nmax = 3\n', encoding="utf-8")
    f = _file(tmp_path, "id,Severity (1-3)\nK1,3\nK2,1\n")
    dry = annotate(db, f, AnnotateOptions(form=form, dry_run=True))
    assert dry.added == 2 and dry.import_id is None
    assert "severity" not in {qu.id for qu in q.get_questions(db)}
    rep = annotate(db, f, AnnotateOptions(form=form))
    assert q.get_story(db, "K1").answers["severity"] == 3
    assert rep.new_questions[0].scale_max == 3


def test_join_story_only_and_id_column_mapping(db: Store, tmp_path: Path) -> None:
    f = _file(tmp_path, "Story ref,theme\nK1,x\n")
    with pytest.raises(MappingError, match="no story id column found"):
        annotate(db, f)
    with pytest.raises(MappingError, match="--map id=Nope: no such column"):
        annotate(db, f, AnnotateOptions(id_column="Nope"))
    rep = annotate(db, f, AnnotateOptions(id_column="Story ref", join="story"))
    assert rep.rejects[0].reason == "no stored story has the id 'K1'"
    with pytest.raises(UsageError, match="--join 'title'"):
        annotate(db, f, AnnotateOptions(join="title"))


def test_bad_files(db: Store, tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"notes\.txt: annotations are read from a table"):
        annotate(db, _file(tmp_path, "hello", "notes.txt"))
    with pytest.raises(DataError, match="holds no rows"):
        annotate(db, _file(tmp_path, "id,theme\n", "empty.csv"))
    with pytest.raises(UsageError, match="no such file"):
        annotate(db, tmp_path / "missing.csv")
    assert iq.list_imports(db)[-1].kind == "collect"


def test_collect_replace_keeps_annotations_of_unchanged_stories(db: Store,
                                                                tmp_path: Path) -> None:
    annotate(db, _file(tmp_path, "id,theme\nK1,exclusion\nK3,transport\n"))
    (tmp_path / "one" / "s.csv").write_text(STORIES.replace("K3,The bus", "K3,The school bus"),
                                            encoding="utf-8")
    collect(db, [tmp_path / "one" / "s.csv"], CollectOptions(replace=True))
    assert q.get_story(db, "K1").answers["theme"] == "exclusion"
    assert "theme" not in q.get_story(db, "K3").answers  # a changed story is a new story


def test_narrafirma_export_without_ids_joins_on_the_story_text(db: Store, tmp_path: Path) -> None:
    f = _file(tmp_path, "Story title,Story text,Eliciting question,A_Theme\n"
                        "; exported from NarraFirma,,,\n"
                        "Lunch,The lunch  table was full and nobody moved over for me.,Best,"
                        "belonging\n"
                        "Other,A story pni never stored.,Best,x\n"
                        "Bus,The bus never came in the snow.,Worst,transport\n", "nf.csv")
    rep = annotate(db, f)
    assert (rep.read, rep.stored, rep.rejected) == (3, 2, 1)
    assert rep.rejects[0].reason == "no stored story has this text"
    assert q.get_story(db, "K1").answers["a_theme"] == "belonging"  # white space aside
    assert rep.columns == {"A_Theme": "a_theme"}
    assert any("matched to stories by their text (column 'Story text')" in n
               for n in rep.notices)
    assert any("1 comment row(s)" in n for n in rep.notices)
    with pytest.raises(MappingError, match="no story id column"):
        annotate(db, f, AnnotateOptions(join="source"))


def test_same_text_told_apart_by_title_or_rejected(store: Store, tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("id,title,story,teller\nX1,One,Same words.,Ana\n"
                                    "X2,Two,Same words.,Ben\n", encoding="utf-8")
    collect(store, [tmp_path / "s.csv"])
    f = _file(tmp_path, "Story title,Story text,code\nTwo,Same words.,b\n")
    annotate(store, f)
    assert q.get_story(store, "X2").answers == {"code": "b"}
    g = _file(tmp_path, "text,code\nSame words.,c\n", "g.csv")
    assert annotate(store, g).rejects[0].reason == ("2 stored stories have this text:"
                                                   " add an id column")


def test_narrafirma_annotation_file_of_pni_export_comes_back(store: Store,
                                                             tmp_path: Path) -> None:
    from pni.interop.narrafirma import write_narrafirma
    from pni.interop.scope import ExportOptions, gather
    from tests.helpers import fake_run, populate

    ids = populate(store, 12)
    fake_run(store, ids)
    res = write_narrafirma(gather(store, ExportOptions()), tmp_path / "nf")
    assert res.annotations is not None
    rep = annotate(store, res.annotations)
    shared = [s for s in q.list_stories(store) if s.consent != "no"]
    assert (rep.read, rep.rejected, rep.stored) == (len(shared), 0, len(shared))
    assert {s.answers.get("pattern") is not None for s in shared} == {True}
    assert {qu.about for qu in q.get_questions(store) if qu.id == "pattern"} == {"annotation"}
