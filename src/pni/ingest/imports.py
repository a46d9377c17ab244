"""Imports you can undo: `pni imports remove` and `pni collect --replace`.

Every file read by `pni collect` or `pni annotate` is one import. Removing it takes out exactly
what it stored (see ``pni.store.imports``) in one transaction, and says which cluster runs it made
stale. Replacing a file re-reads it and removes its earlier imports in the same transaction as the
new one: stories read again unchanged keep their ids, runs and annotations (their fields and the
answers that came with them are rewritten); stories the file no longer gives are removed.

>>> from pni.store import Store
>>> with Store.open(":memory:") as db:
...     remove_imports(db, [])
[]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pni.models import Story
from pni.store import Store
from pni.store import imports as iq
from pni.store import stories as q
from pni.store.imports import Removal


class _Rollback(Exception):
    """Raised inside the transaction to undo it (``dry_run``)."""


def _text_hash(text: str) -> str:
    from pni.embed.cache import text_hash

    return text_hash(text)


def remove_imports(db: Store, import_ids: list[int], *, dry_run: bool = False) -> list[Removal]:
    """Remove each import, all in one transaction (all or none). Idempotent: an import already
    removed is reported with ``already=True`` and nothing is touched. An unknown id raises
    ``NotFoundError`` before anything is removed."""
    out: list[Removal] = []
    for i in import_ids:
        iq.get_import(db, i)
    try:
        with db.transaction():
            for i in dict.fromkeys(import_ids):
                out.append(iq.remove_import(db, i, _text_hash))
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return out


def describe(rm: Removal) -> str:
    """One line for people: what removing an import did."""
    if rm.kind == "annotate":
        parts = [_n(rm.answers, "annotation answer"), f"{rm.restored} replaced answer(s) put back"]
    else:
        parts = [_n(rm.stories, "story", "stories"), _n(rm.story_answers, "answer")]
        if rm.annotations:
            parts.append(f"{rm.annotations} of them from `pni annotate`")
        parts += [_n(rm.tellers, "teller"), _n(rm.vectors, "cached vector")]
        if rm.outcome_links:
            parts.append(_n(rm.outcome_links, "link") + " from recorded outcomes")
    parts += [_n(rm.questions, "question"), _n(rm.rejects, "reject")]
    done = "was already removed" if rm.already else "removed"
    return f"import {rm.import_id} ({rm.file}) {done}: " + ", ".join(parts)


def stale_note(removals: list[Removal]) -> str | None:
    """Which runs the removals made stale, or None."""
    runs: dict[int, int] = {}
    for rm in removals:
        if not rm.already:
            for r, n in rm.stale_runs.items():
                runs[r] = runs.get(r, 0) + n
    if not runs:
        return None
    listed = ", ".join(f"run {r} ({_n(n, 'story', 'stories')})" for r, n in sorted(runs.items()))
    return (f"marked stale, they included removed stories: {listed}; their patterns no longer"
            " hold those stories: run `pni cluster` again")


def _n(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclass
class Replacement:
    """The earlier imports of one file, while `pni collect --replace` reads it again."""

    file: str
    import_ids: list[int]
    old: dict[str, str] = field(default_factory=dict)  # content hash -> story id
    kept: int = 0

    @classmethod
    def prepare(cls, db: Store, file: str, hashes: set[str],
                source_ids: Callable[[str], dict[str, Any]]) -> Replacement:
        """Find the file's current imports and forget their stories in the collect's lookups
        (``hashes`` taken, ``source_ids(collection)``), so that reading the file again neither
        counts them as duplicates nor rejects their source ids."""
        ids = iq.current_imports_of(db, file)
        rep = cls(file, ids)
        for r in iq.stories_of(db, ids):
            rep.old[r.content_hash] = r.id
            hashes.discard(r.content_hash)
            if r.source_id is not None and r.collection is not None:
                source_ids(r.collection).pop(r.source_id, None)
        return rep

    def store(self, db: Store, stories: list[Story], *, collection_id: int | None,
              import_id: int | None) -> list[Story]:
        """Rewrite the stories read again into the new import; returns the new ones (to insert)."""
        kept = [s for s in stories if s.content_hash in self.old]
        q.rewrite_stories_many(db, kept, collection_id=collection_id, import_id=import_id)
        self.kept = len(kept)
        return [s for s in stories if s.content_hash not in self.old]

    def finish(self, db: Store) -> list[str]:
        """Remove the earlier imports (now holding only the stories not read again); notices."""
        if not self.import_ids:
            return ["--replace: no earlier import of this file to replace; collected as new"]
        removals = [iq.remove_import(db, i, _text_hash) for i in self.import_ids]
        gone = sum(r.stories for r in removals)
        ids = ", ".join(str(i) for i in self.import_ids)
        out = [f"replaced import {ids}: {_n(self.kept, 'story', 'stories')} read again (ids kept),"
               f" {_n(gone, 'story', 'stories')} no longer in the file removed"]
        note = stale_note(removals)
        if note:
            out.append("runs " + note)
        return out
