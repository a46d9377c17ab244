from __future__ import annotations

import csv
import html as html_lib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from pni.explore.report import build_report
from pni.render import report_csv, report_html, report_md
from pni.store import Store
from tests.explore.conftest import add_story
from tests.helpers import fake_run, populate

CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = "<script>alert(1)</script>"
NASTY = "</script><!-- <script>alert(2)</script> \u2028 & \u2029 ]]>"
SECTIONS = ("integrity", "map", "observations", "heatmaps", "voices", "tests")


@pytest.fixture
def report_file(store: Store, tmp_path: Path) -> Path:
    ids = populate(store, 60)
    ids.append(add_story(store, f"{NASTY} was said.\nAnd then {SCRIPT}.", teller="trudy",
                         title="Nasty", answers={"belonging": 3}))
    ids.append(add_story(store, f"{SCRIPT} was written on the board.\nSecond line.",
                         teller="mallory", title=f"Title {SCRIPT}",
                         answers={"feeling": SCRIPT, "belonging": 2, "listened_to": False,
                                  "topics": ["belonging"]},
                         teller_answers={"role": "student"}))
    fake_run(store, ids)
    return report_html.write(build_report(store), tmp_path / "out" / "report.html")


def test_no_network_references(report_file: Path) -> None:
    html = report_file.read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"@import", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)
    assert "http://" not in html and "https://" not in html
    assert "<link" not in html.lower()
    assert not re.search(r"<script[^>]+src", html, re.I)


def test_story_text_is_escaped(report_file: Path) -> None:
    html = report_file.read_text("utf-8")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # our own three inline scripts are the only script elements, and the story browser's data
    # is one JSON block that no story text can end or turn into markup
    assert len(re.findall(r"<script>", html)) == 3
    blocks = re.findall(r'<script type="application/json" id="sb-data">(.*?)</script>', html,
                        re.S)
    assert len(blocks) == 1
    data = blocks[0]
    assert "<" not in data and ">" not in data and "&" not in data
    assert "\u2028" not in data and "\u2029" not in data
    stories = {s["id"]: s for s in json.loads(data)["stories"]}
    nasty = next(s for s in stories.values() if s["title"] == "Nasty")
    assert nasty["text"].startswith(NASTY)


def _heat_rects(html: str) -> list[str]:
    heat = "".join(re.findall(r'<svg class="heat".*?</svg>', html, re.S))
    return re.findall(r"<rect [^>]*>", heat)


def test_hidden_cells_select_nothing(report_file: Path) -> None:
    """A heat-map cell, histogram bin or bar the small-cell rule hides has no data-selects:
    listing its stories would give its count back. Every shown one selects its stories."""
    html = report_file.read_text("utf-8")
    rects = _heat_rects(html)
    hidden = [r for r in rects if 'fill="#eee"' in r]
    shown = [r for r in rects if 'fill="#eee"' not in r]
    assert hidden and shown
    assert not any("data-selects" in r for r in hidden)
    # a shown cell selects its stories when its question is on the cards (the browser shows
    # per story what its card shows); a teller question no card prints selects nothing
    assert any("data-selects" in r for r in shown)
    for r in shown:
        m = re.search(r'data-selects="([^"]*)"', r)
        if m:
            assert set(json.loads(html_lib.unescape(m.group(1)))) == {"pattern", "question",
                                                                       "answer"}
    first = html.split('<h3 id="integrity-graphs">')[0]  # the integrity cards' bars and bins
    bins = re.findall(r'<rect ([^>]*class="bar"[^>]*)><title>([^<]*)</title>', first)
    small = [a for a, t in bins if t.endswith((": &lt;5", ": hidden"))]
    assert not any("data-selects" in a for a in small)
    assert all("data-selects" in a for a, t in bins if not t.endswith((": &lt;5", ": hidden")))
    # NarraFirma's charts: a hidden bin, cell or point is a dotted box that selects nothing;
    # every bar of a question the story cards print selects its stories
    hidden_marks = re.findall(r'<rect [^>]*class="hidden-cell"[^>]*>', html)
    assert hidden_marks and not any("data-selects" in r for r in hidden_marks)
    mh = re.findall(r'<details class="chart" data-chart="multi-histogram" data-scale="[^"]*" '
                    r'data-choice="(?:feeling|listened_to|how_common)".*?</details>', html, re.S)
    bars = [b for d in mh for b in re.findall(r'<rect [^>]*class="bar"[^>]*>', d)]
    assert bars and all("data-selects" in b for b in bars)


def test_marks_of_hidden_counts_select_nothing() -> None:
    """The chart functions on their own: a count the small-cell rule hides gives no mark."""
    from pni.explore.models import Heatmap

    hist = str(report_html.svg_histogram({"1": 7, "2": None, "3": None}, hidden="<5",
                                         why={"2": "small", "3": "complement"},
                                         question="belonging"))
    assert hist.count("data-selects") == 1 and "&#34;answer&#34;:1.0" in hist
    bars = str(report_html.svg_bars({"a": 9, "b": None, "other answers (fewer than 5)": 6},
                                    hidden="<5", question="q", answers={"a", "b"}))
    assert bars.count("data-selects") == 1 and "&#34;answer&#34;:&#34;a&#34;" in bars
    hm = Heatmap(variable="q", label="Q", rows=["one", "two"], numbers=[1, 2],
                 cols=["a", "b"], counts=[[6, None], [None, 9]],
                 residuals=[[0.5, None], [None, 1.0]],
                 suppressed=[[False, True], [True, False]],
                 why=[[None, "small"], ["complement", None]])
    heat = str(report_html.svg_heatmap(hm, hidden="<5", question="q", answers={"a", "b"}))
    assert heat.count("data-selects") == 2
    assert "&#34;pattern&#34;:2,&#34;question&#34;:&#34;q&#34;,&#34;answer&#34;:&#34;b&#34;" in heat


def test_sections_and_charts(report_file: Path) -> None:
    html = report_file.read_text("utf-8")
    for s in SECTIONS:
        assert f'id="{s}"' in html
    story_map = re.search(r'<svg class="map".*?</svg>', html, re.S)
    assert story_map is not None
    assert story_map.group(0).count('class="dot') == 62
    # black and white: the patterns' marks differ in shape, not only in colour
    assert "<circle" in story_map.group(0) and "<rect" in story_map.group(0)
    assert "<path" in story_map.group(0) and 'class="swatch"' in html
    assert story_map.group(0).count('data-selects="{&#34;story&#34;') == 62
    assert 'id="story-browser"' in html
    assert 'class="bars"' in html and 'class="hist"' in html and 'class="heat"' in html
    assert html.count('class="obs"') >= 5
    assert "What might this mean?" in html


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}", "--enable-logging=stderr",
           "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                    reason="needs /usr/bin/chromium (CI installs it and never skips)")
def test_renders_in_headless_chromium_without_console_errors(report_file: Path,
                                                             tmp_path: Path) -> None:
    res = _chromium(["--dump-dom", report_file.as_uri()], tmp_path)
    dom = res.stdout
    assert res.returncode == 0, res.stderr[-2000:]
    assert 'data-ready="yes"' in dom  # the inline script ran to its end
    root = re.search(r"<html[^>]*>", dom)
    assert root is not None and "data-js-errors" not in root.group(0), root.group(0)
    for s in SECTIONS:
        assert f'id="{s}"' in dom
    assert SCRIPT not in dom and "alert(1)" in dom  # shown as text, not run
    console = [ln for ln in res.stderr.splitlines()
               if "CONSOLE" in ln or "Uncaught" in ln or "SyntaxError" in ln]
    assert console == []


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                    reason="needs /usr/bin/chromium (CI installs it and never skips)")
def test_screenshot(report_file: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    res = _chromium([f"--screenshot={png}", "--window-size=1200,3000", report_file.as_uri()],
                    tmp_path)
    assert res.returncode == 0 and png.stat().st_size > 20_000


def test_markdown_and_csv(store: Store, tmp_path: Path) -> None:
    ids = populate(store, 60)
    ids.append(add_story(store, f"{SCRIPT} | pipe", teller="mallory", title=SCRIPT,
                         answers={"belonging": 2}))
    fake_run(store, ids)
    rep = build_report(store)
    md = report_md.render(rep)
    assert SCRIPT not in md
    for h in ("## 1. Data integrity", "## 3. Observations", "## 5. Voices", "## 6. Every test"):
        assert h in md
    assert md.count("What might this mean?") == len(rep.observations)
    paths = report_csv.write(rep, tmp_path / "csv")
    assert [p.name for p in paths] == ["tests.csv", "observations.csv", "integrity.csv",
                                       "voices.csv", "notes.csv"]
    with paths[0].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(rep.tests) and {"p", "q", "effect", "effect_name"} <= set(rows[0])
    with paths[1].open(encoding="utf-8") as fh:
        obs = list(csv.DictReader(fh))
    assert len(obs) == len(rep.observations)
    assert all(o["interpretation_1"] and o["interpretation_2"] for o in obs)
