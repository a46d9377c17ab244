"""What may be printed: consent filtering and redaction of names, e-mail addresses, web
addresses and phone numbers. The rules are in docs/privacy.md:

- a story with consent "no" is never printed, whatever the options;
- a story with consent "unknown" is left out by default; ``include_unknown=True``
  (``--include-unknown-consent``, or the project's ``pni.toml``) prints it, and outputs say so;
- every printed text goes through a ``Redactor``: e-mail addresses become ``[email]``, web
  addresses ``[url]``, phone numbers ``[phone]`` (``pni.privacy.contacts``), and every name pni
  has seen (tellers, speakers, listeners, survey recipients: kept in the store as keyed hashes)
  and every name in the names file become ``[name]`` (``pni.privacy.names``).

>>> r = Redactor(["Rosa Diaz"])
>>> r.redact("Rosa said: mail rosa@example.org or call (617) 555-0143. Dr. Díaz's class agreed.")
"[name] said: mail [email] or call [phone]. Dr. [name]'s class agreed."
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pni.privacy.contacts import DEFAULT_REGION, EMAIL_MARK, PHONE_MARK, URL_MARK, redact_contacts
from pni.privacy.names import EXACT_CASE, NAME_MARK, NameIndex, load_names, name_words

if TYPE_CHECKING:
    from pni.models import Story
    from pni.store import Store

__all__ = ["EMAIL_MARK", "EXACT_CASE", "NAME_MARK", "PHONE_MARK", "URL_MARK", "ConsentResult",
           "NameIndex", "Redactor", "filter_consent", "load_names", "name_words", "teller_names"]

T = TypeVar("T")


def teller_names(db: Store) -> list[str]:
    """Tellers' real names, where the store kept them (``pni collect --keep-names``)."""
    from pni.store.stories import teller_names as kept

    return [n for n in kept(db).values() if n.strip()]


@dataclass
class Redactor:
    """Replaces names, e-mail addresses, web addresses and phone numbers in text.

    ``names`` are plain names (a names file); ``index`` holds hashed names (the store's known
    names); ``region`` reads phone numbers without ``+`` (one region or several).
    ``enabled=False``: no-op."""

    names: Sequence[str] = ()
    enabled: bool = True
    index: NameIndex | None = None
    region: str | Sequence[str] = DEFAULT_REGION
    urls: bool = True
    contacts: bool = True
    _index: NameIndex = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.index is not None:
            self._index = NameIndex(self.index.salt, dict(self.index.keys), self.index.max_words)
        else:
            self._index = NameIndex(b"pni-names")
        self._index.add_names(self.names)

    @property
    def n_names(self) -> int:
        """How many name entries (names and name parts, hashed) the redactor knows."""
        return len(self._index)

    def redact(self, text: str | None) -> str | None:
        if text is None or not self.enabled or not text:
            return text
        if self.contacts:
            text = redact_contacts(text, self.region, urls=self.urls)
        return self._index.redact(text)

    def redact_story(self, s: Story) -> Story:
        """A copy of a story with its title, text, prompt, text answers and where it came from
        (file name, sheet, place, source id: "Interview with Maria Lopez.docx") redacted."""
        prov = s.provenance
        if prov is not None and self.enabled:
            prov = prov.model_copy(update={
                "file": self.redact(prov.file) or "", "sheet": self.redact(prov.sheet),
                "locator": self.redact(prov.locator)})
        return s.model_copy(update={
            "text": self.redact(s.text) or "", "title": self.redact(s.title),
            "prompt": self.redact(s.prompt), "source_id": self.redact(s.source_id),
            "provenance": prov,
            "answers": {k: self.redact_value(v) for k, v in s.answers.items()},
            "teller_answers": {k: self.redact_value(v) for k, v in s.teller_answers.items()},
        })

    def redact_value(self, value: Any) -> Any:
        """Redact a string, or every string in a list; other answers pass unchanged."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            return [self.redact(v) if isinstance(v, str) else v for v in value]
        return value


@dataclass
class ConsentResult:
    """The stories that may be printed and how many were held back, by reason."""

    kept: list[Any]
    excluded_no: int = 0
    excluded_unknown: int = 0
    included_unknown: int = 0

    def summary(self) -> str:
        """One line for people: how many stories were withheld, and why."""
        held = self.excluded_no + self.excluded_unknown
        if not held:
            extra = (f" ({self.included_unknown} with unrecorded consent, included as asked)"
                     if self.included_unknown else "")
            return f"No story withheld{extra}."
        parts = []
        if self.excluded_no:
            parts.append(f"{self.excluded_no} whose tellers said no to sharing")
        if self.excluded_unknown:
            parts.append(f"{self.excluded_unknown} with unrecorded consent "
                         "(--include-unknown-consent to print them)")
        return f"{held} stories withheld: " + "; ".join(parts) + "."


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
