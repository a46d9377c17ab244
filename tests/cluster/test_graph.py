from __future__ import annotations

import numpy as np
import pytest

from pni.cluster import graph as gr


def _groups(n_groups: int = 3, per: int = 30, noise: float = 0.3, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((n_groups, 16))
    v = np.vstack([c[i] + rng.normal(0, noise, (per, 16)) for i in range(n_groups)])
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_knn_graph_is_exact() -> None:
    x = _groups(per=20)
    _dist, idx = gr.knn_graph(x, 5)
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    best = np.argsort(-sims, axis=1)[:, :5]
    assert (np.sort(idx, axis=1) == np.sort(best, axis=1)).all()
    assert (idx != np.arange(60)[:, None]).all()
    assert gr.KNN_PCA_ABOVE >= 10_000


def test_knn_graph_searches_a_pca_of_many_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above ``KNN_PCA_ABOVE`` stories the neighbours are those of a ``KNN_PCA_DIM``-d PCA."""
    from sklearn.decomposition import PCA

    x = _groups(per=20)
    monkeypatch.setattr(gr, "KNN_PCA_ABOVE", 50)
    monkeypatch.setattr(gr, "KNN_PCA_DIM", 4)
    _dist, idx = gr.knn_graph(x, 5, seed=1)
    y = PCA(4, random_state=1).fit_transform(x)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    sims = y @ y.T
    np.fill_diagonal(sims, -np.inf)
    assert (np.sort(idx, axis=1) == np.sort(np.argsort(-sims, axis=1)[:, :5], axis=1)).mean() > .95


def test_knn_igraph_is_undirected_and_weighted() -> None:
    d, idx = gr.knn_graph(_groups(), 5)
    g = gr.knn_igraph(d, idx)
    assert g.vcount() == 90 and not g.is_directed()
    assert g.ecount() <= 90 * 5 and min(g.es["weight"]) > 0
    assert not g.has_multiple()


def test_consensus_finds_groups_and_is_deterministic() -> None:
    g = gr.knn_igraph(*gr.knn_graph(_groups(), 10))
    a = gr.consensus_leiden(g, 1.0, range(3))
    b = gr.consensus_leiden(g, 1.0, range(3))
    assert (a.labels == b.labels).all() and a.runs.shape == (3, 90)
    assert len(set(a.labels.tolist())) == 3
    assert (a.story_stability == 1.0).all()
    # largest first, numbered 0..k-1
    assert np.bincount(a.labels).tolist() == sorted(np.bincount(a.labels).tolist(), reverse=True)


def test_co_membership() -> None:
    labels = np.array([0, 0, 0, 1, 1])
    runs = np.array([[0, 0, 0, 1, 1], [0, 0, 1, 1, 1]])
    s = gr.co_membership(runs, labels)
    # story 2 is with both mates in run 1, with neither in run 2
    assert s.tolist() == [0.75, 0.75, 0.5, 1.0, 1.0]


def test_agglomerate_and_split_to() -> None:
    g = gr.knn_igraph(*gr.knn_graph(_groups(4, 25), 10))
    labels = gr.leiden(g, 1.0, 0)
    merged, merges = gr.agglomerate(g, labels, 2)
    assert len(set(merged.tolist())) == 2 and len(merges) == len(set(labels.tolist())) - 2
    finer = gr.split_to(g, labels, 8, 1.0, 0)
    assert len(set(finer.tolist())) == 8


def test_neighbour_share() -> None:
    idx = np.array([[1, 2], [0, 2], [0, 1]])
    assert gr.neighbour_share(idx, np.array([0, 0, 1])).tolist() == [0.5, 0.5, 0.0]


def test_rival_share() -> None:
    # story 0: neighbours 1, 2 in its community 0, then 3, 4 in 1 and 5 in 2
    idx = np.array([[1, 2, 3, 4, 5]] + [[0, 1, 2, 3, 4]] * 5)
    labels = np.array([0, 0, 0, 1, 1, 2])
    rival = gr.rival_share(idx, labels)
    assert rival[0] == pytest.approx(0.4)  # community 1, not 2 (0.2) nor its own (0.4)
    assert rival[5] == pytest.approx(0.6)  # story 5 (community 2): three of community 0
    # stories that fit no pattern (-1) count as one group
    assert gr.rival_share(idx, labels - 1)[0] == pytest.approx(0.4)


def test_pair_agreement_and_merge_together() -> None:
    labels = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    # the runs always keep each community whole; communities 0 and 1 are joined in 3 of 4 runs
    runs = np.array([[0, 0, 0, 0, 0, 0, 1, 1, 1]] * 3 + [[0, 0, 0, 1, 1, 1, 2, 2, 2]])
    a, size = gr.pair_agreement(labels, runs)
    assert size.tolist() == [3, 3, 3]
    assert np.diag(a).tolist() == [1.0, 1.0, 1.0]
    assert a[0, 1] == pytest.approx(0.75) and a[0, 2] == 0.0 and a[1, 2] == 0.0
    assert gr.merge_together(labels, runs, 0.8).tolist() == labels.tolist()
    merged = gr.merge_together(labels, runs, 0.7)
    assert merged.tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 1]
    # a node of two stories counts twice: community 2 is now the larger
    w = np.array([1, 1, 1, 1, 1, 1, 2, 2, 2])
    a, size = gr.pair_agreement(labels, runs, w)
    assert size.tolist() == [3, 3, 6] and a[2, 2] == 1.0


def test_consensus_merges_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    g = gr.knn_igraph(*gr.knn_graph(_groups(1, 120, noise=3.0), 10))
    plain = gr.consensus_leiden(g, 1.0, range(6))
    monkeypatch.setattr(gr, "MERGE_TOGETHER", 0.0)  # everything touching merges
    merged = gr.consensus_leiden(g, 1.0, range(6))
    assert int(plain.labels.max()) >= 1 and int(merged.labels.max()) == 0
    assert (merged.runs == plain.runs).all()
