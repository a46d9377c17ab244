"""Card codes (migration 0011): one short code per story, a letter for how it was gathered and a
number (``K12``, ``F7``), the one identifier a room uses: printed large on cards, in the report
and the observations, and read back by `pni stories show` and `pni record` whatever its case.

Codes are assigned once, in collection order, and never reused (a removed story's code stays
free, a new story takes the next number of its letter).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pni.store.db import Store

#: the letter of each source kind
LETTERS = {"empathy-interview": "I", "kiva-panel": "K", "story-form": "F", "reflection": "R",
           "other": "S", "composite": "C"}
_CODE = re.compile(r"^(?:card|story)?\s*[#:]?\s*([A-Za-z])\s*-?\s*(\d{1,6})$", re.IGNORECASE)


def normalize_code(ref: str) -> str | None:
    """``"k12"``, ``"Card K12"``, ``"#K-12"`` -> ``"K12"``; None when ``ref`` is not shaped like a
    code.

    >>> [normalize_code(x) for x in ("k12", "Card K12", " #f-7 ", "S-b7968c210f", "12")]
    ['K12', 'K12', 'F7', None, None]
    """
    m = _CODE.match(ref.strip())
    return f"{m.group(1).upper()}{int(m.group(2))}" if m else None


def assign_codes(db: Store) -> int:
    """Give every story without a code the next code of its letter; returns how many."""
    with db.transaction():
        rows = db.query("SELECT s.id, s.source_kind FROM stories s LEFT JOIN story_codes c "
                        "ON c.story_id = s.id WHERE c.story_id IS NULL ORDER BY s.rowid")
        if not rows:
            return 0
        top: dict[str, int] = {}
        for r in db.query("SELECT code FROM story_codes"):
            letter, number = r["code"][0], int(r["code"][1:])
            top[letter] = max(top.get(letter, 0), number)
        new = []
        for r in rows:
            letter = LETTERS.get(r["source_kind"], "S")
            top[letter] = top.get(letter, 0) + 1
            new.append((r["id"], f"{letter}{top[letter]}"))
        db.executemany("INSERT INTO story_codes(story_id, code) VALUES (?, ?)", new)
    return len(new)


def story_codes(db: Store, ids: Iterable[str] | None = None) -> dict[str, str]:
    """Story id -> code (assigning the missing ones first)."""
    assign_codes(db)
    rows = db.query("SELECT story_id, code FROM story_codes ORDER BY rowid")
    if ids is None:
        return {r["story_id"]: r["code"] for r in rows}
    wanted = set(ids)
    return {r["story_id"]: r["code"] for r in rows if r["story_id"] in wanted}


def story_for_code(db: Store, ref: str) -> str | None:
    """The story id a code names (any case, "Card K12"), or None."""
    code = normalize_code(ref)
    if code is None:
        return None
    assign_codes(db)
    return db.scalar("SELECT story_id FROM story_codes WHERE code = ?", (code,))
