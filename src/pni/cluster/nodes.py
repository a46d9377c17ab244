"""Weighted nodes: the stories the graph is built on, near-duplicates collapsed, landmarks at scale.

Two things break a story-level k-nearest-neighbour graph on large collections. Near-duplicates
("nothing", "I don't know", a story submitted twice) fill a story's neighbour list with its own
copies, so the graph falls apart into cliques below the minimum pattern size (0 patterns at
300,000 synthetic stories, issue 23). And an exact neighbour search costs O(n^2).

So the graph is built on **nodes**, each standing for one or more stories and weighted by how
many (``weight``):

* up to ``LANDMARKS_ABOVE`` stories, a node is a story, except that stories joined by a chain of
  cosine >= ``DUPLICATE_COSINE`` (found in the neighbour search itself, union-find) become one
  node at their normalised mean; with no such pair the nodes are the stories and the graph is
  the one pni has always built;
* above it, ``LANDMARKS`` stories drawn at random (seeded) are the landmarks, near-duplicate
  landmarks collapsed the same way, and every story joins its most similar landmark (searched
  on a ``gr.KNN_PCA_DIM``-d PCA, in blocks: O(n x landmarks), linear in n). A story much less
  similar to its landmark than stories usually are (``APART_Z``, a robust rule) is
  flagged ``apart`` and fits no pattern.

The kNN graph joins nodes; an edge i -> j carries its cosine times i's weight (as if each of i's
stories had j as a neighbour), so modularity sees a node of 50 stories as 50 stories' worth of
edges, and pattern sizes and coverage count stories. A node of c near-duplicates also carries a
loop of c x min(k, c - 1) / 2, the edges its copies have among themselves in the story graph:
30 copies of one answer still hold together as a pattern, while a story and its re-submission
still reach their neighbours (a landmark's stories are not copies of each other: no loop).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = rng.standard_normal((40, 8)).astype(np.float32)
>>> x = np.vstack([x, x[:10]])  # ten stories submitted twice
>>> x /= np.linalg.norm(x, axis=1, keepdims=True)
>>> nd = collapse(x, 5)
>>> len(nd.weight), int(nd.weight.sum()), int(nd.weight.max())
(40, 50, 2)
>>> bool((nd.node_of[:10] == nd.node_of[40:]).all())
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pni.cluster import graph as gr

#: Stories at least this cosine-similar (or joined by a chain of such pairs) are one node. The
#: eval corpora hold 0 to 17 such stories each (CFPB's re-filed complaints); perturbed copies
#: of one story in bench/cluster_quality.py's generator sit near .83, real nearest neighbours
#: at .5 to .82 (10th to 90th percentile).
DUPLICATE_COSINE = 0.98
#: Above this many stories the graph is built on landmarks ...
LANDMARKS_ABOVE = 20_000
#: ... this many (the exact neighbour search among them takes seconds).
LANDMARKS = 20_000
#: Rows per block when stories are matched to landmarks (a block's similarities: rows x
#: landmarks x 4 bytes, 160 MB at 20,000 landmarks).
ASSIGN_BLOCK = 2048
#: The PCA that matches stories to landmarks is fitted on at most this many stories.
PCA_FIT_ROWS = 50_000
#: A story this many robust standard deviations less similar to its landmark than the median
#: story is apart (``pni.cluster.hierarchy.OUTLIER_Z``, the same rule on neighbours).
APART_Z = 3.0


@dataclass
class Nodes:
    """Node vectors (m, d), unit rows; stories per node (m,); each story's node (n,); the
    node-level kNN lists (``dist``, ``idx``: (m, k)); ``apart``: stories too far from their
    landmark to fit any pattern (None below ``LANDMARKS_ABOVE``)."""

    vectors: np.ndarray
    weight: np.ndarray
    node_of: np.ndarray
    dist: np.ndarray
    idx: np.ndarray
    apart: np.ndarray | None = None
    self_weight: np.ndarray | None = None

    @property
    def identity(self) -> bool:
        """One node per story, in story order: the graph is the story graph."""
        return len(self.weight) == len(self.node_of) and bool(
            (self.node_of == np.arange(len(self.node_of))).all())


def collapse(x: np.ndarray, n_neighbors: int, seed: int = 0, *,
             duplicate: float | None = None, landmarks_above: int | None = None,
             landmarks: int | None = None) -> Nodes:
    """The weighted nodes for unit rows ``x`` and their ``n_neighbors``-NN lists (see the
    module's docstring; None: the module's constants). Deterministic for ``seed``."""
    duplicate = DUPLICATE_COSINE if duplicate is None else duplicate
    landmarks_above = LANDMARKS_ABOVE if landmarks_above is None else landmarks_above
    landmarks = LANDMARKS if landmarks is None else landmarks
    x = np.asarray(x, dtype=np.float32)
    n = x.shape[0]
    if n <= landmarks_above:
        dist, idx = gr.knn_graph(x, n_neighbors, seed)
        group = _near_duplicates(dist, idx, duplicate)
        if group is None:
            return Nodes(x, np.ones(n, dtype=np.int64), np.arange(n), dist, idx)
        v, w = _merge(x, group)
        dist, idx = gr.knn_graph(v, n_neighbors, seed)
        # the edges its copies would have among themselves (each to min(k, c - 1) others)
        loops = w * np.minimum(n_neighbors, w - 1) / 2.0
        return Nodes(v, w, group, dist, idx, self_weight=loops)
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(n, size=min(landmarks, n), replace=False))
    lx = x[pick]
    dist, idx = gr.knn_graph(lx, n_neighbors, seed)
    group = _near_duplicates(dist, idx, duplicate)
    if group is not None:
        lx, _ = _merge(lx, group)
        dist, idx = gr.knn_graph(lx, n_neighbors, seed)
    node_of, fit = nearest(x, lx, seed)
    weight = np.bincount(node_of, minlength=len(lx)).astype(np.int64)
    return Nodes(lx, weight, node_of, dist, idx, apart=_far(fit))


def _near_duplicates(dist: np.ndarray, idx: np.ndarray, duplicate: float) -> np.ndarray | None:
    """Component (0..m-1, in order of first story) of each row under the kNN edges of cosine
    >= ``duplicate``; None when no two rows are that close."""
    close = (1.0 - dist) >= duplicate
    if not close.any():
        return None
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = idx.shape[0]
    r = np.repeat(np.arange(n), idx.shape[1])[close.ravel()]
    c = idx.ravel()[close.ravel()]
    _, comp = connected_components(coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n)),
                                   directed=False)
    # renumber by first appearance, so node order follows story order
    _, first, inv = np.unique(comp, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return np.asarray(order[inv], dtype=np.int64)


def _merge(x: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalised mean vector and size of each group."""
    m = int(group.max()) + 1
    v = np.zeros((m, x.shape[1]), dtype=np.float64)
    np.add.at(v, group, x)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (v / norms).astype(np.float32), np.bincount(group, minlength=m).astype(np.int64)


def nearest(x: np.ndarray, ref: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``x``: the index of its most cosine-similar row of ``ref`` and that
    cosine, on a ``gr.KNN_PCA_DIM``-d PCA (fitted on a seeded sample of at most
    ``PCA_FIT_ROWS`` rows) when the vectors are wider; blocks of ``ASSIGN_BLOCK`` rows on every
    core, memory flat in n."""
    n, d = x.shape
    project: Callable[[np.ndarray], np.ndarray] | None = None
    if d > gr.KNN_PCA_DIM:
        from sklearn.decomposition import PCA

        rng = np.random.default_rng(seed)
        rows = np.sort(rng.choice(n, min(n, PCA_FIT_ROWS), replace=False))
        pca = PCA(gr.KNN_PCA_DIM, random_state=seed).fit(x[rows])
        mean = pca.mean_.astype(np.float32)
        comp = pca.components_.T.astype(np.float32)

        def _project(a: np.ndarray) -> np.ndarray:
            p = (a - mean) @ comp
            nrm = np.linalg.norm(p, axis=1, keepdims=True)
            nrm[nrm == 0] = 1.0
            return np.asarray(p / nrm, dtype=np.float32)

        project = _project

    r = project(ref) if project is not None else ref
    best = np.empty(n, dtype=np.int64)
    sim = np.empty(n, dtype=np.float32)

    def block(s: int) -> None:
        q = x[s : s + ASSIGN_BLOCK]
        sims = (project(q) if project is not None else q) @ r.T
        best[s : s + len(q)] = np.argmax(sims, axis=1)
        sim[s : s + len(q)] = sims[np.arange(len(q)), best[s : s + len(q)]]

    import os
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"), \
            ThreadPoolExecutor(max(1, min(8, os.cpu_count() or 1))) as pool:
        list(pool.map(block, range(0, n, ASSIGN_BLOCK)))
    return best, sim


def _far(fit: np.ndarray, z: float = APART_Z) -> np.ndarray:
    """Stories whose cosine to their landmark lies more than ``z`` robust standard deviations
    below the median story's (the outlier rule of ``pni.cluster.hierarchy.outliers``)."""
    med = float(np.median(fit))
    mad = 1.4826 * float(np.median(np.abs(fit - med)))
    return np.asarray(fit < med - z * max(mad, 1e-6))
