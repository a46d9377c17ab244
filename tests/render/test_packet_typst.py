import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pni.packet import PacketOptions, build_packets
from pni.render.packet_typst import render_pdf
from pni.store import Store
from tests.packet.helpers import HOSTILE, forbidden, make_hostile

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("CI"),
                                reason="needs pdftotext (CI installs it and never skips)")


def _pdf_text(pdf: bytes, tmp: Path) -> str:
    p = tmp / "p.pdf"
    p.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", str(p), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


def test_pdf_prints_stories_literally_and_hides_what_it_must(
        with_run: tuple[Store, list[str], int], tmp_path: Path) -> None:
    db, ids, _ = with_run
    names = make_hostile(db, ids, tmp_path)
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, exercises=["all"], lenses=["cop-stages"],
                                          names_file=names))
    pdf = render_pdf(p)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    # typst, HTML and Markdown syntax all print as written (the web address redacted)
    assert HOSTILE.replace("http://x", "[url]") in text
    for bad in forbidden():
        assert bad not in text, bad
    assert "[name]" in text and "[email]" in text and "[phone]" in text
    for ex in p.exercises:  # every exercise has its worksheet
        assert ex.title in text, ex.title
    for title in ("Facilitator guide", "Agenda", "Story cards", "Capture sheet",
                  "Stories that stood out", "What we found",
                  "Stages of a community of practice", "How much did you belong?"):
        assert title in text, title
    assert "How did you feel? hurt" in text or "How did you feel? frustrated" in text


def test_no_redact_is_stated_on_the_cover(with_run: tuple[Store, list[str], int],
                                          tmp_path: Path) -> None:
    db, _, _ = with_run
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, redact=False, exercises=["encounter"]))
    text = _pdf_text(render_pdf(p), tmp_path)
    assert "NOT REDACTED" in text.split("Contents")[0]


def test_letter_paper(with_run: tuple[Store, list[str], int], tmp_path: Path) -> None:
    db, _, _ = with_run
    [p] = build_packets(db, PacketOptions(groups=1, cards=500, paper="us-letter", exercises=["encounter"]))
    f = tmp_path / "l.pdf"
    f.write_bytes(render_pdf(p))
    info = subprocess.run(["pdfinfo", str(f)], capture_output=True, text=True).stdout
    assert "612 x 792" in info


def test_pdf_shows_small_groups_as_hidden(store: Store, tmp_path: Path) -> None:
    import re

    from pni.settings import Settings
    from tests.helpers import LIBRARIAN, small_groups

    small_groups(store, cross=True)
    fac, *_ = build_packets(store, PacketOptions(groups=3, settings=Settings(min_cell=5)))
    [p] = build_packets(store, PacketOptions(groups=1, cards=500, settings=Settings(min_cell=5)))
    text = _pdf_text(render_pdf(p), tmp_path) + _pdf_text(render_pdf(fac), tmp_path)
    assert "fewer than 5 tellers told this pattern's stories" in text and "<5" in text
    assert f"{LIBRARIAN} 3" not in text
    assert not re.search(r"(student|teacher|parent|leader|librarian|counselor) × [1-4]\b", text)
