"""`pni store copy`: SQLite -> PostgreSQL -> SQLite with identical content, checked and printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pni.errors import StoreError
from pni.ingest.collect import collect
from pni.store import Store
from pni.store import vectors as vq
from pni.store.copy import copy_store, digest, tables
from tests.helpers import fake_run
from tests.store.postgres import location_for

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_stories"


def _project(path: Path) -> None:
    """A project with every kind of row: the samples collected (rejects, tellers, answers,
    known names), vectors, a run with patterns and assignments, observations, outcomes."""
    from pni.record import record_file
    from pni.store.observations import save_observations

    with Store.open(path) as db:
        collect(db, [SAMPLES])
        ids = [r["id"] for r in db.query("SELECT id FROM stories ORDER BY rowid")]
        rng = np.random.default_rng(1)
        with db.transaction():
            vq.put_vectors(db, [(f"k{i}", "fake", "fake", f"h{i}",
                                 rng.standard_normal(8).astype(np.float32), 1) for i in range(40)])
        run = fake_run(db, ids)
        save_observations(db, run, [{"lens": "pattern", "kind": "pattern_choice", "text": "x",
                                     "numbers": {"n": 3.25}, "story_ids": ids[:2],
                                     "interpretations": ["a", "b"], "q": 0.01, "effect": 0.3,
                                     "effect_name": "v"}])
        if (SAMPLES / "outcomes.csv").exists():
            record_file(db, SAMPLES / "outcomes.csv")


def _digests(location: str | Path) -> dict[str, tuple[int, str]]:
    with Store.open(location, create=False) as db:
        return {t: digest(db, t) for t in tables(db)}


def _pni(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}"}
    env.pop("PNI_STORE", None)
    return subprocess.run([sys.executable, "-m", "pni", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def test_round_trip_sqlite_postgresql_sqlite(tmp_path: Path) -> None:
    first = tmp_path / "first.db"
    _project(first)
    url = location_for("postgresql", tmp_path)
    res = _pni("store", "copy", str(first), url, "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    there = json.loads(res.stdout)
    assert there["same"] is True and there["rows"] > 200
    assert "every table's row count and content hash match" in res.stderr
    back = tmp_path / "back.db"
    res = _pni("store", "copy", url, str(back), "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    again = json.loads(res.stdout)
    assert there["tables"] == again["tables"]
    original = _digests(first)
    assert original == _digests(url) == _digests(back)
    counted = {t: n for t, (n, _) in original.items()}
    for table in ("stories", "answers", "imports", "rejects", "embeddings", "runs", "patterns",
                  "assignments", "observations", "meta", "known_names"):
        assert counted[table] > 0, table
    # the copy goes on as a project: new ids follow the copied ones on PostgreSQL too
    with Store.open(url) as db:
        from pni.store import stories as q

        assert q.ensure_collection(db, "new one") > max(
            r["id"] for r in db.query("SELECT id FROM collections WHERE name <> 'new one'"))
    res = _pni("stories", "list", "--store", str(back), "--json", cwd=tmp_path)
    assert res.returncode == 0 and json.loads(res.stdout)["stories"]


def test_copy_refuses_a_destination_with_data(tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    _project(a)
    _project(b)
    before = _digests(b)
    with Store.open(a) as src, Store.open(b) as dst, pytest.raises(
            StoreError, match="already holds a project"):
        copy_store(src, dst)
    assert _digests(b) == before


def test_copy_cli_masks_passwords(tmp_path: Path) -> None:
    res = _pni("store", "copy", str(tmp_path / "none.db"),
               "postgresql://ana:sekrit-99@127.0.0.1:9/x", cwd=tmp_path)
    assert res.returncode == 1 and "sekrit-99" not in res.stderr + res.stdout
    res = _pni("store", "copy", "postgresql://ana:sekrit-99@127.0.0.1:9/x",
               str(tmp_path / "b.db"), cwd=tmp_path)
    assert res.returncode == 1 and "sekrit-99" not in res.stderr + res.stdout
    assert "postgresql://ana:***@127.0.0.1:9/x" in res.stderr
