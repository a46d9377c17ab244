"""Transcript layout of Otter.ai TXT exports (and Teams DOCX transcripts, written the same way):
the speaker and the time on a line of their own, then the words (a ``Note: ...`` words line
stays words). Pasted into Markdown the name is often bold (``**Name**  0:42``)::

    Lina Haddad  0:09
    It started with one kid in the hallway who could not read the lunch menu.
"""

from __future__ import annotations

import re

from pni.ingest.turns import TS, TurnStyle, register_style

_OTTER = re.compile(
    rf"^\s*(?P<b>\*\*)?(?P<name>[^\W\d_][\w.'’\-]*(?: [^\W_][\w.'’\-]*){{0,4}})(?:\*\*)?"
    rf"\s+(?:\*\*)?\(?{TS}\)?(?:\*\*)?\s*$")
NAME = "Otter.ai (Name  0:03)"


def opens(line: str) -> tuple[str, str] | None:
    m = _OTTER.match(line)
    if not m or any(w[0].islower() for w in m.group("name").split()):
        return None  # "I left at 9:30" is words
    return m.group("name"), ""


def describe(opening: list[str]) -> str:
    if sum("**" in s for s in opening) * 2 > len(opening):
        return "Otter.ai in Markdown (**Name**  0:42)"
    return NAME


register_style(TurnStyle(NAME, opens, order=20, describe=describe))
