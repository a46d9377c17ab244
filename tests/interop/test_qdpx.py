from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from pni.interop.qdpx import write_qdpx
from pni.interop.refi import NS, parse_description
from pni.interop.scope import ExportOptions, gather
from pni.store import Store
from tests.interop.conftest import XSD

N = {"q": NS}
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def _export(db: Store, path: Path, **kw: object) -> tuple[zipfile.ZipFile, ET.Element, bytes]:
    write_qdpx(gather(db, ExportOptions(**kw)), path)  # type: ignore[arg-type]
    z = zipfile.ZipFile(path)
    xml = z.read("project.qde")
    return z, ET.fromstring(xml), xml


def _note_text(z: zipfile.ZipFile, note: ET.Element) -> str:
    """A note's text as QualCoder reads it: the file its ``plainTextPath`` names (in
    ``sources/``); the schema allows that or inline content, never both."""
    assert note.find("q:PlainTextContent", N) is None
    path = note.get("plainTextPath", "")
    assert path.startswith("internal://")
    data = z.read("sources/" + path.split("internal:/")[1].lstrip("/"))
    assert not data.startswith(b"\xef\xbb\xbf")
    return data.decode("utf-8")


def test_project_is_valid_against_the_refi_schema(project, tmp_path: Path, schema) -> None:
    db, *_ = project
    _, root, xml = _export(db, tmp_path / "p.qdpx")
    schema.validate(io.BytesIO(xml))
    assert root.tag == f"{{{NS}}}Project"
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert guids and all(GUID.match(g) for g in guids)
    assert len(guids) == len(set(guids))
    refs = {e.get("targetGUID") for e in root.iter() if e.get("targetGUID")}
    assert refs <= set(guids)


def test_each_story_is_a_text_source_coded_whole_by_its_pattern(project, tmp_path: Path) -> None:
    db, ids, _ = project
    z, root, _ = _export(db, tmp_path / "p.qdpx")
    sources = root.findall("q:Sources/q:TextSource", N)
    assert len(sources) == 17  # 20 less 2 consent "no" and 1 unknown
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{{{NS}}}Code")}
    assert sorted(codes.values())[0].startswith("Pattern 1: ")
    coded = 0
    for src in sources:
        path = src.get("plainTextPath")
        assert path.startswith("internal://") and path.endswith(".txt")
        data = z.read("sources/" + path[len("internal://"):])
        assert not data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8")
        for sel in src.findall("q:PlainTextSelection", N):
            assert sel.get("startPosition") == "0"
            assert sel.get("endPosition") == str(len(text))
            ref = sel.find("q:Coding/q:CodeRef", N).get("targetGUID")
            assert ref in codes
            coded += 1
    assert coded == sum(1 for i, _ in enumerate(ids) if i % 7 != 6 and i % 10 != 9 and i != 0)


def test_tellers_are_cases_and_answers_are_typed_variables(project, tmp_path: Path) -> None:
    db, *_ = project
    _, root, _ = _export(db, tmp_path / "p.qdpx")
    variables = {v.get("name"): v for v in root.findall("q:Variables/q:Variable", N)}
    assert variables["belonging"].get("typeOfVariable") == "Integer"
    assert variables["listened_to"].get("typeOfVariable") == "Boolean"
    assert variables["feeling"].get("typeOfVariable") == "Text"
    assert variables["pni:date"].get("typeOfVariable") == "Date"
    q = parse_description("topics", variables["topics"].find("q:Description", N).text)
    assert q is not None and q.kind == "multi-choice" and q.options
    cases = root.findall("q:Cases/q:Case", N)
    assert cases and all(c.get("name", "").startswith("T-") for c in cases)
    role = variables["role"].get("guid")
    for case in cases:
        vals = [vv for vv in case.findall("q:VariableValue", N)
                if vv.find("q:VariableRef", N).get("targetGUID") == role]
        assert len(vals) == 1
        assert case.findall("q:SourceRef", N)


def test_observations_outcomes_and_exemplars_are_notes(project, tmp_path: Path,
                                                        names: Path) -> None:
    db, *_ = project
    z, root, _ = _export(db, tmp_path / "p.qdpx", names_file=names)
    notes = {n.get("name"): _note_text(z, n) for n in root.findall("q:Notes/q:Note", N)}
    assert "Competing interpretations" in notes["Observation 1 (pattern lens)"]
    outcome = next(v for k, v in notes.items() if k.startswith("Outcome"))
    assert "buddy bench" in outcome and "[name]" in outcome
    assert any(k.endswith(": exemplars") for k in notes)
    sets = [s.get("name") for s in root.findall("q:Sets/q:Set", N)]
    assert any(s.startswith("Outcome") for s in sets)
    project_refs = {r.get("targetGUID") for r in root.findall("q:NoteRef", N)}
    assert len(project_refs) == 2


def test_consent_no_only_with_all_and_said_in_the_description(project, tmp_path: Path,
                                                               schema) -> None:
    db, *_ = project
    _, root, _ = _export(db, tmp_path / "a.qdpx")
    desc = root.find("q:Description", N).text
    assert "2 stories whose tellers said no" in desc and "left out" in desc
    _, root, xml = _export(db, tmp_path / "b.qdpx", all_stories=True)
    schema.validate(io.BytesIO(xml))
    assert len(root.findall("q:Sources/q:TextSource", N)) == 20
    assert "said NO to sharing" in root.find("q:Description", N).text
    _, root, _ = _export(db, tmp_path / "c.qdpx", include_unknown=True)
    assert len(root.findall("q:Sources/q:TextSource", N)) == 18


def test_redaction_as_for_every_output(project, tmp_path: Path, names: Path) -> None:
    db, *_ = project
    z, _, _ = _export(db, tmp_path / "p.qdpx", names_file=names)
    texts = "".join(z.read(n).decode("utf-8") for n in z.namelist())
    assert "Rosa" not in texts and "rosa@example.org" not in texts
    assert "[name]" in texts and "[email]" in texts
    z, _, _ = _export(db, tmp_path / "raw.qdpx", redact=False)
    texts = "".join(z.read(n).decode("utf-8") for n in z.namelist())
    assert "Rosa Diaz" in texts and "Not redacted" in texts


def test_pattern_hierarchy_becomes_nested_codes(project, tmp_path: Path, schema) -> None:
    db, *_ = project
    scope = gather(db, ExportOptions())
    scope.parent_of = {scope.patterns[1].id: scope.patterns[0].id,
                       scope.patterns[2].id: scope.patterns[0].id}
    write_qdpx(scope, tmp_path / "h.qdpx")
    xml = zipfile.ZipFile(tmp_path / "h.qdpx").read("project.qde")
    schema.validate(io.BytesIO(xml))
    top = ET.fromstring(xml).findall("q:CodeBook/q:Codes/q:Code", N)
    assert len(top) == 2
    assert len(top[0].findall("q:Code", N)) == 2


def test_no_run_no_codes_and_same_export_twice_is_the_same_project(store: Store,
                                                                   tmp_path: Path) -> None:
    from tests.helpers import populate

    populate(store, 6)
    scope = gather(store, ExportOptions())
    assert scope.run_id is None
    write_qdpx(scope, tmp_path / "a.qdpx", name="p", now="2026-01-01T00:00:00Z")
    write_qdpx(scope, tmp_path / "b.qdpx", name="p", now="2026-01-01T00:00:00Z")
    a, b = (zipfile.ZipFile(tmp_path / f"{n}.qdpx") for n in "ab")
    assert a.read("project.qde") == b.read("project.qde")
    assert ET.fromstring(a.read("project.qde")).find("q:CodeBook", N) is None


def test_the_projects_consent_setting_is_used(project, tmp_path: Path) -> None:
    from pni.settings import Settings, save_settings, settings_path

    db, *_ = project
    save_settings(Settings(include_unknown_consent=True), settings_path(db.path))
    assert len(gather(db, ExportOptions()).stories) == 18


def _story(store: Store, n: int, **kw: object) -> str:
    from pni.models import Story
    from pni.store import stories as q

    text = str(kw.pop("text", f"Story number {n} about the garden gate."))
    with store.transaction():
        cid = q.ensure_collection(store, "c")
        tid = q.teller_id_for(store, str(kw.pop("teller", f"teller {n}")))
        q.ensure_teller(store, tid)
        h = q.content_hash(text, str(n), "p")
        st = Story(id=q.story_id_for(h), text=text, title=kw.pop("title", f"Story {n}"),  # type: ignore[arg-type]
                   source_id=f"SRC-{n}", teller_id=tid, consent="yes", content_hash=h,
                   source_kind="story-form", **kw)  # type: ignore[arg-type]
        q.insert_story(store, st, collection_id=cid, import_id=None)
    return st.id


def test_source_names_are_unique_and_safe_as_file_names(store: Store, tmp_path: Path,
                                                        schema) -> None:
    for n, title in enumerate(["Lunch", "Lunch", "lunch", "Before/after: the bus?", "", " . ",
                               "x" * 300]):
        _story(store, n, title=title or None)
    _, root, xml = _export(store, tmp_path / "p.qdpx")
    schema.validate(io.BytesIO(xml))
    names = [s.get("name") for s in root.findall("q:Sources/q:TextSource", N)]
    assert len({n.casefold() for n in names}) == len(names) == 7
    assert {"Lunch", "Before-after- the bus", "SRC-4", "SRC-5", "x" * 100} <= set(names)
    assert len([n for n in names if n.casefold().startswith("lunch")]) == 3
    assert all(not set('/\\:*?"<>|') & set(n) and n.strip() == n and len(n) <= 120
               for n in names)


def test_each_source_names_its_teller_in_a_variable(project, tmp_path: Path) -> None:
    db, *_ = project
    scope = gather(db, ExportOptions())
    _, root, _ = _export(db, tmp_path / "p.qdpx")
    var = next(v for v in root.findall("q:Variables/q:Variable", N)
               if v.get("name") == "pni:teller")
    assert var.get("typeOfVariable") == "Text"
    tellers = {s.title: s.teller_id for s in scope.stories}
    for src in root.findall("q:Sources/q:TextSource", N):
        got = [vv.find("q:TextValue", N).text for vv in src.findall("q:VariableValue", N)
               if vv.find("q:VariableRef", N).get("targetGUID") == var.get("guid")]
        assert got == [tellers[src.get("name")]]


def test_a_single_code_answer_is_one_code_never_its_characters(store: Store,
                                                              tmp_path: Path) -> None:
    from pni.models import Question
    from pni.store import stories as q

    a, b = _story(store, 1), _story(store, 2)
    with store.transaction():
        q.upsert_question(store, Question(id="codes", text="Codes", kind="choice",
                                          about="annotation", options=["Barriers", "Hope"]))
        q.set_answer(store, "codes", "Barriers", story_id=a)
        q.set_answer(store, "codes", "Hope", story_id=b)
    _, root, _ = _export(store, tmp_path / "p.qdpx")
    assert sorted(c.get("name") for c in root.iter(f"{{{NS}}}Code")) == ["Barriers", "Hope"]
    assert len(root.findall(".//q:Coding", N)) == 2


def test_line_endings_are_lf_positions_on_the_written_text_and_no_bom(store: Store,
                                                                      tmp_path: Path) -> None:
    from pni.models import Question
    from pni.store import stories as q

    sid = _story(store, 1, text="\ufeffFirst line.\r\nSecond line.\rThird line.\r\n")
    with store.transaction():
        q.upsert_question(store, Question(id="codes", text="Codes", kind="multi-choice",
                                          about="annotation", options=["Lines"]))
        q.set_answer(store, "codes", ["Lines"], story_id=sid)
    z, root, _ = _export(store, tmp_path / "p.qdpx")
    src = root.find("q:Sources/q:TextSource", N)
    data = z.read("sources/" + src.get("plainTextPath")[len("internal://"):])
    assert data == b"First line.\nSecond line.\nThird line.\n"
    sel = src.find("q:PlainTextSelection", N)
    assert (sel.get("startPosition"), sel.get("endPosition")) == ("0", str(len(data)))


def test_story_text_is_data_never_markup(store: Store, tmp_path: Path, schema) -> None:
    text = 'She wrote <b>"no"</b> & left; ]]> <!-- not a comment --> \x01done.'
    _story(store, 1, text=text, title="<i>Title</i> & \x0bmore", prompt="Say <why> & how")
    z, root, xml = _export(store, tmp_path / "p.qdpx")
    schema.validate(io.BytesIO(xml))
    src = root.find("q:Sources/q:TextSource", N)
    assert src.get("name") == "i-Title--i- & more"
    assert src.find("q:Description", N).text == "Say <why> & how"
    assert b"<b>" not in xml and b"&lt;b&gt;" not in xml  # the text is in its own file
    assert z.read("sources/" + src.get("plainTextPath")[len("internal://"):]) == text.encode()
    title = next(vv.find("q:TextValue", N).text for vv in src.findall("q:VariableValue", N)
                 if vv.find("q:TextValue", N) is not None
                 and vv.find("q:TextValue", N).text.startswith("<i>"))
    assert title == "<i>Title</i> & more"
