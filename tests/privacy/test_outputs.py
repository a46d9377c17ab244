"""No printed output made from story text carries a planted name, phone number, e-mail address or
live remote reference, and innocent dates, decimals and ids survive (the fixture and scanner are
in ``tests/privacy/probe.py``; ``bench/privacy_probe.py`` prints the same counts)."""

from __future__ import annotations

from pathlib import Path

from tests.privacy.probe import INNOCENT, probe, read_output, scan, write_fixture


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
    printed = [name for name, r in results.items() if r and r["prints_stories"]]
    assert "packet MD" in printed and "packet HTML" in printed
