"""Counts a district can trust, end to end: a collection whose schools hold 40, 30, 25 and 3
tellers (and 2 who did not say) and whose roles hold 50, 25, 22 and 3. Every report and packet
format shows the large groups exactly, never the small ones, and says what each hidden or
merged cell is."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pni.cli import app

SCHOOLS = [("Alder Middle", 40), ("Birchwood Elementary", 30), ("Cedar Valley High", 25),
           ("Dogwood Annex", 3)]
ROLES = [("student", 50), ("teacher", 25), ("parent", 22), ("coach", 3)]
SMALL = ("Dogwood", "coach")
FEELINGS = ["proud", "hopeful", "frustrated", "hurt"]
TOPICS = ["the bus", "lunch", "the math test", "the robotics club", "recess"]


def _fieldwork(folder: Path) -> Path:
    """100 stories from 100 tellers; 2 tellers left the school question blank."""
    folder.mkdir(parents=True)
    (folder / "form.toml").write_text(
        '[[questions]]\nid = "feeling"\ntext = "How did you feel?"\nkind = "choice"\n'
        f'options = {FEELINGS!r}\n\n'
        '[[questions]]\nid = "role"\ntext = "Role"\nkind = "choice"\nabout = "teller"\n'
        f'options = {[r for r, _ in ROLES]!r}\n\n'
        '[[questions]]\nid = "school"\ntext = "School"\nkind = "choice"\nabout = "teller"\n'
        .replace("'", '"'), "utf-8")
    (folder / "pni.yaml").write_text("collection: District form\nkind: story-form\n"
                                     "form: form.toml\nmap:\n  text: story\n  id: id\n"
                                     "  teller: teller\n  consent: consent\n", "utf-8")
    schools = [s for s, n in SCHOOLS for _ in range(n)] + ["", ""]
    roles = [r for r, n in ROLES for _ in range(n)]
    with (folder / "stories.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "teller", "consent", "feeling", "role", "school", "story"])
        for i in range(100):
            topic = TOPICS[i % len(TOPICS)]
            w.writerow([f"R{i:03d}", f"T{i:03d}", "yes", FEELINGS[i % 4], roles[i],
                        schools[(i * 37) % 100],
                        f"A day about {topic}: I remember {topic} and how it went, day {i}."])
    return folder


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("tables")
    fw, out = _fieldwork(root / "fw"), root / "out"
    runner = CliRunner()
    r = runner.invoke(app, ["prepare", str(fw), "-o", str(out), "--fake-embedder", "--to", "md",
                            "--groups", "1", "--cards", "100"])
    assert r.exit_code == 0, r.stderr
    store = str(out / "pni.db")
    for args in (["explore", "--csv-dir", str(out / "csv"), "--no-save"],
                 ["packet", "--to", "html", "-o", str(out / "packet.html"), "--groups", "1"],
                 ["packet", "--to", "pdf", "-o", str(out / "packet.pdf"), "--groups", "1"]):
        r = runner.invoke(app, [*args, "--store", store])
        assert r.exit_code == 0, r.stderr
    texts = {"report HTML": (out / "report.html").read_text("utf-8"),
             "report MD": (out / "report.md").read_text("utf-8"),
             "report CSV": "\n".join(p.read_text("utf-8") for p in sorted((out / "csv").iterdir())),
             "packet MD": (out / "packet.md").read_text("utf-8"),
             "packet HTML": (out / "packet.html").read_text("utf-8")}
    if shutil.which("pdftotext"):
        texts["packet PDF"] = subprocess.run(["pdftotext", "-layout", str(out / "packet.pdf"), "-"],
                                             capture_output=True, text=True, check=True).stdout
    return texts


def _near(text: str, label: str, n: int) -> bool:
    """``label`` followed by the count ``n`` (in a table cell, a CSV row or a PDF line)."""
    return re.search(rf"{re.escape(label)}[^\n\d]{{0,80}}?(?<![\d.]){n}(?![\d.%])", text) is not None


@pytest.mark.parametrize("fmt", ["report HTML", "report MD", "report CSV", "packet MD",
                                 "packet HTML", "packet PDF"])
def test_large_groups_exact_small_ones_never_shown(outputs: dict[str, str], fmt: str) -> None:
    if fmt not in outputs:
        pytest.skip("pdftotext is not installed")
    text = outputs[fmt].replace("\\", "")
    for label, n in [*SCHOOLS[:3], *ROLES[:2]]:
        assert _near(text, label, n), f"{fmt}: {label} {n} not shown exactly"
    for word in SMALL:
        assert word not in text, f"{fmt}: the small group {word} is named"
    # the small school and the 2 without an answer: one true row that says what it holds
    assert re.search(r"other answers \(fewer than 5 tellers each\) or no answer[^\n\d]{0,80}5\b",
                     text), fmt
    # the 3 coaches: counted with the parents (22 + 3), in a row that says so
    assert _near(text, "parent, or another answer held by fewer than 5 tellers", 25), fmt
    assert "counted together in a row that says so" in text, fmt


def test_every_hidden_cell_says_what_it_is(outputs: dict[str, str]) -> None:
    for fmt, text in outputs.items():
        plain = " ".join(text.replace("\\", "").replace("&lt;", "<").replace("&#39;", "'")
                         .replace("\u2019", "'").split())
        if re.search(r"(?<![\w-])hidden(?![\w-])", plain):
            assert "hidden so that a group under 5 tellers can't be worked out" in plain, fmt
        if "<5" in plain:
            assert "<5: fewer than 5 tellers" in plain, fmt


def test_the_integrity_table_bounds_what_a_merged_row_holds(outputs: dict[str, str]) -> None:
    md = outputs["report MD"]
    row = next(line for line in md.splitlines() if line.startswith("| School (school)"))
    # 98 answered, 2 not: with the 3-teller school merged with them, both as true bounds
    assert "at least 95" in row and "at most 5" in row and "98" not in row
