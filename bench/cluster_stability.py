"""How stable is pni's default, corpus by corpus, and what its quality is at the same time.

    .venv/bin/python bench/cluster_stability.py                      # the default
    .venv/bin/python bench/cluster_stability.py --variants all       # and every variant tried
    .venv/bin/python bench/cluster_stability.py --variants centred,rounds=3 --corpora cfpb
    .venv/bin/python bench/cluster_stability.py --held              # what the coarsening reads
    .venv/bin/python bench/cluster_stability.py --small             # it on 150 and 400 stories

For every eval corpus (all stories, the cached onnx-int8 vectors of bench/cluster_quality.py):

* re-runs: the default on all stories with seeds 0, 1000, ..., 4000 (what `pni cluster
  --stability 5` calls ``seed_ari``): mean and min pairwise ARI;
* subsamples: 5 seeded 90% subsamples (``stability_ari``): mean and min pairwise ARI on the
  stories both runs saw;
* loose share and coverage of the seed-0 run;
* quality over the five re-runs: ARI against the labels, its share of k-means told the true
  number of labels (the oracle), NMI and its ratio to BERTopic's (the mean of 3 seeds: from
  the leave-one-corpus-out score cache beside the vectors when it holds the corpus, else
  docs/benchmarks.md's run of 2026-11-27; BERTopic is a bench extra).

Goal (issue 23): re-runs >= .9, subsamples >= .8, loose < 20% on every corpus, without giving up
quality (ARI >= the oracle's, NMI >= BERTopic's, coverage >= .7). A variant is the default with
one thing changed (``VARIANTS``), scored on the same runs. Patterns come from
``pni.cluster.hierarchy.graph_patterns`` exactly as ``cluster_vectors`` finds them (labels and
exemplars do not change the partition).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster_quality as cq

RUNS = 5
#: BERTopic's NMI (its defaults, UMAP seeded, mean of seeds 0-2) on the same vectors: the
#: leave-one-corpus-out run of 2026-11-27 in docs/benchmarks.md.
BERTOPIC_NMI = {"cfpb": 0.299, "counsel": 0.317, "rmhd": 0.487, "cams": 0.109, "druglib": 0.722}


def bertopic_nmi(name: str) -> float:
    """BERTopic's NMI on ``name``: from the leave-one-corpus-out score cache beside the vectors
    (``bench/cluster_quality.py --only loco``, the same vectors) when it holds it, else
    ``BERTOPIC_NMI``."""
    path = cq.CACHE / "loco-scores.json"
    if path.exists():
        done = json.loads(path.read_text("utf-8"))
        for key, v in done.items():
            if key.startswith(f"{name}|") and "|BERTopic|" in key and isinstance(v, dict):
                return float(v["nmi"])
    return BERTOPIC_NMI[name]


def _centre(x: np.ndarray) -> np.ndarray:
    y = x - x.mean(axis=0)
    return np.asarray(y / np.linalg.norm(y, axis=1, keepdims=True), dtype=np.float32)


def _pca(dim: int, whiten: bool) -> Callable[[np.ndarray], np.ndarray]:
    """PCA to ``dim`` dimensions fitted on the whole collection (whitened: each component
    scaled to unit variance), rows renormalised: the cosine kNN graph is then built on these."""
    def go(x: np.ndarray) -> np.ndarray:
        from sklearn.decomposition import PCA

        y = PCA(dim, whiten=whiten, random_state=0).fit_transform(x)
        return np.asarray(y / np.linalg.norm(y, axis=1, keepdims=True), dtype=np.float32)
    return go


#: name -> (vector transform or None, {module attribute: value} set for the run, graph_patterns
#: options)
VARIANTS: dict[str, tuple[Callable[[np.ndarray], np.ndarray] | None, dict[str, Any],
                          dict[str, Any]]] = {
    "default": (None, {}, {}),
    # issue 23, fourth pass: the default until then, and the default without its coarsening
    "before: k=30 without coarsening": (None, {"DEFAULT_NEIGHBORS": 30, "COARSEN_BELOW": None}, {}),
    "no coarsening": (None, {"COARSEN_BELOW": None}, {}),
    "k=50": (None, {"DEFAULT_NEIGHBORS": 50}, {}),
    "centred": (_centre, {}, {}),
    "rounds=3": (None, {"CONSENSUS_ROUNDS": 3}, {}),
    "rounds=5": (None, {"CONSENSUS_ROUNDS": 5}, {}),
    "seeds=10": (None, {}, {"n_seeds": 10}),  # the default before issue 23's second pass
    "centred rounds=3": (_centre, {"CONSENSUS_ROUNDS": 3}, {}),
    "k=20": (None, {}, {"n_neighbors": 20}),  # k told: no cap at n/20, no coarsening
    "k=20 seeds=10": (None, {}, {"n_neighbors": 20, "n_seeds": 10}),
    "k=20 centred": (_centre, {}, {"n_neighbors": 20}),
    "k=20 rounds=3": (None, {"CONSENSUS_ROUNDS": 3}, {"n_neighbors": 20}),
    "k=15": (None, {}, {"n_neighbors": 15}),
    # the resolution leave-one-corpus-out picks on the vectors of one window a call (2026-12-07)
    "r=1.0": (None, {}, {"resolution": 1.0}),
    "r by stability (.75-1.5)": (None, {"RESOLUTIONS": (0.75, 1.0, 1.25, 1.5)}, {}),
    "r by stability (.5-1.25)": (None, {"RESOLUTIONS": (0.5, 0.75, 1.0, 1.25)}, {}),
    # issue 23, second pass (the default now: 20 seeds, the "rival" loose rule). Measured and
    # taken out of pni again (commit df2906b has them): the merge read on the kNN edges between
    # two communities, edge-dropping runs, a fixed-seed last run, a thresholded agreement graph
    **{f"seeds={s}": (None, {}, {"n_seeds": s}) for s in (30, 40)},
    **{f"merge pairs>={t}": (None, {"MERGE_TOGETHER": t}, {"n_seeds": 10})
       for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)},
    **{f"seeds=20 merge pairs>={t}": (None, {"MERGE_TOGETHER": t}, {}) for t in (0.3, 0.35)},
    "iterations=-1": (None, {"ITERATIONS": -1}, {}),
    "iterations=1": (None, {"ITERATIONS": 1}, {}),
    "seeds=10 iterations=-1": (None, {"ITERATIONS": -1}, {"n_seeds": 10}),
    "loose: share (the previous rule)": (None, {"hierarchy.LOOSE_RULE": "share"}, {}),
    # issue 23, third pass: the graph's edge weights (``pni.cluster.graph.EDGE_WEIGHTS``) and
    # a PCA of the vectors before the kNN search; resolutions beside the default's 1.25
    **{f"{w}{'' if r is None else f' r={r}'}": (None, {"EDGE_WEIGHTS": w},
                                                 {} if r is None else {"resolution": r})
       for w in ("jaccard", "fuzzy") for r in (None, 1.0, 1.5)},
    **{f"jaccard prune 1/15{'' if r is None else f' r={r}'}": (
        None, {"EDGE_WEIGHTS": "jaccard", "JACCARD_PRUNE": 1 / 15},
        {} if r is None else {"resolution": r}) for r in (None, 1.0, 1.5)},
    **{f"pca{d}{' whitened' if wh else ''}": (_pca(d, wh), {}, {})
       for d in (50, 100) for wh in (False, True)},
    **{f"pca{d} jaccard{'' if r is None else f' r={r}'}": (
        _pca(d, False), {"EDGE_WEIGHTS": "jaccard"}, {} if r is None else {"resolution": r})
       for d in (50, 100) for r in (None, 1.0, 1.5)},
    **{f"pca{d}{'' if r is None else f' r={r}'}": (_pca(d, False), {}, {"resolution": r})
       for d in (50, 100) for r in (1.0, 1.5)},
    # the same PCA inside pni (``GRAPH_PCA``): fitted on the stories each run clusters (the 90%
    # subsample's own), as pni would
    **{f"graph pca{d}{'' if r is None else f' r={r}'}": (
        None, {"GRAPH_PCA": d}, {} if r is None else {"resolution": r})
       for d in (50, 100) for r in (None, 1.0, 1.5)},
}


def _fit(x: np.ndarray, seed: int, opts: dict[str, Any]) -> Any:
    from pni.cluster.hierarchy import default_min_size, graph_patterns

    return graph_patterns(np.asarray(x, dtype=np.float32), min_size=default_min_size(len(x)),
                          seed=seed, **opts)


def _pairwise(runs: list[dict[int, int]]) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score

    aris = []
    for a, b in combinations(runs, 2):
        common = sorted(set(a) & set(b))
        aris.append(adjusted_rand_score([a[i] for i in common], [b[i] for i in common]))
    return float(np.mean(aris)), float(np.min(aris))


def measure(name: str, variant: str, oracle: dict[str, float]) -> list[Any]:
    """One row of the table: ``variant`` on corpus ``name``."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from pni.cluster import graph as gr

    transform, patches, opts = VARIANTS[variant]
    vec, txt = cq.corpus_vectors(name, None)
    x = np.load(vec)
    truth = json.loads(txt.read_text(encoding="utf-8"))["labels"]
    if transform is not None:
        x = transform(x)
    from pni.cluster import hierarchy as hi

    def where(key: str) -> tuple[Any, str]:
        mod, _, attr = key.rpartition(".")
        return {"": gr, "graph": gr, "hierarchy": hi}[mod], attr

    saved = {k: getattr(*where(k)) for k in patches}
    for k, v in patches.items():
        setattr(*where(k), v)
    try:
        t = time.perf_counter()
        whole = [_fit(x, j * 1000, opts) for j in range(RUNS)]
        n = len(x)
        m = round(n * 0.9)
        subs = []
        for j in range(RUNS):
            rows = np.sort(np.random.default_rng(j).choice(n, size=m, replace=False))
            subs.append(dict(zip(rows.tolist(), _fit(x[rows], j, opts).labels.tolist(),
                                 strict=True)))
        wall = (time.perf_counter() - t) / (2 * RUNS)
    finally:
        for k, v in saved.items():
            setattr(*where(k), v)
    seed_mean, seed_min = _pairwise([dict(enumerate(g.labels.tolist())) for g in whole])
    sub_mean, sub_min = _pairwise(subs)
    ari = float(np.mean([adjusted_rand_score(truth, g.labels) for g in whole]))
    nmi = float(np.mean([normalized_mutual_info_score(truth, g.labels) for g in whole]))
    g0 = whole[0]
    cov = float((g0.labels >= 0).mean())
    k = float(np.mean([int(g.labels.max()) + 1 for g in whole]))
    return [name, variant, seed_mean, seed_min, sub_mean, sub_min, float(g0.loose.mean()), cov,
            round(k, 1), ari, ari / oracle[name], nmi, nmi / bertopic_nmi(name), wall]


def oracle_ari(names: list[str]) -> dict[str, float]:
    """k-means told the true number of labels (10 restarts, seed 0), cached beside the vectors."""
    path = cq.CACHE / "kmeans-oracle.json"
    done = json.loads(path.read_text("utf-8")) if path.exists() else {}
    for name in names:
        if name not in done:
            from sklearn.metrics import adjusted_rand_score

            vec, txt = cq.corpus_vectors(name, None)
            truth = json.loads(txt.read_text(encoding="utf-8"))["labels"]
            done[name] = float(adjusted_rand_score(
                truth, cq._kmeans(np.load(vec), len(set(truth)))))
            path.write_text(json.dumps(done), encoding="utf-8")
    return done


def held_table(names: list[str], resolutions: tuple[float, ...] = (1.0, 1.25, 1.5)) -> None:
    """``--held``: how well the default's 20 seeded runs hold their consensus (``gr.held``, what
    ``COARSEN_BELOW`` is compared with) at each resolution, on all stories and on one seeded
    90% subsample, with the number of communities."""
    from pni.cluster import graph as gr
    from pni.cluster.nodes import collapse

    print("| corpus | stories | " + " | ".join(f"held at r={r} (communities)" for r in resolutions)
          + " |")
    print("|---|---|" + "---|" * len(resolutions))
    for name in names:
        vec, _ = cq.corpus_vectors(name, None)
        x = np.load(vec).astype(np.float32)
        rows = np.sort(np.random.default_rng(1).choice(len(x), round(len(x) * .9), replace=False))
        for label, xx in (("all", x), ("90% subsample", x[rows])):
            nodes = collapse(xx, gr.neighbors_for(len(xx)), 0)
            g = gr.knn_igraph(nodes.dist, nodes.idx, None if nodes.identity else nodes.weight,
                              nodes.self_weight)
            w = None if nodes.identity else nodes.weight
            cells = []
            for r in resolutions:
                fit = gr.consensus_leiden(g, r, range(gr.DEFAULT_SEEDS), node_weight=w)
                cells.append(f"{gr.held(fit, w):.3f} ({int(fit.labels.max()) + 1})")
            print(f"| {name} | {label} | " + " | ".join(cells) + " |", flush=True)


def small_table(names: list[str], sizes: tuple[int, ...] = (150, 400), draws: int = 4,
                reruns: int = 3) -> None:
    """``--small``: the coarsening on collections of PNI's usual sizes. For each corpus and
    size, ``draws`` seeded random draws of that many stories, each clustered with ``reruns``
    seeds (0, 1000, ...) with the coarsening at any size (``COARSEN_MIN_STORIES`` = 0) and
    without it: how often it coarsened, the re-runs' mean pairwise ARI, ARI against the labels,
    patterns."""
    from sklearn.metrics import adjusted_rand_score as ari

    from pni.cluster import graph as gr
    from pni.cluster.hierarchy import default_min_size, graph_patterns

    print("| corpus | stories | coarsened | re-runs ARI, coarsening | re-runs ARI, none |"
          " ARI vs labels, coarsening | none | patterns, coarsening | none |")
    print("|---|---|---|---|---|---|---|---|---|")
    saved = gr.COARSEN_MIN_STORIES
    gr.COARSEN_MIN_STORIES = 0
    try:
        for name in names:
            vec, txt = cq.corpus_vectors(name, None)
            x = np.load(vec).astype(np.float32)
            truth = np.asarray(json.loads(txt.read_text(encoding="utf-8"))["labels"])
            for m in sizes:
                got: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
                hit = 0
                for d in range(draws):
                    rows = np.random.default_rng(100 + d).choice(len(x), m, replace=False)
                    for co in (True, False):
                        fits = [graph_patterns(x[rows], min_size=default_min_size(m),
                                               seed=j * 1000, coarsen=co)
                                for j in range(reruns)]
                        hit += sum("coarsened_from" in f.params for f in fits) if co else 0
                        got[co].append((
                            float(np.mean([ari(a.labels, b.labels)
                                           for a, b in combinations(fits, 2)])),
                            float(np.mean([ari(truth[rows], f.labels) for f in fits])),
                            float(np.mean([f.labels.max() + 1 for f in fits]))))
                w, wo = np.mean(got[True], axis=0), np.mean(got[False], axis=0)
                print(f"| {name} | {m} | {hit}/{draws * reruns} | {w[0]:.3f} | {wo[0]:.3f} |"
                      f" {w[1]:.3f} | {wo[1]:.3f} | {w[2]:.1f} | {wo[2]:.1f} |", flush=True)
    finally:
        gr.COARSEN_MIN_STORIES = saved


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", default="default",
                    help="comma-separated names of VARIANTS, or all")
    ap.add_argument("--corpora", default=",".join(cq.CORPORA))
    ap.add_argument("--held", action="store_true",
                    help="instead: how well the seeded runs hold their consensus, by resolution")
    ap.add_argument("--small", action="store_true",
                    help="instead: the coarsening on 150 and 400 stories drawn from each corpus")
    a = ap.parse_args()
    if a.small:
        small_table(a.corpora.split(","))
        return
    if a.held:
        held_table(a.corpora.split(","))
        return
    variants = list(VARIANTS) if a.variants == "all" else a.variants.split(",")
    for v in variants:
        if v not in VARIANTS:
            ap.error(f"unknown variant {v!r}; one of {', '.join(VARIANTS)}")
    names = a.corpora.split(",")
    from pni.embed.cpu import describe

    print(f"# pni stability benchmark ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs:"
          f" {describe()}; load average {os.getloadavg()[0]:.1f})\n")
    oracle = oracle_ari(names)
    cols = ["corpus", "variant", "re-runs: mean ARI", "min", "90% subsamples: mean ARI", "min",
            "loose share", "coverage", "patterns", "ARI", "ARI / k-means", "NMI",
            "NMI / BERTopic", "s per run"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join("---" for _ in cols) + "|", flush=True)
    for name in names:
        for v in variants:
            row = measure(name, v, oracle)
            print("| " + " | ".join(cq._fmt(c) if not isinstance(c, float) or c >= 10
                                     else f"{c:.3f}" for c in row) + " |", flush=True)


if __name__ == "__main__":
    main()
