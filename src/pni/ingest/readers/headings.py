"""Transcript layout with each speaker written as a Markdown heading of their own, the words in
the paragraphs below it (interview transcripts kept in Markdown)::

    ### Interviewer
    What did the first week look like?

    ### Nurse
    Long. I worked six nights in a row.

Chapter headings are also headings, so the layout holds only when speakers come back: at least
two heading names are each used two times or more, and the headings are at most half as many
different names as there are headings.
"""

from __future__ import annotations

import re
from collections import Counter

from pni.ingest.turns import TS, TurnStyle, register_style

_HEAD = re.compile(
    r"^\s{0,3}#{1,6}\s+(?:\*\*)?(?P<name>[^\W\d_][\w.'’\- ]{0,38}?(?:\s*\([^()]{1,30}\))?)"
    r"(?:\*\*)?\s*:?\s*$")
_STAMP = re.compile(TS)
NAME = "Markdown headings (### Speaker)"


def opens(line: str) -> tuple[str, str] | None:
    m = _HEAD.match(line)
    if not m or _STAMP.search(line):
        return None
    name = m.group("name").strip()
    if name[0].islower() or len(name.split()) > 4:
        return None
    return name, ""


def accepts(speakers: list[str]) -> bool:
    counts = Counter(speakers)
    return sum(1 for n in counts.values() if n >= 2) >= 2 and len(counts) * 2 <= len(speakers)


register_style(TurnStyle(NAME, opens, order=15, accepts=accepts))
