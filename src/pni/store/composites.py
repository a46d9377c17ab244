"""Composite stories (migration 0013): a story a sensemaking group wrote from its cards, stored
as a story of kind ``composite`` and linked to the cards it drew on, in the group's order."""

from __future__ import annotations

from collections.abc import Iterable

from pni.models import Consent, Provenance, Story
from pni.store.db import Store
from pni.store.stories import ensure_collection, insert_story, list_stories, story_id_for


def composite_of(db: Store, *, text: str, title: str | None, content_hash: str,
                 cards: list[str], provenance: Provenance | None = None,
                 ) -> tuple[Story, int | None]:
    """The composite story a group wrote from ``cards`` (story ids), and its collection: the one
    its cards share, if they share one. Its consent is the least of its cards' (a card whose
    teller said no makes the composite unprintable too), its language theirs if they share one."""
    found = list_stories(db, ids=cards, with_answers=False)
    consents = {c.consent for c in found}
    consent: Consent = ("no" if "no" in consents else
                        "unknown" if "unknown" in consents or not found else "yes")
    collections = {c.collection for c in found}
    languages = {c.language for c in found}
    story = Story(id=story_id_for(content_hash), text=text, title=title, source_kind="composite",
                  consent=consent, content_hash=content_hash, provenance=provenance,
                  language=languages.pop() if len(languages) == 1 else None,
                  collection=collections.pop() if len(collections) == 1 else None)
    cid = ensure_collection(db, story.collection) if story.collection else None
    return story, cid


def insert_composite(db: Store, story: Story, sources: Iterable[str], *,
                     collection_id: int | None = None) -> bool:
    """Store ``story`` (of kind ``composite``) and its links to ``sources``, the card story ids
    in the order written. Returns False (and writes nothing) when it is stored already."""
    if story.source_kind != "composite":
        raise ValueError(f"a composite story has kind 'composite', not {story.source_kind!r}")
    if not insert_story(db, story, collection_id=collection_id, import_id=None):
        return False
    db.executemany(
        "INSERT INTO story_sources(story_id, source_id, position) VALUES (?, ?, ?)",
        [(story.id, sid, i) for i, sid in enumerate(dict.fromkeys(sources), start=1)])
    return True


def sources_of(db: Store, ids: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Composite story id -> the card story ids it was made from, in the group's order."""
    rows = db.query("SELECT story_id, source_id FROM story_sources ORDER BY story_id, position")
    wanted = None if ids is None else set(ids)
    out: dict[str, list[str]] = {}
    for r in rows:
        if wanted is None or r["story_id"] in wanted:
            out.setdefault(r["story_id"], []).append(r["source_id"])
    return out
