"""What may be printed: consent filtering and redaction of names, e-mail addresses and phones.

Rules (docs/packet.md):

- a story with consent "no" is never printed, whatever the options;
- a story with consent "unknown" is left out by default; ``include_unknown=True``
  (``pni packet --include-unknown-consent``) prints it, and the packet's cover says so;
- every printed text (title, story, prompt, free-text answers, observations) goes through a
  ``Redactor``: e-mail addresses become ``[email]``, phone numbers ``[phone]``, and the names of
  tellers (``tellers.name``, kept only with ``--keep-names``) and of everyone in a names file
  become ``[name]``, matched as whole words, ignoring case. A multi-word name also redacts its
  parts ("Rosa Diaz" redacts "Rosa" and "Diaz"), except titles such as "Ms." and short words.

>>> r = Redactor(["Rosa Diaz"])
>>> r.redact("Rosa said: mail rosa@example.org or call 555-123-4567. Diaz agreed.")
'[name] said: mail [email] or call [phone]. [name] agreed.'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pni.errors import UsageError

if TYPE_CHECKING:
    from pni.store import Store

NAME_MARK = "[name]"
EMAIL_MARK = "[email]"
PHONE_MARK = "[phone]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# digits in groups with spaces, dots, dashes or brackets; checked for at least 7 digits below
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,6}){1,4}(?![\w-])"
    r"|(?<![\w+])\+?\d{7,13}(?!\w)"
)
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "mx", "prof", "sir", "coach", "the", "and", "van",
           "von", "der", "den", "del", "della", "de", "da", "di", "du", "la", "le", "el", "al",
           "bin", "ibn", "st"}

T = TypeVar("T")


#: A names-file entry that starts with this is matched only as written (and in capitals): for
#: names that are also ordinary words ("=Bell" leaves "the bell rang" alone).
EXACT_CASE = "="


def load_names(path: str | Path) -> list[str]:
    """Names from a names file: one per line, ``#`` starts a comment, blank lines ignored; a
    leading ``=`` marks a name matched only as written (see ``EXACT_CASE``)."""
    p = Path(path)
    if not p.is_file():
        raise UsageError("names file not found", file=p)
    try:
        text = p.read_text("utf-8")
    except UnicodeDecodeError as e:
        raise UsageError(f"names file is not UTF-8 text ({e.reason})", file=p) from e
    out = []
    for line in text.splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            out.append(name)
    return out


def name_words(names: Iterable[str]) -> set[str]:
    """The lower-case words of people's names, without titles ("Ms. Okafor" -> {"okafor"}), for
    keeping names out of pattern labels."""
    out: set[str] = set()
    for n in names:
        for w in n.lstrip(EXACT_CASE).split():
            w = w.strip(".,").lower()
            if len(w) >= 2 and w not in _TITLES:
                out.add(w)
    return out


def teller_names(db: Store) -> list[str]:
    """Tellers' real names, where the store kept them (``pni collect --keep-names``)."""
    from pni.store.stories import teller_names as kept

    return [n for n in kept(db).values() if n.strip()]


def _name_variants(name: str) -> set[str]:
    name = " ".join(name.split())
    out = {name}
    parts = [p.strip(".,") for p in name.split()]
    if len(parts) > 1:
        for p in parts:
            if len(p) >= 3 and p.casefold() not in _TITLES and p[:1].isalpha():
                out.add(p)
    return {v for v in out if v}


def _alternation(variants: set[str], flags: int) -> re.Pattern[str] | None:
    """One regex matching any of ``variants`` as whole words, longest first."""
    if not variants:
        return None
    alts = sorted(variants, key=lambda v: (-len(v), v.casefold()))
    body = "|".join(r"\s+".join(re.escape(w) for w in v.split()) for v in alts)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags | re.UNICODE)


@dataclass
class Redactor:
    """Replaces names, e-mail addresses and phone numbers in text. ``enabled=False``: no-op."""

    names: Sequence[str] = ()
    enabled: bool = True
    _patterns: list[re.Pattern[str]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        anycase: set[str] = set()
        exact: set[str] = set()
        for n in self.names:
            if n.startswith(EXACT_CASE):
                for v in _name_variants(n[len(EXACT_CASE):]):
                    exact |= {v, v.upper()}
            else:
                anycase |= _name_variants(n)
        self._patterns = [p for p in (_alternation(anycase, re.IGNORECASE),
                                      _alternation(exact - anycase, 0)) if p is not None]

    @property
    def n_names(self) -> int:
        return len(self.names)

    def redact(self, text: str | None) -> str | None:
        if text is None or not self.enabled or not text:
            return text
        text = _EMAIL.sub(EMAIL_MARK, text)
        text = _PHONE.sub(_phone_sub, text)
        for pattern in self._patterns:
            text = pattern.sub(NAME_MARK, text)
        return text

    def redact_value(self, value: Any) -> Any:
        """Redact a string, or every string in a list; other answers pass unchanged."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            return [self.redact(v) if isinstance(v, str) else v for v in value]
        return value


def _phone_sub(m: re.Match[str]) -> str:
    s = m.group(0)
    digits = sum(c.isdigit() for c in s)
    if digits < 7 or digits > 15 or _DATE_LIKE.match(s.strip()):
        return s
    if not re.search(r"[+().-]", s):  # space-separated numbers: scores and years look alike
        groups = s.split()
        if len(groups) > 3 or len(groups[-1]) < 4 or all(_YEAR.match(g) for g in groups):
            return s
    return PHONE_MARK


@dataclass
class ConsentResult:
    """The stories that may be printed and how many were held back, by reason."""

    kept: list[Any]
    excluded_no: int = 0
    excluded_unknown: int = 0
    included_unknown: int = 0


def filter_consent(stories: Iterable[T], *, include_unknown: bool = False) -> ConsentResult:
    """Keep stories that may be printed: consent "yes", and "unknown" only when asked.

    Consent "no" is dropped always. Works on any object with a ``consent`` attribute.
    """
    res = ConsentResult(kept=[])
    for s in stories:
        c = getattr(s, "consent", "unknown") or "unknown"
        if c == "no":
            res.excluded_no += 1
        elif c == "yes":
            res.kept.append(s)
        elif include_unknown:
            res.included_unknown += 1
            res.kept.append(s)
        else:
            res.excluded_unknown += 1
    return res
