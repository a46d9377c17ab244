"""Privacy probe: every printed output of a story form with planted names, phone numbers, e-mail
addresses and remote references, counted for what survived.

Builds a temporary store from the fixture in ``tests/privacy/probe.py`` (tellers' names,
names-file entries and their variants "Dr. Díaz's", "DIAZ", "QUINTERO's"; US, German, British,
French and Mexican phones; e-mails; ``![t](http://...)``, ``[x](//...)``, ``data:`` and
``<img src=http://...>`` in titles and text; innocent dates, times, decimals, ids, postcodes and
coordinates), runs the real CLI (fake embedder) to make the report (HTML, MD, CSV), the packet
(MD, HTML, PDF text by pdftotext), ``stories export --redact`` (CSV, JSONL) and the NarraFirma and
REFI-QDA exports, and prints per output how many planted strings survived. The first row scans the
unredacted fixture itself, to show the scanner sees what was planted.

"small cells": the fixture's 3 tellers make every answer group smaller than the small-cell
threshold (5), so each answer printed beside a count in the report or packet is a small cell
shown (``tests.privacy.probe.small_cells``); "-" for the record exports, which print each
story's answers by design. A last row makes the report and packet again with ``min_cell = 1``
(the rule off), to show the scanner sees the cells the rule hides.

Run: ``python bench/privacy_probe.py [--stories N]``. Every column but "prints" must be 0 below
the fixture row, except in the last (rule off) row.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from tests.privacy.probe import (  # noqa: E402
    EMAILS,
    INNOCENT,
    LISTED,
    PHONES,
    REMOTE,
    TELLERS,
    probe,
    scan,
    write_fixture,
)

COLUMNS = ("names", "phones", "emails", "remote", "live", "innocent_redacted", "small_cells",
           "prints_stories")
HEAD = ("names", "phones", "e-mails", "remote (text)", "remote (live)", "innocent redacted",
        "small cells", "prints story text")


def _row(name: str, r: dict[str, int]) -> str:
    cells = [("yes" if r[c] else "no") if c == "prints_stories" else str(r.get(c, "-"))
             for c in COLUMNS]
    return f"| {name} | " + " | ".join(cells) + " |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=int, default=40)
    args = ap.parse_args()
    print(f"# python {platform.python_version()} on {platform.processor() or platform.machine()}")
    print(f"# planted: {len(TELLERS)} tellers + {len(LISTED)} names-file entries, "
          f"{len(PHONES)} phones, {len(EMAILS)} e-mails, {len(REMOTE)} remote references, "
          f"{len(INNOCENT)} innocent strings; {args.stories} stories")
    with tempfile.TemporaryDirectory(prefix="pni-privacy-probe-") as tmp:
        fieldwork = write_fixture(Path(tmp) / "fieldwork", n=args.stories)
        t0 = time.perf_counter()
        results = probe(fieldwork, Path(tmp) / "out")
        elapsed = time.perf_counter() - t0
        off = probe(fieldwork, Path(tmp) / "off", pdf=False, exports=False, min_cell=1)
        raw = (fieldwork / "stories.csv").read_text("utf-8")
        fixture = scan(raw, raw)
    print("| output | " + " | ".join(HEAD) + " |")
    print("|---" * (len(HEAD) + 1) + "|")
    rows = [("fixture (unredacted input)", fixture), *results.items()]
    leaks = 0
    for name, r in rows:
        if r is None:
            print(f"| {name} | " + " | ".join(["skipped (no pdftotext)"] * len(HEAD)) + " |")
            continue
        print(_row(name, r))
        if name != rows[0][0]:
            leaks += sum(r.get(c, 0) for c in COLUMNS[:-1])
    seen = sum((r or {}).get("small_cells", 0) for r in off.values())
    print(_row("report + packet, min_cell = 1 (rule off)", {
        c: sum((r or {}).get(c, 0) for r in off.values()) for c in COLUMNS}))
    print(f"# {len(results)} outputs in {elapsed:.1f} s; survivors + wrong redactions + small "
          f"cells shown: {leaks} (with the rule off the scanner sees {seen} small cells)")
    sys.exit(1 if leaks else 0)


if __name__ == "__main__":
    main()
