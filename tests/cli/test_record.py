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


def test_a_composite_story_is_a_story_with_its_cards(with_run: tuple[Store, list[str], int],
                                                     store_path: Path, tmp_path: Path) -> None:
    """Issue 22: a composite story a group wrote is stored as a story of kind composite, shown by
    its code in any case with the cards it was made from, listed last, and counted apart from
    the raw stories in `pni status` (it is not a story that came after the cluster run)."""
    from pni.store.codes import story_codes

    db, ids, _ = with_run
    codes = story_codes(db)
    f = tmp_path / "capture.csv"
    f.write_text("session,group,section,type,name,text,cards\n"
                 f"Spring,G1,construction,composite story,Bus,\"On the bus, nobody spoke.\","
                 f"{codes[ids[1]].lower()};{codes[ids[0]]}\n", "utf-8")
    r = runner.invoke(app, ["record", "--store", str(store_path), str(f), "--json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["files"][0]["composites"] == 1
    r = runner.invoke(app, ["stories", "show", "c1", "--store", str(store_path), "--json"])
    assert r.exit_code == 0, r.stderr
    story = json.loads(r.stdout)["story"]
    assert story["code"] == "C1" and story["source_kind"] == "composite"
    assert story["text"] == "On the bus, nobody spoke." and story["title"] == "Bus"
    assert story["made_from"] == [codes[ids[1]], codes[ids[0]]]
    r = runner.invoke(app, ["stories", "show", "C1", "--store", str(store_path)])
    assert f"made from cards: {codes[ids[1]]}, {codes[ids[0]]}" in r.stdout
    r = runner.invoke(app, ["stories", "list", "--store", str(store_path), "--json"])
    listed = json.loads(r.stdout)["stories"]
    assert listed[-1]["code"] == "C1" and len(listed) == len(ids) + 1
    r = runner.invoke(app, ["stories", "list", "--kind", "composite", "--store", str(store_path),
                            "--json"])
    assert [s["code"] for s in json.loads(r.stdout)["stories"]] == ["C1"]
    r = runner.invoke(app, ["status", "--store", str(store_path), "--json"])
    state = json.loads(r.stdout)["state"]
    assert "1 composite story written in sessions: pni stories list --kind composite" in state
    assert not any("came after run" in line for line in state)
