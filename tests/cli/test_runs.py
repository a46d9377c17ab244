"""`pni runs list|show`: inspecting the runs `pni cluster` made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pni.cli import app
from pni.store import Store
from tests.helpers import hdbscan_run, populate

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


def test_a_run_of_the_earlier_hdbscan_method_still_shows_and_takes_new_stories(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs stored before the spectral + HDBSCAN method was removed (params: method "hdbscan",
    a reducer, the attach threshold) list, show, feed the report and the packet, and --assign
    places new stories into their patterns at the threshold they recorded."""
    from pni.embed import FakeEmbedder

    monkeypatch.setenv("PNI_FAKE_EMBEDDER", "1")
    p = tmp_path / "old.db"
    with Store.open(p) as db:
        old = hdbscan_run(db, populate(db, 60), FakeEmbedder())
    r = runner.invoke(app, ["runs", "list", "--store", str(p)])
    assert r.exit_code == 0, r.stderr
    said = " ".join(r.stdout.split())
    assert "hdbscan spectral:8" in said and "attach >= 0.5" in said and "0.41" in said
    r = runner.invoke(app, ["runs", "show", str(old), "--store", str(p), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["run"]["params"]["reducer"] == "spectral:8"
    for argv in (["patterns", "list"], ["patterns", "show", "1"], ["patterns", "tree"],
                 ["explore", "--no-save"],
                 ["packet", "--to", "md", "-o", str(tmp_path / "packet.md")]):
        r = runner.invoke(app, [*argv, "--store", str(p)])
        assert r.exit_code == 0, (argv, r.stderr)
    assert "belonging" in runner.invoke(app, ["patterns", "tree", "--store", str(p)]).stdout
    with Store.open(p) as db:
        populate(db, 6, seed=5, collection="Later")
    r = runner.invoke(app, ["cluster", "--assign", "--store", str(p), "--json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["parent_run"] == old and out["n_new"] == 6 and out["threshold"] == 0.5
    assert out["n_assigned"] >= 1
    r = runner.invoke(app, ["runs", "list", "--store", str(p)])
    assert r.exit_code == 0 and "assign >= 0.5" in " ".join(r.stdout.split())


def test_runs_list_says_when_the_resolution_was_coarsened() -> None:
    from pni.cli.runs import _settings

    p = {"method": "leiden", "n_neighbors": 50, "resolution": 1.0, "min_size": 13}
    assert _settings(p) == "leiden k=50 r=1.0, min size 13"
    said = _settings(p | {"coarsened_from": 1.25})
    assert "r=1.0 (coarsened from 1.25: the seeded runs disagreed)" in said
