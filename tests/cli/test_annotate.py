from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app

runner = CliRunner()
SURVEY = """id,story,teller,mood
S1,The lunch table was full and nobody moved over for me.,Ana,sad
S2,My teacher stayed late to help with the project.,Ben,happy
"""


def _store(tmp_path: Path) -> str:
    f = tmp_path / "survey.csv"
    f.write_text(SURVEY, encoding="utf-8")
    db = str(tmp_path / "p.db")
    assert runner.invoke(app, ["collect", str(f), "--store", db]).exit_code == 0
    return db


def test_annotate_reports_counts_conflicts_and_rejects(tmp_path: Path) -> None:
    db = _store(tmp_path)
    codes = tmp_path / "codes.csv"
    codes.write_text("Ref,theme,mood\nS1,exclusion,sad\nS2,support,proud\nS9,x,\n",
                     encoding="utf-8")
    out = tmp_path / "rej.csv"
    r = runner.invoke(app, ["annotate", str(codes), "--store", db, "--map", "id=Ref",
                            "--rejects", str(out)])
    assert r.exit_code == 0, r.stderr
    flat = " ".join(r.stdout.split())
    assert "Conflicting answers (1)" in flat and "Rejected rows (1)" in flat
    assert "New annotation questions" in flat
    assert "1 rejected row(s) written to" in " ".join(r.stderr.split())
    assert "no stored story has the id or source id 'S9'" in out.read_text()
    lines = runner.invoke(app, ["annotate", str(codes), "--store", db, "--map", "id=Ref",
                                "--format", "jsonl"]).stdout.splitlines()
    assert [json.loads(x)["question"] for x in lines] == ["mood"]  # one line per conflict
    j = runner.invoke(app, ["annotate", str(codes), "--store", db, "--map", "id=Ref", "--json",
                            "--replace-answers"])
    d = json.loads(j.stdout)
    assert (d["replaced"], d["unchanged"], d["rejected"]) == (1, 3, 1)
    listed = json.loads(runner.invoke(app, ["imports", "list", "--store", db, "--json"]).stdout)
    assert [i["kind"] for i in listed["imports"]] == ["collect", "annotate", "annotate", "annotate"]
    undo = runner.invoke(app, ["imports", "remove", str(d["import_id"]), "--store", db])
    assert "1 replaced answer(s) put back" in undo.stderr


def test_annotate_bad_input_is_one_line(tmp_path: Path) -> None:
    db = _store(tmp_path)
    codes = tmp_path / "codes.csv"
    codes.write_text("Ref,theme\nS1,x\n", encoding="utf-8")
    r = runner.invoke(app, ["annotate", str(codes), "--store", db])
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: codes.csv: no story id column found")
    u = runner.invoke(app, ["annotate", str(codes), "--store", db, "--map", "title=Ref"])
    assert u.exit_code == 2 and "annotate maps only id=COLUMN or text=COLUMN" in u.stderr
    missing = runner.invoke(app, ["annotate", str(tmp_path / "nope.csv"), "--store", db])
    assert missing.exit_code == 2 and "nope.csv: no such file" in missing.stderr
