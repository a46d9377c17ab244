from __future__ import annotations

import numpy as np
import pytest

from pni.cluster import cluster_stories
from pni.cluster.pipeline import subsample_fit
from pni.cluster.stability import SEED_STEP, seed_ari, stability_ari
from pni.embed import FakeEmbedder
from pni.errors import UsageError
from pni.store import Store
from pni.store import runs as runq


def test_clear_structure_is_stable_and_noise_is_not() -> None:
    rng = np.random.default_rng(0)
    c = rng.standard_normal((3, 16))
    v = np.vstack([c[i] + rng.normal(0, .05, (30, 16)) for i in range(3)]).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    clear = stability_ari(v, ["words"] * 90, k=3, fit=subsample_fit(min_size=5))
    assert clear["mean_ari"] == pytest.approx(1.0)
    noise = rng.standard_normal((90, 16)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    vague = stability_ari(noise, ["words"] * 90, k=3, fit=subsample_fit(min_size=5))
    assert vague["mean_ari"] < clear["mean_ari"]


def test_stability_is_recorded(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    res = cluster_stories(db, FakeEmbedder(), stability=3)
    metrics = runq.get_run(db, res.run_id).metrics
    for st in (metrics["stability"], metrics["seed_ari"]):
        assert st["k"] == 3 and -1 <= st["min_ari"] <= st["mean_ari"] <= st["max_ari"] <= 1


def test_seed_ari_reruns_all_stories_with_seeds_apart() -> None:
    """Every re-run sees every story; their seeds lie SEED_STEP apart, so the consensus runs of
    two re-runs never share a seed."""
    seen: list[tuple[int, int]] = []

    def fit(vectors: np.ndarray, texts: list[str], seed: int) -> np.ndarray:
        seen.append((len(texts), seed))
        return np.arange(len(texts)) % (2 + seed // SEED_STEP)

    out = seed_ari(np.zeros((12, 4), dtype=np.float32), ["a"] * 12, k=3, fit=fit, seed=7)
    assert seen == [(12, 7), (12, 7 + SEED_STEP), (12, 7 + 2 * SEED_STEP)]
    assert out["k"] == 3 and out["max_ari"] < 1.0
    with pytest.raises(UsageError):
        seed_ari(np.eye(4, dtype=np.float32), ["a"] * 4, k=1, fit=fit)


def test_stability_needs_two_runs() -> None:
    with pytest.raises(UsageError):
        stability_ari(np.eye(4, dtype=np.float32), ["a"] * 4, k=1, fit=subsample_fit())
