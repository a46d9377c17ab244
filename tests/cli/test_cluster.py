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
    p = tmp_path / "pni.db"
    with Store.open(p) as db:
        populate(db, 60)
    return p


def test_help_shows_options() -> None:
    r = runner.invoke(app, ["cluster", "--help"])
    assert r.exit_code == 0
    for opt in ("--min-size", "--seed", "--assign-noise", "--assign", "--stability",
                "--patterns", "--json", "--format", "pni runs list"):
        assert opt in r.stdout
    for gone in ("--method", "--reduce", "hdbscan"):
        assert gone not in r.stdout
    assert "--fake-embedder" not in r.stdout  # hidden, test only


def test_cluster_is_an_action_only(sdb: Path) -> None:
    r = runner.invoke(app, ["cluster", "--store", str(sdb), "runs"])
    assert r.exit_code == 2 and "unexpected extra argument" in r.stderr


def test_cluster_prints_patterns_and_noise(sdb: Path) -> None:
    r = runner.invoke(app, ["cluster", "--store", str(sdb)])
    assert r.exit_code == 0, r.stderr
    assert "keywords" in r.stdout  # the pattern table is the data
    said = " ".join(r.stderr.split())
    assert "fit no pattern" in said and "themes among 60 stories" in said
    assert "Embedded 60 stories" in r.stderr


def test_cluster_json_and_cache(sdb: Path) -> None:
    r = runner.invoke(app, ["cluster", "--store", str(sdb), "--json", "--stability", "2"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["embedding"]["n_embedded"] == 60
    assert out["metrics"]["n_patterns"] == len(out["patterns"]) >= 4
    assert out["metrics"]["stability"]["k"] == 2 and out["metrics"]["seed_ari"]["k"] == 2
    assert all("centroid" not in p for p in out["patterns"])
    mixes = [p["teller_mix"] for p in out["patterns"]]  # under the small-cell rule (5 tellers)
    assert all(isinstance(p["suppressed"], bool) for p in out["patterns"])
    assert all(n is None or n >= 5 for m in mixes if m for c in m.values() for n in c.values())
    again = json.loads(runner.invoke(app, ["cluster", "--store", str(sdb), "--json"]).stdout)
    assert again["embedding"]["n_embedded"] == 0 and again["run_id"] == out["run_id"] + 1


def test_assign_noise_goes_with_assign(sdb: Path) -> None:
    for argv in (["--assign-noise", "0.5"], ["--assign-noise", "off"]):
        bad = runner.invoke(app, ["cluster", "--store", str(sdb), *argv])
        assert bad.exit_code == 2 and bad.stdout == ""
        assert len(bad.stderr.strip().splitlines()) == 1
        assert "--assign-noise goes with --assign" in bad.stderr
        assert "Loading" not in bad.stderr  # refused before the model loads or a story is embedded
    for value in ("high", "off", "1.5"):
        bad = runner.invoke(app, ["cluster", "--store", str(sdb), "--assign", "--assign-noise",
                                  value])
        assert bad.exit_code == 2 and "--assign-noise" in bad.stderr and bad.stdout == ""
        assert "Loading" not in bad.stderr
    for argv in (["--method", "hdbscan"], ["--reduce", "pca"]):
        bad = runner.invoke(app, ["cluster", "--store", str(sdb), *argv])
        assert bad.exit_code == 2 and "No such option" in bad.stderr
    bad = runner.invoke(app, ["cluster", "--store", str(sdb), "--min-size", "1"])
    assert bad.exit_code == 2


def test_assign_new_stories(sdb: Path) -> None:
    assert runner.invoke(app, ["cluster", "--store", str(sdb)]).exit_code == 0
    with Store.open(sdb) as db:
        populate(db, 5, seed=42, collection="Later")
    r = runner.invoke(app, ["cluster", "--store", str(sdb), "--assign", "--json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["n_new"] == 5 and out["parent_run"] == 1 and out["run_id"] == 2
    r = runner.invoke(app, ["cluster", "--store", str(sdb), "--assign"])
    assert r.exit_code == 0 and "new stories" in r.stderr
    r = runner.invoke(app, ["cluster", "--store", str(sdb), "--assign", "--assign-noise", "0.99",
                            "--json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["threshold"] == 0.99


def test_assign_without_run_is_an_error(sdb: Path) -> None:
    r = runner.invoke(app, ["cluster", "--store", str(sdb), "--assign"])
    assert r.exit_code == 1 and "no cluster run" in r.stderr


def test_empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PNI_FAKE_EMBEDDER", "1")
    p = tmp_path / "e.db"
    Store.open(p).close()
    r = runner.invoke(app, ["cluster", "--store", str(p)])
    assert r.exit_code == 1 and "no stories" in r.stderr and "Traceback" not in r.stderr


def test_status_shows_runs(sdb: Path) -> None:
    runner.invoke(app, ["cluster", "--store", str(sdb)])
    r = runner.invoke(app, ["status", "--store", str(sdb), "--json"])
    assert r.exit_code == 0
    titles = [s["title"] for s in json.loads(r.stdout)["sections"]]
    assert any("Cluster runs" in t for t in titles)


def test_cluster_stability_says_both(sdb: Path) -> None:
    r = runner.invoke(app, ["cluster", "--store", str(sdb), "--stability", "2"])
    assert r.exit_code == 0, r.stderr
    said = " ".join(r.stderr.split())
    assert "over 2 90% subsamples" in said and "over 2 re-runs with other seeds" in said


def test_backend_and_clusterer_choices_come_from_the_registries() -> None:
    from pni.cluster.methods.base import names as clusterer_names
    from pni.embed.backends.base import names as backend_names

    r = runner.invoke(app, ["cluster", "--help"], terminal_width=200)
    assert r.exit_code == 0
    said = " ".join(r.stdout.split())
    assert f"--backend <{'|'.join(backend_names(listed=True))}>" in said
    assert f"--clusterer <{'|'.join(clusterer_names())}>" in said
    assert "fake" not in said.split("--backend")[1].split("--clusterer")[0]


def test_cluster_with_another_clusterer(sdb: Path) -> None:
    bad = runner.invoke(app, ["cluster", "--store", str(sdb), "--clusterer", "kmeans"])
    assert bad.exit_code == 2 and "--patterns" in bad.stderr and "told how many" in bad.stderr
    assert "Loading" not in bad.stderr  # refused before the model loads
    bad = runner.invoke(app, ["cluster", "--store", str(sdb), "--clusterer", "nope"])
    assert bad.exit_code == 2 and "--clusterer" in bad.stderr
    r = runner.invoke(app, ["cluster", "--store", str(sdb), "--clusterer", "kmeans",
                            "--patterns", "4", "--json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["params"]["method"] == "kmeans" and len(out["patterns"]) <= 4
    r = runner.invoke(app, ["runs", "list", "--store", str(sdb), "--format", "json"])
    assert r.exit_code == 0, r.stderr


def test_a_coarsened_run_says_why_and_how_to_ask_for_finer_patterns() -> None:
    from pni.cli.cluster import coarsened_note

    assert coarsened_note({"resolution": 1.25}) is None
    note = coarsened_note({"resolution": 1.0, "coarsened_from": 1.25, "held_before": 0.72})
    assert note is not None
    assert "At resolution 1.25 the seeded runs disagreed" in note and "72%" in note
    assert "(resolution 1.0)" in note and "--resolution 1.25, or --patterns N" in note


def test_pni_cluster_says_when_it_coarsened(sdb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wiring: a run whose seeded runs hold the default poorly (here made so) says so on
    stderr, records it, and `runs list` shows it."""
    from pni.cluster import graph as gr

    said = iter([0.5, 0.9])
    monkeypatch.setattr(gr, "held", lambda fit, node_weight=None: next(said, 0.9))
    monkeypatch.setattr(gr, "COARSEN_MIN_STORIES", 0)
    r = runner.invoke(app, ["cluster", "--store", str(sdb), "--min-size", "5"])
    assert r.exit_code == 0, r.stderr
    assert "At resolution 1.25 the seeded runs disagreed" in " ".join(r.stderr.split())
    r = runner.invoke(app, ["runs", "list", "--store", str(sdb)])
    assert "coarsened from 1.25" in " ".join(r.stdout.split())


def test_resolution_is_used_as_given_and_keys_the_cache(sdb: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """--resolution reaches the clusterer as given (never coarsened), a run at another
    resolution is not read back from the one before, and it is refused where it means nothing."""
    from pni.cluster import graph as gr

    monkeypatch.setattr(gr, "COARSEN_MIN_STORIES", 0)
    monkeypatch.setattr(gr, "held", lambda fit, node_weight=None: 0.5)  # would coarsen
    r = runner.invoke(app, ["cluster", "--store", str(sdb), "--min-size", "5",
                            "--resolution", "2.5", "--json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["params"]["resolution"] == 2.5 and "coarsened_from" not in out["params"]
    again = json.loads(runner.invoke(app, ["cluster", "--store", str(sdb), "--min-size", "5",
                                           "--resolution", "1.5", "--json"]).stdout)
    assert again["params"]["resolution"] == 1.5 and not again["metrics"]["reused"]
    for argv, said in ((["--assign", "--resolution", "1"], "takes no --resolution"),
                       (["--clusterer", "kmeans", "--patterns", "3", "--resolution", "1"],
                        "--resolution is the leiden clusterer's"),
                       (["--resolution", "0"], "0.05")):
        r = runner.invoke(app, ["cluster", "--store", str(sdb), *argv])
        assert r.exit_code != 0 and said in " ".join(r.stderr.split()), (argv, r.stderr)
