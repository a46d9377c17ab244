from __future__ import annotations

import numpy as np

from pni.cluster import graph as gr


def _groups(n_groups: int = 3, per: int = 30, noise: float = 0.3, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((n_groups, 16))
    v = np.vstack([c[i] + rng.normal(0, noise, (per, 16)) for i in range(n_groups)])
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


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
