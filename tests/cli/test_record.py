import json
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app
from pni.store import Store

runner = CliRunner()
CSV = ("session,group,exercise,kind,text,stories,patterns\n"
       "S1,1,landscape,discovery,Quiet kids go unseen,SYN-000,1\n"
       "S1,1,landscape,wish,Nope,,\n")


def test_record_then_status(with_run: tuple[Store, list[str], int], store_path: Path,
                            tmp_path: Path) -> None:
    f = tmp_path / "o.csv"
    f.write_text(CSV, "utf-8")
    r = runner.invoke(app, ["record", "--store", str(store_path), str(f)])
    assert r.exit_code == 0, r.stderr
    assert f"rejected: {f}, line 3: unknown kind 'wish'" in r.stderr
    assert "Recorded" in r.stdout and "rejected:" not in r.stdout
    r = runner.invoke(app, ["record", "--store", str(store_path), str(f), "--json"])
    data = json.loads(r.stdout)
    assert data["files"][0]["duplicates"] == 1 and data["files"][0]["stored"] == 0
    r = runner.invoke(app, ["status", "--store", str(store_path), "--json"])
    doc = json.loads(r.stdout)
    sections = {s["title"]: s for s in doc["sections"]}
    assert sections["Recorded from sessions"]["rows"][0] == ["S1", "outcome", "discovery", 1, 1]
    assert any(line.startswith("Session S1: 1 group(s); 1 outcome recorded")
               for line in doc["state"])
    r = runner.invoke(app, ["status", "--store", str(store_path)])
    assert "Recorded from sessions" in r.stdout and "Next" in r.stdout


def test_record_dry_run_and_bad_file(with_run: tuple[Store, list[str], int], store_path: Path,
                                     tmp_path: Path) -> None:
    f = tmp_path / "o.csv"
    f.write_text(CSV, "utf-8")
    r = runner.invoke(app, ["record", "--store", str(store_path), str(f), "--dry-run", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["files"][0]["stored"] == 1
    r = runner.invoke(app, ["status", "--store", str(store_path), "--json"])
    assert "Outcomes recorded" not in r.stdout
    r = runner.invoke(app, ["record", "--store", str(store_path), str(tmp_path / "none.csv")])
    assert r.exit_code == 2 and "not found" in r.stderr
    bad = tmp_path / "b.csv"
    bad.write_text("who,what\n1,2\n", "utf-8")
    r = runner.invoke(app, ["record", "--store", str(store_path), str(bad)])
    assert r.exit_code == 1 and "line 1: no column kind or text" in r.stderr
