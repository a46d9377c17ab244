"""The one Markdown escaper every Markdown output uses (report and packets): story text prints
as written, never as Markdown or HTML, and never as a live link or image.

>>> md_escape("![t](http://example.org/pixel.png) <b>a|b</b>")
'!\\\\[t\\\\](http:\\\\/\\\\/example.org/pixel.png) \\\\<b\\\\>a\\\\|b\\\\</b\\\\>'
>>> md_inline("two\\nlines - 1. item")
'two lines - 1. item'
"""

from __future__ import annotations

import re
from typing import Any

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$&])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+)([.)]?)", re.MULTILINE)


def md_escape(text: Any) -> str:
    """Backslash-escape Markdown punctuation (and ``<``/``&``) so text prints literally; a line
    that would start a list or a heading is escaped too, and ``scheme://`` and ``www.`` are
    broken so that no viewer turns them into links."""
    s = _MD_SPECIAL.sub(r"\\\1", str(text))
    s = s.replace("://", r":\/\/").replace("www.", r"www\.")
    return _LINE_START.sub(_line_start, s)


def md_inline(text: Any) -> str:
    """``md_escape`` for one line (a table cell, a list item): line breaks folded to spaces."""
    return md_escape(" ".join(str(text).split()))


def _line_start(m: re.Match[str]) -> str:
    lead, mark, dot = m.groups()
    if mark.isdigit():
        return f"{lead}{mark}\\{dot}" if dot else m.group(0)
    return f"{lead}\\{mark}{dot}"
