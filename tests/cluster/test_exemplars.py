from __future__ import annotations

import numpy as np

from pni.cluster.exemplars import pick_exemplars


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_exemplars_are_central_and_distinct() -> None:
    rng = np.random.default_rng(1)
    center = rng.standard_normal(16)
    members = _unit(center + rng.normal(0, .6, (40, 16)))
    dupes = np.repeat(members[:1], 5, axis=0)  # five copies of one story
    v = np.vstack([dupes, members])
    ex = pick_exemplars(v, k=5)
    assert len(ex) == len(set(ex)) == 5
    chosen = v[ex]
    sims = chosen @ chosen.T
    assert (sims[~np.eye(5, dtype=bool)] < 0.95).all()  # no near-duplicates
    c = v.mean(axis=0)
    rel = v @ (c / np.linalg.norm(c))
    assert rel[ex[0]] == rel.max()  # the first is the most central
    assert np.median(rel[ex]) >= np.median(rel)  # and they are central, not outliers


def test_small_patterns_and_eligibility() -> None:
    v = _unit(np.eye(3, 4) + 0.1)
    assert sorted(pick_exemplars(v, k=5)) == [0, 1, 2]
    assert pick_exemplars(v, k=2, eligible=[False, True, True])[0] in (1, 2)
    assert 0 not in pick_exemplars(v, k=2, eligible=[False, True, True])
    assert pick_exemplars(v[:0], k=3) == []
