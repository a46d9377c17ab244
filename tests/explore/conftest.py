from __future__ import annotations

from typing import Any

from pni.models import Story
from pni.store import Store
from pni.store import stories as q


def add_story(db: Store, text: str, *, teller: str, answers: dict[str, Any],
              teller_answers: dict[str, Any] | None = None, title: str | None = None,
              consent: str = "yes") -> str:
    """Insert one extra story (for tests that need a particular teller or text)."""
    with db.transaction():
        tid = q.teller_id_for(db, teller)
        q.ensure_teller(db, tid)
        h = q.content_hash(text, teller, None)
        cid = q.ensure_collection(db, "Synthetic")
        s = Story(id=q.story_id_for(h), text=text, title=title, teller_id=tid, consent=consent,
                  content_hash=h, source_kind="story-form", answers=answers,
                  teller_answers=teller_answers or {})
        q.insert_story(db, s, collection_id=cid, import_id=None)
    return s.id
