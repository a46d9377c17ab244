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
>>> on_nodes, weight = gp.levels_input()  # the graph's nodes: stories, near-duplicates as one
>>> len(set(themes(gp.graph, on_nodes, 2, weight).tolist()))
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
#: Which neighbours make a story loosely held: "share", fewer than ``gr.LOOSE_BELOW`` of them
#: in its pattern (the rule until issue 23's second pass); "rival", that, and another community
#: holds at least as many of them: its neighbours do not say where it belongs. On CAMS "share"
#: flagged 41% of the stories, most with their pattern still clearly first among their
#: neighbours (docs/clustering.md, "Honest membership"; docs/benchmarks.md).
LOOSE_RULE = "rival"


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
    #: When the graph's nodes are not the stories (``pni.cluster.nodes``: near-duplicates
    #: collapsed, landmarks at scale): each story's node, each node's pattern (-1: none) and
    #: stories per node. None: one node per story, ``graph`` and ``idx`` are the stories'.
    node_of: np.ndarray | None = None
    node_labels: np.ndarray | None = None
    node_weight: np.ndarray | None = None

    def levels_input(self) -> tuple[np.ndarray, np.ndarray | None]:
        """(labels on the graph's nodes, stories per node) for ``themes`` and ``subpatterns``."""
        if self.node_of is None or self.node_labels is None:
            return self.labels, None
        return self.node_labels, self.node_weight

    def to_stories(self, node_values: np.ndarray) -> np.ndarray:
        """Values per graph node (themes, sub-patterns) as values per story; -1 for stories
        that fit no pattern."""
        if self.node_of is None:
            return node_values
        return np.where(self.labels >= 0, node_values[self.node_of], -1)


def graph_patterns(
    x: np.ndarray, *, min_size: int, seed: int = 0, n_patterns: int | None = None,
    n_neighbors: int | None = None, resolution: float | None = None,
    n_seeds: int = gr.DEFAULT_SEEDS, coarsen: bool | None = None,
) -> GraphPatterns:
    """Patterns among unit rows ``x``. Communities smaller than ``min_size`` and stories with
    fewer than ``APART_BELOW`` of their neighbours in their community fit no pattern (-1);
    ``loose`` marks the others whose neighbours do not point to their pattern (``LOOSE_RULE``)
    or that fewer than half of the seeded runs keep with it. ``n_patterns`` asks for about that
    many (merging or refining). ``coarsen``: whether a consensus its seeded runs hold poorly
    (``pni.cluster.graph.COARSEN_BELOW``; judged on the runs of seeds 0.., whatever ``seed``
    is, so that every seed decides alike) is computed at a lower resolution; None: when
    neither ``resolution`` nor ``n_patterns`` is given (and only from
    ``COARSEN_MIN_STORIES`` stories). ``params["coarsened_from"]`` and
    ``params["held_before"]``: the resolution it started from and how well its runs held the
    consensus there, when it did."""
    from pni.cluster.nodes import collapse

    n = x.shape[0]
    if n < max(3, min_size):
        return nothing_found(n, gr.DEFAULT_RESOLUTION if resolution is None else resolution)
    nodes = collapse(x, n_neighbors or gr.neighbors_for(n), seed)
    dist, idx = nodes.dist, nodes.idx
    weight = None if nodes.identity else nodes.weight
    g = gr.knn_igraph(dist, idx, weight, nodes.self_weight)
    if coarsen is None:
        coarsen = resolution is None and n_patterns is None
    if resolution is None:
        resolution = (gr.DEFAULT_RESOLUTION if gr.RESOLUTIONS is None else
                      gr.stable_resolution(g, gr.RESOLUTIONS, range(seed, seed + max(2, n_seeds))))
    fits: dict[tuple[float, int], gr.GraphFit] = {}

    def fit_at(r: float, first: int) -> gr.GraphFit:
        if (r, first) not in fits:
            fits[r, first] = gr.consensus_leiden(g, r, range(first, first + max(1, n_seeds)),
                                                 node_weight=weight)
        return fits[r, first]

    started, held = resolution, 1.0
    if (coarsen and gr.COARSEN_BELOW is not None and n_seeds > 1
            and n >= gr.COARSEN_MIN_STORIES and resolution - gr.COARSEN_STEP > 0):
        # decided on the runs of seed 0 whatever ``seed`` is: how finely a collection holds
        # together is a property of its stories, and a re-run with another seed must not
        # decide otherwise (deciding on each seed's own runs flipped on collections near the
        # line and made re-runs agree less: docs/benchmarks.md); free for seed 0
        held = gr.held(fit_at(resolution, 0), weight)
        if held < gr.COARSEN_BELOW:
            lower = resolution - gr.COARSEN_STEP
            if gr.held(fit_at(lower, 0), weight) > held:
                resolution = lower
    fit = fit_at(resolution, seed)
    comm = fit.labels
    if n_patterns is not None:
        comm = gr.split_to(g, comm, n_patterns, resolution, seed, node_weight=weight)
    out = settle(comm, dist, idx, g, min_size=min_size, resolution=resolution, runs=fit.runs,
                 node_weight=weight,
                 copies=None if nodes.self_weight is None else nodes.weight - 1)
    if weight is not None:
        out = lift(out, nodes.node_of, nodes.weight, min_size=min_size, apart=nodes.apart)
    if resolution != started:
        out.params |= {"coarsened_from": started, "held_before": round(held, 3)}
    return out


def lift(gp: GraphPatterns, node_of: np.ndarray, weight: np.ndarray, *, min_size: int,
         apart: np.ndarray | None = None) -> GraphPatterns:
    """Node-level patterns ``gp`` as story-level ones: each story takes its node's pattern,
    share, stability and loose flag; stories ``apart`` fit none, and a pattern left smaller
    than ``min_size`` stories by them fits none either. Patterns renumbered by stories."""
    labels = gp.labels[node_of]
    if apart is not None:
        labels = np.where(apart, -1, labels)
    k = max(int(gp.labels.max()) + 1 if len(gp.labels) else 0, 1)
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    labels = np.where((labels >= 0) & (sizes[np.maximum(labels, 0)] >= min_size), labels, -1)
    story_labels = _renumber(labels)
    # the same renumbering on the nodes (a node whose pattern was dropped: -1)
    remap = np.full(k + 1, -1, dtype=np.int64)
    keep = labels >= 0
    remap[labels[keep]] = story_labels[keep]
    node_labels = remap[gp.labels]
    stab = None if gp.story_stability is None else gp.story_stability[node_of]
    return GraphPatterns(story_labels, gp.share[node_of], stab,
                         (story_labels >= 0) & gp.loose[node_of], gp.graph, gp.idx,
                         gp.resolution, gp.params, node_of=node_of, node_labels=node_labels,
                         node_weight=weight)


def nothing_found(n: int, resolution: float = gr.DEFAULT_RESOLUTION) -> GraphPatterns:
    """No pattern among ``n`` stories (too few of them): every story fits none."""
    z = np.zeros(n)
    return GraphPatterns(np.full(n, -1, dtype=np.int64), z, z, np.zeros(n, dtype=bool),
                         None, np.zeros((n, 0), dtype=np.int64), resolution)


def settle(comm: np.ndarray, dist: np.ndarray, idx: np.ndarray, graph: Any, *, min_size: int,
           resolution: float = gr.DEFAULT_RESOLUTION, runs: np.ndarray | None = None,
           node_weight: np.ndarray | None = None, copies: np.ndarray | None = None
           ) -> GraphPatterns:
    """The membership rules every clusterer shares, applied to its communities ``comm``
    (0..c-1 for every story) on the kNN lists (``dist``, ``idx``) and ``graph``: communities
    smaller than ``min_size``, stories with fewer than ``APART_BELOW`` of their neighbours in
    their community, and outliers fit no pattern; ``loose`` marks the others with fewer than
    half their neighbours in their community while another community holds as many
    (``LOOSE_RULE`` "rival"; "share": the first condition alone), or (given seeded ``runs``)
    kept with it by fewer than half of the runs.
    ``node_weight``: the rows are weighted nodes (``pni.cluster.nodes``), sizes count stories;
    ``copies``: each node's stories beyond the first are near-duplicates, which a story has among
    its neighbours (first, at cosine 1) before the node's own neighbours."""
    comm = np.asarray(comm, dtype=np.int64)
    share = gr.neighbour_share(idx, comm)
    rival = gr.rival_share(idx, comm) if LOOSE_RULE == "rival" else None
    far = outliers(dist)
    if copies is not None and idx.shape[1]:
        own = np.minimum(idx.shape[1], copies) / idx.shape[1]
        share = own + (1 - own) * share
        if rival is not None:
            rival = (1 - own) * rival
        far = outliers(dist * (1 - own)[:, None], weight=node_weight)
    stab = None if runs is None else gr.co_membership(runs, comm)
    sizes = np.bincount(comm, weights=node_weight)
    labels = np.where((sizes[comm] < min_size) | (share < APART_BELOW) | far, -1, comm)
    labels = _renumber(labels, node_weight)
    weak = share < gr.LOOSE_BELOW
    if rival is not None:
        weak &= rival >= share
    if stab is not None:
        weak |= stab < gr.LOOSE_BELOW
    return GraphPatterns(labels, share, stab, (labels >= 0) & weak, graph, idx, resolution)


def outliers(dist: np.ndarray, z: float = OUTLIER_Z, weight: np.ndarray | None = None
             ) -> np.ndarray:
    """Stories whose mean cosine to their nearest stories lies more than ``z`` robust standard
    deviations (1.4826 x the median absolute deviation) below the median story's. ``weight``:
    the rows are nodes standing for this many stories each (medians over stories)."""
    if dist.shape[1] == 0:
        return np.zeros(dist.shape[0], dtype=bool)
    close = 1.0 - dist.mean(axis=1)
    med = _median(close, weight)
    mad = 1.4826 * _median(np.abs(close - med), weight)
    return np.asarray(close < med - z * max(mad, 1e-6))


def _median(a: np.ndarray, weight: np.ndarray | None = None) -> float:
    """The median of ``a``, each value counted ``weight`` times (the lower one of the middle
    two for an even total, like repeating the values; plain ``np.median`` without weights)."""
    if weight is None:
        return float(np.median(a))
    order = np.argsort(a, kind="stable")
    cum = np.cumsum(np.asarray(weight, dtype=np.float64)[order])
    return float(a[order][np.searchsorted(cum, cum[-1] / 2.0)])


def _renumber(labels: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """0..k-1 by size (``weight`` per row when given), largest first (ties: earliest member
    first); -1 kept."""
    out = np.full(len(labels), -1, dtype=np.int64)
    keep = labels >= 0
    if not keep.any():
        return out
    if weight is None:
        out[keep] = gr._canonical(labels[keep])
        return out
    ks, first, inv = np.unique(labels[keep], return_index=True, return_inverse=True)
    size = np.bincount(inv, weights=np.asarray(weight, dtype=np.float64)[keep])
    order = np.lexsort((first, -size))
    rank = np.empty(len(ks), dtype=np.int64)
    rank[order] = np.arange(len(ks))
    out[keep] = rank[inv]
    return out


def themes(graph: Any, labels: np.ndarray, target: int | None = None,
           node_weight: np.ndarray | None = None) -> np.ndarray:
    """A theme number (0..t-1) for each pattern label 0..k-1: patterns merged, most connected
    first, to ``target`` themes (default: about the square root of the number of patterns,
    at least 2). Fewer than 4 patterns: each is its own theme. ``node_weight``: stories per
    graph node, when the nodes are not stories."""
    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    if target is None:
        target = max(2, round(float(np.sqrt(k))))
    if k < 4 or graph is None:
        return np.arange(k)
    keep = labels >= 0
    sub = graph.induced_subgraph(np.flatnonzero(keep).tolist())
    merged, _ = gr.agglomerate(sub, labels[keep], target,
                               None if node_weight is None else node_weight[keep])
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
                seed: int = 0, node_weight: np.ndarray | None = None) -> np.ndarray:
    """Sub-pattern labels (-1: none): Leiden on each pattern's own stories, kept when it splits
    the pattern into at least two parts of ``min_size`` or more (stories: ``node_weight`` per
    graph node when given). Numbered across the run."""
    out = np.full(len(labels), -1, dtype=np.int64)
    if graph is None:
        return out
    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    nxt = 0
    for c in range(k):
        rows = np.flatnonzero(labels == c)
        w = None if node_weight is None else node_weight[rows]
        if (len(rows) if w is None else w.sum()) < 2 * min_size or len(rows) < 2:
            continue
        sub = graph.induced_subgraph(rows.tolist())
        parts = gr.leiden(sub, resolution, seed)
        sizes = np.bincount(parts, weights=w)
        big = np.flatnonzero(sizes >= min_size)
        if len(big) < 2:
            continue
        for p in big:
            out[rows[parts == p]] = nxt
            nxt += 1
    return out
