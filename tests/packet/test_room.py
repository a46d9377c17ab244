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
from pni.packet.model import Packet

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


# -- each observation's chart, read back from the facilitator file ----------------------------
def _words(text: str) -> str:
    """Text with its spaces folded and its XML entities read (pdftotext -bbox writes &lt;)."""
    import html

    return " ".join(html.unescape(text).split())


@pytest.fixture(scope="module")
def facilitator(room: Path) -> Packet:
    from pni.packet import PacketOptions, build_packets
    from pni.store import Store

    with Store.open(room / "pni.db") as db:
        return build_packets(db, PacketOptions())[0]


def test_each_observation_prints_its_chart_on_its_page(room: Path, facilitator: Packet) -> None:
    """Every observation of the samples has the chart of the numbers behind it (found again
    from its test), and its page carries that chart's group labels, bins and counts as printed,
    "<5" and "hidden" included, beside the observation's own words."""
    obs = facilitator.observations
    assert len(obs) >= 5 and all(o.chart is not None for o in obs)
    assert {o.chart.kind for o in obs if o.chart} >= {"histograms", "grid"}
    pages = [_words(text) for _, text in _pages(room / "packet-facilitator.pdf")]
    for o in obs:
        assert o.chart is not None
        head = _words(o.text)[:60]
        [page] = [p for p in pages if f"{o.rank}. {head}" in p]
        for label in [*o.chart.groups, *o.chart.series, _words(o.chart.title)]:
            assert _words(label) in page, (o.rank, label)
        tokens = page.split()
        shown = [c.shown for row in o.chart.cells for c in row if c.shown]
        for value in set(shown):
            # each count at least as often as the chart prints it (the page holds no more
            # than two observations; their charts may share values)
            assert tokens.count(value) >= shown.count(value), (o.rank, value)
        if any(c.count is None and c.shown for row in o.chart.cells for c in row):
            assert "<5" in tokens or "hidden" in tokens
    assert facilitator.charts_note and facilitator.charts_note in " ".join(pages)


def test_the_charts_are_tiling_patterns_not_colours(facilitator: Packet) -> None:
    """With the "whose stories" bars left out, the tiling patterns in the PDF are the charts'
    own: some with the charts, none without them."""
    from pni.render.packet_typst import render_pdf

    bare = facilitator.model_copy(update={"voices": []})
    assert render_pdf(bare).count(b"/PatternType 1") >= 2
    none = bare.model_copy(update={"observations": [
        o.model_copy(update={"chart": None}) for o in bare.observations]})
    assert render_pdf(none).count(b"/PatternType 1") == 0


def test_a_picture_of_one_observation_for_the_docs(room: Path, facilitator: Packet,
                                                   tmp_path: Path) -> None:
    """docs/img/packet-observation-chart.png: the observation with the most side-by-side
    histograms, cut from the PDF with pdftoppm (written to docs/img/ with
    PNI_WRITE_DOCS=1, else to a temporary folder, and checked either way)."""
    import os

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    o = max((o for o in facilitator.observations if o.chart and o.chart.kind == "histograms"),
            key=lambda o: (len(o.chart.groups) if o.chart else 0, -o.rank))
    pdf = room / "packet-facilitator.pdf"
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    head = _words(o.text)[:60]
    pages = re.findall(r'<page width="[\d.]+" height="[\d.]+">(.*?)</page>', html, re.S)
    found = [(number, words) for number, body in enumerate(pages, start=1)
             if (words := re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
                                     r'([^<]*)</word>', body))
             and f"{o.rank}. {head}" in _words(" ".join(w for _, _, w in words))]
    assert len(found) == 1, "the observation's page was not found"
    [(number, words)] = found
    start = next(i for i, (_, _, w) in enumerate(words) if w == f"{o.rank}.")
    end = next(i for i in range(start, len(words)) if words[i][2] == "Stories")
    top, bottom = float(words[start][0]) - 6, float(words[end][1]) + 6
    out = Path(__file__).resolve().parents[2] / "docs" / "img" if os.environ.get(
        "PNI_WRITE_DOCS") else tmp_path
    dpi = 130
    png = out / "packet-observation-chart"
    subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(dpi), "-f", str(number),
                    "-l", str(number), "-y", str(int(top * dpi / 72)),
                    "-H", str(int((bottom - top) * dpi / 72)), str(pdf), str(png)], check=True,
                   capture_output=True)
    data = png.with_suffix(".png").read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000


def test_bars_for_an_answer_against_an_answer(room: Path, tmp_path: Path) -> None:
    """Past the top ten, the samples hold an answer x answer observation: its chart is grouped
    bars (a fill per answer, the expected as a tick), every group, answer and count printed."""
    from pni.packet import PacketOptions, build_packets
    from pni.render.packet_typst import render_pdf
    from pni.store import Store

    with Store.open(room / "pni.db") as db:
        fac = build_packets(db, PacketOptions(max_observations=50))[0]
    bars = [o for o in fac.observations if o.chart and o.chart.kind == "bars"]
    assert bars
    o = bars[0]
    assert o.chart is not None and all(c.expected is not None for r in o.chart.cells for c in r)
    assert o.chart.highlight  # the group the observation names is marked
    only = fac.model_copy(update={"observations": [o], "voices": [], "guide": None,
                                  "patterns": [], "allocation": []})
    pdf = tmp_path / "bars.pdf"
    pdf.write_bytes(render_pdf(only))
    assert pdf.read_bytes().count(b"/PatternType 1") >= 1
    page = " ".join(_words(t) for _, t in _pages(pdf))
    for label in [*o.chart.groups, *o.chart.series, "expected if unrelated"]:
        assert _words(label) in page, label
    for row in o.chart.cells:
        for c in row:
            assert c.shown in page.split()


def test_a_catalysts_observations_keep_their_charts(room: Path, tmp_path: Path) -> None:
    """After `pni curate init`, the packet prints the catalyst's observations: each taken from
    a test still has that test's chart."""
    from pni.packet import PacketOptions, build_packets
    from pni.store import Store

    for name in ("pni.db", "pni.toml", "names.txt"):
        if (room / name).exists():
            shutil.copy(room / name, tmp_path / name)
    r = CliRunner().invoke(app, ["curate", "init", "--store", str(tmp_path / "pni.db")])
    assert r.exit_code == 0, r.stderr
    with Store.open(tmp_path / "pni.db") as db:
        fac = build_packets(db, PacketOptions())[0]
    assert fac.observations and all(o.chart is not None for o in fac.observations)
