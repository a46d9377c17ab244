"""What NarraFirma 1.6 really writes, collected by pni: its story export (multi-paragraph texts
quoted twice, no participant column, scale answers on 0-100), its story form (plain and "for
import", whose date row is mislabelled and whose scale rows have five cells) and the layout of
its import guide ("1 4" answers, ``Name [option]`` yes/no columns). The fixtures in
tests/fixtures/interop/narrafirma are our own content in those layouts (README there)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pni.ingest import CollectOptions, collect
from pni.ingest.models import CollectReport
from pni.ingest.readers.narrafirma import restore_text
from pni.store import Store
from pni.store.stories import get_questions, list_stories

NF = Path(__file__).resolve().parents[1] / "fixtures" / "interop" / "narrafirma"
EXPORT = NF / "export_story_collection_garden.csv"
HOSE = ('We had one hose for forty plots, and on the hottest day it split.\n\nMr. Abara said'
        ' "we will share the watering cans" and we did, all summer.')
KEYS = ('The gate key was lost again.\nI waited by the fence until Ana came "to rescue me" with'
        ' hers.')


def run(db: Store, *paths: Path, **kw: object) -> CollectReport:
    rep = collect(db, list(paths), CollectOptions(**kw))  # type: ignore[arg-type]
    for f in rep.files:
        assert f.read == f.stored + f.duplicates + f.rejected, f
    return rep


def test_restore_text_undoes_narrafirmas_second_quoting() -> None:
    assert restore_text('"""A, ""b""\nc"""', story_text=True) == 'A, "b"\nc'
    assert restore_text('"A "b"\nc"', story_text=True) == 'A "b"\nc'
    assert restore_text('"A, ""b""\nc"') == 'A, "b"\nc'   # an answer: quoted twice, no wrap
    assert restore_text("one line, as told") is None
    assert restore_text('"A, b\rc"', story_text=True) == "A, b\rc"  # a CR: quoted once
    assert restore_text('"Quoted", she said.\nThen, "more"', story_text=True) is None


def test_story_export_texts_come_back_as_told(store: Store) -> None:
    rep = run(store, EXPORT, form=NF / "export_story_form_garden.csv")
    f = rep.files[0]
    assert (f.platform, f.error) == ("narrafirma", None)
    assert (f.read, f.stored, f.rejected) == (4, 4, 0)
    s = {x.title: x for x in list_stories(store)}
    assert s["Hose"].text == HOSE
    assert s["Keys"].text == KEYS
    assert s["Seeds"].text == 'Someone left a jar of seeds on the bench, labelled "for anyone".'
    assert s["Hose"].answers["comment"] == "Hot day, long queue.\nWorth it."
    assert not any(x.text.startswith('"') for x in s.values())
    assert any("3 multi-paragraph cell(s) restored" in n for n in f.notices), f.notices


def test_story_export_without_participant_column_says_so(store: Store) -> None:
    f = run(store, EXPORT, form=NF / "export_story_form_garden.csv").files[0]
    assert any("no participant column" in n and "teller of its own" in n for n in f.notices)


def test_story_export_with_its_plain_form_keeps_answers_and_kinds(store: Store) -> None:
    run(store, EXPORT, form=NF / "export_story_form_garden.csv")
    s = {x.title: x for x in list_stories(store)}
    assert s["Tomatoes"].prompt == "Tell us about a day at the garden."
    assert s["Hose"].answers["heard"] is False and s["Tomatoes"].answers["heard"] is True
    assert s["Tomatoes"].answers["returned"] is True and s["Hose"].answers["returned"] is False
    assert s["Hose"].answers["helped"] == ["neighbour", "staff"]
    assert s["Hose"].answers["mattered"] == 0 and s["Keys"].answers["mattered"] == 100
    assert s["Tomatoes"].answers["pattern"] == "Pattern 1: soil"
    assert s["Keys"].teller_answers == {"role": "visitor"}
    qs = {q.id: q for q in get_questions(store)}
    assert qs["heard"].kind == "boolean"   # a single choice of yes and no
    assert (qs["mattered"].scale_min, qs["mattered"].scale_max) == (0, 100)
    assert qs["mattered"].labels == ["not at all", "very much"]
    assert qs["pattern"].about == "annotation"


def test_for_import_form_reads_its_date_row_as_the_date(store: Store) -> None:
    f = run(store, EXPORT, form=NF / "export_story_form_for_import_garden.csv").files[0]
    assert (f.stored, f.rejected) == (4, 0)
    s = {x.title: x for x in list_stories(store)}
    assert s["Hose"].text == HOSE and s["Hose"].date == "2026-04-03"
    assert "story_text" not in s["Hose"].answers
    assert any("second 'Story text column name' row ('Collection date') is read as the"
               " collection date column" in n for n in f.notices), f.notices


def test_five_cell_scale_rows_and_0_100_answers_read_back_on_their_range(store: Store) -> None:
    f = run(store, EXPORT, form=NF / "export_story_form_for_import_garden.csv").files[0]
    q = next(q for q in get_questions(store) if q.id == "mattered")
    assert (q.scale_min, q.scale_max, q.labels) == (1, 5, ["not at all", "very much"])
    s = {x.title: x for x in list_stories(store)}
    assert [s[t].answers["mattered"] for t in ("Hose", "Seeds", "Tomatoes", "Keys")] == [
        1, 3, 4, 5]
    assert any("answers run 0-100" in n and "read back onto 1..5" in n for n in f.notices)


def test_a_text_column_of_dates_is_refused_in_one_line(tmp_path: Path) -> None:
    from pni.cli import app

    form = tmp_path / "form.csv"
    form.write_text("Data column name,Type,About,Short name,Long name,Options,Answers\n"
                    "Felt,Single choice,story,Felt,How?,,calm,tense\n"
                    ",Story text column name,import,,,,Collection date\n", "utf-8")
    r = CliRunner().invoke(app, ["collect", str(EXPORT), "--form", str(form), "--store",
                                 str(tmp_path / "s.db"), "--json"])
    assert r.exit_code != 0
    out = json.loads(r.stdout) if r.stdout.strip().startswith("{") else {}
    errors = [f["error"] for f in out.get("files", [])] or [r.stderr]
    assert any("holds only dates" in (e or "") for e in errors), r.output


def test_import_guide_layout_keeps_every_story(store: Store) -> None:
    rep = run(store, NF / "guide_stories.csv", form=NF / "guide_story_form.csv")
    f = rep.files[0]
    assert (f.read, f.stored, f.rejected) == (4, 4, 0), (rep.rejects, f.notices)
    s = {x.title: x for x in list_stories(store)}
    step = s["Second step"]
    assert step.prompt == "What happened when the river rose?"
    assert step.answers["told_whom"] == ["my family", "my friends"]   # "1 4"
    assert s["Piano"].answers["told_whom"] == ["the council", "the paper"]   # "2 3"
    assert step.answers["who_helped"] == ["A neighbour", "The fire brigade"]
    assert step.answers["wanted"] == ["to be helped"]
    assert s["Blue cart"].answers["wanted"] == ["to be left alone"]
    assert step.answers["heard_how"] == "I was there" and step.answers["when"] == "This year"
    assert step.answers["keep"] == 3 and step.answers["mood"] == ["glad"]
    assert step.teller_answers == {"note": "Thanks"}
    assert s["Blue cart"].prompt == "What do you remember of a market day?"
    assert len({x.teller_id for x in s.values()}) == 4


def test_unreadable_answers_are_listed_and_their_story_kept(store: Store) -> None:
    f = run(store, NF / "guide_stories.csv", form=NF / "guide_story_form.csv").files[0]
    rain = next(x for x in list_stories(store) if x.title == "Rain stall")
    assert rain.answers == {"mood": ["sad"], "who_helped": ["A neighbour"], "when": "This week"}
    problems = [n for n in f.notices if "left unanswered" in n]
    assert len(problems) == 3, f.notices
    assert all(n.startswith("row 5: ") for n in problems)
    assert any("answer 5 to 'Heard how' is not one of its 3 answers" in n for n in problems)
    assert any("'x' to 'Keep' is not a number" in n for n in problems)
    assert any("answer 9 to 'Told whom'" in n for n in problems)


def test_a_short_name_is_kept_and_names_the_question(store: Store, tmp_path: Path) -> None:
    """NarraFirma's "Short name" (one that is neither the column's name nor the question) is kept
    with the question, names it in observations, and goes back out in an export's story form."""
    from pni.explore.data import load
    from pni.explore.observations import Templates, Words
    from pni.interop.narrafirma import write_narrafirma
    from pni.interop.scope import ExportOptions, gather

    form = tmp_path / "form.csv"
    form.write_text((NF / "guide_story_form.csv").read_text("utf-8-sig").replace(
        "Keep,Scale,story,Keep,", "Keep,Scale,story,keeping it,"), "utf-8")
    assert run(store, NF / "guide_stories.csv", form=form).files[0].stored == 4
    qs = {q.id: q for q in get_questions(store)}
    assert qs["keep"].short == "keeping it" and qs["when"].short is None
    data = load(store)
    words = Words(data, Templates.load())
    assert words.name(next(v for v in data.variables if v.question == "keep")) == "keeping it"
    assert words.name(next(v for v in data.variables if v.question == "when")) != "keeping it"
    out = tmp_path / "nf"
    write_narrafirma(gather(store, ExportOptions(all_stories=True)), out)
    assert ",keeping it," in (out / "story_form.csv").read_text("utf-8-sig")
