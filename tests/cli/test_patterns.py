from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pni.cli import app
from pni.store import Store
from tests.helpers import fake_run, populate

runner = CliRunner()


@pytest.fixture
def sdb(tmp_path: Path) -> Path:
    p = tmp_path / "pni.db"
    with Store.open(p) as db:
        fake_run(db, populate(db, 60))
    return p


def test_list(sdb: Path) -> None:
    r = runner.invoke(app, ["patterns", "list", "--store", str(sdb)])
    assert r.exit_code == 0
    assert "belonging" in r.stdout and "fit no pattern" in r.stderr
    out = json.loads(runner.invoke(app, ["patterns", "list", "--store", str(sdb), "--json"]).stdout)
    assert out["run_id"] == 1 and len(out["patterns"]) == 4
    assert all("centroid" not in p for p in out["patterns"])


def test_list_unknown_run(sdb: Path) -> None:
    r = runner.invoke(app, ["patterns", "list", "--store", str(sdb), "--run", "9"])
    assert r.exit_code == 1 and "no run with id 9" in r.stderr


def test_show(sdb: Path) -> None:
    r = runner.invoke(app, ["patterns", "show", "1", "--store", str(sdb)])
    assert r.exit_code == 0 and r.stderr == ""
    assert "Exemplar stories" in r.stdout and "I remember" in r.stdout
    out = json.loads(runner.invoke(app, ["patterns", "show", "1", "--store", str(sdb),
                                         "--json"]).stdout)["pattern"]
    assert out["id"] == 1 and len(out["exemplar_stories"]) == 3
    assert out["exemplar_stories"][0]["excerpt"]
    bad = runner.invoke(app, ["patterns", "show", "99", "--store", str(sdb)])
    assert bad.exit_code == 1 and "no pattern with id 99" in bad.stderr


def test_show_redacts_exemplars_and_leaves_out_consent_no(tmp_path: Path) -> None:
    p = tmp_path / "r.db"
    with Store.open(p) as db:
        ids = populate(db, 20)
        fake_run(db, ids)
        ex = json.loads(runner.invoke(app, ["patterns", "show", "1", "--store", str(p),
                                            "--json"]).stdout)["pattern"]["exemplar_stories"]
        first, second = ex[0]["id"], ex[1]["id"]
        db.execute("UPDATE stories SET text = 'Mrs. Quintero said call 617-555-0143. ' || text "
                   "WHERE id = ?", (first,))
        db.execute("UPDATE stories SET consent = 'no' WHERE id = ?", (second,))
    (tmp_path / "names.txt").write_text("Marisol Quintero\n", "utf-8")
    for fmt in ("table", "json"):
        r = runner.invoke(app, ["patterns", "show", "1", "--store", str(p), "--format", fmt])
        assert r.exit_code == 0, r.stderr
        assert "Quintero" not in r.stdout and "555-0143" not in r.stdout
        assert "Mrs. [name] said call [phone]." in r.stdout
        if fmt == "json":  # consent no: not an exemplar anyone reads
            shown = json.loads(r.stdout)["pattern"]["exemplar_stories"]
            assert [e["id"] for e in shown] == [e["id"] for e in ex if e["id"] != second]
        else:
            assert second not in r.stdout


def test_show_escapes_markup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "m.db"
    with Store.open(p) as db:
        ids = populate(db, 20)
        db.execute("UPDATE stories SET text = '[bold]not markup[/bold] ' || text WHERE id = ?",
                   (ids[0],))
        fake_run(db, ids)
    r = runner.invoke(app, ["patterns", "show", "1", "--store", str(p)])
    assert r.exit_code == 0 and "[bold]not markup[/bold]" in r.stdout


def test_assignments_json_csv(sdb: Path) -> None:
    out = json.loads(runner.invoke(app, ["patterns", "assignments", "--store", str(sdb),
                                         "--json"]).stdout)
    rows = out["assignments"]
    assert len(rows) == 60 and sum(r["pattern_id"] is None for r in rows) == 8
    assert all(r["source_id"] for r in rows)  # to join back to the source spreadsheet
    r = runner.invoke(app, ["patterns", "assignments", "--store", str(sdb), "--format", "csv"])
    assert r.exit_code == 0
    got = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(got) == 60 and set(got[0]) >= {"story_id", "source_id", "pattern_id", "strength",
                                              "assigned"}
    assert sum(g["pattern_id"] == "" for g in got) == 8
    both = runner.invoke(app, ["patterns", "assignments", "--store", str(sdb), "--json",
                               "--format", "csv"])
    assert both.exit_code == 2
    table = runner.invoke(app, ["patterns", "assignments", "--store", str(sdb)])
    assert table.exit_code == 0 and "60 stories" in table.stdout and "source id" in table.stdout


def test_no_run_yet(tmp_path: Path) -> None:
    p = tmp_path / "e.db"
    Store.open(p).close()
    r = runner.invoke(app, ["patterns", "list", "--store", str(p)])
    assert r.exit_code == 1 and "no cluster run yet" in r.stderr


def test_list_shows_stability_and_loose(sdb: Path) -> None:
    r = runner.invoke(app, ["patterns", "list", "--store", str(sdb)])
    assert "stability" in r.stdout and "0.95" in r.stdout and "Loose" in r.stderr
    out = json.loads(runner.invoke(app, ["patterns", "list", "--store", str(sdb), "--json"]).stdout)
    assert out["patterns"][0]["stability"] == 0.95 and out["patterns"][0]["n_loose"] > 0
    r = runner.invoke(app, ["patterns", "show", "1", "--store", str(sdb)])
    assert "loosely held" in r.stdout and "stability 0.95" in r.stdout


def test_tree(sdb: Path) -> None:
    r = runner.invoke(app, ["patterns", "tree", "--store", str(sdb)])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("Run 1: 2 themes, 4 patterns, 2 sub-patterns")
    assert lines[1].startswith("theme 1") and "school life" in lines[1]
    assert lines[2].startswith("  pattern") and "stability 0.95" in lines[2]
    assert lines[3].startswith("    sub-pattern 1") and "belonging part 1" in lines[3]
    t = json.loads(runner.invoke(app, ["patterns", "tree", "--store", str(sdb), "--json"]).stdout)
    assert t["n_patterns"] == 4 and t["run_id"] == 1
    assert [p["number"] for th in t["themes"] for p in th["patterns"]] == [1, 2, 3, 4]
    assert sum(s["size"] for s in t["themes"][0]["patterns"][0]["subpatterns"]) == \
        t["themes"][0]["patterns"][0]["size"]


def test_assignments_flag_loose(sdb: Path) -> None:
    r = runner.invoke(app, ["patterns", "assignments", "--store", str(sdb), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"loose", "sub"} <= set(rows[0]) and any(x["loose"] == "true" for x in rows)


def test_teller_mix_hides_small_groups_in_every_format(tmp_path: Path) -> None:
    import re

    from pni.settings import Settings, save_settings
    from pni.store import runs as runq
    from tests.helpers import LIBRARIAN, small_groups

    p = tmp_path / "pni.db"
    with Store.open(p) as db:
        small_groups(db, cross=True)
        ids = {x.number: x.id for x in runq.list_patterns(db, 1)}

    def show(number: int, fmt: str) -> str:
        r = runner.invoke(app, ["patterns", "show", str(ids[number]), "--store", str(p),
                                "--format", fmt])
        assert r.exit_code == 0, r.stderr
        return r.stdout

    small = re.compile(r"(student|teacher|parent|leader|librarian|counselor|other)\D{0,4}[1-4]\b")
    save_settings(Settings(min_cell=1), tmp_path / "pni.toml")
    assert re.search(rf"{LIBRARIAN}\D{{0,4}}3\b", show(1, "json"))  # min_cell = 1: as told
    save_settings(Settings(min_cell=5), tmp_path / "pni.toml")
    for fmt in ("table", "json", "jsonl", "csv"):
        for number in (1, 5):
            out = show(number, fmt)
            assert not small.search(out), (fmt, number, out)
    one = json.loads(show(1, "json"))["pattern"]
    assert one["min_cell"] == 5 and one["suppressed"] is True
    lib = next(k for k in one["teller_mix"]["role"] if k.startswith(LIBRARIAN))
    assert lib.endswith(", or another answer held by fewer than 5 tellers")
    assert "<5" in show(1, "table") and "counselor" not in show(1, "json")
    five = json.loads(show(5, "json"))["pattern"]
    assert five["teller_mix"] is None and five["suppressed"] is True
    assert "Not shown: fewer than 5 tellers" in show(5, "table").replace("\n", " ")
    listed = runner.invoke(app, ["patterns", "list", "--store", str(p), "--format", "json"])
    assert not small.search(listed.stdout)
    assert json.loads(listed.stdout)["patterns"][4]["teller_mix"] is None
