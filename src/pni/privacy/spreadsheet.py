"""CSV/XLSX cells that a spreadsheet would run as formulas are neutralised (OWASP CSV injection):
a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'``, so Excel, LibreOffice and Google Sheets show it as text. Numbers stay numbers.

>>> [safe_cell(v) for v in ['=HYPERLINK("http://x")', "+1", "-x", "@SUM(A1)", "ok", -3]]
['\\'=HYPERLINK("http://x")', "'+1", "'-x", "'@SUM(A1)", 'ok', -3]
"""

from __future__ import annotations

from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet may show it: text starting a formula is prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value
