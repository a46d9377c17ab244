"""Weighted nodes: near-duplicates collapsed before the graph, landmarks at scale (issue 23)."""

from __future__ import annotations

import numpy as np
import pytest

from pni.cluster import graph as gr
from pni.cluster import nodes as nd
from pni.cluster.hierarchy import default_min_size, graph_patterns, settle
from pni.cluster.pipeline import cluster_vectors


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _families(n_fam: int = 3, sources: int = 37, copies: int = 18, seed: int = 0
              ) -> tuple[np.ndarray, np.ndarray]:
    """``n_fam`` families of ``sources`` distinct stories, each submitted ``copies`` times
    (identical vectors): more copies than a story has neighbours (15), fewer than the minimum
    pattern size. Returns the vectors and each story's family."""
    rng = np.random.default_rng(seed)
    fam = rng.standard_normal((n_fam, 48)) * 2
    src = np.vstack([f + rng.standard_normal((sources, 48)) for f in fam])
    x = np.repeat(_unit(src), copies, axis=0)
    return x, np.repeat(np.arange(n_fam), sources * copies)


def test_copies_below_the_minimum_size_still_form_patterns() -> None:
    """The failure of issue 23: each story's 15 neighbours are its own copies, the story graph
    falls apart into cliques below the minimum size and finds nothing. Collapsed into weighted
    nodes, the copies reach their family."""
    x, fam = _families()
    n = len(x)
    min_size = default_min_size(n)
    assert 15 < 18 < min_size
    # the story graph (what pni built before): no pattern at all
    dist, idx = gr.knn_graph(x, 15)
    old = gr.consensus_leiden(gr.knn_igraph(dist, idx), gr.DEFAULT_RESOLUTION)
    assert np.bincount(old.labels).max() < min_size
    gp = graph_patterns(x, min_size=min_size)
    assert gp.node_of is not None and len(gp.node_weight) == 3 * 37
    assert (gp.labels >= 0).mean() > 0.9 and gp.labels.max() + 1 >= 3
    for p in range(int(gp.labels.max()) + 1):  # each pattern within one family
        assert len(set(fam[gp.labels == p].tolist())) == 1
    # every copy of a story shares its pattern
    assert (gp.labels.reshape(-1, 18) == gp.labels.reshape(-1, 18)[:, :1]).all()


def test_piles_of_one_answer_stay_patterns() -> None:
    """Three answers given 30 times each (a loop on each node keeps a pile together) and noise."""
    rng = np.random.default_rng(1)
    answers = _unit(rng.standard_normal((3, 32)))
    x = np.vstack([np.repeat(answers, 30, axis=0), _unit(rng.standard_normal((12, 32)))])
    cl = cluster_vectors(x, ["nothing"] * 30 + ["dunno"] * 30 + ["yes"] * 30 + ["z"] * 12,
                         min_size=5)
    assert cl.n_patterns == 3
    assert sorted(p.size for p in cl.patterns)[-3:] == [30, 30, 30]
    assert cl.metrics["n_nodes"] == 3 + 12


def test_without_duplicates_the_graph_is_the_story_graph() -> None:
    """No pair at the duplicate threshold: the nodes are the stories, the patterns those of the
    story graph (the eval corpora are scored on this path)."""
    rng = np.random.default_rng(2)
    c = rng.standard_normal((3, 16))
    x = _unit(np.vstack([c[i] + rng.normal(0, .6, (40, 16)) for i in range(3)]))
    nodes = nd.collapse(x, 10)
    assert nodes.identity and nodes.self_weight is None
    gp = graph_patterns(x, min_size=5, n_neighbors=10)
    dist, idx = gr.knn_graph(x, 10)
    g = gr.knn_igraph(dist, idx)
    fit = gr.consensus_leiden(g, gr.DEFAULT_RESOLUTION)
    old = settle(fit.labels, dist, idx, g, min_size=5, runs=fit.runs)
    assert gp.node_of is None and gp.graph.vcount() == 120
    assert (gp.labels == old.labels).all() and (gp.loose == old.loose).all()


def test_near_duplicates_join_by_a_chain() -> None:
    x = _unit(np.array([[1, 0, 0], [1, .05, 0], [1, .1, 0], [0, 1, 0], [0, 0, 1]], dtype=float))
    nodes = nd.collapse(x, 2, duplicate=0.99)
    assert nodes.node_of.tolist() == [0, 0, 0, 1, 2]
    assert nodes.weight.tolist() == [3, 1, 1]


def test_landmarks_above_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above ``LANDMARKS_ABOVE`` stories the graph joins ``LANDMARKS`` landmarks; every story
    takes its most similar landmark's pattern; sizes count stories."""
    monkeypatch.setattr(nd, "LANDMARKS_ABOVE", 200)
    monkeypatch.setattr(nd, "LANDMARKS", 120)
    monkeypatch.setattr(gr, "KNN_PCA_DIM", 8)
    rng = np.random.default_rng(3)
    c = rng.standard_normal((3, 32)) * 2
    truth = np.repeat(np.arange(3), 200)
    x = _unit(c[truth] + rng.standard_normal((600, 32)))
    nodes = nd.collapse(x, 10, seed=0)
    assert len(nodes.weight) == 120 and nodes.weight.sum() == 600
    assert nodes.apart is not None and nodes.apart.mean() < 0.05
    cl = cluster_vectors(x, ["w"] * 600, min_size=20)
    from sklearn.metrics import adjusted_rand_score

    assert cl.n_patterns == 3 and cl.coverage > 0.9
    assert adjusted_rand_score(truth, cl.pattern) > 0.9
    assert sum(p.size for p in cl.patterns) == int((cl.pattern > 0).sum())
    assert cl.metrics["n_nodes"] == 120
    for s in cl.subpatterns:  # sub-patterns nest in their pattern, stories by stories
        assert set(cl.pattern[s.members].tolist()) == {s.parent}
    again = cluster_vectors(x, ["w"] * 600, min_size=20)
    assert (again.pattern == cl.pattern).all()  # deterministic for a seed


def test_nearest_finds_the_most_similar_row() -> None:
    rng = np.random.default_rng(4)
    ref = _unit(rng.standard_normal((50, 8)))
    x = _unit(rng.standard_normal((300, 8)))
    best, sim = nd.nearest(x, ref)
    assert (best == np.argmax(x @ ref.T, axis=1)).all()
    assert np.allclose(sim, (x @ ref.T).max(axis=1), atol=1e-5)


def test_the_landmark_rule_is_the_neighbour_rule() -> None:
    """A story apart from its landmark is judged as an outlier among neighbours is."""
    from pni.cluster.hierarchy import OUTLIER_Z

    assert nd.APART_Z == OUTLIER_Z
    fit = np.r_[np.full(99, 0.8) + np.linspace(0, 0.01, 99), 0.2]
    assert nd._far(fit).tolist() == [False] * 99 + [True]
