from __future__ import annotations

import csv
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
SECTIONS = ("integrity", "map", "observations", "heatmaps", "voices", "tests")


@pytest.fixture
def report_file(store: Store, tmp_path: Path) -> Path:
    ids = populate(store, 60)
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
    # our own two inline scripts are the only script elements
    assert len(re.findall(r"<script>", html)) == 2


def test_sections_and_charts(report_file: Path) -> None:
    html = report_file.read_text("utf-8")
    for s in SECTIONS:
        assert f'id="{s}"' in html
    assert html.count("<circle") == 61
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
