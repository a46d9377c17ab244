from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app
from pni.store import Store
from pni.store import stories as q
from tests.helpers import fake_run

runner = CliRunner()
SURVEY = """id,story,teller,mood
S1,The lunch table was full and nobody moved over for me.,Ana,sad
S2,My teacher stayed late to help with the project.,Ben,happy
"""


def _store(tmp_path: Path) -> tuple[str, Path]:
    f = tmp_path / "survey.csv"
    f.write_text(SURVEY, encoding="utf-8")
    db = str(tmp_path / "p.db")
    r = runner.invoke(app, ["collect", str(f), "--store", db])
    assert r.exit_code == 0, r.stderr
    return db, f


def test_list_prints_data_on_stdout(tmp_path: Path) -> None:
    db, _ = _store(tmp_path)
    r = runner.invoke(app, ["imports", "list", "--store", db])
    assert r.exit_code == 0, r.stderr
    title, header, _, row = r.stdout.splitlines()
    assert title == "1 imports"
    assert header.split() == ["id", "kind", "file", "started", "at", "read", "stored",
                              "duplicates", "rejected", "held", "removed", "at"]
    assert row.split()[:3] == ["1", "collect", "survey.csv"]
    assert row.split()[4:] == ["2", "2", "0", "0", "2"]  # not removed: the last cell is empty
    j = runner.invoke(app, ["imports", "list", "--store", db, "--json"])
    assert json.loads(j.stdout)["imports"][0]["options"]["format"] == "csv"
    c = runner.invoke(app, ["imports", "list", "--store", db, "--format", "csv"])
    assert c.stdout.splitlines()[0].startswith("id,kind,file,started_at,read")


def test_remove_says_what_it_did_and_which_runs_are_stale(tmp_path: Path) -> None:
    db, _ = _store(tmp_path)
    with Store.open(db) as s:
        run = fake_run(s, [x.id for x in q.list_stories(s)])
    r = runner.invoke(app, ["imports", "remove", "1", "--store", db])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert "import 1 (survey.csv) removed: 2 stories, 2 answers, 2 tellers" in r.stderr
    assert f"Runs marked stale, they included removed stories: run {run} (2 stories)" \
        in r.stderr.replace("\n", " ")
    again = runner.invoke(app, ["imports", "remove", "1", "--store", db, "--json"])
    assert again.exit_code == 0
    assert json.loads(again.stdout)["removed"][0]["already"] is True
    status = runner.invoke(app, ["status", "--store", db, "--json"])
    runs = next(s for s in json.loads(status.stdout)["sections"] if "runs" in s["title"])
    assert runs["rows"][0][1] == "cluster (stale)"
    pats = runner.invoke(app, ["patterns", "list", "--store", db])
    assert f"Run {run} is stale: import 1 (survey.csv) removed 2 of its stories" in pats.stderr


def test_remove_unknown_import_is_one_line_error(tmp_path: Path) -> None:
    db, _ = _store(tmp_path)
    r = runner.invoke(app, ["imports", "remove", "1", "7", "--store", db])
    assert r.exit_code == 1
    assert r.stderr.strip() == "Error: no import with id 7 (see `pni imports list`)"
    listed = runner.invoke(app, ["imports", "list", "--store", db, "--current", "--json"])
    assert [i["id"] for i in json.loads(listed.stdout)["imports"]] == [1]


def test_remove_dry_run(tmp_path: Path) -> None:
    db, _ = _store(tmp_path)
    r = runner.invoke(app, ["imports", "remove", "1", "--store", db, "--dry-run"])
    assert r.exit_code == 0 and r.stderr.startswith("Dry run (nothing was removed): import 1")
    with Store.open(db) as s:
        assert q.count_stories(s) == 2


def test_collect_replace(tmp_path: Path) -> None:
    db, f = _store(tmp_path)
    f.write_text(SURVEY.replace("S2,My teacher", "S2,Our teacher"), encoding="utf-8")
    plain = runner.invoke(app, ["collect", str(f), "--store", db, "--json"])
    assert json.loads(plain.stdout)["rejects"][0]["reason"].startswith("id 'S2' is already")
    r = runner.invoke(app, ["collect", str(f), "--store", db, "--replace"])
    assert r.exit_code == 0, r.stderr
    assert "replaced import 1, 2: 1 story read again (ids kept), 1 story no longer in the" \
        " file removed" in r.stderr.replace("\n", " ")
    with Store.open(db) as s:
        assert q.get_story(s, "S2").text.startswith("Our teacher")
        assert q.count_stories(s) == 2
