"""Queries for the cache of derived results (table ``derived``): bytes keyed by a digest of the
inputs they were computed from (``pni.cluster.memo`` keys a clustering this way).

Content-addressed: no run refers to an entry, and losing one only costs a recomputation. Each
kind keeps its ``KEEP`` most recently used entries. ``clear`` empties the table; removing
stories calls it, so nothing derived from a withdrawn story stays in the store.

>>> with Store.open(":memory:") as db:
...     put(db, "k1", "clustering", b"abc")
...     get(db, "k1"), get(db, "k2"), usage(db)
(b'abc', None, {'clustering': (1, 3)})
"""

from __future__ import annotations

from datetime import UTC, datetime

from pni.store.db import Store

#: Entries kept per kind (the least recently used beyond this are dropped at each ``put``).
KEEP = 4


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def get(db: Store, key: str) -> bytes | None:
    """The bytes stored under ``key`` (marked as just used), or None."""
    row = db.execute("SELECT data FROM derived WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    with db.transaction():
        db.execute("UPDATE derived SET used_at = ? WHERE key = ?", (_stamp(), key))
    return bytes(row[0])


def put(db: Store, key: str, kind: str, data: bytes, keep: int = KEEP) -> None:
    """Store ``data`` under ``key`` (replacing an entry there: the key names its content, so
    this only repairs one that could not be read) and drop the kind's least recently used
    entries beyond ``keep``."""
    with db.transaction():
        db.execute("INSERT INTO derived(key, kind, size, used_at, data) VALUES (?, ?, ?, ?, ?)"
                   " ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, size = excluded.size,"
                   " used_at = excluded.used_at, data = excluded.data",
                   (key, kind, len(data), _stamp(), data))
        stale = [r[0] for r in db.execute(
            "SELECT key FROM derived WHERE kind = ? ORDER BY used_at DESC, key LIMIT -1 OFFSET ?"
            if db.dialect.name == "sqlite" else
            "SELECT key FROM derived WHERE kind = ? ORDER BY used_at DESC, key OFFSET ?",
            (kind, max(0, keep)))]
        for k in stale:
            db.execute("DELETE FROM derived WHERE key = ?", (k,))


def clear(db: Store) -> int:
    """Empty the cache; returns the entries dropped. The caller owns the transaction."""
    return int(db.execute("DELETE FROM derived").rowcount or 0)


def usage(db: Store) -> dict[str, tuple[int, int]]:
    """Entries and bytes per kind."""
    return {str(kind): (int(n), int(size or 0)) for kind, n, size in db.execute(
        "SELECT kind, count(*), sum(size) FROM derived GROUP BY kind ORDER BY kind")}
