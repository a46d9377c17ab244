from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
runner = CliRunner()


def _store(tmp_path: Path) -> str:
    db = str(tmp_path / "p.db")
    r = runner.invoke(app, ["collect", str(FIX / "form" / "stories.csv"), "--store", db])
    assert r.exit_code == 0
    return db


def test_list(tmp_path: Path) -> None:
    db = _store(tmp_path)
    r = runner.invoke(app, ["stories", "list", "--store", db, "--json"])
    assert r.exit_code == 0
    rows = json.loads(r.stdout)["stories"]
    assert len(rows) == 6 and rows[0]["source_id"] == "R1"
    assert "listed without their text" in r.stderr  # the gate: consent is not yes
    r = runner.invoke(app, ["stories", "list", "--store", db, "--consent", "no", "--json"])
    [no] = json.loads(r.stdout)["stories"]
    assert no["source_id"] == "R3" and no["text"] == "" and no["answers"] == {}
    r = runner.invoke(app, ["stories", "list", "--store", db, "--limit", "2"])
    assert r.exit_code == 0 and r.stderr == "" and "2 stories" in r.stdout
    r = runner.invoke(app, ["stories", "list", "--store", db, "--consent", "maybe"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["stories", "list", "--store", db, "--kind", "bogus"])
    assert r.exit_code == 2 and "--kind" in r.stderr and r.stdout == ""


def test_show_by_source_id_and_pni_id(tmp_path: Path) -> None:
    db = _store(tmp_path)
    r = runner.invoke(app, ["stories", "show", "R2", "--store", db, "--json"])
    assert r.exit_code == 0
    s = json.loads(r.stdout)["story"]
    assert s["answers"]["feeling"] == "frustrated" and s["teller_answers"]["role"] == "student"
    r2 = runner.invoke(app, ["stories", "show", s["id"], "--store", db])
    assert r2.exit_code == 0 and "three projects" in r2.stdout and "row 3" in r2.stdout
    assert "frustrated" in r2.stdout and r2.stderr == ""
    assert "Leo" not in r2.stdout  # pseudonym only
    r3 = runner.invoke(app, ["stories", "show", "NOPE", "--store", db])
    assert r3.exit_code == 1 and "NOPE" in r3.stderr


def test_export_csv_and_jsonl(tmp_path: Path) -> None:
    db = _store(tmp_path)
    r = runner.invoke(app, ["stories", "export", "--store", db])
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    # the gate: consent no and unknown are left out by default, and the export says so
    assert {row["consent"] for row in rows} == {"yes"} and rows[0]["source_id"] == "R1"
    assert "who said no to sharing are withheld" in r.stderr  # 1 teller: no count
    every = runner.invoke(app, ["stories", "export", "--store", db, "--all"])
    assert len(list(csv.DictReader(io.StringIO(every.stdout)))) == 6
    assert "said NO to sharing" in every.stderr
    assert rows[0]["answer.topics"] == "belonging; friends"
    assert rows[0]["teller.role"] == "student" and rows[0]["source_locator"] == "row 2"
    out = tmp_path / "s.jsonl"
    r = runner.invoke(app, ["stories", "export", "--format", "jsonl", "-o", str(out),
                            "--store", db])
    assert r.exit_code == 0 and f"{len(rows)} stories" in r.stderr
    assert json.loads(out.read_text().splitlines()[0])["answer.belonging"] == 4
    r = runner.invoke(app, ["stories", "export", "--format", "xml", "--store", db])
    assert r.exit_code == 2


def test_missing_store(tmp_path: Path) -> None:
    r = runner.invoke(app, ["stories", "list", "--store", str(tmp_path / "none.db")])
    assert r.exit_code == 1 and "no store" in r.stderr


def test_export_redact_and_consent(tmp_path: Path) -> None:
    db = _store(tmp_path)
    plain = list(csv.DictReader(io.StringIO(
        runner.invoke(app, ["stories", "export", "--store", db]).stdout)))
    (Path(db).parent / "names.txt").write_text("Zebulon Quartz\n", "utf-8")
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("UPDATE stories SET text = text || ' Zebulon QUARTZ''s mail: z@q.org'")
    con.commit()
    con.close()
    for args in ([], ["--redact"]):  # redacted by default, as every output
        r = runner.invoke(app, ["stories", "export", "--store", db, *args])
        assert r.exit_code == 0, r.stderr
        assert "Zebulon" not in r.stdout and "QUARTZ" not in r.stdout
        assert "z@q.org" not in r.stdout and "[name]'s mail: [email]" in r.stdout
    raw = runner.invoke(app, ["stories", "export", "--store", db, "--no-redact"])
    assert "Zebulon QUARTZ" in raw.stdout and "Not redacted" in raw.stderr
    yes = runner.invoke(app, ["stories", "export", "--store", db, "--consent", "yes"])
    rows = list(csv.DictReader(io.StringIO(yes.stdout)))
    assert rows and all(row["consent"] == "yes" for row in rows) and len(rows) <= len(plain)
    bad = runner.invoke(app, ["stories", "export", "--store", db, "--consent", "maybe"])
    assert bad.exit_code == 2 and "--consent" in bad.stderr
