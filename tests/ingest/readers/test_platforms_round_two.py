"""Survey platforms, round two (issue 20): SurveyMonkey's contact block, KoboToolbox and ODK,
Alchemer/SurveyGizmo, Qualtrics 2017 and Microsoft Forms, each on a fixture written for pni in
the platform's layout. Metadata is provenance, identity columns are the teller (pseudonymised,
known for redaction), open-ended answers are never split, -99/-98 are no answer, dates are ISO,
and an answer pni cannot read never costs its story."""

from __future__ import annotations

from pathlib import Path

from pni.ingest import CollectOptions, collect
from pni.ingest.forms import slug
from pni.ingest.models import CollectReport
from pni.privacy.known import name_index
from pni.store import Store
from pni.store.stories import get_questions, list_stories, source_meta, teller_names

PLAT = Path(__file__).resolve().parents[2] / "fixtures" / "ingest" / "platforms"


def run(db: Store, *paths: Path, **kw: object) -> CollectReport:
    rep = collect(db, list(paths), CollectOptions(**kw))  # type: ignore[arg-type]
    for f in rep.files:
        assert f.error is None and f.read == f.stored + f.duplicates + f.rejected, f
    return rep


def test_surveymonkey_contact_block_is_the_teller_never_answers(store: Store) -> None:
    f = run(store, PLAT / "surveymonkey_contact.csv", keep_names=True).files[0]
    assert (f.platform, f.read, f.stored) == ("surveymonkey", 3, 3)
    a, b, c = list_stories(store)
    names = teller_names(store)
    assert [names.get(s.teller_id or "") for s in (a, b, c)] == [
        "odile.m@example.org", "Hamid Rahimi", None]
    change = slug("What would you change about the estate? (separate ideas with a semicolon)")
    assert a.answers == {change: "More benches; a bike shed; fix the lift",
                         "how_long_have_you_lived_here": "5-10 years"}
    for s in (a, b, c):
        assert not any("Marchetti" in str(v) or "@" in str(v) or "0113" in str(v)
                       for v in [*s.answers.values(), *s.teller_answers.values(),
                                 *source_meta(store, s.id).values()])
    qs = {q.id: q for q in get_questions(store)}
    assert qs[change].kind == "text"  # open-ended: never split at ';'
    assert not [q for q in qs if "contact" in q or "name" in q or "email" in q or "phone" in q]
    assert (a.date, b.date) == ("2022-08-25 15:47:00", "2022-08-26 09:10:00")


def test_surveymonkey_identity_is_redacted_and_pseudonymised(store: Store) -> None:
    run(store, PLAT / "surveymonkey_contact.csv")
    assert teller_names(store) == {}
    idx = name_index(store)
    out = idx.redact("Odile Marchetti and Hamid Rahimi met at the bike shed.")
    assert "Marchetti" not in out and "Rahimi" not in out and "bike shed" in out


def test_kobo_system_columns_are_metadata_and_choices_one_list(store: Store) -> None:
    f = run(store, PLAT / "kobo.csv").files[0]
    assert (f.platform, f.read, f.stored) == ("kobo", 3, 3)
    s = list_stories(store)
    assert [x.source_id for x in s] == ["6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
                                        "7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                                        "8b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"]
    assert [x.date for x in s] == ["2024-05-02 06:31:10", "2024-05-03 07:20:51",
                                   "2024-05-04 12:02:20"]
    assert s[0].text.startswith("When the rains came")
    assert s[0].answers == {"services": ["education", "health"], "years_in_camp": 3}
    assert s[0].teller_answers == {}
    assert s[0].teller_id and s[0].teller_id != s[1].teller_id
    qs = {q.id: q for q in get_questions(store)}
    assert set(qs) == {"services", "years_in_camp"}
    assert qs["services"].options == ["education", "health", "housing"]
    meta = source_meta(store, s[0].id)
    assert meta["_id"] == 20756856 or meta["_id"] == "20756856"
    assert meta["username"] == "enum_amina"
    assert any("recognised as a KoboToolbox/ODK export" in n for n in f.notices)


def test_odk_central_export(store: Store) -> None:
    f = run(store, PLAT / "odk.csv").files[0]
    assert (f.platform, f.read, f.stored) == ("kobo", 2, 2)
    a, _ = list_stories(store)
    assert a.source_id == "uuid:0a1b2c3d-1111-4a4a-8b8b-000000000001"
    assert a.date == "2025-02-11 08:14:03"
    assert a.teller_answers == {"intro_age_group": "25-34"} and a.answers == {}


def test_alchemer_date_submitted_checkboxes_and_long_questions(store: Store) -> None:
    f = run(store, PLAT / "alchemer.csv", keep_names=True).files[0]
    assert (f.platform, f.read, f.stored) == ("alchemer", 3, 3)
    a, b, c = list_stories(store)
    assert (a.source_id, a.date) == ("11", "2023-06-01 18:09:47")
    assert c.date == "2023-06-03 12:00:00"  # partial: no Date Submitted, so Time Started
    assert a.text.startswith("The day my tomatoes won the ribbon")
    left_out = slug("Thinking about the last twelve months at the community garden, please"
                    " describe one moment when you felt left out")
    belonged = slug("Thinking about the last twelve months at the community garden, please"
                    " describe one moment when you felt you belonged")
    assert left_out != belonged and len(left_out) <= 60
    assert a.answers == {left_out: "When the committee met on a weekday afternoon and I was at"
                         " work.", "which_jobs_have_you_done_at_the_garden":
                         ["Watering", "Teaching"], "how_many_years_have_you_been_a_member": 4}
    assert b.answers["which_jobs_have_you_done_at_the_garden"] == ["Watering", "Composting"]
    assert teller_names(store)[a.teller_id or ""] == "priya.n@example.org"
    meta = source_meta(store, a.id)
    assert meta["IP Address"] == "192.0.2.10" and "Email" not in meta
    assert any("recognised as an Alchemer/SurveyGizmo export" in n for n in f.notices)


def test_qualtrics_2017_single_quoted_import_ids_and_missing_codes(store: Store) -> None:
    f = run(store, PLAT / "qualtrics_2017.csv").files[0]
    assert (f.platform, f.read, f.stored) == ("qualtrics", 2, 2)
    assert any("row 2 (question texts), row 3 (ImportId row)" in n for n in f.notices)
    a, b = list_stories(store)
    assert a.text.startswith("The pharmacist noticed")
    assert a.answers == {"q2": 4, "which_services_did_you_use": ["Pharmacy"]}
    assert b.answers == {"q2": 5, "which_services_did_you_use": ["Dental"],
                         "q4_text": "The waiting room is too cold."}
    qs = {q.id: q for q in get_questions(store)}
    assert qs["q2"].text == "How satisfied were you overall?"
    assert (qs["q2"].scale_min, qs["q2"].scale_max) == (4, 5)
    assert qs["which_services_did_you_use"].kind == "multi-choice"
    assert qs["which_services_did_you_use"].options == ["Pharmacy", "Dental"]
    assert not any(q.scale_min == -99 for q in qs.values())
    assert not any("ImportId" in (q.text or "") for q in qs.values())


def test_microsoft_forms_quiz_workbook(store: Store) -> None:
    f = run(store, PLAT / "msforms_quiz.xlsx", keep_names=True).files[0]
    assert (f.platform, f.read, f.stored) == ("microsoft-forms", 3, 3)
    a, b, c = list_stories(store)
    assert a.text == ("The receptionist remembered my son's name; he was so proud he stopped"
                      " crying.")
    assert a.date == "2026-03-02 09:01:42"
    assert a.answers == {"which_services_have_you_used": ["Vaccinations", "Walk-in"]}
    assert a.teller_answers == {"your_age_group": "25-34"}
    names = teller_names(store)
    assert [names.get(s.teller_id or "") for s in (a, b, c)] == [
        "Lena Fischer", None, "Kojo Mensah"]
    qs = {q.id for q in get_questions(store)}
    assert not [q for q in qs if q.startswith(("points", "feedback", "total"))]


def test_open_ended_column_with_semicolons_is_text(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    p.write_text("story,what would help\n"
                 "The bus driver waited for my son every morning.,more buses; a shelter\n"
                 "A stranger paid my fare.,Honestly I do not know; maybe a bench or two near"
                 " the school gate where parents wait\n"
                 "The crossing guard knew my name.,kind drivers\n")
    run(store, p)
    qs = {q.id: q for q in get_questions(store)}
    assert qs["what_would_help"].kind == "text"


def test_an_unreadable_answer_keeps_its_story(store: Store, tmp_path: Path) -> None:
    (tmp_path / "form.toml").write_text(
        '[[questions]]\nid = "felt"\nkind = "scale"\nmin = 1\nmax = 5\n')
    p = tmp_path / "s.csv"
    p.write_text("story,felt\nThe library stayed open late.,4\nThe nurse called my dad.,lots\n")
    f = run(store, p).files[0]
    assert (f.read, f.stored, f.rejected) == (2, 2, 0)
    assert [s.answers for s in list_stories(store)] == [{"felt": 4}, {}]
    assert ("row 3, column 'felt': answer 'lots' to scale question 'felt' is not a number;"
            " left unanswered, the story is kept") in f.notices


def test_identity_columns_of_a_plain_table_are_the_teller(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    p.write_text("story,Email,Your role\nThe bus driver waited for my son.,ana@example.org,"
                 "parent\nA stranger paid my fare.,,student\n")
    f = run(store, p, keep_names=True).files[0]
    a, _b = list_stories(store)
    assert teller_names(store)[a.teller_id or ""] == "ana@example.org"
    assert a.answers == {} and a.teller_answers == {"your_role": "parent"}
    assert any("identity column(s) 'Email': the teller" in n for n in f.notices)


def test_missing_codes_are_no_answer_on_every_platform(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text('"Response ID","Time Started","Date Submitted","Status","Story","Years here"\n'
                 '"1","2023-06-01 18:02:11","2023-06-01 18:09:47","Complete",'
                 '"The caretaker fixed our door at midnight.","3"\n'
                 '"2","2023-06-02 18:02:11","2023-06-02 18:09:47","Complete",'
                 '"A neighbour fed the cat all August.","-99"\n')
    f = run(store, p).files[0]
    assert f.platform == "alchemer"
    assert [s.answers for s in list_stories(store)] == [{"years_here": 3}, {}]
    q = next(q for q in get_questions(store) if q.id == "years_here")
    assert (q.scale_min, q.scale_max) == (3, 3)


def test_an_id_column_is_never_suggested_as_the_story(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "plain.csv"
    p.write_text("_uuid,_id,tale\n6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f,1,We walked.\n"
                 "7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d,2,Rain came.\n")
    rep = collect(store, [p], CollectOptions(platform="none"))
    err = rep.files[0].error or ""
    assert "--map text='tale'" in err and "_uuid" not in err.split("most text")[1]
