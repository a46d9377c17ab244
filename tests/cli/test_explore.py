from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app
from pni.store import Store
from pni.store.observations import list_observations

runner = CliRunner()


def test_explore_json_and_files(with_run: tuple[Store, list[str], int], store_path: Path,
                                tmp_path: Path) -> None:
    db, _, run_id = with_run
    out = tmp_path / "out"
    r = runner.invoke(app, ["explore", "--store", str(store_path), "--json",
                            "--html", str(out / "r.html"), "--md", str(out / "r.md"),
                            "--csv-dir", str(out / "csv")])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)  # stdout holds only the JSON
    assert data["run"]["id"] == run_id
    assert len(data["tests"]) > 40  # tables with a cell under 5 tellers are skipped
    t = data["tests"][0]
    assert {"statistic", "p", "q", "effect", "effect_name", "n"} <= set(t)
    assert all(len(o["interpretations"]) >= 2 for o in data["observations"])
    assert (out / "r.html").is_file() and (out / "r.md").is_file()
    assert sorted(p.name for p in (out / "csv").iterdir()) == [
        "integrity.csv", "notes.csv", "observations.csv", "tests.csv", "voices.csv"]
    saved = list_observations(db, run_id)
    assert [o.text for o in saved] == [o["text"] for o in data["observations"]]


def test_explore_options_change_the_analysis(with_run: tuple[Store, list[str], int],
                                             store_path: Path) -> None:
    db, _, run_id = with_run
    before = db.query("SELECT * FROM answers ORDER BY id")
    r = runner.invoke(app, ["explore", "--store", str(store_path), "--json", "--no-save",
                            "--min-subset", "10", "--q-threshold", "0.05",
                            "--lump", "feeling:hurt,frustrated=upset", "--run", str(run_id)])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["params"]["min_subset"] == 10 and data["params"]["q_threshold"] == 0.05
    assert any(t["kind"] == "scale_choice_pair" and t["b"] == "role" for t in data["tests"])
    assert all(o["q"] <= 0.05 for o in data["observations"])
    feeling = next(q for q in data["questions"] if q["id"] == "feeling")
    assert "upset" in feeling["options"] and "hurt" not in feeling["options"]
    assert "lumped" in r.stderr
    assert db.query("SELECT * FROM answers ORDER BY id") == before
    assert list_observations(db, run_id) == []  # --no-save


def test_explore_without_a_run(populated: tuple[Store, list[str]], store_path: Path) -> None:
    r = runner.invoke(app, ["explore", "--store", str(store_path)])
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""
    assert "No cluster run yet" in r.stdout and "answer lens" in r.stdout
    assert "tests (" in r.stdout and "#1" in r.stdout and "Or " in r.stdout


def test_explore_errors(with_run: tuple[Store, list[str], int], store_path: Path,
                        tmp_path: Path) -> None:
    r = runner.invoke(app, ["explore", "--store", str(store_path), "--run", "99"])
    assert r.exit_code == 1 and r.stderr.strip() == "Error: no run with id 99"
    r = runner.invoke(app, ["explore", "--store", str(store_path), "--lump", "feeling"])
    assert r.exit_code == 2 and "expected QUESTION:a,b=ab" in r.stderr
    assert "Traceback" not in r.stderr
    r = runner.invoke(app, ["explore", "--store", str(store_path), "--lump", "belonging:1,2=lo"])
    assert r.exit_code == 2 and "scale" in r.stderr
    r = runner.invoke(app, ["explore", "--store", str(store_path), "--interpretations",
                            str(tmp_path / "nope.yaml")])
    assert r.exit_code == 1 and "nope.yaml" in r.stderr and "not found" in r.stderr
    r = runner.invoke(app, ["explore", "--store", str(tmp_path / "absent.db")])
    assert r.exit_code == 1 and "no store here yet" in r.stderr
    r = runner.invoke(app, ["explore", "--store", str(store_path), "--min-subset", "1"])
    assert r.exit_code == 2


def test_explore_help() -> None:
    r = runner.invoke(app, ["explore", "--help"])
    assert r.exit_code == 0
    for opt in ("--run", "--json", "--format", "--html", "--md", "--csv-dir", "--min-subset", "--lump",
                "--q-threshold"):
        assert opt in r.stdout


def test_explore_empty_store_is_a_data_error(store: Store) -> None:
    result = runner.invoke(app, ["explore", "--store", str(store.path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: the store holds no stories: run `pni collect` first"


def test_explore_few_sets_the_voices_threshold(with_run: tuple[Store, list[str], int],
                                               store_path: Path) -> None:
    def flagged(few: str) -> int:
        r = runner.invoke(app, ["explore", "--store", str(store_path), "--json", "--no-save",
                                "--few", few])
        assert r.exit_code == 0, r.stderr
        return len(json.loads(r.stdout)["voices"]["flags"])

    assert flagged("0") < flagged("13")


def test_no_small_cell_in_any_format(tmp_path: Path) -> None:
    import csv
    import io

    from tests.helpers import small_groups

    p = tmp_path / "pni.db"
    with Store.open(p) as db:
        small_groups(db, cross=True)

    def run(fmt: str) -> str:
        r = runner.invoke(app, ["explore", "--store", str(p), "--no-save", "--format", fmt])
        assert r.exit_code == 0, r.stderr
        return r.stdout

    def small(tables: list[list[list[int | None]]]) -> list[int]:
        return [c for t in tables for row in t for c in row if c is not None and 0 < c < 5]

    doc = json.loads(run("json"))
    assert small([t["detail"].get("counts", []) for t in doc["tests"]]) == []
    assert small([h["counts"] for h in doc["heatmaps"]]) == []
    # a table with a hidden cell shows no test at all: its statistic would give the cell back
    assert not any(t["detail"].get("suppressed") for t in doc["tests"])
    withheld = [s for s in doc["skipped"] if s["reason"].startswith("statistic not shown")]
    assert withheld and all("a cell is under 5 tellers" in s["reason"] for s in withheld)
    assert not {(s["a"], s["b"]) for s in withheld} & {(t["a"], t["b"]) for t in doc["tests"]}
    lines = [json.loads(x) for x in run("jsonl").splitlines()]
    assert small([t["detail"].get("counts", []) for t in lines]) == []
    rows = list(csv.DictReader(io.StringIO(run("csv"))))
    assert small([json.loads(r["detail"]).get("counts", []) for r in rows]) == []
    assert "fewer than 5 tellers (small-cell rule)" in json.dumps(doc["skipped"])
