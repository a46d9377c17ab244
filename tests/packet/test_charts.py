"""The observations' charts keep the small-cell rule: a planted group of many stories from two
tellers (37 stories answering "calm" and the lowest trust) is a cell every chart hides, and
its count never reaches the packet's PDF, Markdown or HTML; with the rule off (min_cell 1), the
same count prints, so the check can fail."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pni.models import Question
from pni.packet import PacketOptions, build_packets
from pni.packet.model import ObsChart, Packet
from pni.render.packet_html import render_html
from pni.render.packet_md import render_md
from pni.render.packet_typst import render_pdf
from pni.settings import Settings
from pni.store import Store
from pni.store import stories as q
from tests.explore.conftest import add_story
from tests.helpers import fake_run

PLANTED = 37  # stories from 2 tellers, all "calm" with trust 1: a cell of too few tellers
COUNT = re.compile(rf"(?<![\w.<]){PLANTED}(?![\w.])")


@pytest.fixture
def planted(store: Store) -> Store:
    """80 stories of 40 tellers: calm ones trust much (4-5), tense ones little (1-2); and the
    planted 37 calm stories of trust 1 from two tellers. Explored, so observations are kept."""
    from pni.explore.report import build_report, save_report

    with store.transaction():
        q.upsert_question(store, Question(id="mood", text="What was the mood?", kind="choice",
                                          options=["calm", "tense"]))
        q.upsert_question(store, Question(id="trust", text="How much did you trust them?",
                                          kind="scale", scale_min=1, scale_max=5))
    ids = []
    for t in range(40):
        mood = "calm" if t < 20 else "tense"
        for k in range(2):
            trust = (4 if mood == "calm" else 1) + (t + k) % 2
            ids.append(add_story(store, f"A {mood} day at school, told by {t} ({k}).",
                                 teller=f"t-{t}", answers={"mood": mood, "trust": trust}))
    for k in range(PLANTED):
        ids.append(add_story(store, f"The quiet corridor again, time {k}.", teller=f"few-{k % 2}",
                             answers={"mood": "calm", "trust": 1}))
    fake_run(store, ids)
    save_report(store, build_report(store))
    return store


def _charts(p: Packet) -> list[ObsChart]:
    return [o.chart for o in p.observations if o.chart is not None]


def _calm_low(c: ObsChart) -> tuple[int | None, str]:
    """The chart's cell of calm stories with trust 1 (count, as printed)."""
    cell = c.cells[c.groups.index("calm")][c.series.index("1")]
    return cell.count, cell.shown


def _texts(p: Packet, tmp: Path) -> dict[str, str]:
    """The observations' pages of each output (the story cards, whose texts and codes hold
    numbers of their own, left out)."""
    p = p.model_copy(update={"cards": [], "patterns": [], "exercises": [], "guide": None})
    out = {"md": render_md(p), "html": render_html(p)}
    if shutil.which("pdftotext"):
        pdf = tmp / "p.pdf"
        pdf.write_bytes(render_pdf(p))
        out["pdf"] = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                                    capture_output=True, text=True, check=True).stdout
    return out


def test_a_planted_small_cell_never_prints_its_count(planted: Store, tmp_path: Path) -> None:
    [p] = build_packets(planted, PacketOptions(groups=1, cards=500))
    hist = [c for c in _charts(p) if c.kind == "histograms" and "calm" in c.groups]
    assert hist, [o.text for o in p.observations]
    for c in hist:
        assert _calm_low(c) == (None, "<5")  # hidden, and says so
    for name, text in _texts(p, tmp_path).items():
        section = text[text.index("Observations from the answers"):]
        assert not COUNT.search(section), name
        assert "<5" in section or "&lt;5" in section or "\\<5" in section, name


def test_with_the_rule_off_the_same_count_prints(planted: Store, tmp_path: Path) -> None:
    """The control: under min_cell 1 the planted cell is a plain count, on every output."""
    [p] = build_packets(planted, PacketOptions(groups=1, cards=500,
                                               settings=Settings(min_cell=1)))
    hist = [c for c in _charts(p) if c.kind == "histograms" and "calm" in c.groups]
    assert hist and _calm_low(hist[0]) == (PLANTED, str(PLANTED))
    for name, text in _texts(p, tmp_path).items():
        assert COUNT.search(text[text.index("Observations from the answers"):]), name
