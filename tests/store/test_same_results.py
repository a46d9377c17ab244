"""The same stories in a SQLite project and in a PostgreSQL project give the same results: collect,
cluster (fake embedder), explore, packet, the story export, the NarraFirma and QDPX exports, the
run's assignments and `pni status` (timestamps, timings and the store's name aside)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from tests.store.postgres import location_for

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_stories"
# a time, or a bare date ("cluster run 1 on 2026-12-06"): the two projects may be made on either
# side of midnight
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}:\d{2}(\.\d+)?Z?)?")


def _pni(folder: Path, store: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}", "PNI_FAKE_EMBEDDER": "1",
           "PNI_STORE": store}
    res = subprocess.run([sys.executable, "-m", "pni", *args], capture_output=True, text=True,
                         cwd=folder, env=env, timeout=300)
    assert res.returncode == 0, (args, res.stderr[-2000:])
    return res.stdout.replace(str(folder), "<project folder>")


def _clean(value: Any) -> Any:
    """Without what differs by nature: timestamps, seconds taken, the store's name, batch ids."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()
                if k not in ("timings", "created_at", "started_at", "finished_at", "store",
                             "batch", "seconds", "elapsed", "versions", "applied_at", "out")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, str):
        return _STAMP.sub("<time>", value)
    return value


def _text(path: Path) -> str:
    return _STAMP.sub("<time>", path.read_text("utf-8"))


def _project(folder: Path, store: str) -> dict[str, Any]:
    """Every result of one project. Teller pseudonyms are salted per store: both stores get
    the same salt first, as `pni store copy` would carry it."""
    from pni.store import Store

    folder.mkdir()
    with Store.open(store) as db:
        db.set_meta("salt", "0123456789abcdef")
    got: dict[str, Any] = {}
    got["collect"] = _clean(json.loads(_pni(folder, store, "collect", str(SAMPLES), "--json")))
    got["cluster"] = _clean(json.loads(_pni(folder, store, "cluster", "--json")))
    got["assignments"] = json.loads(_pni(folder, store, "patterns", "assignments", "--json"))
    got["explore"] = _clean(json.loads(_pni(folder, store, "explore", "--json")))
    _pni(folder, store, "packet", "-o", "packet.md", "--groups", "1")
    got["packet"] = _text(folder / "packet.md")
    _pni(folder, store, "stories", "export", "-o", "stories.csv")
    got["stories"] = _text(folder / "stories.csv")
    _pni(folder, store, "export", "narrafirma", "-o", "nf")
    got["narrafirma"] = {p.name: _text(p) for p in sorted((folder / "nf").iterdir())}
    _pni(folder, store, "export", "qdpx", "-o", "project.qdpx")
    with zipfile.ZipFile(folder / "project.qdpx") as z:
        got["qdpx"] = {n: _STAMP.sub("<time>", z.read(n).decode("utf-8", "replace"))
                       for n in sorted(z.namelist())}
    got["status"] = _clean(json.loads(_pni(folder, store, "status", "--json")))
    return got


def test_postgresql_project_gives_the_same_results_as_sqlite(tmp_path: Path) -> None:
    lite = _project(tmp_path / "lite", str(tmp_path / "lite" / "pni.db"))
    pg = _project(tmp_path / "pg", location_for("postgresql", tmp_path))
    assert lite["collect"]["totals"]["stored"] > 100
    assert lite["cluster"]["patterns"]
    for key in lite:
        assert pg[key] == lite[key], key
