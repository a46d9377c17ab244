"""The names a store has seen (tellers, speakers, listeners, survey recipients, names files),
kept as keyed hashes in the store (``known_names``) and read back as a ``NameIndex``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pni.privacy.names import NameIndex, name_keys

if TYPE_CHECKING:
    from pni.store import Store

#: Words that fill a teller or speaker field without naming anybody.
NOT_NAMES = frozenset({
    "anonymous", "anon", "unknown", "none", "n/a", "na", "student", "teacher", "parent",
    "interviewer", "facilitator", "moderator", "participant", "speaker", "respondent", "staff",
    "q", "a", "guest", "host", "panelist", "panellist", "teller", "listener", "unnamed",
})
_NOT_A_NAME = re.compile(r"[\d@/\\:]")


def plausible_name(name: str) -> bool:
    """Whether a teller/speaker field looks like a person's name rather than an id, an e-mail
    address or a role ("S-014", "rosa@x.org", "Interviewer" are not)."""
    s = name.strip().lstrip("=")
    return bool(s) and not _NOT_A_NAME.search(s) and s.casefold() not in NOT_NAMES


def add_names(db: Store, names: Iterable[str], source: str) -> int:
    """Record names (hashed with the store's salt, never as written); returns how many were
    plausible names."""
    from pni.store.names import add_name_rows

    salt = db.secret().encode()
    rows: dict[str, tuple[str, int, int, str]] = {}
    n = 0
    for name in names:
        if not name or not plausible_name(name):
            continue
        n += 1
        for k in name_keys(name, salt):
            prev = rows.get(k.digest)
            cap = int(k.capitalised_only and (prev is None or bool(prev[2])))
            rows[k.digest] = (k.digest, k.words, cap, source)
    if rows:
        with db.transaction():
            add_name_rows(db, rows.values())
    return n


def name_index(db: Store) -> NameIndex:
    """Every known name of the store (and tellers' names kept with --keep-names) as an index."""
    from pni.privacy import teller_names
    from pni.store.names import name_rows

    idx = NameIndex(db.secret().encode())
    for r in name_rows(db):
        idx.keys[r.digest] = bool(r.capitalised_only)
        idx.max_words = max(idx.max_words, int(r.words))
    idx.add_names(teller_names(db))
    return idx
