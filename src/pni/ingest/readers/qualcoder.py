"""Transcript layout of QualCoder: a speaker tag in brackets opens each paragraph. Bracketed
marks of non-speech (``[inaudible]``, ``[laughs]``, ``[crosstalk]``) are not speakers::

    [id1] I liked the after-school club because my mom works late.
    [id2] The club was fine but the snacks ran out by four.
"""

from __future__ import annotations

import re

from pni.fillers import FILLER_WORDS
from pni.ingest.turns import TurnStyle, register_style

_TAG = re.compile(r"^\s*\[(?P<name>[A-Za-z][A-Za-z_\-]{0,20}\d{0,3})\]\s+(?P<text>\S.*)$")


def opens(line: str) -> tuple[str, str] | None:
    m = _TAG.match(line)
    if not m or m.group("name").casefold() in FILLER_WORDS:
        return None
    return m.group("name"), m.group("text").strip()


register_style(TurnStyle("QualCoder ([id1] words)", opens, order=30))
