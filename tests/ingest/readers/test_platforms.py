"""Survey-platform exports (fixtures written for pni in each platform's real layout), through
the collect pipeline: exact stories, answers, tellers, prompts and accounting."""

from __future__ import annotations

from pathlib import Path

import pytest

from pni.errors import UsageError
from pni.ingest import CollectOptions, collect
from pni.ingest.models import CollectReport, FileReport
from pni.store import Store
from pni.store.stories import get_questions, list_stories, source_meta, teller_names

PLAT = Path(__file__).resolve().parents[2] / "fixtures" / "ingest" / "platforms"


def run(db: Store, *paths: Path, **kw: object) -> CollectReport:
    rep = collect(db, list(paths), CollectOptions(**kw))  # type: ignore[arg-type]
    for f in rep.files:
        assert f.read == f.stored + f.duplicates + f.rejected, f
    return rep


def counts(f: FileReport) -> tuple[int, int, int, int]:
    return f.read, f.stored, f.duplicates, f.rejected


def test_qualtrics_header_rows_are_read_never_stored(store: Store) -> None:
    rep = run(store, PLAT / "qualtrics.csv")
    f = rep.files[0]
    assert (f.platform, f.error) == ("qualtrics", None)
    # two anonymous respondents wrote "It was fine.": two responses, two stories
    assert counts(f) == (3, 3, 0, 0)
    s = {x.source_id: x for x in list_stories(store)}
    assert sorted(s) == ["R_1aBcDeFgHiJkLmN", "R_2xYzAbCdEfGhIjK", "R_3pQrStUvWxYzAbC"]
    ada = s["R_1aBcDeFgHiJkLmN"]
    assert ada.text.startswith("The day the printer jammed")
    assert ada.answers == {"q3": "proud"}
    assert ada.teller_answers == {"q1": "Teacher"}
    assert ada.date == "2026-03-02 09:21:41"
    assert ada.language == "EN"
    assert ada.provenance and ada.provenance.locator == "row 4"
    # anonymous respondents with teller answers get a teller of their own record
    assert len({x.teller_id for x in s.values()}) == 3
    assert ada.teller_id is not None and teller_names(store) == {}  # pseudonymised
    meta = source_meta(store, ada.id)
    assert meta["IPAddress"] == "203.0.113.7" and meta["LocationLatitude"] == "39.7392"
    assert "RecipientEmail" not in meta and "ada.okafor" not in str(meta)
    qs = {q.id: q for q in get_questions(store)}
    assert qs["q3"].text == "How did that moment feel?"
    assert not {"ipaddress", "locationlatitude", "startdate", "duration_in_seconds"} & set(qs)
    notice = " ".join(f.notices)
    assert "recognised as a Qualtrics export" in notice and "row 3 (ImportId row)" in notice
    assert "story text from column 'Q2'" in notice and "IPAddress" in notice


def test_qualtrics_legacy_two_row_export(store: Store) -> None:
    f = run(store, PLAT / "qualtrics_legacy.csv", keep_names=True).files[0]
    assert (f.platform, counts(f)) == ("qualtrics", (2, 2, 0, 0))
    s = {x.source_id: x for x in list_stories(store)}
    assert set(s) == {"R_9zYxWvUtSrQpOnM", "R_8aBcDeFgHiJkLmN"}
    assert s["R_9zYxWvUtSrQpOnM"].teller_answers == {"q2": "Grade 7"}
    assert sorted(teller_names(store).values()) == ["Anonymous", "min.lee@example.org"]
    assert "row 2 (question texts)" in f.notices[0]


def test_google_forms_duplicates_mean_the_same_record(store: Store) -> None:
    rep = run(store, PLAT / "gforms.csv")
    f = rep.files[0]
    assert f.platform == "google-forms"
    # row 5 repeats row 2 (same e-mail, same words): a double submission, one duplicate;
    # rows 3 and 4 are two anonymous people who both wrote "Nada especial.": two stories;
    # row 4's consent "No problem" matches nothing: rejected, never guessed
    assert counts(f) == (5, 3, 1, 1)
    assert [(r.locator, r.reason.split(":")[0]) for r in rep.rejects] == [
        ("row 4", "consent 'No problem' matches no consent value")]
    stories = list_stories(store)
    assert [x.text for x in stories] == [
        "La maestra nos dejó plantar un huerto, y ahora comemos tomates en el recreo.",
        "Nada especial.",
        "Cuando perdí mi mochila, el conserje la encontró y me esperó hasta las seis."]
    lucia, nada, tomas = stories
    assert lucia.date == "2026-03-14 09:05:12" and lucia.consent == "yes"
    assert tomas.consent == "no"
    assert lucia.answers == {"que_palabras_la_describen_marca_todas_las_que_apliquen":
                             ["alegre", "orgullosa"]} or list(lucia.answers.values()) == [
        ["alegre", "orgullosa"]]
    assert sorted(lucia.teller_answers.values()) == ["1998", "Femenino", "México"]
    qs = {q.text: q for q in get_questions(store)}
    assert qs["¿En qué año naciste?"].about == "teller"
    assert qs["¿En qué año naciste?"].kind != "scale"
    assert qs["¿Con qué género te identificas?"].about == "teller"
    assert qs["¿En qué país vives?"].about == "teller"
    assert "Timestamp" in source_meta(store, nada.id)
    again = run(store, PLAT / "gforms.csv").files[0]
    assert counts(again) == (5, 0, 4, 1)  # idempotent


def test_consent_map_maps_values_explicitly(store: Store) -> None:
    f = run(store, PLAT / "gforms.csv", consent_map={"no problem": "yes"}).files[0]
    assert counts(f) == (5, 4, 1, 0)


def test_microsoft_forms_xlsx(store: Store) -> None:
    f = run(store, PLAT / "msforms.xlsx").files[0]
    assert (f.platform, counts(f)) == ("microsoft-forms", (3, 3, 0, 0))
    s = {x.source_id: x for x in list_stories(store)}
    assert set(s) == {"1", "2", "3"}
    assert s["1"].teller_id != s["3"].teller_id  # "anonymous" is no one: two people
    assert s["2"].answers == {"which_services_did_you_use": ["Quiet room"]}
    assert s["1"].answers == {"which_services_did_you_use": ["Archives", "Printing"]}
    assert s["2"].teller_answers == {"your_role": "Adult learner"}
    assert s["2"].date == "2026-02-11 09:33:12"
    assert "Start time" in source_meta(store, s["2"].id)


def test_surveymonkey_two_header_rows_and_spread_choices(store: Store) -> None:
    f = run(store, PLAT / "surveymonkey.csv").files[0]
    assert (f.platform, counts(f)) == ("surveymonkey", (2, 2, 0, 0))
    a, b = list_stories(store)
    assert a.source_id == "11472958301"
    assert a.text.startswith("We paddled to the island")
    choice = "which_activities_were_part_of_it_select_all_that_apply"
    assert a.answers == {choice: ["Canoeing", "Campfire"]}
    assert b.answers == {choice: ["Campfire"],
                         "which_activities_were_part_of_it_select_all_that_ap_8f38f497": "singing"}
    assert a.teller_answers == {"what_is_your_age_group": "12-14"}
    assert a.teller_id is not None and b.teller_id is not None
    assert source_meta(store, a.id)["IP Address"] == "203.0.113.40"
    assert "Email Address" not in source_meta(store, a.id)
    qs = {q.id: q for q in get_questions(store)}
    assert qs[choice].options == ["Canoeing", "Archery", "Campfire"]


def test_timestamp_that_is_not_a_date_and_consent_never_guessed(store: Store) -> None:
    rep = run(store, PLAT / "timestamp.csv")
    f = rep.files[0]
    assert counts(f) == (3, 1, 0, 2)
    assert [r.locator for r in rep.rejects] == ["row 2", "row 3"]
    (s,) = list_stories(store)
    assert s.date is None and s.answers == {"timestamp": "18:32"} and s.consent == "yes"
    assert any("holds '0:54', not dates" in n for n in f.notices)


def test_platform_can_be_forced_or_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="--platform 'zoho'"):
        run(store, PLAT / "gforms.csv", platform="zoho")
    f = run(store, PLAT / "gforms.csv", platform="none",
            mapping={"text": "Cuéntanos una historia sobre tu escuela."}).files[0]
    assert f.platform is None


def test_teller_question_option(store: Store) -> None:
    run(store, PLAT / "qualtrics.csv", teller_questions=["Q3"])
    qs = {q.id: q for q in get_questions(store)}
    assert qs["q3"].about == "teller"


NF = PLAT / "narrafirma"


def test_narrafirma_with_its_story_form(store: Store) -> None:
    rep = run(store, NF / "stories.csv", form=NF / "story_form.csv")
    f = rep.files[0]
    assert f.platform == "narrafirma"
    # the ';' row is a comment, not a record; row 6's answer number 7 does not exist: that
    # answer is listed and left out, its story kept
    assert counts(f) == (4, 4, 0, 0)
    assert rep.rejects == []
    assert "row 6: answer 7 to 'Who' is not one of its 3 answers; left unanswered, the story is" \
        " kept" in f.notices
    s = {x.title: x for x in list_stories(store)}
    night = s["Night shift"]
    assert night.prompt == "When did you feel proud at work?"
    assert night.date == "2025-11-02"
    assert night.answers == {"felt": ["happy", "tired"], "who": "My team",
                             "helped_by": ["manager", "colleague"], "wanted": ["rest", "credit"],
                             "size": "large", "ended": 8}
    assert night.teller_answers == {"team": "Front desk"}
    linen = s["Linen"]
    assert linen.answers["felt_write_in"] == "fed up"
    assert linen.answers["helped_by"] == ["customer"] and linen.answers["size"] == "medium"
    # same words, another participant: another story
    assert s["Linen again"].text == linen.text and s["Linen again"].teller_id != linen.teller_id
    qs = {q.id: q for q in get_questions(store)}
    assert qs["team"].about == "teller"
    assert (qs["ended"].kind, qs["ended"].scale_min, qs["ended"].scale_max) == ("scale", 0, 10)
    assert qs["helped_by"].kind == "multi-choice"
    assert "1 ';' comment row(s) skipped" in f.notices[0]


def test_narrafirma_form_beside_the_stories_is_used_not_collected(store: Store) -> None:
    rep = run(store, NF)
    assert [s.reason for s in rep.skipped] == [
        "NarraFirma story form (its questions are used for the CSV files beside it)"]
    (f,) = rep.files
    assert counts(f) == (4, 4, 0, 0)
    assert "questions from story_form.csv beside the file" in f.notices


def test_narrafirma_without_its_form_never_reads_lists_as_numbers(store: Store,
                                                                  tmp_path: Path) -> None:
    alone = tmp_path / "stories.csv"
    alone.write_bytes((NF / "stories.csv").read_bytes())
    f = run(store, alone).files[0]
    assert counts(f) == (4, 4, 0, 0)
    s = {x.title: x for x in list_stories(store)}
    assert s["Night shift"].answers["helped_by"] == ["1", "2"]
    assert s["Night shift"].answers["felt"] == ["happy", "tired"]
    assert s["Linen"].answers["felt_other"] == "fed up"
    assert s["Night shift"].answers["question_asked"] == "Proud"  # its name is the form's
    assert "give the story-form CSV with --form FILE" in f.notices[0]


def test_narrafirma_form_collected_as_stories_is_refused(store: Store) -> None:
    f = run(store, NF / "story_form.csv").files[0]
    assert f.error and "NarraFirma story form, not stories" in f.error


def test_form_file_declares_teller_questions_and_consent_values(store: Store,
                                                                tmp_path: Path) -> None:
    form = tmp_path / "form.toml"
    form.write_text('teller_questions = ["timestamp"]\n'
                    'consent = { yes = ["I agree", "No problem, you can share it"] }\n'
                    "questions = []\n")
    rep = run(store, PLAT / "timestamp.csv", form=form)
    assert counts(rep.files[0]) == (3, 3, 0, 0)
    qs = {q.id: q for q in get_questions(store)}
    assert qs["timestamp"].about == "teller"
    assert {s.consent for s in list_stories(store)} == {"yes"}


def test_qualtrics_as_utf16_tsv_and_as_xlsx(store: Store, tmp_path: Path) -> None:
    import csv

    from openpyxl import Workbook

    rows = list(csv.reader((PLAT / "qualtrics.csv").open(encoding="utf-8", newline="")))
    tsv = tmp_path / "export.tsv"  # Qualtrics writes its TSV downloads as UTF-16 with a BOM
    tsv.write_bytes("\n".join("\t".join(r) for r in rows).encode("utf-16"))
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    xlsx = tmp_path / "export.xlsx"
    wb.save(xlsx)
    rep = run(store, tsv, xlsx)
    assert [(f.format, f.platform, counts(f)) for f in rep.files] == [
        ("tsv", "qualtrics", (3, 3, 0, 0)), ("xlsx", "qualtrics", (3, 0, 3, 0))]
    assert len(list_stories(store)) == 3


def test_qualtrics_meta_info_and_timing_columns_are_metadata() -> None:
    from pni.ingest.readers.qualtrics import _is_meta

    assert _is_meta("Q5_Browser", "QID5_BROWSER") and _is_meta("Q5_Operating System", "QID5_OS")
    assert _is_meta("Q6_Page Submit", "QID6_PAGE_SUBMIT") and _is_meta("UserAgent", None)
    assert _is_meta("Q2 - Topics", "QID2_TEXT_eae5Topics")
    assert not _is_meta("Q2", "QID2_TEXT") and not _is_meta("Q1", "QID1")
