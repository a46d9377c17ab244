"""An observation's chart in the three packet formats: labels are data, never markup (a question
or answer with ``#``, ``$``, ``|``, ``<script>`` prints as written), every count prints, hidden
counts print as their marks, and a group of too few tellers prints as one dotted panel."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pni.packet.model import ChartCell, Cover, ObsChart, Observation, Packet
from pni.render.packet_html import render_html
from pni.render.packet_md import render_md
from pni.render.packet_typst import render_pdf

HOSTILE = "#set page(width: 1cm) $x$ | <script>alert(1)</script>"


def _cells(*shown: str, expected: float | None = None) -> list[ChartCell]:
    return [ChartCell(count=int(s), shown=s, expected=expected) if s.isdigit()
            else ChartCell(shown=s) for s in shown]


def _packet() -> Packet:
    bars = ObsChart(kind="bars", title="Mood × Topic", x_label=HOSTILE, y_label="Mood",
                    groups=["calm", "tense"], series=["yes", "no"],
                    cells=[_cells("31", "12", expected=20.5), _cells("8", "29", expected=18.5)],
                    highlight=[0])
    hist = ObsChart(kind="histograms", title="Trust — by mood", x_label="Trust",
                    y_label="Mood", groups=[HOSTILE, "tense", "tiny"],
                    series=["1", "2", "3"],
                    cells=[_cells("<5", "hidden", "43"), _cells("17", "0", "26"),
                           _cells("<5", "<5", "<5")],
                    group_notes=["61 stories, median 3, mean 2.9", "43 stories, median 3, "
                                 "mean 2.2", "fewer than 5 tellers"],
                    hidden_groups=[False, False, True], highlight=[0, 1])
    grid = ObsChart(kind="grid", title="Trust × Mood", x_label="Trust", y_label="Hope",
                    groups=["2", "1"], series=["1", "2"],
                    cells=[_cells("", "54"), _cells("<5", "23")])
    obs = [Observation(rank=i, text=f"Observation {i}.", interpretations=["One.", "Two."],
                       chart=c) for i, c in enumerate((bars, hist, grid), start=1)]
    return Packet(kind="facilitator", cover=Cover(title="Charts"), observations=obs,
                  charts_note="<5: fewer than 5 tellers; hidden: hidden so that ...",
                  labels={"observations": "Observations from the answers",
                          "chart_expected": "expected if unrelated",
                          "chart_expected_short": "expected"})


def test_html_tables_escape_labels_and_mark_hidden_counts() -> None:
    html = render_html(_packet())
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('<table class="chart') == 3
    assert "<td>31 (expected 20.5)</td>" in html
    assert '<td class="hidden">&lt;5</td>' in html and '<td class="hidden">hidden</td>' in html
    assert '<tr class="named"><th>calm</th>' in html
    # and drawn as inline SVG: fills are patterns, a hidden count a dotted box with its mark
    assert html.count('<svg class="chart"') == 3 and "<pattern id=" in html
    svg = html[html.index('<svg class="chart"'):]
    assert 'stroke-dasharray' in svg and ">&lt;5</text>" in svg and ">hidden</text>" in svg
    assert ">31</text>" in svg and "href" not in svg


def test_markdown_tables_escape_labels() -> None:
    md = render_md(_packet())
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\|" in md  # a | in a label never splits a table cell
    assert "| calm | 31 (expected 20.5) | 12 (expected 20.5) |" in md
    assert "| tiny | fewer than 5 tellers | fewer than 5 tellers | fewer than 5 tellers |" in md
    row = next(line for line in md.splitlines() if line.strip().startswith("| 1 |"))
    assert "\\<5" in row and "23" in row


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_pdf_prints_labels_literally_and_every_count(tmp_path: Path) -> None:
    pdf = render_pdf(_packet())
    assert pdf.count(b"/PatternType 1") >= 1  # hatched and dotted fills
    f = tmp_path / "c.pdf"
    f.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(f), "-"], capture_output=True, text=True,
                          check=True).stdout
    words = " ".join(text.split())
    assert "#set page(width: 1cm) $x$ | <script>alert(1)</script>" in words
    for n in ("31", "12", "8", "29", "43", "17", "26", "54", "23"):
        assert n in words.split(), n
    assert words.split().count("<5") >= 2 and "hidden" in words.split()
    assert "fewer than 5 tellers" in words and "expected if unrelated" in words
