"""The SQLite store: one file per project, WAL, foreign keys, ordered named migrations.

>>> from pni.store import Store
>>> with Store.open(":memory:") as db:
...     db.scalar("SELECT count(*) FROM stories")
0
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from pni.errors import StoreError

BUSY_TIMEOUT_MS = 10_000


def migration_names() -> list[str]:
    """Every migration shipped with pni, in the order they apply (by file name)."""
    folder = resources.files("pni.store") / "migrations"
    return sorted(p.name[: -len(".sql")] for p in folder.iterdir() if p.name.endswith(".sql"))


def migration_sql(name: str) -> str:
    return (resources.files("pni.store") / "migrations" / f"{name}.sql").read_text("utf-8")


class Store:
    """A connection to one project's store. Use ``Store.open(path)``; it migrates on open."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None):
        self.conn = conn
        self.path = path

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(
        cls, path: str | Path, *, migrate: bool = True, upto: str | None = None, create: bool = True
    ) -> Store:
        """Open (and create) the store at ``path``; apply pending migrations unless told not to.

        ``upto`` stops after the named migration (used to test upgrades of older stores).
        ``create=False`` raises ``StoreError`` when the file does not exist yet.
        """
        memory = str(path) == ":memory:"
        p = None if memory else Path(path)
        if p is not None:
            if p.exists() and p.is_dir():
                raise StoreError("the store path is a folder, not a file", file=p)
            if not p.exists() and not create:
                raise StoreError("no store here yet: run `pni collect` first", file=p)
            if p.parent and not p.parent.exists():
                p.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(
                ":memory:" if memory else str(p), isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not memory:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open the store: {e}", file=p) from e
        db = cls(conn, p)
        if migrate:
            db.migrate(upto=upto)
        return db

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- migrations ----------------------------------------------------------------------------
    def applied_migrations(self) -> list[str]:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations ("
            " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL"
            " DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))) STRICT"
        )
        return [r[0] for r in self.conn.execute("SELECT name FROM migrations ORDER BY name")]

    def migrate(self, upto: str | None = None) -> list[str]:
        """Apply pending migrations in order, each in its own transaction. Returns those applied."""
        try:
            applied = set(self.applied_migrations())
        except sqlite3.DatabaseError as e:
            raise StoreError(f"not a pni store ({e})", file=self.path) from e
        known = migration_names()
        unknown = applied - set(known)
        if unknown:
            raise StoreError(
                f"the store was written by a newer pni (migrations {', '.join(sorted(unknown))})",
                file=self.path,
            )
        done = []
        for name in known:
            if name not in applied:
                script = migration_sql(name)
                try:
                    self.conn.executescript(
                        "BEGIN IMMEDIATE;\n" + script + "\nINSERT INTO migrations(name) VALUES ("
                        + _sql_literal(name) + ");\nCOMMIT;"
                    )
                except sqlite3.Error as e:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise StoreError(f"migration {name} failed: {e}", file=self.path) from e
                done.append(name)
            if upto is not None and name == upto:
                break
        return done

    # -- queries -------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One atomic unit of work: commits on success, rolls back on any exception."""
        if self.conn.in_transaction:  # nested: join the outer transaction
            yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else dict(row)

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                                 (name,)).fetchone() is not None

    def table_counts(self) -> dict[str, int]:
        """Rows in every pni table (for ``pni status``)."""
        names = [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        return {n: int(self.scalar(f'SELECT count(*) FROM "{n}"')) for n in names}

    # -- meta ----------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        v = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if v is None else str(v)

    def set_meta(self, key: str, value: str) -> None:
        self.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def secret(self) -> str:
        """A random per-store salt, used to make teller pseudonyms that cannot be guessed back."""
        s = self.get_meta("salt")
        if s is None:
            import secrets

            s = secrets.token_hex(16)
            self.set_meta("salt", s)
        return s


def _sql_literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def dumps(value: Any) -> str:
    """JSON for a TEXT column: compact, stable key order, unicode kept."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)
