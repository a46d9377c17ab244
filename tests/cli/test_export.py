from __future__ import annotations

import json
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app
from pni.store import Store
from tests.helpers import fake_run, populate

runner = CliRunner()


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "pni.db"
    with Store.open(path) as db:
        fake_run(db, populate(db, 12))
    return path


def test_export_qdpx_writes_the_project_and_says_the_policy(tmp_path: Path) -> None:
    store = _store(tmp_path)
    out = tmp_path / "out" / "project.qdpx"
    r = runner.invoke(app, ["export", "qdpx", "-o", str(out), "--store", str(store)])
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == str(out)
    assert "left out" in r.stderr and "text sources" in r.stderr
    assert "project.qde" in zipfile.ZipFile(out).namelist()


def test_export_qdpx_json_and_names_beside_the_store(tmp_path: Path) -> None:
    store = _store(tmp_path)
    (tmp_path / "names.txt").write_text("Nobody Here\n", "utf-8")
    r = runner.invoke(app, ["export", "qdpx", "-o", str(tmp_path / "p.qdpx"), "--store",
                            str(store), "--json", "--all"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["project"]["sources"] == 12 and out["project"]["codes"] == 4
    assert any("said NO" in p for p in out["policy"])
    assert "names.txt" in r.stderr


def test_export_qdpx_needs_a_qdpx_name(tmp_path: Path) -> None:
    store = _store(tmp_path)
    r = runner.invoke(app, ["export", "qdpx", "-o", str(tmp_path / "p.zip"), "--store",
                            str(store)])
    assert r.exit_code == 2
    assert r.stderr.startswith("Usage error: ") and ".qdpx" in r.stderr


def test_export_narrafirma_writes_three_files(tmp_path: Path) -> None:
    store = _store(tmp_path)
    out = tmp_path / "nf"
    r = runner.invoke(app, ["export", "narrafirma", "-o", str(out), "--store", str(store)])
    assert r.exit_code == 0, r.output
    names = [Path(p).name for p in r.stdout.split()]
    assert names == ["story_form.csv", "stories.csv", "annotations.csv"]
    r = runner.invoke(app, ["export", "narrafirma", "-o", str(out), "--store", str(store),
                            "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "path,content"


def test_export_missing_run_is_a_one_line_error(tmp_path: Path) -> None:
    store = _store(tmp_path)
    r = runner.invoke(app, ["export", "narrafirma", "-o", str(tmp_path / "nf"), "--store",
                            str(store), "--run", "99"])
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == ["Error: no run with id 99"]
