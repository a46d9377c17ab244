"""Writers that wait their turn, and store faults that name their real cause."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pni.errors import StoreError
from pni.store import Store
from pni.store.db import explain
from tests.store.postgres import location_for

REPO = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}", **extra}
    env.pop("PNI_STORE", None)
    return env


def _stories(path: Path, prefix: str, n: int) -> Path:
    rows = [f"{prefix}{i},Teller {i % 5},Story {i} from {prefix}: the day the {prefix} lunch"
            " table made room." for i in range(n)]
    path.write_text("id,teller,story\n" + "\n".join(rows) + "\n")
    return path


def _collect_all(store: Path | str, files: list[Path], **env: str) -> list[tuple[int, dict, str]]:
    procs = [subprocess.Popen([sys.executable, "-m", "pni", "collect", str(f), "--store",
                               str(store), "--json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=_env(**env),
                              cwd=files[0].parent)
             for f in files]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        out.append((p.returncode, json.loads(stdout) if stdout.strip() else {}, stderr))
    return out


def test_four_collects_at_once(tmp_path: Path, engine: str) -> None:
    """A new store, the same file four times, then four different files: every process ends
    with exit 0 and together they account for every row exactly once (on SQLite and on a
    PostgreSQL database, which four processes also migrate at once)."""
    same = _stories(tmp_path / "same.csv", "S", 300)
    store = tmp_path / "new.db" if engine == "sqlite" else location_for(engine, tmp_path)
    results = _collect_all(store, [same] * 4)
    assert [r[0] for r in results] == [0, 0, 0, 0], [r[2][-300:] for r in results]
    totals = [r[1]["totals"] for r in results]
    assert all(t["read"] == 300 for t in totals)
    assert sum(t["stored"] for t in totals) == 300
    assert sum(t["duplicates"] for t in totals) == 900
    files = [_stories(tmp_path / f"d{i}.csv", f"D{i}-", 200) for i in range(4)]
    results = _collect_all(store, files)
    assert [r[0] for r in results] == [0, 0, 0, 0], [r[2][-300:] for r in results]
    assert [r[1]["totals"]["stored"] for r in results] == [200] * 4
    with Store.open(store) as db:
        assert db.scalar("SELECT count(*) FROM stories") == 1100
        assert db.scalar("SELECT count(*) FROM migrations") == len(
            __import__("pni.store", fromlist=["migration_names"]).migration_names())
        if engine == "sqlite":
            assert db.scalar("PRAGMA integrity_check") == "ok"
        assert db.scalar("SELECT count(DISTINCT content_hash) FROM stories") == 1100
        imports = db.query("SELECT read, stored, duplicates, rejected, finished_at FROM imports")
        assert len(imports) == 8 and all(i["finished_at"] for i in imports)
        assert sum(i["stored"] for i in imports) == 1100
        assert all(i["read"] == i["stored"] + i["duplicates"] + i["rejected"] for i in imports)
        # one salt, so "Teller 3" has one pseudonym whichever process met it first
        assert db.scalar("SELECT count(*) FROM tellers") == 5


def test_busy_store_waits_then_says_busy(tmp_path: Path) -> None:
    store = tmp_path / "p.db"
    Store.open(store).close()
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        [(code, _, err)] = _collect_all(store, [_stories(tmp_path / "a.csv", "A", 3)],
                                        PNI_BUSY_TIMEOUT="1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1
    assert "busy: another pni is writing to this store" in err and "Internal" not in err


def test_foreign_and_non_sqlite_files_are_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "other.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
    con.commit()
    con.close()
    before = foreign.read_bytes()
    with pytest.raises(StoreError, match=r"not a pni store: .*other tables \(customers\)"):
        Store.open(foreign)
    assert foreign.read_bytes() == before
    text = tmp_path / "notes.db"
    text.write_text("these are my notes, not a database\n")
    with pytest.raises(StoreError, match="not an SQLite database"):
        Store.open(text)
    assert text.read_text().startswith("these are my notes")


def test_full_disk_names_the_cause(tmp_path: Path) -> None:
    db = Store.open(tmp_path / "p.db")
    pages = db.scalar("PRAGMA page_count")
    db.execute(f"PRAGMA max_page_count = {pages + 2}")  # what a full disk looks like to SQLite
    with pytest.raises(StoreError, match="the disk is full"), db.transaction():
        for i in range(200):
            db.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (f"k{i}", "x" * 4000))
    assert db.get_meta("k0") is None and not db.conn.in_transaction
    db.close()


def test_read_only_store_names_the_cause(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    Store.open(path).close()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as e:
        con.execute("INSERT INTO meta(key, value) VALUES ('a', 'b')")
    con.close()
    assert "read-only" in str(explain(e.value, path))
    if os.geteuid() == 0:
        return  # root writes through permissions; the rest needs an ordinary user
    path.chmod(0o444)
    with pytest.raises(StoreError, match="read-only"), Store.open(path) as db, db.transaction():
        db.set_meta("a", "b")


def test_busy_postgresql_store_waits_then_says_busy(tmp_path: Path) -> None:
    """Another writer holding the project's write lock: collect waits PNI_BUSY_TIMEOUT, then says
    busy in one line, and stores nothing."""
    import psycopg

    url = location_for("postgresql", tmp_path)
    Store.open(url).close()
    holder = psycopg.connect(url, autocommit=True)
    holder.execute("BEGIN")
    holder.execute("SELECT pg_advisory_xact_lock(hashtext('pni:' || current_database() || ':'"
                   " || current_schema()))")
    try:
        [(code, _, err)] = _collect_all(url, [_stories(tmp_path / "a.csv", "A", 3)],  # type: ignore[list-item]
                                        PNI_BUSY_TIMEOUT="1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1
    assert "busy: another pni is writing to this store" in err and "Internal" not in err
    with Store.open(url) as db:
        assert db.scalar("SELECT count(*) FROM stories") == 0
