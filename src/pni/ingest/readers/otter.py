"""Transcript layout of Otter.ai TXT exports: the speaker and the time on a line of their own,
then the words (a ``Note: ...`` words line stays words)::

    Lina Haddad  0:09
    It started with one kid in the hallway who could not read the lunch menu.
"""

from __future__ import annotations

import re

from pni.ingest.turns import TS, TurnStyle, register_style

_OTTER = re.compile(rf"^\s*(?P<name>[A-Z][\w.'’\-]*(?: [A-Z0-9][\w.'’\-]*){{0,4}})\s+{TS}\s*$")


def opens(line: str) -> tuple[str, str] | None:
    m = _OTTER.match(line)
    return (m.group("name"), "") if m else None


register_style(TurnStyle("Otter.ai (Name  0:03)", opens, order=20))
