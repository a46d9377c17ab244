"""Transcript layout ``Name: words`` (TXT, Markdown, DOCX paragraphs, Zoom and SRT cues).

The name may follow a time stamp and be set in bold: ``[00:01:09] Name: words`` (Rev, Descript
TXT), ``(0:54) Name:``, ``00:01:09 Name:``, Rev's ``Name (00:05):`` on a line of its own, and
Descript Markdown's ``**Name:** words`` / ``[00:01:09] **Name:** words``. Names may be in any
script (``인터뷰어: ...``, ``采访者：...`` with a full-width colon); a name starting with a
lower-case letter is not one (``note: ...`` is words)::

    [00:00:40] **Grace Kim:** Tell me about the walk to school. What happens on the way?
"""

from __future__ import annotations

import re

from pni.ingest.turns import DEFAULT_STYLE, TS, TurnStyle, is_stamped, register_style

_TURN = re.compile(
    rf"^\s*(?:\[?\(?{TS}\)?\]?\s*)?"  # optional time stamp
    r"(?:\*\*)?(?P<name>[^\W\d_][\w.'’\- ]{0,38}?(?:\s*\([^()]{1,40}\))?)(?:\*\*)?\s*[:：]"
    r"(?:\*\*)?(?:\s+(?P<text>.*)|\s*|(?<=：)(?P<cjk>\S.*))$"
)
_PAREN_TS = re.compile(rf"\s*\(\s*{TS}\s*\)\s*$")


def match_turn(line: str) -> tuple[str, str] | None:
    """``Name: words`` in any of its time-stamped or bold forms (None when the line is not)."""
    m = _TURN.match(line)
    if not m or m.group("name")[0].islower():  # "note: ..." is words; 인터뷰어: is a name
        return None
    name = _PAREN_TS.sub("", m.group("name")).strip()
    if not name or len(name.split()) > 5:
        return None
    return name, (m.group("text") or m.group("cjk") or "").strip()


def describe(opening: list[str]) -> str:
    """Which variant most opening lines are written in."""
    bold = sum("**" in s for s in opening) * 2 > len(opening)
    stamped = sum(is_stamped(s) for s in opening) * 2 > len(opening)
    if bold:
        return "[00:01:09] **Name:** (Descript)" if stamped else "**Name:** (Markdown)"
    return "[00:01:09] Name: (Rev/Descript)" if stamped else DEFAULT_STYLE


register_style(TurnStyle(DEFAULT_STYLE, match_turn, order=10, describe=describe))
