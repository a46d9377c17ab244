from pathlib import Path

import pytest

from pni.errors import DataError, UsageError
from pni.record.read import read_records


def test_csv_lines_count_multiline_cells(tmp_path: Path) -> None:
    f = tmp_path / "o.csv"
    f.write_text('session,group,exercise,kind,text,stories,patterns\n'
                 'S,1,landscape,idea,"two\nlines",SYN-000,1\n'
                 '\n'
                 'S,2,timeline,question,third,,\n'
                 'S,2,timeline,question,a,b,c,d,e\n', "utf-8")
    recs = read_records(f)
    assert [r.line for r in recs] == [2, 5, 6]
    assert recs[0].values["text"] == "two\nlines" and recs[0].values["stories"] == "SYN-000"
    assert recs[2].problem and "columns" in recs[2].problem


def test_csv_needs_kind_and_text(tmp_path: Path) -> None:
    f = tmp_path / "o.csv"
    f.write_text("session,what\nS,x\n", "utf-8")
    with pytest.raises(DataError, match="line 1: no column kind or text"):
        read_records(f)


def test_yaml_with_defaults_and_lines(tmp_path: Path) -> None:
    f = tmp_path / "o.yaml"
    f.write_text("session: S\ngroup: 3\noutcomes:\n  - kind: idea\n    text: one\n"
                 "  - just a string\n  - kind: dilemma\n    text: two\n    stories: [a, b]\n",
                 "utf-8")
    recs = read_records(f)
    assert [r.line for r in recs] == [4, 6, 7]
    assert recs[0].values == {"session": "S", "group": 3, "kind": "idea", "text": "one"}
    assert recs[1].problem and recs[2].values["stories"] == ["a", "b"]


def test_markdown_headings_and_links(tmp_path: Path) -> None:
    f = tmp_path / "o.md"
    f.write_text("---\nsession: S\ngroup: 2\n---\n# Exercise: Landscape\n## Discoveries\n"
                 "- Quiet kids (stories: SYN-000; SYN-004) (patterns: 1)\n  go unseen.\n"
                 "## Ideas\n1. Check in weekly\n", "utf-8")
    recs = read_records(f)
    assert [r.line for r in recs] == [7, 10]
    assert recs[0].values["text"] == "Quiet kids   go unseen." or \
        " ".join(recs[0].values["text"].split()) == "Quiet kids go unseen."
    assert recs[0].values["stories"] == " SYN-000; SYN-004".strip() or \
        recs[0].values["stories"].replace(" ", "") == "SYN-000;SYN-004"
    assert recs[0].values["exercise"] == "Landscape" and recs[1].values["kind"] == "Ideas"


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        read_records(tmp_path / "none.csv")
    f = tmp_path / "o.txt"
    f.write_text("x", "utf-8")
    with pytest.raises(UsageError, match="unknown outcomes format"):
        read_records(f)
    y = tmp_path / "o.yaml"
    y.write_text("outcomes: [\n", "utf-8")
    with pytest.raises(DataError, match="not valid YAML"):
        read_records(y)
