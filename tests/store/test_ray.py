"""`pni embed --ray`: a few hundred stories embedded on a local two-worker Ray give the same
vectors as local embedding, resume after the driver stops mid-run or a worker is killed, and
leave `pni cluster` nothing to embed. Skipped with the reason where Ray is not installed (a failure in CI)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pni.embed import get_embedder
from pni.embed.cache import embed_stories
from pni.ingest.collect import collect
from pni.store import Store
from pni.store import stories as q
from pni.store import vectors as vq
from tests.store.postgres import in_ci

REPO = Path(__file__).resolve().parents[2]
N = 300


@pytest.fixture(scope="module")
def ray() -> Iterator[Any]:
    try:
        import ray
    except ImportError:
        if in_ci():
            pytest.fail("Ray is not installed in CI (pip install 'pni[scale]')", pytrace=False)
        pytest.skip("Ray not installed: pip install 'pni[scale]'")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def _fieldwork(path: Path) -> Path:
    words = ["lunch", "table", "teacher", "bus", "friend", "test", "parent", "club", "hallway"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "teller", "story"])
        for i in range(N):
            text = " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(12 + i % 9))
            w.writerow([f"R{i}", f"T{i % 41}", f"Story {i}: the {text}."])
    return path


def _store(tmp_path: Path, name: str) -> Store:
    db = Store.open(tmp_path / f"{name}.db")
    rep = collect(db, [_fieldwork(tmp_path / "stories.csv")])
    assert rep.totals["stored"] == N
    return db


def _vectors(db: Store) -> dict[str, np.ndarray]:
    emb = get_embedder(backend="fake")
    from pni.embed.cache import cache_key, text_hash

    stories = q.list_stories(db, with_answers=False)
    keys = [cache_key(emb, text_hash(s.text)) for s in stories]
    got = vq.get_vectors(db, keys, emb.dim)
    return {s.source_id or s.id: got[k].vector for s, k in zip(stories, keys, strict=True)
            if k in got}


def test_ray_embeds_what_local_embeds_and_resumes(ray: Any, tmp_path: Path) -> None:
    from pni.scale import embed_on_ray

    local = _store(tmp_path, "local")
    pairs = [(s.id, s.text) for s in q.list_stories(local, with_answers=False)]
    embed_stories(local, pairs, get_embedder(backend="fake"))
    expected = _vectors(local)
    assert len(expected) == N

    on_ray = _store(tmp_path, "ray")

    class Stop(Exception):
        pass

    def stop_after_two(done: int, total: int) -> None:
        if done >= 100:
            raise Stop  # the driver dies after two batches were written

    with pytest.raises(Stop):
        embed_on_ray(on_ray, "local", backend="fake", workers=2, batch=50,
                     progress=stop_after_two)
    kept = len(_vectors(on_ray))
    assert 100 <= kept < N
    res = embed_on_ray(on_ray, "local", backend="fake", workers=2, batch=50)
    assert res.workers == 2 and res.embedded == N - kept and res.cached == kept
    got = _vectors(on_ray)
    assert got.keys() == expected.keys()
    for sid, v in expected.items():
        assert np.array_equal(got[sid], v)  # cosine 1.0: the very same vectors
    again = embed_on_ray(on_ray, "local", backend="fake")
    assert again.embedded == 0 and again.cached == N
    on_ray.close()
    local.close()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PNI_FAKE_EMBEDDER": "1"}
    env.pop("PNI_STORE", None)
    res_cluster = subprocess.run(
        [sys.executable, "-m", "pni", "cluster", "--store", str(tmp_path / "ray.db"), "--json"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert res_cluster.returncode == 0, res_cluster.stderr[-1000:]
    emb = json.loads(res_cluster.stdout)["embedding"]
    assert emb["n_embedded"] == 0 and emb["n_cached"] == N


def _worker_pids() -> list[int]:
    """The processes of pni's Ray actors on this machine (Ray titles them ``ray::_Worker``)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if cmd.startswith(b"ray::_Worker"):
            pids.append(int(proc.name))
    return sorted(pids)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds Ray's worker processes in /proc")
def test_a_worker_killed_mid_embed_loses_nothing(ray: Any, tmp_path: Path) -> None:
    """A Ray worker killed (SIGKILL) while batches remain: Ray restarts it and retries its batch,
    or the run stops; either way every vector written is kept, a second run embeds only what is
    missing, and the cache ends with every story's vector, the very vectors of local embedding."""
    import signal

    from pni.scale import embed_on_ray

    local = _store(tmp_path, "local")
    embed_stories(local, [(s.id, s.text) for s in q.list_stories(local, with_answers=False)],
                  get_embedder(backend="fake"))
    expected = _vectors(local)
    db = _store(tmp_path, "killed")
    killed: list[int] = []

    def kill_a_worker(done: int, total: int) -> None:
        if not killed and done < total:
            pids = _worker_pids()
            assert pids, "no Ray worker process found"
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    try:
        first = embed_on_ray(db, "local", backend="fake", workers=2, batch=10,
                             progress=kill_a_worker)
        assert first.embedded == N
    except Exception as e:  # the batch was lost beyond Ray's retries: the driver stopped
        assert "ray" in type(e).__module__.lower() or "Actor" in type(e).__name__, repr(e)
    assert killed
    kept = len(_vectors(db))
    again = embed_on_ray(db, "local", backend="fake", workers=2, batch=10)
    assert again.embedded == N - kept and again.cached == kept
    got = _vectors(db)
    assert got.keys() == expected.keys()
    for sid, v in expected.items():
        assert np.array_equal(got[sid], v)
    assert embed_on_ray(db, "local", backend="fake").embedded == 0
    db.close()
    local.close()


def test_without_ray_the_message_says_how_to_install(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    import builtins

    real = builtins.__import__

    def no_ray(name: str, *args: Any, **kw: Any) -> Any:
        if name == "ray" or name.startswith("ray."):
            raise ImportError("no ray")
        return real(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    from pni.errors import DependencyError
    from pni.scale import embed_on_ray

    with Store.open(tmp_path / "p.db") as db, pytest.raises(DependencyError,
                                                            match=r"pni\[scale\]"):
        embed_on_ray(db, "local", backend="fake")
