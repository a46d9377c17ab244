"""`pni runs list|show`: inspecting the runs `pni cluster` made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pni.cli import app
from pni.store import Store
from tests.helpers import populate

runner = CliRunner()


@pytest.fixture
def sdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PNI_FAKE_EMBEDDER", "1")
    p = tmp_path / "c.db"
    with Store.open(p) as db:
        populate(db, 40)
    return p


def test_runs_list_and_show(sdb: Path) -> None:
    r = runner.invoke(app, ["runs", "list", "--store", str(sdb)])
    assert r.exit_code == 0 and "No cluster runs" in r.stderr and r.stdout == ""
    assert runner.invoke(app, ["cluster", "--store", str(sdb), "--min-size", "5"]).exit_code == 0
    r = runner.invoke(app, ["runs", "list", "--store", str(sdb), "--json"])
    assert r.exit_code == 0
    runs = json.loads(r.stdout)["runs"]
    assert len(runs) == 1 and runs[0]["kind"] == "cluster" and runs[0]["params"]["method"]
    r = runner.invoke(app, ["runs", "list", "--store", str(sdb)])
    assert "1 runs" in r.stdout and "settings" in r.stdout
    r = runner.invoke(app, ["runs", "show", "--store", str(sdb), "--json"])
    assert json.loads(r.stdout)["run"]["id"] == runs[0]["id"]
    r = runner.invoke(app, ["runs", "show", "1", "--store", str(sdb)])
    assert r.exit_code == 0 and "metrics.n_patterns" in r.stdout
    r = runner.invoke(app, ["runs", "show", "7", "--store", str(sdb)])
    assert r.exit_code == 1 and "no run with id 7" in r.stderr
