"""kill -9 at random points of `pni collect` and `pni cluster`: the store stays intact, each file
lands whole or not at all, embeddings already computed are kept and reused, and a re-run gives
exactly what an uninterrupted run gives."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FILES, ROWS = 6, 400


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
           "PNI_FAKE_EMBEDDER": "1"}
    env.pop("PNI_STORE", None)
    return env


def make_fieldwork(folder: Path, files: int = FILES, rows: int = ROWS) -> int:
    """``files`` CSV files of ``rows`` distinct stories each; returns the number of stories."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    words = ["lunch", "table", "teacher", "homework", "bus", "friend", "test", "parent", "club",
             "hallway", "late", "proud", "alone", "welcome", "grade", "music"]
    for f in range(files):
        lines = ["id,teller,story,feeling"]
        for r in range(rows):
            text = " ".join(rng.choice(words) for _ in range(25))
            lines.append(f"F{f}-{r},T{r % 37},The day of the {text} ({f}-{r}),"
                         f"{rng.choice(['proud', 'hurt', 'hopeful'])}")
        (folder / f"part{f}.csv").write_text("\n".join(lines) + "\n")
    return files * rows


def check_store(store: Path | str) -> dict[str, int]:
    """Integrity, and every import all-or-none: an import row exists only with all its stories
    and rejects (they are written in one transaction), and its counts balance. ``store``: a
    SQLite file or a PostgreSQL URL."""
    from pni.store import Store

    if isinstance(store, str) and store.startswith("postgresql://"):
        con: Any = Store.open(store, migrate=False)
        if not con.has_table("imports"):  # killed before its first migration committed
            con.close()
            return {"stories": 0, "embeddings": 0}
    else:
        con = sqlite3.connect(store)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    try:
        for imp, read, stored, dup, rej, fin in con.execute(
                "SELECT id, read, stored, duplicates, rejected, finished_at FROM imports"):
            assert fin is not None, f"import {imp} left unfinished"
            assert read == stored + dup + rej
            have = con.execute("SELECT count(*) FROM stories WHERE import_id = ?",
                               (imp,)).fetchone()[0]
            assert have == stored, f"import {imp}: {have} stories, {stored} counted"
        return {
            "stories": con.execute("SELECT count(*) FROM stories").fetchone()[0],
            "embeddings": con.execute("SELECT count(*) FROM embeddings").fetchone()[0],
        }
    finally:
        con.close()


def kill_at_random(args: list[str], rng: random.Random, low: float, high: float,
                   cwd: Path | None = None) -> bool:
    """Start ``pni ARGS``, SIGKILL it after a random delay; True if it was killed running."""
    p = subprocess.Popen([sys.executable, "-m", "pni", *args], env=_env(), cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=rng.uniform(low, high))
        return False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return True


def run(args: list[str], cwd: Path | None = None) -> dict:
    res = subprocess.run([sys.executable, "-m", "pni", *args, "--json"], env=_env(), cwd=cwd,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout)


def kill_campaign(tmp: Path, collect_kills: int, cluster_kills: int, seed: int = 0,
                  store: Path | str | None = None) -> dict[str, int]:
    """The campaign the test and bench/faults.py run; returns what it counted. ``store``: a
    SQLite file (default ``tmp/pni.db``) or a PostgreSQL URL."""
    rng = random.Random(seed)
    n = make_fieldwork(tmp / "fieldwork")
    store = tmp / "pni.db" if store is None else store
    killed = 0
    for _ in range(collect_kills):
        killed += kill_at_random(["collect", str(tmp / "fieldwork"), "--store", str(store)],
                                 rng, 0.6, 2.5, cwd=tmp)
        if not isinstance(store, Path) or store.exists():
            check_store(store)
    report = run(["collect", str(tmp / "fieldwork"), "--store", str(store)], cwd=tmp)
    counts = check_store(store)
    lost = n - counts["stories"]
    assert lost == 0 and report["totals"]["read"] == n
    assert report["totals"]["stored"] + report["totals"]["duplicates"] == n
    before = counts["embeddings"]
    for _ in range(cluster_kills):
        killed += kill_at_random(["cluster", "--store", str(store), "--min-size", "20"],
                                 rng, 0.6, 3.5, cwd=tmp)
        now = check_store(store)["embeddings"]
        assert now >= before, "embeddings were lost"
        before = now
    final = run(["cluster", "--store", str(store), "--min-size", "20"], cwd=tmp)
    emb = final["embedding"]
    assert emb["n_cached"] == before and emb["n_embedded"] == n - before
    assert check_store(store)["embeddings"] == n
    again = run(["collect", str(tmp / "fieldwork"), "--store", str(store)], cwd=tmp)
    assert again["totals"]["stored"] == 0 and again["totals"]["duplicates"] == n
    return {"kills": collect_kills + cluster_kills, "killed_running": killed, "rows_lost": lost,
            "embeddings_resumed": before}


def test_kill_collect_and_cluster_at_random_points(tmp_path: Path) -> None:
    got = kill_campaign(tmp_path, collect_kills=12, cluster_kills=8)
    assert got["kills"] >= 20 and got["rows_lost"] == 0


def test_kill_collect_and_cluster_on_postgresql(tmp_path: Path) -> None:
    """The same on a PostgreSQL project (fewer kills: the server side is the same transaction
    and the same unique keys whatever the point of the kill)."""
    from tests.store.postgres import location_for

    got = kill_campaign(tmp_path, collect_kills=4, cluster_kills=2,
                        store=location_for("postgresql", tmp_path))
    assert got["kills"] >= 6 and got["rows_lost"] == 0
