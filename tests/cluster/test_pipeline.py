from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from pni.cluster import cluster_stories, cluster_vectors, default_min_size
from pni.embed import FakeEmbedder
from pni.errors import DataError, UsageError
from pni.store import Store
from pni.store import runs as runq
from tests.helpers import THEMES, populate


def _theme_of(i: int) -> str:
    return list(THEMES)[i % len(THEMES)]


def test_finds_the_themes(populated: tuple[Store, list[str]]) -> None:
    db, _ids = populated
    res = cluster_stories(db, FakeEmbedder())
    assert res.n_patterns >= len(THEMES)
    rows = runq.list_assignments(db, res.run_id)
    # every pattern is (nearly) pure: one theme makes up at least 90% of it
    by_pattern: dict[int, Counter[str]] = {}
    for i, a in enumerate(rows):
        if a.pattern_id is not None:
            by_pattern.setdefault(a.pattern_id, Counter())[_theme_of(i)] += 1
    for counts in by_pattern.values():
        assert counts.most_common(1)[0][1] / sum(counts.values()) >= 0.9
    # and every theme has a pattern
    assert {c.most_common(1)[0][0] for c in by_pattern.values()} == set(THEMES)


def test_run_is_saved_with_params_versions_metrics(populated: tuple[Store, list[str]]) -> None:
    db, _ids = populated
    res = cluster_stories(db, FakeEmbedder(), seed=7)
    run = runq.get_run(db, res.run_id)
    assert run.seed == 7
    assert run.params["method"] == "leiden" and run.params["n_neighbors"] > 0
    assert run.params["embedding"]["backend"] == "fake"
    assert "igraph" in run.versions and "numpy" in run.versions
    assert set(run.timings) >= {"embed", "cluster", "label", "total"}
    m = run.metrics
    assert m["n_patterns"] == res.n_patterns == run.n_patterns
    assert 0 <= m["coverage"] <= 1 and m["min_size"] == default_min_size(60)
    assert m.get("validity") is None and 0 <= m["seed_stability"] <= 1
    pats = runq.list_patterns(db, res.run_id)
    assert [p.number for p in pats] == list(range(1, len(pats) + 1))
    assert [p.size for p in pats] == sorted((p.size for p in pats), reverse=True)
    for p in pats:
        assert p.centroid is not None and abs(np.linalg.norm(p.centroid) - 1) < 1e-4
        assert set(p.teller_mix) == {"role", "collection", "source_kind"}
        assert sum(p.teller_mix["role"].values()) == p.size
        assert 3 <= len(p.exemplars) <= 5
    xs = [a.x for a in runq.list_assignments(db, res.run_id)]
    assert all(x is not None for x in xs)


def test_deterministic_for_a_seed(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    a = cluster_stories(db, FakeEmbedder(), seed=3)
    b = cluster_stories(db, FakeEmbedder(), seed=3, reuse=False)  # computed, not read back
    la = [(r.story_id, r.pattern_number, r.strength) for r in
          runq.list_assignments(db, a.run_id)]
    lb = [(r.story_id, r.pattern_number, r.strength) for r in
          runq.list_assignments(db, b.run_id)]
    assert la == lb
    assert [p.title for p in runq.list_patterns(db, a.run_id)] == \
        [p.title for p in runq.list_patterns(db, b.run_id)]


def test_second_run_embeds_nothing(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    first = cluster_stories(db, FakeEmbedder())
    second = cluster_stories(db, FakeEmbedder())
    assert first.embedding["n_embedded"] == 60
    assert second.embedding["n_embedded"] == 0 and second.embedding["n_cached"] == 60


@pytest.mark.parametrize(("n", "expected"), [(10, 3), (60, 4), (400, 10), (1256, 18),
                                              (10_000, 50)])
def test_min_size_scales_with_n(n: int, expected: int) -> None:
    assert default_min_size(n) == expected


def test_min_size_override_limits_patterns(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    res = cluster_stories(db, FakeEmbedder(), min_size=14)
    pats = runq.list_patterns(db, res.run_id)
    assert all(p.size >= 14 for p in pats)
    assert runq.get_run(db, res.run_id).params["min_size"] == 14


def test_noise_is_reported_honestly() -> None:
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((2, 32))
    tight = np.vstack([c + rng.normal(0, .05, (30, 32)) for c in centers])
    scattered = rng.standard_normal((12, 32)) * 3
    x = np.vstack([tight, scattered]).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    texts = ["alpha beta"] * 30 + ["gamma delta"] * 30 + ["noise words"] * 12
    cl = cluster_vectors(x, texts, min_size=5)
    assert cl.n_patterns == 2
    unclustered = int((cl.pattern == 0).sum())
    assert unclustered >= 3
    assert set(np.flatnonzero(cl.pattern == 0).tolist()) <= set(range(60, 72))
    assert cl.metrics["n_unclustered"] == unclustered
    assert cl.metrics["coverage"] == pytest.approx((72 - unclustered) / 72)


def test_empty_store_is_a_data_error(store: Store) -> None:
    with pytest.raises(DataError, match="no stories"):
        cluster_stories(store, FakeEmbedder())


def test_bad_settings_are_usage_errors(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    with pytest.raises(UsageError):
        cluster_stories(db, FakeEmbedder(), n_patterns=0)
    with pytest.raises(UsageError):
        cluster_stories(db, FakeEmbedder(), min_size=1)


def test_exemplars_skip_consent_no(store: Store) -> None:
    populate(store, 60)
    res = cluster_stories(store, FakeEmbedder())
    no = {r["id"] for r in store.query("SELECT id FROM stories WHERE consent = 'no'")}
    for p in runq.list_patterns(store, res.run_id):
        assert not set(p.exemplars) & no


def test_the_story_map_lays_out_the_pattern_graph() -> None:
    """A pattern reads as a region: the map is a layout of the kNN graph the patterns come
    from (started from the principal components), the same for the same seed."""
    from sklearn.neighbors import NearestNeighbors

    from pni.cluster.pipeline import _components, cluster_vectors

    rng = np.random.default_rng(0)
    n = 300
    centres = rng.normal(size=(6, 32))
    group = rng.integers(0, 6, n)
    x = centres[group] + 0.9 * rng.normal(size=(n, 32))
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    texts = [f"story {i} about topic{g} and words{g}" for i, g in enumerate(group)]
    a = cluster_vectors(x, texts, seed=0)
    b = cluster_vectors(x, texts, seed=0)
    assert np.array_equal(a.xy, b.xy)

    def together(xy: np.ndarray) -> float:
        ind = NearestNeighbors(n_neighbors=11).fit(xy).kneighbors(xy)[1]
        m = a.pattern > 0
        return float((a.pattern[ind[:, 1:]] == a.pattern[:, None])[m].mean())

    assert together(a.xy) > together(_components(x, 0)) and together(a.xy) > 0.8
