"""Contact details in free text: e-mail addresses, web addresses and phone numbers.

Phone numbers are found by Google's libphonenumber (the ``phonenumbers`` package, offline data),
read as numbers of ``region`` unless they start with ``+``. Dates, times, decimals, coordinates,
postcodes and record ids are left alone:

- a number glued to a digit, a decimal point or a letter is part of something else
  ("3.14159265358", "v1.2.3456789");
- digits without any separator ("ID 4412345678") are a phone only after a word such as "call",
  "phone" or "tel";
- a number libphonenumber holds possible but not valid for the region is kept only when it is
  written like a phone (with ``+``, brackets, dashes or dots), never as space-separated groups
  ("scores 10 12 14 15 16");
- a number written the way national numbers are (a leading trunk ``0``, in three groups or more:
  "06 12 34 56 78", "030 1234 5678") is a phone when it is valid in any region, whatever
  ``region`` says: a story told in English may quote a French mobile.

>>> redact_contacts("Call +49 30 1234567 or mail a@b.org; see https://x.example/p?q=1 at 08:15.")
'Call [phone] or mail [email]; see [url] at 08:15.'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

EMAIL_MARK = "[email]"
PHONE_MARK = "[phone]"
URL_MARK = "[url]"
DEFAULT_REGION = "US"

_EMAIL = re.compile(r"(?<![\w.+-])(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}", re.UNICODE)
_URL = re.compile(
    r"(?i)\b(?:(?:https?|ftp|file|data|javascript):[^\s<>\"'`]+|www\d?\.[^\s<>\"'`]+"
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|io|ly|me|co|info|biz|us|uk)"
    r"/[^\s<>\"'`]*)"
    # scheme-relative ("//host.example/p"): a browser or Markdown viewer loads it as https
    r"|(?<![\w:/])//[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>\"'`]*"
)
_TRAILING = ".,;:!?)]}'\""
#: how national numbers are written: a trunk 0 (or "(0"), then groups split by one space, dot
#: or dash; three groups or more, so that "02139-4307" (a postcode) is not one
_NATIONAL = re.compile(r"(?<![\w.+/-])\(?0\d{1,4}\)?(?:[ .-]\d{1,5}){2,6}(?![\w/])")
_DATE = re.compile(r"\d{1,2}([ .-])\d{1,2}\1\d{2,4}")
_CUE = re.compile(r"(?i)(?:phone|tel|telephone|call|cell|mobile|text|whatsapp|fax|number|no\.|#)"
                  r"\s*[:.]?\s*$")


def _strip_trailing(s: str) -> str:
    while s and s[-1] in _TRAILING:
        if s[-1] == ")" and s.count("(") >= s.count(")"):
            break
        s = s[:-1]
    return s


def _url_sub(m: re.Match[str]) -> str:
    url = _strip_trailing(m.group(0))
    return URL_MARK + m.group(0)[len(url):]


def _is_phone(text: str, start: int, end: int, raw: str, valid: bool) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before.isalnum() or after.isalnum() or before == "_" or after == "_":
        return False
    if before in ".,/:" and start >= 2 and text[start - 2].isdigit():
        return False  # the tail of a decimal, a date or a version
    if after in ".,/:-" and end + 1 < len(text) and text[end + 1].isdigit():
        return False  # the head of a decimal, a date or a range
    digits = sum(c.isdigit() for c in raw)
    if digits < 7 or digits > 15:
        return False
    if raw.isdigit():
        return bool(_CUE.search(text[max(0, start - 24):start]))
    if valid:
        return True
    return bool(re.search(r"[+()]", raw) or re.fullmatch(r"[\d.-]+", raw))


def regions_of(region: str | Sequence[str]) -> list[str]:
    """``"US"``, ``"US,FR"`` or ``["US", "FR"]`` -> ``["US", "FR"]`` (upper case)."""
    parts = region.split(",") if isinstance(region, str) else list(region)
    return [p.strip().upper() for p in parts if p.strip()] or [DEFAULT_REGION]


def find_phones(text: str, region: str | Sequence[str] = DEFAULT_REGION) -> list[tuple[int, int]]:
    """Spans of phone numbers in ``text``, read as numbers of any of ``region`` (see the module's
    rules); overlapping finds are merged."""
    import phonenumbers as pn

    if sum(c.isdigit() for c in text) < 7:
        return []
    spans: list[tuple[int, int]] = []
    for reg in regions_of(region):
        valid = {(m.start, m.end) for m in pn.PhoneNumberMatcher(text, reg,
                                                                 leniency=pn.Leniency.VALID)}
        for m in pn.PhoneNumberMatcher(text, reg, leniency=pn.Leniency.POSSIBLE):
            if _is_phone(text, m.start, m.end, m.raw_string, (m.start, m.end) in valid):
                spans.append((m.start, m.end))
    if not _REGIONS:
        _REGIONS.extend(_regions())
    spans += _national_anywhere(text)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _national_anywhere(text: str) -> list[tuple[int, int]]:
    """Spans of numbers written like national phone numbers that are valid in some region."""
    import phonenumbers as pn

    out = []
    for m in _NATIONAL.finditer(text):
        raw = m.group(0)
        if not 8 <= sum(c.isdigit() for c in raw) <= 15 or _DATE.fullmatch(raw):
            continue
        if not _is_phone(text, m.start(), m.end(), raw, True):
            continue
        for reg in _REGIONS:
            try:
                if pn.is_valid_number(pn.parse(raw, reg)):
                    out.append((m.start(), m.end()))
                    break
            except pn.NumberParseException:
                continue
    return out


def _regions() -> list[str]:
    try:
        import phonenumbers as pn
    except ImportError:  # pragma: no cover - a dependency
        return []
    return sorted(pn.SUPPORTED_REGIONS)


_REGIONS: list[str] = []


def redact_contacts(text: str, region: str | Sequence[str] = DEFAULT_REGION, *, urls: bool = True) -> str:
    """``text`` with e-mail addresses, phone numbers and (``urls``) web addresses replaced."""
    text = _EMAIL.sub(EMAIL_MARK, text)
    if urls:
        text = _URL.sub(_url_sub, text)
    spans = find_phones(text, region)
    for start, end in reversed(spans):
        text = text[:start] + PHONE_MARK + text[end:]
    return text
