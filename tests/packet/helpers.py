"""Shared set-up for packet tests: a store with a hostile story, a named teller and a secret."""

from __future__ import annotations

from pathlib import Path

from pni.store import Store

HOSTILE = ("#set page(width: 1cm) *bold* ] $x$ <script>alert(1)</script> @ref "
           "_under_ [link](http://x) & done")
SECRET = "Quintessa walked home alone"  # in a consent-"no" story: must never print
TELLER = "Zebulon Quill"  # a teller's kept name, mentioned in a story
LISTED = "Okafor"  # a name from the names file
EMAIL = "parent.one@example.org"
PHONE = "555-867-5309"


def make_hostile(db: Store, ids: list[str], tmp: Path) -> Path:
    """Rewrite a few stories of the `with_run` store; returns a names file listing LISTED."""
    with db.transaction():
        db.execute("UPDATE stories SET text = ? WHERE id = ?", (HOSTILE, ids[0]))
        db.execute("UPDATE stories SET text = ? WHERE id = ?",
                   (f"{SECRET} and nobody saw. Call {PHONE}.", ids[9]))  # consent no
        db.execute("UPDATE stories SET text = ? WHERE id = ?",
                   (f"Ms. {LISTED} and zebulon helped; write to {EMAIL} or {PHONE}.", ids[1]))
        tid = db.scalar("SELECT teller_id FROM stories WHERE id = ?", (ids[1],))
        db.execute("UPDATE tellers SET name = ? WHERE id = ?", (TELLER, tid))
        db.execute("UPDATE stories SET consent = 'unknown' WHERE id = ?", (ids[2],))
    names = tmp / "names.txt"
    names.write_text(f"# people to redact\n{LISTED}  # a teacher\n\n", "utf-8")
    return names


def forbidden() -> list[str]:
    return [SECRET, "Quintessa", TELLER, "Zebulon", "zebulon", LISTED, EMAIL, PHONE]
