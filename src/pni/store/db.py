"""The store: one project's database, a SQLite file (WAL, foreign keys) or a PostgreSQL database
(a ``postgresql://`` URL, for a team), with the same ordered, named migrations on both
(``pni.store.dialect`` translates the little that differs).

>>> from pni.store import Store
>>> with Store.open(":memory:") as db:
...     db.scalar("SELECT count(*) FROM stories")
0
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from pni.errors import StoreError
from pni.store.dialect import PG, SQLITE, Dialect, row_factory
from pni.store.url import StoreURL, is_url, mask, real_url

BUSY_SECONDS = 60.0  # how long a writer waits for another pni to finish (PNI_BUSY_TIMEOUT)


def busy_seconds() -> float:
    """Seconds to wait for another pni writing the same store before giving up as "busy"."""
    from pni.environment import get

    value = get("PNI_BUSY_TIMEOUT")
    try:
        return max(0.0, float(value)) if value else BUSY_SECONDS
    except ValueError:
        return BUSY_SECONDS


#: the engines a migration may carry its own part for: ``0013_x.sqlite.sql`` runs on SQLite only,
#: ``0013_x.postgres.sql`` on PostgreSQL only, before the shared ``0013_x.sql`` (if any)
ENGINE_SUFFIXES = {"sqlite": ".sqlite.sql", "postgresql": ".postgres.sql"}


def migration_names() -> list[str]:
    """Every migration shipped with pni, in the order they apply (by file name): one name per
    migration, whether it is one shared file or has a part per engine."""
    folder = resources.files("pni.store") / "migrations"
    names = set()
    for p in folder.iterdir():
        if not p.name.endswith(".sql"):
            continue
        stem = p.name[: -len(".sql")]
        for suffix in ENGINE_SUFFIXES.values():
            if p.name.endswith(suffix):
                stem = p.name[: -len(suffix)]
        names.add(stem)
    return sorted(names)


def migration_sql(name: str, engine: str = "sqlite") -> str:
    """The SQL a migration runs on ``engine``: its engine's own part, then the shared part. SQL
    cannot change a CHECK constraint the same way on both engines (SQLite has no ALTER TABLE
    ... CONSTRAINT), so such a migration carries a part per engine."""
    folder = resources.files("pni.store") / "migrations"
    parts = []
    for file in (f"{name}{ENGINE_SUFFIXES[engine]}", f"{name}.sql"):
        if (folder / file).is_file():
            parts.append((folder / file).read_text("utf-8"))
    if not parts:
        raise KeyError(f"no migration {name!r}")
    return "\n".join(parts)


class Store:
    """A connection to one project's store. Use ``Store.open(path)``; it migrates on open.

    ``path`` is the SQLite file (``None`` in memory); for a PostgreSQL store it is a
    :class:`~pni.store.url.StoreURL`, which prints with its password masked and whose ``parent``
    is the project's folder (the working directory)."""

    def __init__(self, conn: Any, path: Path | None, dialect: Dialect = SQLITE):
        self.conn = conn
        self.path = path
        self.dialect = dialect

    @property
    def engine(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.dialect.name

    @property
    def location(self) -> str:
        """The store as it may be shown: the file, or the URL with its password masked."""
        return ":memory:" if self.path is None else str(self.path)

    @property
    def in_transaction(self) -> bool:
        if self.dialect is SQLITE:
            return bool(self.conn.in_transaction)
        from psycopg import pq

        return bool(self.conn.info.transaction_status != pq.TransactionStatus.IDLE)

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(
        cls, path: str | Path, *, migrate: bool = True, upto: str | None = None, create: bool = True
    ) -> Store:
        """Open (and create) the store at ``path``; apply pending migrations unless told not to.

        ``upto`` stops after the named migration (used to test upgrades of older stores).
        ``create=False`` raises ``StoreError`` when the file does not exist yet. Another pni
        writing at the same time is waited for (``busy_seconds()``, then "busy").
        ``path`` may be a ``postgresql://`` URL (a string or a ``StoreURL``).
        """
        if is_url(path):
            db = cls._open_postgres(StoreURL(real_url(path)), create=create)
            if migrate:
                db.migrate(upto=upto)
            return db
        memory = str(path) == ":memory:"
        p = None if memory else Path(path)
        if p is not None:
            if p.exists() and p.is_dir():
                raise StoreError("the store path is a folder, not a file", file=p)
            if not p.exists() and not create:
                raise StoreError("no store here yet: run `pni collect` first", file=p)
            if p.exists() and not p.is_file():
                raise StoreError("the store path is not a regular file", file=p)
            if p.exists() and p.stat().st_size:
                with open(p, "rb") as fh:
                    if fh.read(16) != b"SQLite format 3\x00":
                        raise StoreError("not a pni store: the file is not an SQLite database;"
                                         " pni will not write to it", file=p)
            if p.parent and not p.parent.exists():
                try:
                    p.parent.mkdir(parents=True, exist_ok=True)
                except OSError as e:
                    raise StoreError(f"cannot make the store's folder: {e.strerror}",
                                     file=p.parent) from e
        try:
            conn = sqlite3.connect(
                ":memory:" if memory else str(p), isolation_level=None, check_same_thread=False,
                timeout=busy_seconds(),
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(busy_seconds() * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not memory:
                _foreign_check(conn, p)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as e:
            raise explain(e, p) from e
        db = cls(conn, p)
        if migrate:
            db.migrate(upto=upto)
        return db

    @classmethod
    def _open_postgres(cls, where: StoreURL, *, create: bool) -> Store:
        try:
            import psycopg
        except ImportError as e:
            raise StoreError("a PostgreSQL store needs psycopg: pip install 'pni[postgresql]'",
                             file=where) from e
        url = where.url
        extra: dict[str, Any] = {"application_name": "pni"}
        if "sslmode" not in url and not os.environ.get("PGSSLMODE"):
            extra["sslmode"] = "prefer"  # TLS whenever the server offers it
        if "connect_timeout" not in url and not os.environ.get("PGCONNECT_TIMEOUT"):
            extra["connect_timeout"] = 15
        try:
            conn = psycopg.connect(url, autocommit=True, row_factory=row_factory, **extra)
        except psycopg.Error as e:
            raise StoreError(mask(f"cannot connect to the PostgreSQL store: {_first_line(e)}",
                                  url), file=where) from None
        db = cls(conn, where, PG)
        try:
            conn.execute(f"SET lock_timeout = {int(busy_seconds() * 1000)}")
            names = db.table_names()
        except psycopg.Error as e:
            conn.close()
            raise db.explain(e) from None
        if names and "migrations" not in names:
            conn.close()
            shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
            raise StoreError(f"not a pni store: this database (schema) holds other tables"
                             f" ({shown}); pni will not write to it", file=where)
        if not names and not create:
            conn.close()
            raise StoreError("no pni project in this database yet: run `pni collect` first",
                             file=where)
        return db

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- migrations ----------------------------------------------------------------------------
    def applied_migrations(self) -> list[str]:
        if self.dialect is PG:
            if "migrations" not in self.table_names():
                return []
            return [r[0] for r in self.execute("SELECT name FROM migrations ORDER BY name")]
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations ("
            " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL"
            " DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))) STRICT"
        )
        return [r[0] for r in self.conn.execute("SELECT name FROM migrations ORDER BY name")]

    def migrate(self, upto: str | None = None) -> list[str]:
        """Apply pending migrations in order, all under one exclusive write lock, so that several
        pni processes opening a new store at once migrate it exactly once. Returns those applied
        by this call."""
        known = migration_names()
        if self.dialect is PG:
            return self._migrate_postgres(known, upto)
        try:
            applied = set(self.applied_migrations())
        except sqlite3.OperationalError as e:
            raise explain(e, self.path) from e
        except sqlite3.DatabaseError as e:
            raise StoreError(f"not a pni store ({e})", file=self.path) from e
        self._check_known(applied, known)
        wanted = known if upto is None else known[: known.index(upto) + 1]
        if not [n for n in wanted if n not in applied]:
            return []
        done: list[str] = []
        current = None
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            applied = set(self.applied_migrations())  # again, now that no one else can write
            self._check_known(applied, known)
            for name in wanted:
                if name not in applied:
                    current = name
                    sql = migration_sql(name, "sqlite")
                    for statement in _statements(sql):
                        self.conn.execute(statement)
                    if "writable_schema" in sql:
                        _bump_schema_version(self.conn)
                    self.conn.execute("INSERT INTO migrations(name) VALUES (?)", (name,))
                    done.append(name)
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if current is None or _busy(e):
                raise explain(e, self.path) from e
            raise StoreError(f"migration {current} failed: {e}", file=self.path) from e
        return done

    def _migrate_postgres(self, known: list[str], upto: str | None) -> list[str]:
        """PostgreSQL runs DDL in transactions too: every pending migration under the store's
        write lock, all or nothing."""
        wanted = known if upto is None else known[: known.index(upto) + 1]
        applied = set(self.applied_migrations())
        self._check_known(applied, known)
        if not [n for n in wanted if n not in applied]:
            return []
        done: list[str] = []
        with self.transaction():
            self.execute(self.dialect.ddl(
                "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT"
                " NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))) STRICT"))
            applied = set(self.applied_migrations())
            self._check_known(applied, known)
            for name in wanted:
                if name in applied:
                    continue
                for statement in _statements(migration_sql(name, "postgresql")):
                    try:
                        self.execute(self.dialect.ddl(statement))
                    except Exception as e:
                        if isinstance(e, StoreError):
                            raise
                        raise StoreError(mask(f"migration {name} failed: {_first_line(e)}"),
                                         file=self.path) from e
                self.execute("INSERT INTO migrations(name) VALUES (?)", (name,))
                done.append(name)
        return done

    def _check_known(self, applied: set[str], known: list[str]) -> None:
        unknown = applied - set(known)
        if unknown:
            raise StoreError(
                f"the store was written by a newer pni (migrations {', '.join(sorted(unknown))})",
                file=self.path,
            )

    # -- queries -------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One atomic unit of work: commits on success, rolls back on any exception. The write
        lock is taken at the start (waiting up to ``busy_seconds()`` for another writer)."""
        if self.in_transaction:  # nested: join the outer transaction
            yield self
            return
        if self.dialect is PG:
            with self._pg_transaction():
                yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise explain(e, self.path) from e
        try:
            yield self
        except BaseException as e:
            if self.conn.in_transaction:  # SQLite may have rolled back already (disk full)
                self.conn.execute("ROLLBACK")
            if isinstance(e, sqlite3.Error) and is_fault(e):
                raise explain(e, self.path) from e
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as e:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise explain(e, self.path) from e

    @contextmanager
    def _pg_transaction(self) -> Iterator[None]:
        """BEGIN, then the project's write lock: a transaction-scoped advisory lock, so writers
        take turns as they do on SQLite, and the server drops it when the transaction ends or
        the connection does (a killed pni leaves no lock behind). Unique keys still hold on
        their own; the lock keeps the per-file accounting exact and upserts free of deadlocks."""
        import psycopg

        try:
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('pni:' ||"
                              " current_database() || ':' || current_schema()))")
        except psycopg.Error as e:
            self._pg_rollback()
            raise self.explain(e) from None
        try:
            yield
        except BaseException as e:
            self._pg_rollback()
            if isinstance(e, psycopg.Error) and is_fault(e):
                raise self.explain(e) from None
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except psycopg.Error as e:
                self._pg_rollback()
                raise self.explain(e) from None

    def _pg_rollback(self) -> None:
        try:
            if self.in_transaction:
                self.conn.execute("ROLLBACK")
        except Exception:  # the connection is gone: the server rolled back already
            pass

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        """Run one statement; returns the driver's cursor (iterate it, ``fetchone``,
        ``rowcount``)."""
        if self.dialect is SQLITE:
            return self.conn.execute(sql, params)
        try:
            return self.conn.execute(self.dialect.sql(sql), params)
        except Exception as e:
            raise self._pg_fault(e) from None

    def executemany(self, sql: str, rows: Any) -> Any:
        if self.dialect is SQLITE:
            return self.conn.executemany(sql, rows)
        rows = list(rows)
        cur = self.conn.cursor()
        if not rows:
            return cur
        try:
            cur.executemany(self.dialect.sql(sql), rows)
        except Exception as e:
            raise self._pg_fault(e) from None
        return cur

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int | None:
        """Run an ``INSERT`` into a table with an integer ``id``; returns the new row's id, or
        None when nothing was inserted (``ON CONFLICT DO NOTHING``)."""
        if self.dialect is SQLITE:
            cur = self.conn.execute(sql, params)
            return int(cur.lastrowid) if cur.rowcount and cur.lastrowid is not None else None
        row = self.execute(sql + " RETURNING id", params).fetchone()
        return None if row is None else int(row[0])

    def _pg_fault(self, e: Exception) -> Exception:
        """A fault of the server or the connection as a ``StoreError``; pni's own SQL errors
        (and unique-key conflicts) as they are."""
        return self.explain(e) if is_fault(e) else e

    def explain(self, e: BaseException) -> StoreError:
        """One line naming the real cause of a database error on this store."""
        if self.dialect is SQLITE:
            return explain(e, self.path)  # type: ignore[arg-type]
        return explain_postgres(e, self.path)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.execute(sql, params)]

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        row = self.execute(sql, params).fetchone()
        return None if row is None else dict(row)

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def table_names(self) -> list[str]:
        """pni's tables (every table of the file, or of the PostgreSQL schema in use), by name."""
        if self.dialect is PG:
            sql = ("SELECT table_name FROM information_schema.tables WHERE table_schema ="
                   " current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
        else:
            sql = ("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE"
                   " 'sqlite_%' ORDER BY name")
        return [str(r[0]) for r in self.execute(sql)]

    def has_table(self, name: str) -> bool:
        return name in self.table_names()

    def table_counts(self) -> dict[str, int]:
        """Rows in every pni table (for ``pni status``)."""
        return {n: int(self.scalar(f'SELECT count(*) FROM "{n}"')) for n in self.table_names()}

    def columns(self, table: str) -> list[str]:
        """A table's columns in order, without PostgreSQL's ``rowid`` (the insertion order
        SQLite keeps by itself)."""
        if self.dialect is PG:
            rows = self.execute("SELECT column_name FROM information_schema.columns WHERE"
                                " table_schema = current_schema() AND table_name = ?"
                                " ORDER BY ordinal_position", (table,))
            return [str(r[0]) for r in rows if r[0] != "rowid"]
        return [str(r[1]) for r in self.execute(f'PRAGMA table_info("{table}")')]

    def reset_ids(self, table: str) -> None:
        """After rows were inserted with their ids (``pni store copy``): PostgreSQL's identity
        columns continue after the largest id (SQLite does so by itself)."""
        if self.dialect is not PG:
            return
        identity = [str(r[0]) for r in self.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = ? AND is_identity = 'YES'", (table,))]
        for column in identity:
            self.execute(f"SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT"
                         f' max("{column}") FROM "{table}"), 0) + 1, false)',
                         (f'"{table}"', column))

    def _pg_columns(self, table: str) -> set[str]:
        return {str(r[0]) for r in self.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = ?", (table,))}

    def order_key(self, table: str) -> str:
        """The column that orders a table's rows as they were inserted."""
        if self.dialect is PG and "rowid" not in self._pg_columns(table):
            return "id"
        return "rowid"

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
        """A random per-store salt, used to make teller pseudonyms that cannot be guessed back.
        Made once: two processes opening a new store at once keep the first one written."""
        s = self.get_meta("salt")
        if s is None:
            import secrets

            self.execute("INSERT INTO meta(key, value) VALUES ('salt', ?)"
                         " ON CONFLICT(key) DO NOTHING", (secrets.token_hex(16),))
            s = str(self.get_meta("salt"))
        return s


def is_fault(e: BaseException) -> bool:
    """A database error about the lock, the disk, permissions or the connection (not a bug in
    pni's SQL)."""
    if type(e).__module__.startswith("psycopg"):
        return _pg_fault_kind(e) is not None
    if not isinstance(e, sqlite3.OperationalError | sqlite3.DatabaseError) or isinstance(
            e, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return False
    msg = str(e)
    return any(s in msg for s in ("locked", "busy", "readonly", "disk is full", "disk I/O",
                                  "not a database", "unable to open"))


def _busy(e: sqlite3.Error) -> bool:
    return "locked" in str(e) or "busy" in str(e)


def explain(e: sqlite3.Error, path: Path | None) -> StoreError:
    """One line naming the real cause of an SQLite error on the store (SQLite's own words say
    "unable to open database file" for a read-only folder and "cannot rollback" after a full
    disk)."""
    import errno
    import os

    msg = str(e)
    code = getattr(e, "sqlite_errorname", "") or ""
    where = path.parent if path is not None else None
    if _busy(e):
        return StoreError(f"busy: another pni is writing to this store (waited"
                          f" {busy_seconds():g} s; set PNI_BUSY_TIMEOUT to wait longer)", file=path)
    if "readonly" in msg or code.startswith("SQLITE_READONLY"):
        return StoreError("the store is read-only (file or folder permissions, or a read-only"
                          " disk): pni cannot write to it", file=path)
    if "disk is full" in msg or code == "SQLITE_FULL":
        return StoreError("the disk is full: nothing of the last step was written; free space"
                          " and run it again", file=path)
    if "not a database" in msg or code == "SQLITE_NOTADB":
        return StoreError("not a pni store: the file is not an SQLite database", file=path)
    if "unable to open" in msg or code == "SQLITE_CANTOPEN":
        if where is not None and not os.access(where, os.W_OK):
            return StoreError(f"cannot create the store: the folder {where} is read-only",
                              file=path)
        return StoreError("cannot open the store file (check its folder exists and is"
                          " writable)", file=path)
    if "disk I/O" in msg or code.startswith("SQLITE_IOERR"):
        return StoreError(f"the disk reported an error ({os.strerror(errno.EIO)}): the store"
                          " was left as it was before the last step", file=path)
    return StoreError(f"the store cannot be used: {msg}", file=path)


def _pg_fault_kind(e: BaseException) -> str | None:
    import psycopg

    state = getattr(e, "sqlstate", None) or ""
    if isinstance(e, psycopg.DataError) and "NUL" in str(e):
        return "nul"
    if state == "55P03" or (state == "57014" and "lock timeout" in str(e)):
        return "busy"
    if state in ("53100",):
        return "full"
    if state in ("25006", "42501"):
        return "readonly"
    if state.startswith(("08", "57P")) or (isinstance(e, psycopg.OperationalError)
                                            and not state):
        return "connection"
    if isinstance(e, psycopg.InterfaceError):
        return "connection"
    return None


def explain_postgres(e: BaseException, where: Path | None) -> StoreError:
    """One line for a PostgreSQL fault, with every password masked."""
    url = where.url if isinstance(where, StoreURL) else None
    kind = _pg_fault_kind(e)
    detail = _first_line(e)
    if kind == "busy":
        msg = (f"busy: another pni is writing to this store (waited {busy_seconds():g} s; set"
               " PNI_BUSY_TIMEOUT to wait longer)")
    elif kind == "nul":
        msg = ("PostgreSQL cannot store the NUL character (U+0000) that a text here holds:"
               " remove it from the file (SQLite stores it); nothing of the last step was"
               " written")
    elif kind == "full":
        msg = "the database server's disk is full: nothing of the last step was written"
    elif kind == "readonly":
        msg = (f"pni may not write to this database ({detail}): ask its administrator for"
               " write access")
    elif kind == "connection":
        msg = (f"lost the connection to the PostgreSQL server ({detail}): the last step was"
               " rolled back")
    else:
        msg = f"the store cannot be used: {detail}"
    return StoreError(mask(msg, url), file=where)


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _foreign_check(conn: sqlite3.Connection, path: Path | None) -> None:
    """Refuse an SQLite file that some other program made: pni would add its tables to it."""
    names = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    if names and "migrations" not in names:
        shown = ", ".join(sorted(names)[:5]) + (" ..." if len(names) > 5 else "")
        raise StoreError(f"not a pni store: this SQLite file holds other tables ({shown});"
                         " pni will not write to it", file=path)


def _bump_schema_version(conn: sqlite3.Connection) -> None:
    """After a migration edited a table's definition in ``sqlite_schema`` directly (SQLite's
    documented way to loosen a CHECK constraint without rebuilding the table, which would cascade
    deletes through the foreign keys), tell every connection to read the schema again."""
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    problems = [r[0] for r in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise sqlite3.DatabaseError("schema edit left the store inconsistent: "
                                    + "; ".join(problems[:3]))


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one by one (``executescript`` would commit the open
    transaction first, and migrations must all run under one lock)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf
            buf = ""
    if buf.strip() and not buf.strip().startswith("--"):
        yield buf


def dumps(value: Any) -> str:
    """JSON for a TEXT column: compact, stable key order, unicode kept."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)
