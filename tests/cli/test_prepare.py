"""`pni prepare`: the README's main job, end to end on the sample stories (fake embedder here;
the real model is exercised by the cluster stage's model tests)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app
from pni.store import Store
from tests.conftest import SAMPLES

runner = CliRunner()


def test_prepare_samples_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["prepare", str(SAMPLES), "-o", str(out), "--fake-embedder",
                                 "--to", "html", "--json", "--patterns", "6"])
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["collected"]["stored"] == info["collected"]["read"] - 2  # 1 duplicate, 1 empty
    assert info["collected"]["rejected"] == 1 and info["rejects"] == 1
    rejects = (out / "rejects.csv").read_text("utf-8")
    assert "row 25" in rejects and "empty story text" in rejects
    assert 4 <= info["n_patterns"] <= 7  # about the 6 asked for
    assert info["names_file"].endswith("names.txt")
    packet = Path(info["packets"][0])
    assert packet.exists() and packet.parent == out
    assert (out / "report.html").exists() and (out / "report.md").exists()

    # privacy: no consent-"no" story text and no listed name reaches the packet
    html = packet.read_text("utf-8")
    with Store.open(out / "pni.db") as db:
        withheld = [r["text"] for r in db.query("SELECT text FROM stories WHERE consent = 'no'")]
    assert withheld
    for text in withheld:
        assert text[:80] not in html
    assert "Okafor" not in html
    assert "Okafor" not in (out / "report.html").read_text("utf-8")

    # after the session: the groups' outcomes come back and `pni status` shows them
    rec = runner.invoke(app, ["record", str(SAMPLES / "outcomes.csv"), "--store",
                              str(out / "pni.db"), "--json"])
    assert rec.exit_code == 0, rec.stderr
    status = runner.invoke(app, ["status", "--store", str(out / "pni.db"), "--json"])
    counts = json.loads(status.stdout)["counts"]
    assert counts["outcomes"] == 15
    shown = runner.invoke(app, ["status", "--store", str(out / "pni.db")]).stdout
    assert "Recorded from sessions" in shown and "Session Spring sensemaking" in shown

    # running the main job again stores nothing new
    again = runner.invoke(app, ["prepare", str(SAMPLES), "-o", str(out), "--fake-embedder",
                                "--to", "md"])
    assert again.exit_code == 0, again.stderr
    assert "Collected 0 new stories" in again.stdout and "Packet:" in again.stdout


def test_prepare_missing_path_is_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["prepare", str(tmp_path / "nowhere"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "nowhere" in result.stderr and "Traceback" not in result.stderr


def test_prepare_with_no_stories_is_data_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["prepare", str(empty), "-o", str(tmp_path / "o"),
                                 "--fake-embedder"])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: ") and "no stories" in result.stderr


def _listed_names(path: Path) -> list[str]:
    from pni.privacy import load_names

    return [n for n in load_names(path) if not n.startswith("=") and len(n) >= 3
            and " " not in n]


def test_prepare_then_explore_redacts_the_same_names(tmp_path: Path) -> None:
    import re
    import shutil

    src = tmp_path / "fieldwork"
    shutil.copytree(SAMPLES, src)
    out = tmp_path / "out"
    r = runner.invoke(app, ["prepare", str(src), "-o", str(out), "--fake-embedder", "--to", "md"])
    assert r.exit_code == 0, r.stderr
    flat = (r.stdout + r.stderr).replace("\n", "")
    assert "withheld" in flat and "pni.toml" in flat
    toml = (out / "pni.toml").read_text("utf-8")
    assert str((src / "names.txt").resolve()) in toml
    names = _listed_names(src / "names.txt")
    first = (out / "report.md").read_text("utf-8")
    # the names file is gone: the store still knows the names (as hashes) and redacts them
    (src / "names.txt").unlink()
    again = runner.invoke(app, ["explore", "--store", str(out / "pni.db"), "--md",
                                str(tmp_path / "again.md")])
    assert again.exit_code == 0, again.stderr
    second = (tmp_path / "again.md").read_text("utf-8")
    for text in (first, second):
        leaked = [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)]
        assert not leaked
    marks = re.compile(r"\\?\[name\\?\]")  # the Markdown escaper writes \[name\]
    assert len(marks.findall(first)) == len(marks.findall(second)) > 0
    with Store.open(out / "pni.db") as db:
        stored = " ".join(str(v) for r in db.query("SELECT * FROM known_names") for v in r.values())
    assert "Okafor" not in stored and "okafor" not in stored
