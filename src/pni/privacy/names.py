"""People's names: reading a names file, and matching names in text the way people write them.

A name matches whatever its case, accents and possessive ("Rosa Díaz" matches "DIAZ", "Diaz's",
"Dr. Díaz"); a multi-word name also matches each of its parts of three letters or more, except
titles ("Ms.", "Dr.") and particles ("de", "van"). A name that is also an ordinary English word
("Will", "Bell", "Hope"), or a names-file entry written with a leading ``=``, matches only when
capitalised, so "the bell rang" stays as written.

Names are kept only as keyed hashes (``NameIndex``): an index can say whether a word is a known
name, never list the names it holds, so the store can keep the names of every teller, speaker and
survey recipient it has seen without keeping the names themselves.

>>> idx = NameIndex(b"salt")
>>> idx.add_names(["Rosa Díaz", "=Bell"])
>>> idx.redact("DIAZ's friend rang the bell; Ms. Bell and Dr. Díaz came. rosa diaz left.")
"[name]'s friend rang the bell; Ms. [name] and Dr. [name] came. [name] left."
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pni.errors import UsageError

NAME_MARK = "[name]"
#: A names-file entry that starts with this matches only when capitalised ("=Bell").
EXACT_CASE = "="

TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "mx", "prof", "sir", "coach", "the", "and", "van", "von",
    "der", "den", "del", "della", "de", "da", "di", "du", "la", "le", "el", "al", "bin", "ibn",
    "st", "jr", "sr", "ii", "iii", "mme", "mlle", "herr", "frau", "sra", "dra",
})

#: Names that are also ordinary English words: matched only when capitalised.
ORDINARY_WORDS = frozenset(["will", "may", "june", "april", "august", "rose", "grace", "hope", "joy", "faith", "mark", "bill", "bob", "art", "sue", "pat", "ray", "dawn", "summer", "autumn", "iris", "lily", "ivy", "rich", "frank", "sandy", "penny", "ruby", "amber", "crystal", "daisy", "holly", "heather", "jack", "jean", "gene", "max", "don", "miles", "chase", "wade", "hunter", "cole", "drew", "gray", "grey", "grant", "hall", "king", "young", "brown", "white", "black", "green", "long", "little", "bell", "bush", "rice", "wood", "ford", "park", "lee", "page", "rob", "jay", "sky", "river", "rain", "storm", "star", "angel", "honey", "honor", "justice", "sunny", "melody", "harmony", "destiny", "trinity", "cash", "king", "prince", "major", "bishop", "cook", "baker", "smith", "miller", "carter", "mason", "taylor", "porter", "parker", "turner", "hill", "rivers", "banks", "woods", "fields", "price", "lane", "stone", "love", "more", "bird", "fox", "wolf", "best", "good", "strong", "swift", "may", "noble", "gay", "early", "hart", "hunt", "wells", "fisher", "dean", "chance", "trust", "constance", "patience", "prudence", "charity", "mercy", "felicity", "verity", "liberty", "precious", "violet", "hazel", "olive", "jasmine", "pearl", "opal", "jade", "ginger", "willow", "sage", "basil", "heath", "glen", "dale", "cliff", "rocky", "rusty", "buddy", "duke", "earl", "baron", "marshal", "sterling", "frost", "snow", "winter", "spring", "day", "night", "moon", "sun", "norman", "french", "english", "irish", "welsh", "scott", "german", "sterling", "rowan", "reed", "brook", "brooks", "lake", "pool", "wise", "gold", "silver", "brave", "golden", "short", "small", "read", "carol", "christian", "mason", "page", "cannon", "sherman"])

FIRST = "\x00"  # prefix of the entry that marks the first word of a multi-word name
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$")
_NAME_RUN = re.compile(r"\[name\](?:[ \t]+\[name\])+")


def fold(text: str) -> str:
    """Case-, accent- and apostrophe-insensitive form of a word: "Díaz" -> "diaz"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def load_names(path: str | Path) -> list[str]:
    """Names from a names file: one per line, ``#`` starts a comment, blank lines ignored; a
    leading ``=`` marks a name matched only when capitalised (see ``EXACT_CASE``)."""
    p = Path(path)
    if not p.is_file():
        raise UsageError("names file not found", file=p)
    try:
        text = p.read_text("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UsageError(f"names file is not UTF-8 text ({e.reason})", file=p) from e
    out = []
    for line in text.splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            out.append(name)
    return out


def name_words(names: Iterable[str]) -> set[str]:
    """The lower-case, accent-free words of people's names, without titles ("Ms. Okafor" ->
    {"okafor"}), for keeping names out of pattern labels."""
    out: set[str] = set()
    for n in names:
        for w in re.split(r"[\s-]+", n.lstrip(EXACT_CASE)):
            w = fold(w.strip(".,"))
            if len(w) >= 2 and w not in TITLES:
                out.add(w)
    return out


@dataclass(frozen=True)
class NameKey:
    """One entry of a name index: the keyed hash of a folded name (one word or a sequence of
    words joined by a space), how many words it has, and whether it matches only capitalised."""

    digest: str
    words: int
    capitalised_only: bool


def name_keys(name: str, salt: bytes) -> list[NameKey]:
    """The index entries of one name as written in a names file or a source (see the module)."""
    exact = name.startswith(EXACT_CASE)
    raw = name[len(EXACT_CASE):] if exact else name
    parts = [fold(p) for p in _TOKEN.findall(raw)]
    parts = [p for p in parts if p]
    if not parts:
        return []
    out: list[NameKey] = []
    core = [p for p in parts if p not in TITLES]
    if len(parts) > 1:
        ordinary = exact or all(p in ORDINARY_WORDS for p in core)
        out.append(NameKey(digest(" ".join(parts), salt), len(parts), ordinary))
        out.append(NameKey(digest(FIRST + parts[0], salt), 0, ordinary))
        if core != parts and len(core) > 1:
            out.append(NameKey(digest(" ".join(core), salt), len(core), ordinary))
            out.append(NameKey(digest(FIRST + core[0], salt), 0, ordinary))
    for p in core:
        if len(p) >= 3 or (len(parts) == 1 and len(p) >= 2):
            out.append(NameKey(digest(p, salt), 1, exact or p in ORDINARY_WORDS))
    return out


def digest(folded: str, salt: bytes) -> str:
    """The keyed hash under which a folded name is kept."""
    return hashlib.blake2b(folded.encode("utf-8"), key=salt[:64], digest_size=12).hexdigest()


@dataclass
class NameIndex:
    """Known names as keyed hashes; ``redact`` replaces every known name in a text."""

    salt: bytes
    keys: dict[str, bool] = field(default_factory=dict)  # digest -> capitalised only
    max_words: int = 1
    _cache: dict[str, str] = field(default_factory=dict, repr=False)

    def _digest(self, folded: str) -> str:
        d = self._cache.get(folded)
        if d is None:
            if len(self._cache) > 200_000:
                self._cache.clear()
            d = self._cache[folded] = digest(folded, self.salt)
        return d

    def add(self, key: NameKey) -> None:
        prev = self.keys.get(key.digest)
        self.keys[key.digest] = key.capitalised_only if prev is None else prev and key.capitalised_only
        self.max_words = max(self.max_words, key.words)

    def add_names(self, names: Iterable[str]) -> None:
        for n in names:
            for k in name_keys(n, self.salt):
                self.add(k)

    def __len__(self) -> int:
        return len(self.keys)

    def _hit(self, folded: str, capitalised: bool) -> bool:
        flag = self.keys.get(self._digest(folded))
        if flag is None and folded.endswith("'s"):
            flag = self.keys.get(self._digest(folded[:-2]))
        return flag is not None and (capitalised or not flag)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where known names are in ``text`` (a possessive "'s" stays outside the span)."""
        if not self.keys:
            return []
        toks = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
        out: list[tuple[int, int]] = []
        i = 0
        while i < len(toks):
            hit = 0
            longest = 1
            if self.max_words > 1 and self._digest(FIRST + fold(toks[i][2])) in self.keys:
                longest = min(self.max_words, len(toks) - i)
            for n in range(longest, 0, -1):
                seq = toks[i:i + n]
                if n > 1 and any(text[a[1]:b[0]].lstrip(".").strip() or a[1] == b[0]
                                 for a, b in itertools.pairwise(seq)):
                    continue
                folded = " ".join(fold(t[2]) for t in seq)
                if self._hit(folded, seq[0][2][:1].isupper()):
                    hit = n
                    break
            if hit:
                start, end = toks[i][0], toks[i + hit - 1][1]
                poss = _POSSESSIVE.search(text[start:end])
                if poss:
                    end -= len(poss.group(0))
                elif hit > 1 and len(toks[i + hit - 1][2]) == 1 and text[end:end + 1] == ".":
                    end += 1  # an initial: "Mark D."
                out.append((start, end))
                i += hit
            else:
                i += 1
        return out

    def redact(self, text: str) -> str:
        spans = self.spans(text)
        for start, end in reversed(spans):
            text = text[:start] + NAME_MARK + text[end:]
        return _NAME_RUN.sub(NAME_MARK, text) if spans else text
