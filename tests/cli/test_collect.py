from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
runner = CliRunner()


def _flat(text: str) -> str:
    """Table cells wrap at the terminal width: compare without spaces and borders."""
    return re.sub(r"[\s│┃]", "", text)


def test_collect_prints_counts_and_rejects(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    r = runner.invoke(app, ["collect", str(FIX / "dup_ids.csv"), str(FIX / "empty_text.csv"),
                            "--store", str(db)])
    assert r.exit_code == 0, r.stderr
    flat = _flat(r.stdout)  # the report is the data: on stdout, whole lines when piped
    assert "dup_ids.csv" in flat and "duplicateid'F1'" in flat
    assert "emptystorytext" in flat and "total" in flat


def test_collect_json(tmp_path: Path) -> None:
    r = runner.invoke(app, ["collect", str(FIX / "ragged.csv"), "--store",
                            str(tmp_path / "p.db"), "--json"])
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["totals"]["read"] == 3 and d["totals"]["stored"] == 2
    assert d["files"][0]["read"] == 3
    assert d["rejects"][0]["locator"] == "row 3"
    assert d["inferred"][0]["column"] == "mood"


def test_collect_twice_and_rejects_file(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    out = tmp_path / "rej.jsonl"
    a = runner.invoke(app, ["collect", str(FIX), "--store", db, "--json", "--rejects", str(out)])
    assert a.exit_code == 1  # the broken/ files fail as a whole
    assert "Error:" in a.stderr and "binary" in a.stderr
    first = json.loads(a.stdout)["totals"]
    lines = out.read_text().splitlines()
    assert len(lines) == first["rejected"] + first["failed"] and json.loads(lines[0])["reason"]
    b = runner.invoke(app, ["collect", str(FIX), "--store", db, "--json"])
    second = json.loads(b.stdout)["totals"]
    assert second["stored"] == 0 and second["read"] == first["read"]
    csv_out = tmp_path / "rej.csv"
    runner.invoke(app, ["collect", str(FIX / "ragged.csv"), "--store", db, "--rejects",
                        str(csv_out)])
    assert csv_out.read_text().startswith("file,locator,reason,raw")


def test_dry_run(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    r = runner.invoke(app, ["collect", str(FIX / "bom.csv"), "--store", str(db), "--dry-run"])
    assert r.exit_code == 0 and "dry run" in r.stderr
    s = runner.invoke(app, ["status", "--store", str(db), "--json"])
    assert json.loads(s.stdout)["counts"]["stories"] == 0


def test_missing_path_is_usage_error(tmp_path: Path) -> None:
    r = runner.invoke(app, ["collect", str(tmp_path / "nope.csv"), "--store",
                            str(tmp_path / "p.db")])
    assert r.exit_code == 2 and "nope.csv" in r.stderr and "Traceback" not in r.stderr


def test_bad_map_and_form(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    r = runner.invoke(app, ["collect", str(FIX / "bom.csv"), "--store", db, "--map", "text=Nope"])
    assert r.exit_code == 1 and "nocolumn'Nope'" in _flat(r.stderr)
    r = runner.invoke(app, ["collect", str(FIX / "bom.csv"), "--store", db, "--map", "oops"])
    assert r.exit_code == 2 and "KEY=COLUMN" in r.stderr
    r = runner.invoke(app, ["collect", str(FIX / "bom.csv"), "--store", db, "--form",
                            str(FIX / "broken" / "broken_syntax.toml")])
    assert r.exit_code == 1 and "broken_syntax.toml" in r.stderr and "line3" in _flat(r.stderr)
    r = runner.invoke(app, ["collect", str(FIX / "bom.csv"), "--store", db, "--kind", "poem"])
    assert r.exit_code == 2 and "--kind" in r.stderr


def test_binary_file_one_line(tmp_path: Path) -> None:
    r = runner.invoke(app, ["collect", str(FIX / "broken" / "binary.csv"), "--store",
                            str(tmp_path / "p.db")])
    assert r.exit_code == 1
    errs = [x for x in r.stderr.splitlines() if x.startswith("Error:")]
    assert len(errs) == 1 and "binary.csv" in errs[0]


def test_listener_and_kind_options(tmp_path: Path) -> None:
    p = tmp_path / "t.txt"
    p.write_text("Coach: What was hard?\nKim: Tryouts.\n")
    r = runner.invoke(app, ["collect", str(p), "--store", str(tmp_path / "p.db"), "--kind",
                            "empathy-interview", "--listener", "Coach", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["totals"]["stored"] == 1


def test_collect_platform_options_and_notice(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    plat = FIX / "platforms"
    r = runner.invoke(app, ["collect", str(plat / "gforms.csv"), "--store", str(db),
                            "--consent-map", "yes=No problem", "--teller-question",
                            "¿En qué país vives?", "--json"])
    assert r.exit_code == 0, r.stderr
    (f,) = json.loads(r.stdout)["files"]
    assert (f["platform"], f["read"], f["stored"], f["duplicates"]) == ("google-forms", 5, 4, 1)
    bad = runner.invoke(app, ["collect", str(plat / "gforms.csv"), "--store", str(db),
                              "--platform", "zoho"])
    assert bad.exit_code == 2 and "--platform 'zoho'" in bad.stderr
    enc = runner.invoke(app, ["collect", str(plat / "gforms.csv"), "--store", str(db),
                              "--encoding", "klingon"])
    assert enc.exit_code == 2 and "--encoding 'klingon'" in enc.stderr
    shown = runner.invoke(app, ["collect", str(plat / "qualtrics.csv"), "--store", str(db)])
    assert shown.exit_code == 0
    assert "recognisedasaQualtricsexport" in _flat(shown.stderr)
    assert "203.0.113.7" not in shown.stderr + shown.stdout
