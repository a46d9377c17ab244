"""Graph community detection: Leiden on the cosine k-nearest-neighbour graph (the default).

Every story is a node joined to its ``k`` most cosine-similar stories; Leiden (igraph's C
implementation, modularity at resolution ``r``: the RB-configuration model) splits the graph into communities whose stories
are more connected to each other than chance. No k to guess, no density threshold, and the graph
is the same one UMAP and single-cell tools (scanpy, Seurat) start from.

Stability across seeds: Leiden's result depends on the order it visits nodes, so the default runs
it with several seeds and keeps the consensus (two stories stay together when most runs put them
together; Lancichinetti & Fortunato 2012); the runs also give each story and each pattern a
stability score.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> c = rng.standard_normal((3, 16))
>>> v = np.vstack([c[i] + rng.normal(0, .3, (30, 16)) for i in range(3)])
>>> g = knn_igraph(*knn_graph(v, 10))
>>> fit = consensus_leiden(g, resolution=1.0, seeds=range(3))
>>> len(set(fit.labels.tolist()))
3
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Settings chosen by leave-one-corpus-out on five labelled corpora (docs/benchmarks.md): of the
#: k and resolutions that meet issue 23's targets on the other four corpora (ARI at least that
#: of k-means told the true number of groups, NMI at least BERTopic's, coverage at least 70%),
#: the most stable over 90% subsamples; since issue 23's fourth pass, with the coarsening below
#: (``COARSEN_BELOW``) and k capped as ``neighbors_for`` caps it: k = 60, r = 1.25 for every
#: held-out corpus, and it meets the targets on each. (k = 30 before: without the coarsening,
#: more neighbours made no corpus steadier where it mattered, CAMS; issue 12's targets, ARI at
#: 90% of k-means, picked k = 15.)
DEFAULT_NEIGHBORS = 60
DEFAULT_RESOLUTION = 1.25
#: Small collections: at most one story in this many is a neighbour (at least MIN_NEIGHBORS).
NEIGHBOR_SHARE = 20
MIN_NEIGHBORS = 10
#: Seeded Leiden runs behind each consensus: 20 made re-runs with other seeds agree better than
#: 10 (RMHD .90 -> .93, CAMS .76 -> .88, CFPB .96 -> .98) at the same quality; 30 and 40 did
#: no better on CAMS (docs/benchmarks.md, issue 23). igraph holds Python's lock while it runs
#: (threads run one after the other) and forked worker processes were no faster on this
#: project's shared 2-core machines, so the runs run one after the other.
DEFAULT_SEEDS = 20
#: When a run is not told its resolution and the seeded runs keep stories with their consensus
#: pattern less often than this on average (``held``: the mean of each story's co-membership,
#: 0..1) at ``DEFAULT_RESOLUTION``, that resolution asks for finer structure than the
#: collection holds: the consensus is computed ``COARSEN_STEP`` lower when its runs hold their
#: stories better there. Both are judged on the runs of seeds 0-19 whatever the run's seed, so
#: that a re-run with another seed decides alike (``pni.cluster.hierarchy.graph_patterns``).
#: 0.8 is issue 23's own bar for stability (no labels chose it); of the five eval corpora only
#: CAMS (depression posts by cause, ARI against its labels .06-.1 for every method) falls
#: below it (docs/benchmarks.md). None: never.
COARSEN_BELOW: float | None = 0.8
COARSEN_STEP = 0.25
#: ... on collections of at least this many stories (where every story has its full
#: ``DEFAULT_NEIGHBORS``: 60 x ``NEIGHBOR_SHARE``). On 150 and 400 stories drawn from the eval
#: corpora the coarsening made re-runs agree no better on four corpora and less on Counsel
#: Chat's (.89 against .92-.95; docs/benchmarks.md), so smaller collections keep 1.25.
COARSEN_MIN_STORIES = 1_200
#: Rounds of the consensus (``consensus_leiden``): 1, one Leiden run on the agreement graph.
CONSENSUS_ROUNDS = 1
#: After the consensus, two communities are merged while the seeded runs put their stories
#: together at least this often relative to each one's own stories (``merge_together``), the
#: most joined pair first. None: no merge (0.2 to 0.5 were measured: fewer patterns on CAMS, no
#: steadier ones; docs/benchmarks.md, issue 23).
MERGE_TOGETHER: float | None = None
#: When set, a run not told its resolution takes the one of these at which seeded Leiden runs
#: agree most (``stable_resolution``); None: ``DEFAULT_RESOLUTION``.
RESOLUTIONS: tuple[float, ...] | None = None
#: Optimiser passes per Leiden run (leidenalg's default too). Iterating until nothing changes
#: (-1) takes about 4x as long and scored the same on the eval corpora (docs/benchmarks.md).
#: igraph's ``community_leiden`` runs a pass on a 10,000-story 30-NN graph in about 0.05 s,
#: some 20x faster than ``leidenalg`` did (43 of a 10,000-story cluster's 53 s went there).
ITERATIONS = 2
#: A story is loosely held when fewer than this share of its neighbours share its pattern (and,
#: by ``pni.cluster.hierarchy.LOOSE_RULE``, another community holds as many), or when the
#: seeded runs put it with its pattern's stories less often than this.
LOOSE_BELOW = 0.5
#: Above this many stories the neighbour graph is built on a 64-d PCA of the vectors (exact
#: neighbours in 384-d cost O(n^2 * 384); PCA-64 keeps the neighbour order nearly intact).
KNN_PCA_ABOVE = 20_000
KNN_PCA_DIM = 64
#: When set, the neighbour search runs on a PCA of the vectors to this many dimensions
#: (fitted on the collection, not whitened, rows renormalised) at every size, not only above
#: ``KNN_PCA_ABOVE``. None (the default): the vectors as they are. Issue 23's third pass
#: measured 50 and 100 (docs/benchmarks.md).
GRAPH_PCA: int | None = None
#: An edge's weight in the kNN graph (``edge_weights``): "cosine", the two stories' cosine
#: similarity (the default); "jaccard", the share of neighbours the two share (|N(i) & N(j)| /
#: |N(i) | N(j)|, each list with its story: shared-nearest-neighbour weights as PhenoGraph and
#: Seurat use); "fuzzy", UMAP's fuzzy simplicial set (exp(-(d - rho_i) / sigma_i) from each
#: end, joined by fuzzy union). Issue 23's third pass measured the last two and kept the cosine
#: (docs/benchmarks.md).
EDGE_WEIGHTS = "cosine"
#: With "jaccard": edges whose two stories share less than this are dropped (Seurat's
#: ``prune.SNN``, 1/15); 0: none dropped (PhenoGraph).
JACCARD_PRUNE = 0.0
WEIGHTINGS = ("cosine", "jaccard", "fuzzy")


@dataclass
class GraphFit:
    """Consensus labels 0..k-1, each run's labels (runs, n) and the co-membership of every story
    with its own community across the runs (0..1)."""

    labels: np.ndarray
    runs: np.ndarray
    story_stability: np.ndarray


def neighbors_for(n: int, most: int | None = None) -> int:
    """Neighbours per story for ``n`` stories: ``DEFAULT_NEIGHBORS`` (60), but on small
    collections at most n/20 (at least 10), so that a story's neighbours stay a small share of
    all stories (of the eval corpora, Counsel Chat's 662 stories get 33, the others 60).
    ``most``: another k capped the same way.

    >>> [neighbors_for(n) for n in (60, 165, 260, 400, 662, 1_256, 10_000)]
    [10, 10, 13, 20, 33, 60, 60]
    """
    return max(MIN_NEIGHBORS, min(DEFAULT_NEIGHBORS if most is None else most,
                                  n // NEIGHBOR_SHARE))


def knn_graph(x: np.ndarray, n_neighbors: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine neighbours (self excluded): (distances, indices), each (n, k).

    Chunked matrix products keep memory at O(chunk * n); above ``KNN_PCA_ABOVE`` rows the
    search runs on a 64-d PCA of the vectors (renormalised), which is what keeps 100k stories in
    seconds rather than minutes (``GRAPH_PCA``, when set: on a PCA of that many at every size).
    """
    x = np.asarray(x, dtype=np.float32)
    n = x.shape[0]
    dim = GRAPH_PCA if GRAPH_PCA is not None else KNN_PCA_DIM if n > KNN_PCA_ABOVE else None
    if dim is not None and x.shape[1] > dim and n > dim:
        from sklearn.decomposition import PCA

        # below KNN_PCA_ABOVE an exact SVD: the same axes whatever the seed (sklearn picks a
        # randomised one for fewer than 10x as many stories as dimensions: other axes per seed)
        solver = "full" if n <= KNN_PCA_ABOVE else "auto"
        x = PCA(dim, random_state=seed, svd_solver=solver).fit_transform(x).astype(np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    x = x / norms
    k = min(n_neighbors, n - 1)
    dist = np.empty((n, k), dtype=np.float32)
    idx = np.empty((n, k), dtype=np.int64)
    if k < 1:
        return dist, idx
    # rows per block: the block's similarities stay near 16 MB a thread (memory flat in n)
    chunk = max(1, min(n, (4 << 20) // max(n, 1)))

    def block(s: int) -> None:
        sims = x[s : s + chunk] @ x.T
        b = sims.shape[0]
        rows = np.arange(b)
        sims[rows, s + rows] = -np.inf  # not its own neighbour
        # The k-th largest similarity among every step-th story is a floor for the k-th
        # largest among all: only the few stories at or above it are sorted (a full partition
        # of every row took twice as long as the matrix product).
        step = max(1, min(8, (n - 1) // (4 * k)))
        floor = -np.partition(-sims[:, ::step], k - 1, axis=1)[:, k - 1]
        r, c = np.nonzero(sims >= floor[:, None])
        v = sims[r, c]
        # by row, then similarity (highest first), ties by index (a stable sort keeps
        # nonzero's column order): deterministic
        order = np.argsort(r * 4.0 - v, kind="stable")
        c, v = c[order], v[order]
        pick = np.searchsorted(r[order], rows)[:, None] + np.arange(k)
        idx[s : s + b] = c[pick]
        dist[s : s + b] = 1.0 - v[pick]

    # numpy releases the GIL: blocks run on every core, each with a one-thread BLAS (a
    # threaded BLAS under each block only oversubscribes the cores)
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"), \
            ThreadPoolExecutor(max(1, min(8, os.cpu_count() or 1))) as pool:
        list(pool.map(block, range(0, n, chunk)))
    np.clip(dist, 0.0, 2.0, out=dist)
    return dist, idx


def knn_igraph(dist: np.ndarray, idx: np.ndarray, node_weight: np.ndarray | None = None,
               self_weight: np.ndarray | None = None, weights: str | None = None) -> Any:
    """Undirected weighted igraph of the kNN lists, an edge found from either end counted once:
    its weight by ``weights`` (default ``EDGE_WEIGHTS``; ``edge_weights``: the cosine similarity,
    clipped at a small positive value, by default). ``node_weight`` (stories per node,
    ``pni.cluster.nodes``): an edge i -> j carries that weight times i's stories, as if each of
    i's stories had j among its neighbours (found from both ends: the larger);
    ``self_weight``: a loop on each node with this weight (> 0), the edges among its stories."""
    n, k = idx.shape
    src = np.repeat(np.arange(n, dtype=np.int64), k)
    dst = idx.ravel().astype(np.int64)
    base = edge_weights(dist, idx, EDGE_WEIGHTS if weights is None else weights)
    mult = (np.ones(len(src)) if node_weight is None else
            np.maximum(np.asarray(node_weight, dtype=np.float64), 1.0)[src])
    keep = base > 0
    src, dst, base, mult = src[keep], dst[keep], base[keep], mult[keep]
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    key = lo * n + hi
    w = base * mult
    order = np.lexsort((-w, key))
    key, w = key[order], w[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, w = key[first], w[first]
    edges = np.column_stack([key // n, key % n])
    if self_weight is not None:
        loops = np.flatnonzero(np.asarray(self_weight) > 0)
        edges = np.vstack([edges, np.column_stack([loops, loops])])
        w = np.concatenate([w, np.asarray(self_weight, dtype=np.float64)[loops]])
    return weighted_graph(n, edges, w, loops=self_weight is not None)


def edge_weights(dist: np.ndarray, idx: np.ndarray, weights: str = "cosine") -> np.ndarray:
    """The weight of each kNN edge i -> idx[i, j] (flat, row by row), the same from both ends
    when both lists hold the edge (0: drop it):

    * "cosine": 1 - dist, clipped at 1e-3;
    * "jaccard": |N(i) & N(j)| / |N(i) | N(j)|, N(i) story i's list with i itself, so that two
      stories in each other's lists share at least those two; below ``JACCARD_PRUNE``: 0;
    * "fuzzy": UMAP's membership strength exp(-(d - rho_i) / sigma_i) (rho_i the distance to
      i's nearest neighbour, sigma_i such that i's strengths sum to log2(k)), the two ends'
      a and b joined as a + b - ab (an edge in one list only: its one strength).

    >>> d = np.array([[0.1, 0.2], [0.1, 0.3], [0.2, 0.3]])
    >>> i = np.array([[1, 2], [0, 2], [0, 1]])
    >>> edge_weights(d, i, "jaccard").tolist()  # a triangle: every list is all three
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """
    n, k = idx.shape
    if weights == "cosine":
        return np.clip(1.0 - dist.ravel().astype(np.float64), 1e-3, None)
    src = np.repeat(np.arange(n, dtype=np.int64), k)
    dst = idx.ravel().astype(np.int64)
    if weights == "jaccard":
        from scipy.sparse import csr_matrix

        rows = np.concatenate([src, np.arange(n)])
        cols = np.concatenate([dst, np.arange(n)])
        a = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, n))
        a.sum_duplicates()
        a.data[:] = 1.0
        size = np.asarray(a.getnnz(axis=1), dtype=np.float64)
        inter = np.asarray(a[src].multiply(a[dst]).sum(axis=1), dtype=np.float64).ravel()
        jac = inter / (size[src] + size[dst] - inter)
        return np.where(jac >= JACCARD_PRUNE, jac, 0.0)
    if weights == "fuzzy":
        d = dist.astype(np.float64)
        rho = d[:, 0:1] if k else np.zeros((n, 1))
        gap = np.maximum(d - rho, 0.0)
        target = np.log2(max(k, 2))
        lo, hi = np.zeros(n), np.full(n, np.inf)
        sigma = np.ones(n)
        for _ in range(64):  # bisection on every row at once (UMAP's smooth_knn_dist)
            got = np.exp(-gap / sigma[:, None]).sum(axis=1)
            big = got > target
            hi = np.where(big, sigma, hi)
            lo = np.where(big, lo, sigma)
            sigma = np.where(np.isinf(hi), sigma * 2, (lo + hi) / 2)
        sigma = np.maximum(sigma, 1e-3 * max(float(d.mean()), 1e-12))
        strength = np.exp(-gap / sigma[:, None]).ravel()
        # the other end's strength for the same pair (0 when the edge is in one list only)
        key = src * n + dst
        back = dst * n + src
        order = np.argsort(key)
        pos = np.searchsorted(key[order], back)
        pos = np.minimum(pos, len(key) - 1)
        found = key[order][pos] == back
        other = np.where(found, strength[order][pos], 0.0)
        return np.asarray(np.maximum(strength + other - strength * other, 1e-6), np.float64)
    raise ValueError(f"unknown edge weights {weights!r}; one of {', '.join(WEIGHTINGS)}")


def weighted_graph(n: int, edges: np.ndarray, weights: np.ndarray, loops: bool = False) -> Any:
    """Undirected igraph with ``n`` nodes, ``edges`` (m, 2) and a ``weight`` per edge.
    (``add_edges`` takes a numpy array about 3x faster than the constructor does.) ``loops``:
    some edges are loops (recorded as the graph attribute ``loops``, which ``leiden`` reads)."""
    import igraph as ig

    g = ig.Graph(n=n, directed=False)
    g.add_edges(np.ascontiguousarray(edges, dtype=np.int64))
    g.es["weight"] = np.asarray(weights, dtype=np.float64)
    g["loops"] = loops
    return g


def leiden(graph: Any, resolution: float, seed: int,
           initial: Sequence[int] | None = None, iterations: int | None = None) -> np.ndarray:
    """One Leiden run: igraph's C implementation (``Graph.community_leiden``), modularity with
    ``resolution`` on the edge weights (the RB-configuration quality), ``iterations`` optimiser
    passes (default ``ITERATIONS``; -1: until nothing changes). Deterministic for a ``seed``:
    igraph draws from a ``random.Random(seed)`` for the run, then from ``random`` again."""
    import random

    import igraph as ig

    # igraph's Leiden leaves loops out of a node's degree: give it the degrees with them
    node_weights = (graph.strength(weights="weight", loops=True)
                    if "loops" in graph.attributes() and graph["loops"] else None)
    ig.set_random_number_generator(random.Random(int(seed)))
    try:
        part = graph.community_leiden(
            objective_function="modularity", weights="weight", resolution=resolution,
            n_iterations=ITERATIONS if iterations is None else iterations,
            initial_membership=None if initial is None else list(initial),
            node_weights=node_weights)
    finally:
        ig.set_random_number_generator(random)
    return _canonical(np.asarray(part.membership, dtype=np.int64))


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Relabel 0..k-1 by size, largest first (ties: earliest member first)."""
    ks, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    renum = np.empty(int(ks.max()) + 1 if len(ks) else 0, dtype=np.int64)
    renum[ks[order]] = np.arange(len(ks))
    return renum[labels] if len(labels) else labels


def co_membership(runs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """For each story: the share of its community-mates (under ``labels``) that each run puts in
    the same community as the story, averaged over the runs. 1.0: always together."""
    n = len(labels)
    out = np.zeros(n)
    if n == 0 or len(runs) == 0:
        return out
    for r in runs:
        # count, for each (final community, run community) pair, the stories in it
        m = int(r.max()) + 1
        pair = labels * m + r
        _, inv, cnt = np.unique(pair, return_inverse=True, return_counts=True)
        size = np.bincount(labels)
        same = cnt[inv] - 1
        mates = np.maximum(size[labels] - 1, 1)
        out += np.where(size[labels] > 1, same / mates, 1.0)
    return out / len(runs)


def consensus_leiden(graph: Any, resolution: float = DEFAULT_RESOLUTION,
                     seeds: Iterable[int] = range(DEFAULT_SEEDS),
                     rounds: int | None = None, node_weight: np.ndarray | None = None
                     ) -> GraphFit:
    """Leiden with each seed; then Leiden once more on the graph whose edges are weighted by how
    often the runs kept their two ends together (edges never kept together dropped), started from
    the first run's partition. With one seed: that run. ``rounds`` > 1 (default
    ``CONSENSUS_ROUNDS``): before that last run, the seeded runs are repeated on the weighted
    graph, each round's agreement weighting the next, until the runs agree or ``rounds`` is
    reached (Lancichinetti & Fortunato's iterated consensus). Stability is that of the first
    round's runs."""
    seeds = list(seeds)
    rounds = CONSENSUS_ROUNDS if rounds is None else rounds
    runs = np.stack([leiden(graph, resolution, s) for s in seeds])
    if len(seeds) == 1:
        labels = runs[0]
    else:
        g, cur = graph, runs
        for _ in range(max(1, rounds) - 1):
            if (cur == cur[0]).all():
                break
            g = _agreement_graph(g, cur)
            cur = np.stack([leiden(g, resolution, s) for s in seeds])
        labels = leiden(_agreement_graph(g, cur), resolution, seeds[0], initial=cur[0])
        if MERGE_TOGETHER is not None:
            labels = merge_together(labels, runs, MERGE_TOGETHER, node_weight)
    return GraphFit(labels, runs, co_membership(runs, labels))


def held(fit: GraphFit, node_weight: np.ndarray | None = None) -> float:
    """How well the seeded runs of ``fit`` hold its consensus: the mean over stories (nodes
    weighted by ``node_weight``) of the share of runs that keep a story with its pattern."""
    if len(fit.story_stability) == 0:
        return 1.0
    return float(np.average(fit.story_stability, weights=node_weight))


def _pairs(size: np.ndarray) -> np.ndarray:
    """Pairs of stories between communities of these sizes (a with itself: two of its own)."""
    pairs = np.outer(size, size)
    pairs[np.diag_indices(len(size))] = size * (size - 1)
    return pairs


def pair_agreement(labels: np.ndarray, runs: np.ndarray,
                   node_weight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(A, size): A[a, b], the share of pairs of stories (one in community a, one in b; a = b:
    two of a's) that a seeded run puts in one community, averaged over ``runs``; each
    community's number of stories (``node_weight`` per row when given)."""
    k = int(labels.max()) + 1
    w = np.ones(len(labels)) if node_weight is None else np.asarray(node_weight, np.float64)
    size = np.bincount(labels, weights=w, minlength=k)
    agree = np.zeros((k, k))
    for r in runs:
        t = np.zeros((k, int(r.max()) + 1))
        np.add.at(t, (labels, r), w)
        together = t @ t.T
        # a story is not paired with itself
        together[np.diag_indices(k)] -= size
        agree += together
    pairs = _pairs(size)
    return agree / len(runs) / np.maximum(pairs, 1e-12), size


def merge_together(labels: np.ndarray, runs: np.ndarray, threshold: float,
                   node_weight: np.ndarray | None = None) -> np.ndarray:
    """Merge communities whose stories the seeded ``runs`` keep putting together: with A the
    pair agreement (``pair_agreement``), the pair a, b with the highest A[a, b] /
    sqrt(A[a, a] A[b, b]) (how often their stories meet, against how often each one's own
    stories do) is merged while that is at least ``threshold``; agreements are pooled over the
    merged communities' pairs. Returns canonical labels."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) == 0 or len(runs) == 0 or labels.max() < 1:
        return labels
    a, size = pair_agreement(labels, runs, node_weight)
    # pair counts agreeing (not shares), so that a merge pools them
    pairs = _pairs(size)
    count = a * pairs
    alive = np.ones(len(size), dtype=bool)
    out = labels.copy()
    while alive.sum() > 1:
        share = count / np.maximum(pairs, 1e-12)
        own = np.sqrt(np.maximum(np.outer(np.diag(share), np.diag(share)), 1e-12))
        score = share / own
        score[~alive, :] = -1.0
        score[:, ~alive] = -1.0
        np.fill_diagonal(score, -1.0)
        i, j = np.unravel_index(int(np.argmax(score)), score.shape)
        if score[i, j] < threshold:
            break
        keep, gone = min(i, j), max(i, j)
        diag = count[keep, keep] + count[gone, gone] + 2 * count[keep, gone]
        count[keep, :] += count[gone, :]
        count[:, keep] += count[:, gone]
        count[keep, keep] = diag
        size[keep] += size[gone]
        pairs = _pairs(size)
        alive[gone] = False
        out[out == gone] = keep
    return _canonical(out)


def stable_resolution(graph: Any, resolutions: Sequence[float], seeds: Iterable[int]) -> float:
    """The resolution among ``resolutions`` at which Leiden runs with ``seeds`` agree most (mean
    pairwise ARI; ties: the one nearest ``DEFAULT_RESOLUTION``)."""
    from itertools import combinations

    from sklearn.metrics import adjusted_rand_score

    seeds = list(seeds)
    best: tuple[float, float, float] | None = None
    for r in resolutions:
        runs = [leiden(graph, r, s) for s in seeds]
        agree = float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(runs, 2)]))
        key = (round(agree, 3), -abs(r - DEFAULT_RESOLUTION), r)
        if best is None or key > best:
            best = key
    return DEFAULT_RESOLUTION if best is None else best[2]


def _agreement_graph(graph: Any, runs: np.ndarray) -> Any:
    """``graph`` with each edge's weight times the share of ``runs`` that keep its two ends
    together (edges no run keeps together dropped)."""
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    together = (runs[:, edges[:, 0]] == runs[:, edges[:, 1]]).mean(axis=0)
    keep = together > 0
    w = np.asarray(graph.es["weight"], dtype=np.float64) * together
    return weighted_graph(graph.vcount(), edges[keep], w[keep],
                          loops="loops" in graph.attributes() and graph["loops"])


def neighbour_share(idx: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Share of each story's k nearest neighbours that have its label (0..1)."""
    if idx.size == 0:
        return np.ones(len(labels))
    return np.asarray((labels[idx] == labels[:, None]).mean(axis=1), dtype=np.float64)


def rival_share(idx: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Largest share of each story's k nearest neighbours in any one community other than its own
    (0..1; -1, no pattern, counts as one group)."""
    n = len(labels)
    if idx.size == 0 or n == 0:
        return np.zeros(n)
    labels = labels - min(0, int(labels.min()))  # -1 (no pattern), if any: a group of its own
    lab = labels[idx]
    other = lab != labels[:, None]
    rows = np.repeat(np.arange(n), idx.shape[1])[other.ravel()]
    m = int(labels.max()) + 1
    counts = np.bincount(rows * m + lab.ravel()[other.ravel()], minlength=n * m)
    return np.asarray(counts.reshape(n, m).max(axis=1) / idx.shape[1], dtype=np.float64)


def community_graph(graph: Any, labels: np.ndarray) -> np.ndarray:
    """(k, k) total edge weight between communities (diagonal: within)."""
    k = int(labels.max()) + 1 if len(labels) else 0
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = np.asarray(graph.es["weight"], dtype=np.float64)
    out = np.zeros((k, k))
    a, b = labels[edges[:, 0]], labels[edges[:, 1]]
    np.add.at(out, (a, b), w)
    np.add.at(out, (b, a), w)
    return out


def agglomerate(graph: Any, labels: np.ndarray, target: int,
                node_weight: np.ndarray | None = None
                ) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Merge communities, the most connected pair first (total edge weight between them over the
    product of their sizes: average linkage on the graph), until ``target`` remain. Sizes count
    ``node_weight`` (stories per node) when given.
    Returns the merged labels (canonical order) and the merges as (kept, absorbed) label pairs."""
    labels = np.asarray(labels, dtype=np.int64).copy()
    w = community_graph(graph, labels)
    size = np.bincount(labels, weights=node_weight, minlength=len(w)).astype(np.float64)
    alive = list(range(len(w)))
    merges: list[tuple[int, int]] = []
    while len(alive) > max(1, target):
        sub = w[np.ix_(alive, alive)] / np.outer(size[alive], size[alive])
        np.fill_diagonal(sub, -1.0)
        i, j = np.unravel_index(int(np.argmax(sub)), sub.shape)
        a, b = alive[min(i, j)], alive[max(i, j)]
        w[a, :] += w[b, :]
        w[:, a] += w[:, b]
        size[a] += size[b]
        labels[labels == b] = a
        alive.remove(b)
        merges.append((a, b))
    return _canonical(labels), merges


def split_to(graph: Any, labels: np.ndarray, target: int, resolution: float, seed: int,
             max_resolution: float = 64.0, node_weight: np.ndarray | None = None) -> np.ndarray:
    """About ``target`` communities: merge when there are more; when fewer, rerun Leiden at a
    doubled resolution until there are at least ``target``, then merge down."""
    r = resolution
    out = labels
    while int(out.max()) + 1 < target and r < max_resolution:
        r *= 2
        out = leiden(graph, r, seed)
    if int(out.max()) + 1 > target:
        out, _ = agglomerate(graph, out, target, node_weight)
    return out
