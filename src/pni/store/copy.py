"""Copy a whole project from one store to another (SQLite to PostgreSQL and back), exactly.

Every table is copied row by row in insertion order, ids included, into an empty store at the
same migration, in one transaction; before it commits, each table's row count and a SHA-256 of its
content (every column but PostgreSQL's ``rowid``, in insertion order, values typed: text, integer,
float as its exact repr, bytes as hex) are read back from both sides and must be equal, or nothing
is written.

>>> from pni.store import Store
>>> with Store.open(":memory:") as a, Store.open(":memory:") as b:
...     _ = a.set_meta("salt", "abc")
...     [t.rows for t in copy_store(a, b) if t.table == "meta"]
[1]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from pni.errors import StoreError
from pni.store.db import Store

#: parents before children, so foreign keys hold at every insert (unknown tables come last)
ORDER = ["meta", "collections", "tellers", "questions", "imports", "stories", "story_codes",
         "story_sources",
         "answers", "rejects", "replaced_answers", "known_names", "embeddings", "derived", "runs",
         "patterns", "assignments", "pattern_levels", "explorations", "observations",
         "outcomes", "outcome_stories", "outcome_patterns", "outcome_rejects"]
_BATCH = 2000


@dataclass
class TableCopy:
    """One table copied: its rows and the SHA-256 of its content, the same on both sides."""

    table: str
    rows: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def tables(db: Store) -> list[str]:
    """The project's tables in copy order (without ``migrations``)."""
    names = [t for t in db.table_names() if t != "migrations"]
    return [t for t in ORDER if t in names] + sorted(t for t in names if t not in ORDER)


def _value(v: Any) -> Any:
    if isinstance(v, bytes | bytearray | memoryview):
        return {"bytes": bytes(v).hex()}
    if isinstance(v, float):
        return {"float": repr(v)}
    return v


def digest(db: Store, table: str, columns: list[str] | None = None) -> tuple[int, str]:
    """``(rows, sha256)`` of a table's content in insertion order."""
    cols = columns or db.columns(table)
    h = hashlib.sha256(json.dumps(cols).encode())
    n = 0
    cur = db.execute(f'SELECT {", ".join(_q(c) for c in cols)} FROM {_q(table)}'
                     f" ORDER BY {db.order_key(table)}")
    while True:
        rows = cur.fetchmany(_BATCH)
        if not rows:
            break
        for r in rows:
            h.update(json.dumps([_value(v) for v in r], ensure_ascii=False).encode())
            h.update(b"\n")
            n += 1
    return n, h.hexdigest()


def _q(name: str) -> str:
    return f'"{name}"'


def copy_store(src: Store, dst: Store, *,
               progress: Callable[[str, int, int], None] | None = None) -> list[TableCopy]:
    """Copy every row of ``src`` into ``dst``, which must be empty and at the same migrations.
    Raises ``StoreError`` (and writes nothing) when ``dst`` holds data or a table's content
    differs after the copy. ``progress(table, done, total)`` is told after each table."""
    if src.applied_migrations() != dst.applied_migrations():
        raise StoreError("the two stores are at different migrations: open both with this pni"
                         " first", file=dst.path)
    names = tables(src)
    missing = [t for t in names if not dst.has_table(t)]
    if missing:
        raise StoreError(f"the destination lacks tables {', '.join(missing)}", file=dst.path)
    held = {t: n for t in tables(dst) if (n := int(dst.scalar(f"SELECT count(*) FROM {_q(t)}")))}
    if held:
        shown = ", ".join(f"{t} {n}" for t, n in held.items())
        raise StoreError(f"the destination already holds a project ({shown}); copy into a new,"
                         " empty store", file=dst.path)
    out: list[TableCopy] = []
    with dst.transaction():
        for i, table in enumerate(names):
            cols = src.columns(table)
            insert = (f"INSERT INTO {_q(table)} ({', '.join(_q(c) for c in cols)})"
                      f" VALUES ({', '.join('?' * len(cols))})")
            cur = src.execute(f'SELECT {", ".join(_q(c) for c in cols)} FROM {_q(table)}'
                              f" ORDER BY {src.order_key(table)}")
            while True:
                rows = cur.fetchmany(_BATCH)
                if not rows:
                    break
                dst.executemany(insert, [tuple(r) for r in rows])
            dst.reset_ids(table)
            n, sha = digest(src, table, cols)
            m, sha_dst = digest(dst, table, cols)
            if (n, sha) != (m, sha_dst):
                raise StoreError(f"table {table}: {m} rows ({sha_dst[:12]}) written, {n} rows"
                                 f" ({sha[:12]}) read: nothing was written", file=dst.path)
            out.append(TableCopy(table, n, sha))
            if progress is not None:
                progress(table, i + 1, len(names))
    return out
