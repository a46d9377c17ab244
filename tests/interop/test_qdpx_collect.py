"""`pni collect project.qdpx`: a QualCoder/NVivo-style project in, and the round trip
`pni export qdpx` -> `pni collect` into a new store."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xmlschema

from pni.ingest.collect import collect
from pni.interop.qdpx import write_qdpx
from pni.interop.scope import NO_PATTERN, ExportOptions, gather
from pni.models import Story
from pni.store import Store
from pni.store import stories as q
from tests.interop.conftest import XSD
from tests.interop.qda_fixture import TEXTS, write_fixture


@pytest.fixture
def qdpx(tmp_path: Path) -> Path:
    return write_fixture(tmp_path / "school.qdpx")


def test_the_fixture_is_a_valid_refi_project(qdpx: Path) -> None:
    xmlschema.XMLSchema(str(XSD)).validate(io.BytesIO(zipfile.ZipFile(qdpx).read("project.qde")))


def test_text_sources_become_stories_with_answers_tellers_and_codes(qdpx: Path,
                                                                    store: Store) -> None:
    rep = collect(store, [qdpx])
    f = rep.files[0]
    assert f.error is None and f.format == "qdpx"
    assert (f.read, f.stored, f.rejected) == (3, 3, 0)
    stories = {s.title: s for s in q.list_stories(store)}
    assert set(stories) == {"Interview Ana", "Ben on exams", "Club memo"}
    ana = stories["Interview Ana"]
    assert ana.text == TEXTS["s1"]  # BOM dropped, Windows line endings read as \n
    assert ana.source_id == "Interview Ana.docx"
    assert ana.answers["site"] == "North" and ana.answers["remote"] is False
    assert ana.answers["codes"] == ["Emotions > Fear", "Emotions > Hope"]
    assert ana.teller_answers == {"age_group": "10-12", "years_at_school": 2}
    ben = stories["Ben on exams"]
    assert ben.teller_id is not None and ben.teller_id != ana.teller_id
    assert ben.teller_answers["years_at_school"] == 4  # his case by NVivo's case coding
    assert ben.answers["codes"] == ["Emotions > Fear"]
    assert stories["Club memo"].teller_id is None and "codes" not in stories["Club memo"].answers
    kinds = {qu.id: (qu.kind, qu.about) for qu in q.get_questions(store)}
    assert kinds["codes"] == ("multi-choice", "annotation")
    assert kinds["remote"] == ("boolean", "story")
    assert kinds["years_at_school"] == ("scale", "teller")
    codes = next(qu for qu in q.get_questions(store) if qu.id == "codes")
    assert codes.options == ["Emotions", "Emotions > Hope", "Emotions > Fear", "Belonging"]
    assert all(s.consent == "unknown" for s in stories.values())


def test_non_text_sources_are_listed_as_skipped_with_the_reason(qdpx: Path,
                                                                store: Store) -> None:
    rep = collect(store, [qdpx])
    skipped = {s.path.split(": ", 1)[1]: s.reason for s in rep.skipped}
    assert set(skipped) == {"Consent form.pdf", "Focus group.mp3", "Drawing.png"}
    assert skipped["Consent form.pdf"].startswith("PDF source")
    assert "transcribe" in skipped["Focus group.mp3"]
    assert any("note" in n for n in rep.files[0].notices)


def test_case_names_are_pseudonymised_and_known_for_redaction(qdpx: Path, store: Store) -> None:
    rep = collect(store, [qdpx])
    assert rep.files[0].stored == 3
    assert store.scalar("SELECT count(*) FROM tellers WHERE name IS NOT NULL") == 0
    assert all(s.teller_id is None or s.teller_id.startswith("T-")
               for s in q.list_stories(store))


def test_not_a_project(tmp_path: Path, store: Store) -> None:
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("readme.txt", "hello")
    rep = collect(store, [bad])
    assert rep.files[0].error and "no project.qde" in rep.files[0].error


def _comparable(db: Store) -> dict[str, tuple[object, ...]]:
    out = {}
    for s in q.list_stories(db):
        out[" ".join(s.text.split())] = (s.title, s.prompt, s.date, s.consent, s.source_kind,
                                         s.answers, s.teller_answers)
    return out


def test_round_trip_export_then_collect_gives_the_same_stories(project, tmp_path: Path) -> None:
    db, *_ = project
    scope = gather(db, ExportOptions(all_stories=True))
    write_qdpx(scope, tmp_path / "p.qdpx")
    with Store.open(tmp_path / "new.db") as new:
        rep = collect(new, [tmp_path / "p.qdpx"])
        assert rep.files[0].stored == 20 and rep.skipped == []
        def expected(s: Story) -> tuple[object, ...]:
            answers = dict(s.answers)
            if scope.pattern_name(s.id) not in (None, NO_PATTERN):
                answers["codes"] = [scope.pattern_name(s.id)]
            return (s.title, s.prompt, s.date, s.consent, s.source_kind, answers,
                    s.teller_answers)

        before = {" ".join(s.text.split()): expected(s) for s in scope.stories}
        assert _comparable(new) == before
        old_q = {qu.id: (qu.kind, qu.about, qu.options) for qu in q.get_questions(db)}
        new_q = {qu.id: (qu.kind, qu.about, qu.options) for qu in q.get_questions(new)}
        assert {k: v for k, v in new_q.items() if k != "codes"} == old_q
        assert new_q["codes"][0:2] == ("multi-choice", "annotation")
        assert set(new_q["codes"][2]) == {p.name for p in scope.patterns}
        by_teller: dict[str | None, set[str]] = {}
        for s in q.list_stories(new):
            by_teller.setdefault(s.teller_id, set()).add(s.source_id or "")
        old = {s.source_id: s.teller_id for s in scope.stories}
        for group in by_teller.values():
            assert len({old[sid] for sid in group}) == 1
        assert {s.source_id for s in q.list_stories(new)} == {s.source_id for s in scope.stories}


def test_round_trip_keeps_codes_of_a_qda_project(qdpx: Path, store: Store,
                                                 tmp_path: Path) -> None:
    collect(store, [qdpx])
    # a project moved between own tools: unredacted (names pni has seen are redacted by default)
    write_qdpx(gather(store, ExportOptions(include_unknown=True, redact=False)),
               tmp_path / "again.qdpx")
    with Store.open(tmp_path / "new.db") as new:
        collect(new, [tmp_path / "again.qdpx"])
        assert _comparable(new) == _comparable(store)


def test_cli_collect_lists_the_skipped_sources(qdpx: Path, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from pni.cli import app

    r = CliRunner().invoke(app, ["collect", str(qdpx), "--store", str(tmp_path / "c.db"),
                                 "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["totals"]["stored"] == 3
    assert sorted(s["reason"].split()[0] for s in out["skipped"]) == ["PDF", "audio", "picture"]


def test_damaged_projects_are_one_file_error_each(tmp_path: Path, store: Store) -> None:
    cases = {
        "broken.qdpx": {"project.qde": b"<Project xmlns='urn:QDA-XML:project:1.0'><Sources>"},
        "other.qdpx": {"project.qde": b"<Project xmlns='urn:other'/>"},
        "laughs.qdpx": {"project.qde": (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";")
                                                * 10) for i in range(8))
            + b']><Project xmlns="urn:QDA-XML:project:1.0" name="&i;"/>')},
    }
    for name, files in cases.items():
        with zipfile.ZipFile(tmp_path / name, "w") as z:
            for member, data in files.items():
                z.writestr(member, data)
    (tmp_path / "notzip.qdpx").write_bytes(b"PK\x03\x04garbage")
    rep = collect(store, sorted(tmp_path.glob("*.qdpx")))
    assert [f.stored for f in rep.files] == [0, 0, 0, 0]
    assert all(f.error for f in rep.files), [f.error for f in rep.files]


QC = Path(__file__).resolve().parents[1] / "fixtures" / "interop" / "qualcoder"


def test_a_project_qualcoder_wrote_back_gives_every_story_teller_answer_and_code(
        store: Store) -> None:
    """``garden_after_qualcoder.qdpx``: eight fictional stories that `pni export qdpx` wrote
    (one with CRLF line breaks and a '/' in its title, two with the same title, single-code
    answers), imported into QualCoder and exported again by QualCoder itself (its RefiImport
    and RefiExport, main at c3204641, run headless): cases without source references, variables
    Text or Float, source files with a BOM, sets turned into variables, notes as journals.
    ``garden_expected.json`` is what the stories were in pni."""
    import json

    expected = json.loads((QC / "garden_expected.json").read_text("utf-8"))
    rep = collect(store, [QC / "garden_after_qualcoder.qdpx"])
    f = rep.files[0]
    assert (f.read, f.stored, f.rejected, f.error) == (8, 8, 0, None)
    assert any("linked to their teller by the variable pni:teller" in n for n in f.notices)
    assert any("read as sets" in n for n in f.notices)
    got = {s.text: s for s in q.list_stories(store)}
    assert set(got) == {e["text"] for e in expected}
    tellers: dict[str | None, set[str]] = {}
    for e in expected:
        g = got[e["text"]]
        assert (g.title, g.source_id, g.prompt, g.date, g.consent) == (
            e["title"], e["source_id"], e["prompt"], e["date"], e["consent"])
        answers = dict(e["answers"])
        codes = [c for c in [e["pattern"]] if c not in (None, NO_PATTERN)]
        codes += [answers.pop("codes")] if "codes" in answers else []
        if codes:
            answers["codes"] = codes
        assert g.answers == answers, e["title"]
        assert g.teller_answers == e["teller_answers"]
        tellers.setdefault(g.teller_id, set()).add(e["teller"])
    assert all(len(v) == 1 for v in tellers.values()) and len(tellers) == 4
    kinds = {x.id: x.kind for x in q.get_questions(store)}
    assert (kinds["listened_to"], kinds["belonging"], kinds["topics"]) == (
        "boolean", "scale", "multi-choice")
