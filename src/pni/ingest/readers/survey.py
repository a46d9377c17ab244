"""Helpers the survey-platform readers share: finding columns by their exported names, telling
dates from durations, rebuilding a table without its extra header rows, splitting
comma-joined checkbox answers, and choosing the story column."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from pni.ingest.forms import blank, norm
from pni.ingest.readers.base import Row, Table

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
                 "%Y/%m/%d %H:%M:%S", "%Y/%m/%d")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?:,?[ T](\d{1,2}):(\d{2})"
                      r"(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?$")
_ISO_ZONED = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?"
                        r"(?:Z|[+-]\d{2}:?\d{2})?$")


SAMPLE = 500  # values of a column judged when telling whether it holds dates


def find(header: list[str], *names: str) -> int | None:
    """The first column whose name matches one of ``names`` (case and punctuation ignored)."""
    keys = [norm(h) for h in header]
    for n in names:
        k = norm(n)
        if k in keys:
            return keys.index(k)
    return None


def find_all(header: list[str], names: Iterable[str]) -> list[int]:
    wanted = {norm(n) for n in names}
    return [i for i, h in enumerate(header) if norm(h) in wanted]


def iso_date(v: Any, day_first: bool = False) -> str | None:
    """A date or date-time cell as ISO text, or None when it is not a date (``0:54`` is not)."""
    if blank(v):
        return None
    s = str(v).strip()
    z = _ISO_ZONED.match(s)  # Kobo, ODK: 2026-03-02T09:21:41.123+01:00 (local time kept)
    if z and not _ISO.match(s):
        s = f"{z.group(1)} {z.group(2)}"
    m = _ISO.match(s)
    if m:
        try:
            y, mo, dd, h, mi, sec = (int(x or 0) for x in m.groups())
            d = datetime(y, mo, dd, h, mi, sec)
        except ValueError:
            return None
        return d.isoformat(sep=" ") if m.group(4) else d.date().isoformat()
    for fmt in _DATE_FORMATS:
        try:
            d = datetime.strptime(s, fmt)
        except ValueError:
            continue
        return d.isoformat(sep=" ") if ":" in s else d.date().isoformat()
    m = _SLASHED.match(s)
    if not m:
        return None
    a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if len(m.group(3)) == 2:  # 8/25/22 15:47 (SurveyMonkey, Excel): this century
        y += 2000
    day, month = (a, b) if day_first else (b, a)
    hour = int(m.group(4) or 0)
    if m.group(7):
        hour = hour % 12 + (12 if m.group(7).casefold() == "pm" else 0)
    try:
        d = datetime(y, month, day, hour, int(m.group(5) or 0), int(m.group(6) or 0))
    except ValueError:
        return None
    return d.isoformat(sep=" ") if m.group(4) else d.date().isoformat()


def day_first(values: Iterable[Any]) -> bool:
    """Whether slashed dates in a column are day/month (some first part above 12)."""
    for v in values:
        m = _SLASHED.match(str(v).strip()) if not blank(v) else None
        if m and int(m.group(1)) > 12:
            return True
    return False


def holds_dates(values: list[Any], share: float = 0.8) -> bool:
    """Whether most non-blank values of a column are dates."""
    vals = [v for v in values if not blank(v)][:SAMPLE]
    if not vals:
        return False
    df = day_first(vals)
    ok = sum(1 for v in vals if iso_date(v, df) is not None)
    return ok >= share * len(vals)


def rebuild(table: Table, rows: list[Row], columns: list[tuple[str, Callable[[list[Any]], Any]]],
            notices: list[str] | None = None) -> Table:
    """A new table with the given rows and, per column, its name and a function of the old
    row's cells (rows with a reader error are kept as they are; a function raising
    ``ValueError`` marks the row as an error with that reason)."""
    out = []
    for r in rows:
        if r.error is not None:
            out.append(r)
            continue
        try:
            out.append(Row(r.locator, [f(r.cells) for _, f in columns], r.raw))
        except ValueError as e:
            out.append(Row(r.locator, [None] * len(columns), r.raw, str(e)))
    return Table([n for n, _ in columns], out, table.sheet,
                 [*table.notices, *(notices or [])], [n for n, _ in columns])


def column(i: int) -> Callable[[list[Any]], Any]:
    return lambda cells: cells[i] if i < len(cells) else None


def first_of(*idx: int | None) -> Callable[[list[Any]], Any]:
    """The first non-blank cell among several columns (a recipient's e-mail, else name)."""
    cols = [i for i in idx if i is not None]
    return lambda cells: next((cells[i] for i in cols if not blank(cells[i])), None)


def joined_name(first: int | None, last: int | None) -> Callable[[list[Any]], Any]:
    def get(cells: list[Any]) -> Any:
        parts = [str(cells[i]).strip() for i in (first, last) if i is not None
                 and not blank(cells[i])]
        return " ".join(parts) or None
    return get


def checkbox_parts(values: list[Any]) -> list[str] | None:
    """The options of a column whose answers are checkbox choices joined by ", " (Google
    Forms), or None when the commas look like prose. Options recur across respondents."""
    vals = [str(v).strip() for v in values if not blank(v)]
    joined = [v for v in vals if ", " in v]
    if len(vals) < 3 or not joined:
        return None
    parts = Counter(p.strip() for v in vals for p in v.split(", ") if p.strip())
    if any(len(p) > 120 for p in parts):
        return None
    homes: dict[str, set[str]] = {}
    for v in set(vals):
        for p in v.split(", "):
            homes.setdefault(p.strip(), set()).add(v)
    if not any(len(h) > 1 for h in homes.values()):
        return None  # each part always comes with the same others: options that hold commas
    recurring = sum(n for n in parts.values() if n >= 2)
    total = sum(parts.values())
    if recurring < 0.8 * total or len(parts) > max(40, len(vals) // 2):
        return None
    return sorted(parts)


def as_list(i: int) -> Callable[[list[Any]], Any]:
    def get(cells: list[Any]) -> Any:
        v = cells[i]
        if blank(v):
            return None
        return [p.strip() for p in str(v).split(", ") if p.strip()]
    return get


def mean_length(values: list[Any]) -> float:
    vals = [str(v) for v in values if isinstance(v, str) and v.strip()]
    return sum(len(v) for v in vals) / len(vals) if vals else 0.0


def email_or_name(email: int | None, first: int | None, last: int | None
                  ) -> Callable[[list[Any]], Any]:
    """A recipient's e-mail, else their first and last name joined."""
    name = joined_name(first, last)

    def get(cells: list[Any]) -> Any:
        if email is not None and not blank(cells[email]):
            return cells[email]
        return name(cells)
    return get


#: Codes survey tools write for "seen, not answered" and "not shown" (Qualtrics, SPSS habits).
MISSING_CODES = frozenset({"-99", "-98", "-99.0", "-98.0"})


def unless_missing(get: Callable[[list[Any]], Any]) -> Callable[[list[Any]], Any]:
    """A column function that reads -99 / -98 as no answer."""
    def wrapped(cells: list[Any]) -> Any:
        v = get(cells)
        return None if v is not None and str(v).strip() in MISSING_CODES else v
    return wrapped


#: Column names (the last part of a group path, case and punctuation ignored) that identify the
#: respondent: never answers, their values the teller's identity and names pni knows.
IDENTITY_NAMES = {
    "name", "full_name", "your_name", "first_name", "last_name", "firstname", "lastname",
    "surname", "given_name", "family_name", "respondent_name", "participant_name",
    "contact_name", "email", "e_mail", "email_address", "your_email", "your_email_address",
    "e_mail_address", "correo", "correo_electronico", "phone", "phone_number", "telephone",
    "mobile", "mobile_number", "nombre", "apellido", "apellidos", "nom", "prenom",
}
EMAIL_NAMES = {"email", "e_mail", "email_address", "your_email", "your_email_address",
               "e_mail_address", "correo", "correo_electronico"}
FIRST_NAMES = {"first_name", "firstname", "given_name", "nombre", "prenom"}
LAST_NAMES = {"last_name", "lastname", "surname", "family_name", "apellido", "apellidos", "nom"}
PHONE_NAMES = {"phone", "phone_number", "telephone", "mobile", "mobile_number"}


def leaf(name: str) -> str:
    """A column name without its group path (Kobo ``group_a/name``, ODK ``group_a-name``)."""
    return norm(re.split(r"[/:]", str(name))[-1])


def identity_columns(header: list[str], skip: Iterable[int] = ()) -> dict[str, list[int]]:
    """Columns that identify the respondent, by kind: ``email``, ``first``, ``last``,
    ``name`` (a whole name) and ``phone``."""
    out: dict[str, list[int]] = {}
    skipped = set(skip)
    for i, h in enumerate(header):
        k = leaf(h)
        if i in skipped or k not in IDENTITY_NAMES:
            continue
        kind = ("email" if k in EMAIL_NAMES else "first" if k in FIRST_NAMES else
                "last" if k in LAST_NAMES else "phone" if k in PHONE_NAMES else "name")
        out.setdefault(kind, []).append(i)
    return out


def teller_of(ids: dict[str, list[int]]) -> Callable[[list[Any]], Any] | None:
    """The respondent's identity from identity columns: e-mail, else first and last name,
    else a whole name (``anonymous`` is no one)."""
    email = ids.get("email", [])
    first, last, whole = ids.get("first", []), ids.get("last", []), ids.get("name", [])
    if not (email or first or last or whole):
        return None

    def get(cells: list[Any]) -> Any:
        for i in email:
            if not blank(cells[i]) and str(cells[i]).strip().casefold() != "anonymous":
                return str(cells[i]).strip()
        parts = [str(cells[i]).strip() for i in (*first[:1], *last[:1]) if not blank(cells[i])]
        if parts:
            return " ".join(parts)
        for i in whole:
            if not blank(cells[i]) and str(cells[i]).strip().casefold() != "anonymous":
                return str(cells[i]).strip()
        return None
    return get


def chosen(idx: list[int]) -> Any:
    """A getter for a multiple-answer question spread over columns ``idx`` (one column per
    option): the non-blank cells, as a list, or None when none is filled."""
    def get(cells: list[Any]) -> Any:
        got = [str(cells[i]).strip() for i in idx if i < len(cells) and not blank(cells[i])]
        return got or None
    return get
