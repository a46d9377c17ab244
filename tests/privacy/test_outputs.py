"""No printed output made from story text carries a planted name, phone number, e-mail address or
live remote reference, innocent dates, decimals and ids survive, and no report or packet shows a
count of fewer than 5 tellers (the fixture and scanner are in ``tests/privacy/probe.py``;
``bench/privacy_probe.py`` prints the same counts)."""

from __future__ import annotations

from pathlib import Path

from pni.privacy.gate import OUTPUTS
from pni.render.base import formats
from tests.privacy.probe import (
    AGGREGATES,
    INNOCENT,
    RAN,
    probe,
    read_output,
    scan,
    small_cells,
    write_fixture,
)


def test_scanner_sees_what_was_planted(tmp_path: Path) -> None:
    raw = (write_fixture(tmp_path / "fw", n=10) / "stories.csv").read_text("utf-8")
    found = scan(raw, raw)
    assert all(found[k] > 0 for k in ("names", "phones", "emails", "remote", "live"))
    assert found["innocent_redacted"] == 0 and found["prints_stories"] == 1
    md = tmp_path / "x.md"
    md.write_text("see ![t](http://example.org/p.png) and www.evil.example/x\n", "utf-8")
    assert scan(*read_output("md", md))["live"] == 2
    assert scan("it was 3.14 every week")["innocent_redacted"] == len(INNOCENT)


def test_no_output_leaks_and_innocent_strings_survive(tmp_path: Path) -> None:
    fieldwork = write_fixture(tmp_path / "fw", n=12)
    results = probe(fieldwork, tmp_path / "out", pdf=True, exports=True)
    assert {"report HTML", "report MD", "report CSV", "packet MD", "packet HTML",
            "stories export CSV", "export qdpx"} <= set(results)
    leaks = {name: {k: v for k, v in r.items() if v and k != "prints_stories"}
             for name, r in results.items() if r is not None}
    assert not any(leaks.values()), leaks
    assert all(r is None or r["small_cells"] == 0 for n, r in results.items() if n in AGGREGATES)
    printed = [name for name, r in results.items() if r and r["prints_stories"]]
    assert "packet MD" in printed and "packet HTML" in printed
    # the probe covers every command the gate lists as probed, and every renderer
    probed = {c for c, how in OUTPUTS.items() if how == "probe"}
    assert probed <= RAN, f"not run by the probe: {probed - RAN}"
    for kind in ("report", "packet"):
        assert {f"{kind} {fmt.upper()}" for fmt in formats(kind)} <= set(results)


def test_the_scanner_sees_small_cells_when_the_rule_is_off(tmp_path: Path) -> None:
    assert small_cells("| student | 7 |\nRole: **student**\nstudent <5, teacher 3") == 2
    fieldwork = write_fixture(tmp_path / "fw", n=12)
    off = probe(fieldwork, tmp_path / "off", pdf=False, exports=False, min_cell=1)
    assert off["report MD"] and off["report MD"]["small_cells"] > 0
    assert off["packet MD"] and off["packet MD"]["small_cells"] > 0
