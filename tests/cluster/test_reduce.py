from __future__ import annotations

import numpy as np
import pytest

from pni.cluster.algorithms import get_clusterer
from pni.cluster.reduce import KNN_PCA_ABOVE, Reducer, get_reducer, knn_graph
from pni.errors import UsageError


def _data(n: int = 90, d: int = 24) -> np.ndarray:
    rng = np.random.default_rng(0)
    c = rng.standard_normal((3, d))
    x = np.vstack([c[i % 3] + rng.normal(0, .3, d) for i in range(n)]).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize(("spec", "dim"), [("none", 24), ("pca:5", 5), ("spectral", 8),
                                           ("spectral:4", 4)])
def test_reducers_shape_and_determinism(spec: str, dim: int) -> None:
    r = get_reducer(spec)
    assert isinstance(r, Reducer)
    a, b = r.fit_transform(_data(), seed=1), r.fit_transform(_data(), seed=1)
    assert a.shape == (90, dim)
    np.testing.assert_allclose(a, b)


def test_spectral_pipeline_separates_groups() -> None:
    """Sharply separated groups: the spectral step alone splits them (disconnected kNN graph),
    the centroid merge puts them back together."""
    from sklearn.metrics import adjusted_rand_score

    from pni.cluster import cluster_vectors

    x = _data()
    truth = np.arange(90) % 3
    alone = get_clusterer().fit(get_reducer("spectral").fit_transform(x), min_size=5)
    assert len(set(alone.labels.tolist()) - {-1}) > 3
    cl = cluster_vectors(x, ["w"] * 90, min_size=5, method="hdbscan")
    assert cl.n_patterns == 3 and cl.metrics["n_merged"] > 0
    assert adjusted_rand_score(truth, cl.pattern) > 0.9


def test_knn_graph_is_exact() -> None:
    x = _data(50)
    _dist, idx = knn_graph(x, 5)
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    best = np.argsort(-sims, axis=1)[:, :5]
    assert (np.sort(idx, axis=1) == np.sort(best, axis=1)).all()
    assert (idx != np.arange(50)[:, None]).all()
    assert KNN_PCA_ABOVE >= 10_000


@pytest.mark.parametrize("bad", ["tsne", "pca:x", "pca:0", "none:3"])
def test_bad_specs(bad: str) -> None:
    with pytest.raises(UsageError):
        get_reducer(bad)


def test_tiny_inputs_do_not_crash() -> None:
    x = _data(5)
    assert get_reducer("spectral").fit_transform(x).shape[0] == 5
    assert (get_clusterer().fit(x, min_size=10).labels == -1).all()
