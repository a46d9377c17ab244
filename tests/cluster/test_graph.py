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


def _pca_neighbours_agree(x: np.ndarray, idx: np.ndarray, dims: int) -> np.ndarray:
    """Check that ``idx`` (k per row) are nearly all the cosine neighbours in a seeded
    ``dims``-d PCA of ``x``; returns that PCA's similarities (self excluded)."""
    from sklearn.decomposition import PCA

    y = PCA(dims, random_state=1).fit_transform(x)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    sims = y @ y.T
    np.fill_diagonal(sims, -np.inf)
    k = idx.shape[1]
    assert (np.sort(idx, axis=1) == np.sort(np.argsort(-sims, axis=1)[:, :k], axis=1)).mean() > .95
    return sims


def test_knn_graph_searches_a_pca_of_many_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above ``KNN_PCA_ABOVE`` stories the neighbours are those of a ``KNN_PCA_DIM``-d PCA."""
    x = _groups(per=20)
    monkeypatch.setattr(gr, "KNN_PCA_ABOVE", 50)
    monkeypatch.setattr(gr, "KNN_PCA_DIM", 4)
    _dist, idx = gr.knn_graph(x, 5, seed=1)
    _pca_neighbours_agree(x, idx, dims=4)


def test_graph_pca_searches_a_pca_at_every_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """``GRAPH_PCA``: the neighbours of a PCA to that many dimensions, however few stories."""
    x = _groups(per=20)
    monkeypatch.setattr(gr, "GRAPH_PCA", 3)
    dist, idx = gr.knn_graph(x, 5, seed=1)
    sims = _pca_neighbours_agree(x, idx, dims=3)
    assert np.allclose(1 - dist[:, 0], sims.max(axis=1), atol=1e-4)
    monkeypatch.setattr(gr, "GRAPH_PCA", None)
    assert not np.allclose(gr.knn_graph(x, 5, seed=1)[0], dist)


def test_knn_igraph_is_undirected_and_weighted() -> None:
    d, idx = gr.knn_graph(_groups(), 5)
    g = gr.knn_igraph(d, idx)
    assert g.vcount() == 90 and not g.is_directed()
    assert g.ecount() <= 90 * 5 and min(g.es["weight"]) > 0
    assert not g.has_multiple()


def test_jaccard_weights_count_shared_neighbours() -> None:
    """Shared-nearest-neighbour weights: |N(i) & N(j)| / |N(i) | N(j)|, each list with its
    story; pruned below ``JACCARD_PRUNE``."""
    # 0's list: 1, 2; 1's: 0, 2; 2's: 0, 3; 3's: 4, 2; 4's: 3, 2
    idx = np.array([[1, 2], [0, 2], [0, 3], [4, 2], [3, 2]])
    d = np.full(idx.shape, 0.2)
    w = gr.edge_weights(d, idx, "jaccard").reshape(idx.shape)
    # N(0) = {0,1,2}, N(1) = {0,1,2}: 3/3; N(2) = {0,2,3}: {0,2} of {0,1,2,3}
    assert w[0].tolist() == [1.0, 0.5]
    # N(3) = {2,3,4}, N(4) = {2,3,4}: 1; N(2) & N(3) = {2,3} of {0,2,3,4}
    assert w[3].tolist() == [1.0, 0.5]
    assert w[2].tolist() == [0.5, 0.5]
    # the same from both ends
    assert w[0, 1] == w[2, 0]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gr, "JACCARD_PRUNE", 0.6)
        pruned = gr.edge_weights(d, idx, "jaccard").reshape(idx.shape)
    assert pruned[0].tolist() == [1.0, 0.0]
    # a pruned edge is not in the graph
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gr, "JACCARD_PRUNE", 0.6)
        g = gr.knn_igraph(d, idx, weights="jaccard")
    assert sorted(tuple(sorted(e)) for e in g.get_edgelist()) == [(0, 1), (3, 4)]


def test_fuzzy_weights_are_umaps() -> None:
    """UMAP's fuzzy simplicial set: each story's nearest neighbour at strength 1, its strengths
    summing to log2(k); an edge in both lists joined by fuzzy union (a + b - ab)."""
    # 7 stories, each listing the next three (mod 7): no edge is in both lists
    n, k = 7, 3
    idx = np.array([[(i + c) % n for c in (1, 2, 3)] for i in range(n)])
    d = np.tile(np.array([0.1, 0.3, 0.6]), (n, 1))
    w = gr.edge_weights(d, idx, "fuzzy").reshape(idx.shape)
    assert np.allclose(w[:, 0], 1.0)
    assert np.allclose(w.sum(axis=1), np.log2(k), atol=1e-6)
    assert (np.diff(w, axis=1) < 0).all()
    # both lists: 0 <-> 1 (0 lists 1 second, 1 lists 0 first)
    idx2 = np.array([[2, 1], [0, 2], [0, 1]])
    d2 = np.array([[0.1, 0.3], [0.2, 0.4], [0.1, 0.5]])
    one = gr.edge_weights(d2, idx2, "fuzzy").reshape(idx2.shape)
    # 1 -> 0 is 1's nearest (strength 1): the union is 1 from both ends
    assert one[1, 0] == one[0, 1] == 1.0
    g = gr.knn_igraph(*gr.knn_graph(_groups(), 8), weights="fuzzy")
    assert not g.has_multiple() and min(g.es["weight"]) > 0 and max(g.es["weight"]) <= 1.0


def test_weights_change_the_graph_not_its_edges() -> None:
    d, idx = gr.knn_graph(_groups(), 10)
    cos = gr.knn_igraph(d, idx, weights="cosine")
    jac = gr.knn_igraph(d, idx, weights="jaccard")
    assert sorted(cos.get_edgelist()) == sorted(jac.get_edgelist())
    assert cos.es["weight"] != jac.es["weight"]
    assert len(set(gr.consensus_leiden(jac, 1.0, range(3)).labels.tolist())) == 3
    with pytest.raises(ValueError, match="unknown edge weights"):
        gr.edge_weights(d, idx, "euclid")


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


def test_held_is_the_mean_co_membership_weighted_by_stories() -> None:
    fit = gr.GraphFit(np.zeros(3, dtype=np.int64), np.zeros((2, 3), dtype=np.int64),
                      np.array([1.0, 0.5, 0.0]))
    assert gr.held(fit) == pytest.approx(0.5)
    assert gr.held(fit, np.array([2.0, 1.0, 1.0])) == pytest.approx(2.5 / 4)
    empty = gr.GraphFit(np.zeros(0, dtype=np.int64), np.zeros((2, 0), dtype=np.int64),
                        np.zeros(0))
    assert gr.held(empty) == 1.0
