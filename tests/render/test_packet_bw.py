"""The packet's charts read in black and white: each group of a "whose stories" table is a bar
with its own fill pattern (solid, hatched, dotted: PDF tiling patterns) and its own marker
shape, so no series is told apart by colour alone."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pni.packet import PacketOptions, build_packets
from pni.render.packet_typst import render_pdf
from pni.store import Store

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"),
                                reason="needs pdftotext (CI installs it and never skips)")


def test_voice_bars_are_told_apart_by_pattern_and_shape(
        with_run: tuple[Store, list[str], int], tmp_path: Path) -> None:
    db, _, _ = with_run
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, exercises=["encounter"]))
    assert p.voices and max(len(v.rows) for v in p.voices) >= 3
    pdf = render_pdf(p)
    # one tiling pattern per hatched or dotted fill in use (the solid ones are plain fills)
    assert pdf.count(b"/PatternType 1") >= 2
    f = tmp_path / "p.pdf"
    f.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True,
                          text=True, check=True).stdout
    page = next(pg for pg in text.split("\f")
                if any(ln.strip() == "Whose stories these are" for ln in pg.splitlines()))
    for vt in p.voices:
        for group, count in vt.rows:
            assert any(group in line and count in line for line in page.splitlines()), group


def test_the_template_gives_each_series_its_fill_and_marker() -> None:
    """Eight fills and eight marker shapes, cycled by row: the first rows never share one."""
    from pni.render.packet_typst import template_path

    src = template_path().read_text("utf-8")
    assert "#let fills = (" in src and "tiling(" in src
    block = src.split("#let fills = (")[1].split("\n)\n")[0]
    assert len([ln for ln in block.splitlines() if ln.strip()]) == 8
    for shape in ("circle(", "rect(", "polygon("):
        assert shape in src.split("#let marker(")[1].split("#let bw-bars")[0]
    assert "bw-bars(vt.rows)" in src
