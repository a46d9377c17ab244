"""NarraFirma's catalysis report elements CSV: written from catalysis.yaml, read back into it,
and read as NarraFirma writes it (its own columns, places, delimiter)."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml
from typer.testing import CliRunner

from pni.cli import app
from pni.curate import load
from pni.curate.narrafirma import read
from pni.store import Store

runner = CliRunner()


def _ok(*args: str) -> str:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.stderr
    return r.stderr


def test_round_trip_through_narrafirma(with_run: tuple[Store, list[str], int],
                                       store_path: Path, tmp_path: Path) -> None:
    _ok("curate", "init", "--store", str(store_path))
    path = store_path.parent / "catalysis.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["observations"][0]["hidden"] = True
    doc["observations"][1].update(perspective="Being heard", strength=1)
    doc["observations"].append({
        "id": "mine", "title": "=SUM(A1) is not a formula", "text": "Pipes | stay text",
        "strength": 3, "perspective": "Who tells",
        "interpretations": [{"name": "One", "text": "a | b"}, {"name": "Two", "text": "c"}],
        "stories": ["S-x"]})
    doc["perspectives"] = [{"name": "Being heard", "text": "listening"},
                           {"name": "Who tells", "text": ""}]
    doc["themes"] = [{"name": "School life", "observations": ["mine"]}]
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")
    before = load(path)

    out = tmp_path / "elements.csv"
    said = _ok("curate", "export", "--store", str(store_path), "-o", str(out))
    assert "1 hidden, left out" in said
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    kinds = [r[0] for r in rows if r]
    assert kinds.count("Observation") == len(before.observations) - 1
    assert kinds.count("Perspective") == 2 and kinds.count("Theme") == 1
    mine = next(r for r in rows if r and r[0] == "Observation" and "SUM" in r[1])
    assert mine[1] == "'=SUM(A1) is not a formula" and mine[3] == "3 (strong)"
    assert mine[13].startswith("One|a / b|")

    _ok("curate", "import", str(out), "--store", str(store_path))
    after = load(path)
    assert after.patterns == before.patterns
    assert [p.name for p in after.perspectives] == ["Being heard", "Who tells"]
    got = {o.id: o for o in after.observations}
    for o in before.observations:
        g = got[o.id]
        assert (g.title, g.strength, g.hidden, g.perspective, g.stories, g.test) == (
            o.title, o.strength, o.hidden, o.perspective, o.stories, o.test), o.id
        if not o.hidden:
            assert [(i.name, i.text.replace("|", "/")) for i in o.interpretations] == [
                (i.name, i.text) for i in g.interpretations]
    assert after.themes[0].observations == ["mine"]


def test_reads_narrafirma_as_it_writes(tmp_path: Path) -> None:
    """Semicolons, NarraFirma's own pattern names, places on its diagrams, a note."""
    f = tmp_path / "Catalysis_report_elements_spring.csv"
    f.write_text(
        "; Export of catalysis elements for catalysis report spring in project Cedar\n"
        "\n"
        "; Observation;Name;Description;Strength;Linking question;Pattern;Graph type;"
        "Question 1;Question 2;Question 3;Additional patterns;X;Y;Interpretation\n"
        "Observation;Late buses;Told by students;2 (medium);;S_feeling x P_role;table;"
        "S_feeling;P_role;;;410;95;Distance|Far homes?|idea||20|30;"
        "Timetables|Or the schedule?|||480|300;[note]check the map\n"
        "Observation;Lunch alone;New students;1 (weak);;S_belonging;histogram;S_belonging;;;;"
        "90;380;Newcomers|Are they new?|||470|320\n"
        "\n"
        "; Perspective;Name;Notes;X;Y;Order\n"
        "Perspective;Getting there;;10;10;1\n"
        "Perspective;Belonging;;500;310;2\n"
        "; Theme;Name;Notes;X;Y;Order\n"
        "Theme;Travel;;400;100;1\n"
        "Theme;Friends;;100;400;2\n", "utf-8")
    cat = read(f)
    a, b = cat.observations
    assert (a.title, a.strength, a.test) == ("Late buses", 2, None)
    assert a.text.endswith("check the map")
    assert [i.name for i in a.interpretations] == ["Distance", "Timetables"]
    # one interpretation near each perspective: the first one decides
    assert a.perspective in ("Getting there", "Belonging") and b.perspective == "Belonging"
    assert [(t.name, t.observations) for t in cat.themes] == [("Travel", ["nf1"]),
                                                             ("Friends", ["nf2"])]


def test_not_a_narrafirma_file(tmp_path: Path, store_path: Path,
                               populated: tuple[Store, list[str]]) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n", "utf-8")
    r = runner.invoke(app, ["curate", "import", str(f), "--store", str(store_path)])
    assert r.exit_code == 1 and "not a NarraFirma catalysis report elements file" in r.stderr
