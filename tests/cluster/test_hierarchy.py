from __future__ import annotations

import numpy as np
import pytest

from pni.cluster import cluster_vectors
from pni.cluster import hierarchy as hi


def _data() -> tuple[np.ndarray, list[str]]:
    """Three tight groups of 30 and 12 scattered stories that belong to none."""
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((3, 32))
    tight = np.vstack([c + rng.normal(0, .3, (30, 32)) for c in centers])
    x = np.vstack([tight, rng.standard_normal((12, 32)) * 3]).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    texts = (["lunch table friends"] * 30 + ["homework late night"] * 30
             + ["exam grade retake"] * 30 + ["weather"] * 12)
    return x, texts


def test_scattered_stories_fit_nothing() -> None:
    x, texts = _data()
    cl = cluster_vectors(x, texts, min_size=5)
    assert cl.n_patterns == 3
    assert set(np.flatnonzero(cl.pattern == 0).tolist()) == set(range(90, 102))
    assert cl.metrics["coverage"] == pytest.approx(90 / 102)
    assert [p.stability for p in cl.patterns] == [1.0, 1.0, 1.0]
    assert cl.metrics["seed_stability"] == 1.0 and not cl.loose[:90].any()


def test_patterns_n_merges_and_refines() -> None:
    x, texts = _data()
    assert cluster_vectors(x, texts, min_size=5, n_patterns=2).n_patterns == 2
    assert cluster_vectors(x, texts, min_size=5, n_patterns=5).n_patterns >= 4


def test_loose_flags_weakly_held_stories() -> None:
    x, _texts = _data()
    # a story halfway between two groups
    mid = (x[0] + x[30]) / 2
    mid /= np.linalg.norm(mid)
    x2 = np.vstack([x[:90], mid[None, :]]).astype(np.float32)
    gp = hi.graph_patterns(x2, min_size=5, seed=0, n_neighbors=15)
    assert gp.share[90] < 1.0
    assert gp.loose[90] or gp.labels[90] == -1


def test_themes_nest_patterns() -> None:
    rng = np.random.default_rng(1)
    # two far-apart families of three close groups each
    fam = rng.standard_normal((2, 32)) * 3
    groups = [f + rng.normal(0, 1, 32) for f in fam for _ in range(3)]
    x = np.vstack([g + rng.normal(0, .3, (25, 32)) for g in groups]).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    cl = cluster_vectors(x, ["w a"] * 150, min_size=5)
    assert cl.n_patterns >= 4 and len(cl.themes) >= 2
    theme_of = {p.number: p.theme for p in cl.patterns}
    for t in cl.themes:
        assert sorted(t.patterns) == sorted(n for n, th in theme_of.items() if th == t.number)
        assert t.size == sum(cl.patterns[n - 1].size for n in t.patterns)
    for s in cl.subpatterns:
        assert set(s.members) <= set(cl.patterns[s.parent - 1].members)


def test_tiny_input() -> None:
    x = np.eye(2, 8, dtype=np.float32)
    cl = cluster_vectors(x, ["a b"] * 2, min_size=3)
    assert cl.n_patterns == 0 and cl.metrics["coverage"] == 0.0


@pytest.mark.parametrize("rule", ["share", "rival"])
def test_loose_rule(monkeypatch: pytest.MonkeyPatch, rule: str) -> None:
    """Story 0 has 2 of its 5 neighbours in its pattern and the other 3 spread over three
    patterns: loose only when any share under half is loose ("share"); story 6 has 2 in its
    pattern and 3 in one other: loose under both rules."""
    monkeypatch.setattr(hi, "LOOSE_RULE", rule)
    comm = np.array([0, 0, 0, 1, 2, 3, 0, 1, 1, 1, 1])
    idx = np.array([[1, 2, 3, 4, 5], [0, 2, 6, 3, 4], [0, 1, 6, 3, 4], [7, 8, 9, 10, 4],
                    [0, 1, 2, 3, 5], [0, 1, 2, 3, 4], [1, 2, 7, 8, 9], [3, 8, 9, 10, 6],
                    [3, 7, 9, 10, 6], [3, 7, 8, 10, 6], [3, 7, 8, 9, 6]])
    gp = hi.settle(comm, np.zeros(idx.shape, dtype=np.float32), idx, None, min_size=1)
    assert gp.share[0] == pytest.approx(0.4) and gp.share[6] == pytest.approx(0.4)
    assert bool(gp.loose[0]) == (rule == "share")
    assert gp.loose[6]
    assert not gp.loose[1] and not gp.loose[7]
