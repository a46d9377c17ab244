"""Patterns at three granularities: coarse themes, the patterns, finer sub-patterns inside them.

``graph_patterns`` finds the patterns (consensus Leiden on the kNN graph, or about N of them),
marks the stories that fit nothing and those only loosely held; ``themes`` merges patterns into a
few themes (average linkage on the graph); ``subpatterns`` splits each large pattern by Leiden on
its own stories. Every level nests in the one above, so ``pni patterns tree`` is a tree.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> c = rng.standard_normal((4, 16))
>>> v = np.vstack([c[i] + rng.normal(0, .3, (25, 16)) for i in range(4)])
>>> v /= np.linalg.norm(v, axis=1, keepdims=True)
>>> gp = graph_patterns(v, min_size=5, seed=0)
>>> int(gp.labels.max()) + 1, bool((gp.labels >= 0).mean() > 0.95)
(4, True)
>>> len(set(themes(gp.graph, gp.labels, 2).tolist()))
2
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pni.cluster import graph as gr

#: A story with fewer than this share of its neighbours in its pattern fits none.
APART_BELOW = 0.2
#: ... and so does a story much farther from its nearest stories than stories usually are: mean
#: cosine to its neighbours more than this many robust standard deviations below the median.
OUTLIER_Z = 3.0


def default_min_size(n: int) -> int:
    """Smallest pattern for ``n`` stories: max(3, round(sqrt(n) / 2)).

    >>> [default_min_size(n) for n in (20, 60, 662, 1256, 10_000, 100_000)]
    [3, 4, 13, 18, 50, 158]
    """
    return max(3, round(float(np.sqrt(max(n, 0))) / 2))


@dataclass
class GraphPatterns:
    """What a clusterer (``pni.cluster.methods``) finds: labels 0..k-1 (-1: fits no pattern),
    neighbour share, seed co-membership (None for a method without seeded runs), loose flags,
    the graph and the kNN indices (for the levels above and below), the resolution sub-patterns
    are split at, and the parameters the run records (``params["method"]``: the clusterer)."""

    labels: np.ndarray
    share: np.ndarray
    story_stability: np.ndarray | None
    loose: np.ndarray
    graph: Any
    idx: np.ndarray
    resolution: float
    params: dict[str, Any] = field(default_factory=dict)


def graph_patterns(
    x: np.ndarray, *, min_size: int, seed: int = 0, n_patterns: int | None = None,
    n_neighbors: int | None = None, resolution: float = gr.DEFAULT_RESOLUTION,
    n_seeds: int = gr.DEFAULT_SEEDS,
) -> GraphPatterns:
    """Patterns among unit rows ``x``. Communities smaller than ``min_size`` and stories with
    fewer than ``APART_BELOW`` of their neighbours in their community fit no pattern (-1);
    ``loose`` marks the others held by fewer than half their neighbours or by fewer than half
    of the seeded runs. ``n_patterns`` asks for about that many (merging or refining)."""
    n = x.shape[0]
    if n < max(3, min_size):
        return nothing_found(n, resolution)
    dist, idx = gr.knn_graph(x, n_neighbors or gr.neighbors_for(n), seed)
    g = gr.knn_igraph(dist, idx)
    fit = gr.consensus_leiden(g, resolution, range(seed, seed + max(1, n_seeds)))
    comm = fit.labels
    if n_patterns is not None:
        comm = gr.split_to(g, comm, n_patterns, resolution, seed)
    return settle(comm, dist, idx, g, min_size=min_size, resolution=resolution, runs=fit.runs)


def nothing_found(n: int, resolution: float = gr.DEFAULT_RESOLUTION) -> GraphPatterns:
    """No pattern among ``n`` stories (too few of them): every story fits none."""
    z = np.zeros(n)
    return GraphPatterns(np.full(n, -1, dtype=np.int64), z, z, np.zeros(n, dtype=bool),
                         None, np.zeros((n, 0), dtype=np.int64), resolution)


def settle(comm: np.ndarray, dist: np.ndarray, idx: np.ndarray, graph: Any, *, min_size: int,
           resolution: float = gr.DEFAULT_RESOLUTION, runs: np.ndarray | None = None
           ) -> GraphPatterns:
    """The membership rules every clusterer shares, applied to its communities ``comm``
    (0..c-1 for every story) on the kNN lists (``dist``, ``idx``) and ``graph``: communities
    smaller than ``min_size``, stories with fewer than ``APART_BELOW`` of their neighbours in
    their community, and outliers fit no pattern; ``loose`` marks the others held by fewer than
    half their neighbours or (given seeded ``runs``) by fewer than half of the runs."""
    comm = np.asarray(comm, dtype=np.int64)
    share = gr.neighbour_share(idx, comm)
    stab = None if runs is None else gr.co_membership(runs, comm)
    sizes = np.bincount(comm)
    labels = np.where((sizes[comm] < min_size) | (share < APART_BELOW) | outliers(dist), -1, comm)
    labels = _renumber(labels)
    weak = share < gr.LOOSE_BELOW
    if stab is not None:
        weak |= stab < gr.LOOSE_BELOW
    return GraphPatterns(labels, share, stab, (labels >= 0) & weak, graph, idx, resolution)


def outliers(dist: np.ndarray, z: float = OUTLIER_Z) -> np.ndarray:
    """Stories whose mean cosine to their nearest stories lies more than ``z`` robust standard
    deviations (1.4826 x the median absolute deviation) below the median story's."""
    close = 1.0 - dist.mean(axis=1)
    med = float(np.median(close))
    mad = 1.4826 * float(np.median(np.abs(close - med)))
    return np.asarray(close < med - z * max(mad, 1e-6))


def _renumber(labels: np.ndarray) -> np.ndarray:
    """0..k-1 by size, largest first (ties: earliest member first); -1 kept."""
    out = np.full(len(labels), -1, dtype=np.int64)
    keep = labels >= 0
    if keep.any():
        out[keep] = gr._canonical(labels[keep])
    return out


def themes(graph: Any, labels: np.ndarray, target: int | None = None) -> np.ndarray:
    """A theme number (0..t-1) for each pattern label 0..k-1: patterns merged, most connected
    first, to ``target`` themes (default: about the square root of the number of patterns,
    at least 2). Fewer than 4 patterns: each is its own theme."""
    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    if target is None:
        target = max(2, round(float(np.sqrt(k))))
    if k < 4 or graph is None:
        return np.arange(k)
    keep = labels >= 0
    sub = graph.induced_subgraph(np.flatnonzero(keep).tolist())
    merged, _ = gr.agglomerate(sub, labels[keep], target)
    out = np.zeros(k, dtype=np.int64)
    out[labels[keep]] = merged
    return _renumber_themes(out)


def _renumber_themes(theme_of: np.ndarray) -> np.ndarray:
    """Themes numbered in the order of their first (largest) pattern."""
    order: dict[int, int] = {}
    for t in theme_of.tolist():
        order.setdefault(int(t), len(order))
    return np.array([order[int(t)] for t in theme_of], dtype=np.int64)


def subpatterns(graph: Any, labels: np.ndarray, *, min_size: int, resolution: float,
                seed: int = 0) -> np.ndarray:
    """Sub-pattern labels (-1: none): Leiden on each pattern's own stories, kept when it splits
    the pattern into at least two parts of ``min_size`` or more. Numbered across the run."""
    out = np.full(len(labels), -1, dtype=np.int64)
    if graph is None:
        return out
    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    nxt = 0
    for c in range(k):
        rows = np.flatnonzero(labels == c)
        if len(rows) < 2 * min_size:
            continue
        sub = graph.induced_subgraph(rows.tolist())
        parts = gr.leiden(sub, resolution, seed)
        sizes = np.bincount(parts)
        big = np.flatnonzero(sizes >= min_size)
        if len(big) < 2:
            continue
        for p in big:
            out[rows[parts == p]] = nxt
            nxt += 1
    return out
