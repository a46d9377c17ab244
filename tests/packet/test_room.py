"""A packet that fits the room, read back from the PDFs with pdftotext: `pni prepare` on the
samples gives a facilitator file and group packets of 25-35 cards, no card twice, no page under
a third full except where a section ends, every printed section on the agenda, and every card
code resolves with `pni stories show` in lowercase."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pni.cli import app

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^\s*([FIKRS]\d+)\b")
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is not installed")


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("room") / "out"
    r = CliRunner().invoke(app, ["prepare", str(ROOT / "sample_stories"), "-o", str(out),
                                 "--fake-embedder"])
    assert r.exit_code == 0, r.stderr
    return out


def _pages(pdf: Path) -> list[tuple[float, str]]:
    """Each page's text, with how far down it goes (0..1; the footer left out)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    out = []
    for h, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', html,
                              re.S):
        ys = [float(y) for y in re.findall(r'yMax="([\d.]+)"', body)
              if float(y) < float(h) * 0.92]
        words = re.findall(r">([^<]*)</word>", body)
        out.append((max(ys, default=0.0) / float(h), " ".join(words)))
    return out


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _codes(pdf: Path) -> list[str]:
    """The card codes printed as card headers in the packet's story-card section."""
    text = _text(pdf)
    cards = text[text.index("Story cards\n"):] if "Story cards\n" in text else ""
    return [m.group(1) for line in cards.splitlines() if (m := CODE.match(line))]


def test_a_facilitator_file_and_group_packets_of_25_to_35_cards(room: Path) -> None:
    groups = sorted(room.glob("packet-group-*.pdf"))
    assert (room / "packet-facilitator.pdf").is_file() and len(groups) == 3
    decks = [_codes(p) for p in groups]
    assert all(25 <= len(d) <= 35 for d in decks), [len(d) for d in decks]
    every = [c for d in decks for c in d]
    assert len(every) == len(set(every))  # no card twice, in a deck or across decks
    assert all(d == sorted(d, key=lambda c: (c[0], int(c[1:]))) for d in decks)  # by code
    fac = _text(room / "packet-facilitator.pdf")
    dealt = re.findall(r"\b([FIKRS]\d+)\b", fac[fac.index("Stories per group"):])
    assert set(every) <= set(dealt)


def test_no_page_is_near_empty_except_where_a_section_ends(room: Path) -> None:
    for pdf in sorted(room.glob("packet-*.pdf")):
        pages = _pages(pdf)
        headings = _section_starts(pdf)
        for i, (fill, _) in enumerate(pages):
            if fill >= 1 / 3 or i == len(pages) - 1:
                continue
            nxt = pages[i + 1][1]
            assert any(nxt.startswith(h) for h in headings), (
                f"{pdf.name} page {i + 1} is {fill:.0%} full and the next page starts "
                f"{nxt[:60]!r}")


def _section_starts(pdf: Path) -> list[str]:
    """The headings a new section (a page that may follow a short one) starts with."""
    fixed = ["Sensemaking packet", "Facilitator guide", "How to run each exercise",
             "Whose stories these are", "Stories per group", "Observations from the answers",
             "Pattern ", "Story cards", "Capture sheet"]
    exercises = [str(y.get("title")) for y in _exercise_yaml()]
    return fixed + exercises


def _exercise_yaml() -> list[dict[str, object]]:
    import yaml

    return [yaml.safe_load(p.read_text("utf-8"))
            for p in (ROOT / "prompts" / "packet" / "exercises").glob("*.yaml")]


def test_every_printed_section_has_a_slot_on_the_agenda(room: Path) -> None:
    fac = _text(room / "packet-facilitator.pdf")
    agenda = fac[fac.index("Agenda"):fac.index("Before the session")]
    printed = set()
    for pdf in sorted(room.glob("packet-group-*.pdf")):
        text = _text(pdf)
        printed |= {str(y["title"]) for y in _exercise_yaml()
                    if re.search(rf"^\s*{re.escape(str(y['title']))}\s*$", text, re.M)}
    assert printed and all(title in agenda for title in printed), (printed, agenda)
    assert "capture sheet" in agenda and "patterns and observations" in agenda
    end = re.findall(r"(\d):(\d\d)\s+End", agenda)
    assert end and int(end[0][0]) * 60 + int(end[0][1]) <= 3 * 60 + 35  # fits the afternoon


def test_every_card_code_resolves_in_lowercase(room: Path) -> None:
    runner = CliRunner()
    codes = [c for p in sorted(room.glob("packet-group-*.pdf")) for c in _codes(p)]
    for code in codes[::9]:
        r = runner.invoke(app, ["stories", "show", code.lower(), "--store",
                                str(room / "pni.db"), "--json"])
        assert r.exit_code == 0, r.stderr
        assert r.stdout.count(f'"code": "{code}"') == 1
