"""The capture template: what the room made, as a file `pni record` reads back. `pni packet` and
`pni prepare` write it beside the packets, as CSV (one row per thing, rows for each group
ready) and as Markdown (headings per section), in the same shape as the capture sheet printed in
each group's packet.

>>> csv_text, md_text = capture_template(["Group 1", "Group 2"], session="Spring 2026")
>>> csv_text.splitlines()[0]
'session,group,section,type,name,text,why,said,cards,patterns,place'
>>> csv_text.splitlines()[1]
'Spring 2026,Group 1,resonant story,,,,,,,,'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from pni.record.load import SECTIONS

COLUMNS = ("session", "group", "section", "type", "name", "text", "why", "said", "cards",
           "patterns", "place")
#: rows made ready for each group: (section, how many)
GROUP_ROWS = (("resonant story", 3), ("resonant pattern", 1), ("construction", 2),
              ("outcome", 5))
#: rows for the session's own notes and the facilitator's reflections
SESSION_ROWS = (("session", 3), ("reflection", 3))


def capture_template(groups: Sequence[str], *, session: str = "") -> tuple[str, str]:
    """The CSV and Markdown templates for ``groups`` (their labels, as on the packets)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for group in groups:
        for section, n in GROUP_ROWS:
            for _ in range(n):
                w.writerow([session, group, section, *[""] * (len(COLUMNS) - 3)])
    for section, n in SESSION_ROWS:
        for _ in range(n):
            w.writerow([session, "", section, *[""] * (len(COLUMNS) - 3)])
    return buf.getvalue(), _markdown(groups, session)


def _markdown(groups: Sequence[str], session: str) -> str:
    kinds = {s: ", ".join(t) for s, t in SECTIONS.items()}
    lines = ["---", f"session: {session}", "---", "",
             "<!-- What the room made, for `pni record capture.md`. Under a group's line, each",
             "     '## section' holds '### type' headings, and each item is one thing:",
             "       - the text (cards: K12; F7) (why: why it stood out) (said: what people said)",
             "     A timeline lists its cards in order; a landscape says where each went:",
             "       - our landscape (place: K12@top left; F7@bottom right)",
             f"     Outcome types: {kinds['outcome']}.",
             f"     Resonant story or pattern types: {kinds['resonant story']}.",
             f"     Construction types: {kinds['construction']}.",
             f"     Reflection types: {kinds['reflection']}; session: {kinds['session']}.",
             "     A row or item that says nothing is left out; one with a type but no text is",
             "     rejected with its line. -->", ""]
    for group in groups:
        lines += [f"group: {group}", ""]
        for title in ("Resonant stories", "Resonant patterns", "Constructions", "Outcomes"):
            lines += [f"## {title}", ""]
    lines += ["group: ", "", "## Reflections", "", "## Session", ""]
    return "\n".join(lines)


def write_capture_template(folder: Path, groups: Sequence[str], *,
                           session: str = "") -> list[Path]:
    """Write ``capture.csv`` and ``capture.md`` into ``folder``; returns their paths."""
    csv_text, md_text = capture_template(groups, session=session)
    folder.mkdir(parents=True, exist_ok=True)
    out = [folder / "capture.csv", folder / "capture.md"]
    out[0].write_text(csv_text, encoding="utf-8")
    out[1].write_text(md_text, encoding="utf-8")
    return out
