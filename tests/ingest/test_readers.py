"""Every reader with good and broken input, through the collect pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pni.errors import FormError, MappingError, UsageError
from pni.ingest import CollectOptions, collect
from pni.ingest.detect import decode, detect_format
from pni.store import Store
from pni.store.stories import list_rejects, list_stories


def run(db: Store, *paths: Path, **kw: object):  # type: ignore[no-untyped-def]
    rep = collect(db, list(paths), CollectOptions(**kw))  # type: ignore[arg-type]
    for f in rep.files:
        assert f.read == f.stored + f.duplicates + f.rejected, f
    return rep


def one(rep):  # type: ignore[no-untyped-def]
    assert len(rep.files) == 1
    return rep.files[0]


def test_csv_with_form_beside_it(store: Store, fix: Path) -> None:
    f = one(run(store, fix / "form" / "stories.csv"))
    assert (f.read, f.stored, f.rejected, f.error) == (6, 6, 0, None)
    assert "questions from form.toml beside the file" in f.notices
    s = {x.source_id: x for x in list_stories(store)}
    assert s["R1"].answers == {"feeling": "hopeful", "belonging": 4, "listened_to": True,
                               "topics": ["belonging", "friends"]}
    assert s["R1"].teller_answers == {"role": "student", "school": "Alder Middle School",
                                      "grade_band": "6-8"}
    assert s["R3"].consent == "no" and s["R5"].consent == "unknown"
    assert s["R1"].provenance and s["R1"].provenance.locator == "row 2"
    assert s["R1"].teller_id and s["R1"].teller_id.startswith("T-")
    names = store.query("SELECT name FROM tellers WHERE name IS NOT NULL")
    assert names == []  # no real names without keep_names


def test_keep_names(store: Store, fix: Path) -> None:
    run(store, fix / "form" / "stories.csv", keep_names=True)
    names = {r["name"] for r in store.query("SELECT name FROM tellers")}
    assert "Maya" in names


def test_cp1252_fallback_notice(store: Store, fix: Path) -> None:
    f = one(run(store, fix / "cp1252.csv"))
    assert f.stored == 2
    assert any("cp1252" in n for n in f.notices)
    texts = [s.text for s in list_stories(store)]
    assert "Café story: the naïve new kid – me – found a friend." in texts


def test_utf8_bom_and_semicolon(store: Store, fix: Path) -> None:
    rep = run(store, fix / "bom.csv", fix / "semicolon.csv")
    assert [f.stored for f in rep.files] == [1, 2]
    assert [s.source_id for s in list_stories(store)] == ["B1", "C1", "C2"]
    assert any("';'" in n for n in rep.files[1].notices)


def test_undecodable_and_binary_and_empty_fail_as_a_whole(store: Store, fix: Path) -> None:
    rep = run(store, fix / "broken" / "undecodable.csv", fix / "broken" / "binary.csv",
              fix / "broken" / "empty.txt", fix / "bom.csv")
    errs = [f.error for f in rep.files]
    assert "not UTF-8" in errs[0] and "undecodable.csv" in errs[0]
    assert "binary" in errs[1]
    assert "empty" in errs[2]
    assert errs[3] is None and rep.files[3].stored == 1  # other files go on


def test_ragged_rows(store: Store, fix: Path) -> None:
    f = one(run(store, fix / "ragged.csv"))
    assert (f.read, f.stored, f.rejected) == (3, 2, 1)
    assert any("padded" in n for n in f.notices)
    r = list_rejects(store)
    assert r[0].locator == "row 3" and "ragged" in r[0].reason and "extra" in (r[0].raw or "")


def test_empty_text_rejected(store: Store, fix: Path) -> None:
    f = one(run(store, fix / "empty_text.csv"))
    assert (f.stored, f.rejected) == (1, 2)
    assert {r.reason for r in list_rejects(store)} == {"empty story text"}


def test_duplicate_ids(store: Store, fix: Path) -> None:
    f = one(run(store, fix / "dup_ids.csv"))
    assert (f.read, f.stored, f.duplicates, f.rejected) == (4, 2, 1, 1)
    assert "duplicate id 'F1'" in list_rejects(store)[0].reason


def test_same_id_changed_text_against_store(store: Store, tmp_path: Path) -> None:
    d = tmp_path / "c"
    d.mkdir()
    p = d / "a.csv"
    p.write_text("id,story\nX1,first version\n")
    run(store, p)
    p.write_text("id,story\nX1,second version\n")
    f = one(run(store, p))
    assert (f.stored, f.rejected) == (0, 1)
    assert "already stored" in list_rejects(store)[0].reason


def test_five_megabyte_field(store: Store, tmp_path: Path) -> None:
    big = "word " * 1_000_000
    p = tmp_path / "big.csv"
    p.write_text(f'id,story\nBIG,"{big}"\n')
    f = one(run(store, p))
    assert f.stored == 1
    assert len(list_stories(store)[0].text) == len(big)


def test_missing_mapped_column(store: Store, fix: Path) -> None:
    f = one(run(store, fix / "bom.csv", mapping={"text": "Nope"}))
    assert f.error and "no column 'Nope'" in f.error and "'story'" in f.error
    assert "bom.csv" in f.error


def test_no_text_column_then_map(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("id,words\n1,hello there\n")
    assert "no story text column" in (one(run(store, p)).error or "")
    assert one(run(store, p, mapping={"text": "words"})).stored == 1


def test_json_and_jsonl(store: Store, fix: Path) -> None:
    rep = run(store, fix / "stories.json", fix / "stories.jsonl")
    assert [(f.stored, f.rejected) for f in rep.files] == [(2, 0), (2, 1)]
    assert rep.rejects[0].locator == "line 3" and "JSON" in rep.rejects[0].reason
    k1 = next(s for s in list_stories(store) if s.source_id == "K1")
    assert k1.answers["tags"] == ["a", "b"]


def test_broken_json(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "b.json"
    p.write_text('[{"story": "x"},')
    assert "not valid JSON" in (one(run(store, p)).error or "")


def test_xlsx_all_sheets_and_one(store: Store, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Spring"
    ws.append(["id", "Story", "score"])
    ws.append(["X1", "A spreadsheet story", 3])
    ws.append(["X2", "Another", 5])
    ws2 = wb.create_sheet("Fall")
    ws2.append(["id", "Story", "score"])
    ws2.append(["X3", "Fall story", 4])
    wb.create_sheet("Empty")
    p = tmp_path / "book.xlsx"
    wb.save(p)
    f = one(run(store, p))
    assert (f.read, f.stored) == (3, 3)
    s = {x.source_id: x for x in list_stories(store)}
    assert s["X3"].provenance and s["X3"].provenance.sheet == "Fall"
    assert s["X1"].answers["score"] == 3
    db2 = Store.open(tmp_path / "two.db")
    assert one(run(db2, p, sheet="Fall")).stored == 1
    assert "no sheet" in (one(run(db2, p, sheet="Nope")).error or "")


def test_not_really_xlsx(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "fake.xlsx"
    p.write_text("id,story\n1,x\n")
    assert "not a zip" in (one(run(store, p)).error or "")


def test_markdown(store: Store, fix: Path) -> None:
    f = one(run(store, fix / "story.md"))
    assert f.stored == 1
    s = list_stories(store)[0]
    assert s.title == "The lunch table" and s.source_id == "MD-1" and s.date == "2026-02-01"
    assert s.teller_answers["role"] == "student" and s.answers["feeling"] == "hopeful"


def test_bad_front_matter(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "bad.md"
    p.write_text("---\ntitle: [unclosed\n---\nbody\n")
    err = one(run(store, p)).error or ""
    assert "front matter" in err and "bad.md" in err


def test_text_one_story_and_split(store: Store, fix: Path, tmp_path: Path) -> None:
    assert one(run(store, fix / "blocks.txt")).stored == 1
    db2 = Store.open(tmp_path / "s.db")
    f = one(run(db2, fix / "blocks.txt", split=True))
    assert f.stored == 3
    assert [s.provenance.locator for s in list_stories(db2)] == ["line 1", "line 4", "line 7"]  # type: ignore[union-attr]


def test_docx_story_and_transcript(store: Store, tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    for line in ["Interviewer: What was a good day?", "Ana: The day my mural went up.",
                 "It is still there.", "Interviewer: And a hard one?", "Ana: Report cards."]:
        d.add_paragraph(line)
    p = tmp_path / "int.docx"
    d.save(str(p))
    f = one(run(store, p, kind="empathy-interview"))
    assert (f.format, f.stored) == ("docx", 2)
    s = list_stories(store)
    assert s[0].prompt == "What was a good day?" and "still there" in s[0].text
    assert s[0].provenance and s[0].provenance.locator == "turn 2 (paragraph 2)"
    d2 = docx.Document()
    d2.add_paragraph("Just a story written in Word.")
    p2 = tmp_path / "story.docx"
    d2.save(str(p2))
    assert one(run(store, p2)).stored == 1


def test_broken_docx(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "x.docx"
    p.write_bytes(b"PK\x03\x04garbage")
    assert "cannot open as DOCX" in (one(run(store, p)).error or "")


def test_unsupported_file_explicit(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "x.pdf"
    p.write_bytes(b"%PDF-1.4")
    assert "unsupported file type .pdf" in (one(run(store, p)).error or "")


def test_missing_path_is_usage_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        run(store, tmp_path / "nope.csv")


def test_bad_form_raises(store: Store, fix: Path) -> None:
    with pytest.raises(FormError) as e:
        run(store, fix / "bom.csv", form=fix / "broken" / "bad_form.toml")
    assert "choise" in str(e.value) and "question 1" in str(e.value)


def test_mapping_error_type(fix: Path) -> None:
    from pni.ingest.mapping import map_columns

    with pytest.raises(MappingError):
        map_columns(["a", "b"], {"text": "c"}, fix / "x.csv")


def test_detect_and_decode(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("WEBVTT\n\n")
    assert detect_format(p) == "vtt"
    assert decode("héllo".encode("utf-16"), p)[0] == "héllo"


def test_rerun_stores_nothing_and_keeps_rejects_once(store: Store, fix: Path) -> None:
    a = run(store, fix)
    b = run(store, fix)
    assert a.totals["stored"] > 0 and b.totals["stored"] == 0
    assert b.totals["duplicates"] == a.totals["stored"] + a.totals["duplicates"]
    assert a.totals["rejected"] == b.totals["rejected"]
    # a file that fails as a whole is kept as one reject too (once, however often it is read)
    assert len(list_rejects(store)) == a.totals["rejected"] + a.totals["failed"] > 0
    assert {s.path.rsplit("/", 1)[-1] for s in a.skipped} >= {"form.toml", "bad_form.toml"}


def test_dry_run_same_counts_writes_nothing(store: Store, fix: Path) -> None:
    dry = run(store, fix, dry_run=True)
    assert store.scalar("SELECT count(*) FROM stories") == 0
    assert store.scalar("SELECT count(*) FROM rejects") == 0
    real = run(store, fix)
    assert dry.totals == real.totals
    assert json.loads(dry.model_dump_json())["dry_run"] is True
