"""Finding candidate patterns: embed (cached) -> kNN graph -> Leiden -> themes/sub-patterns -> label.

Patterns are the communities of consensus Leiden on the cosine kNN graph (``pni.cluster.graph``,
``pni.cluster.hierarchy``).

``cluster_vectors`` works on vectors and texts alone (scripts, benchmarks);
``cluster_stories`` reads the store, embeds through the vector cache and saves the run.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> c = rng.standard_normal((3, 16))
>>> v = np.vstack([c[i] + rng.normal(0, .05, (30, 16)) for i in range(3)])
>>> v /= np.linalg.norm(v, axis=1, keepdims=True)
>>> words = ["lunch table friends"] * 30 + ["sleep hours stress"] * 30 + ["quiz points"] * 30
>>> len(cluster_vectors(v, words, min_size=5).patterns)
3
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from pni.cluster.exemplars import centroid, pick_exemplars, teller_mix
from pni.cluster.hierarchy import default_min_size
from pni.cluster.labels import label_patterns, label_sample, story_terms, with_story_title
from pni.cluster.methods.base import Clusterer, ClusterOptions, check
from pni.cluster.results import (
    Clustering,
    FoundPattern,
    PatternGroup,
    RunResult,
    versions,
)
from pni.errors import DataError, UsageError
from pni.progress import report
from pni.store import Store

N_EXEMPLARS = 5


STEPS = ("Clustering", "Labelling", "Done")


def _stage(progress: Any, task: Any, label: str) -> None:
    """Step ``label`` of :data:`STEPS` begins (``pni.progress.Progress``)."""
    report(progress, "Clustering", STEPS.index(label), len(STEPS) - 1, label)


#: above this many stories the map is the principal components alone (the graph layout costs
#: about 2.5 ms a story on two cores)
MAP_LAYOUT_MAX = 2000
#: ... fitted on at most this many stories (a seeded sample)
MAP_PCA_FIT_ROWS = 50_000
#: Exemplars of a larger pattern are chosen among a seeded sample of this many of its stories
#: (the choice holds the pattern's vectors in float64).
EXEMPLAR_POOL = 20_000


def _exemplar_pool(rows: np.ndarray, seed: int) -> np.ndarray:
    """``rows`` (sorted), or a sorted seeded sample of ``EXEMPLAR_POOL`` of them."""
    if len(rows) <= EXEMPLAR_POOL:
        return rows
    return np.sort(np.random.default_rng(seed).choice(rows, EXEMPLAR_POOL, replace=False))


def story_map(vectors: np.ndarray, seed: int = 0, graph: Any = None) -> np.ndarray:
    """2-D coordinates for a story map. With ``graph`` (the weighted kNN graph the patterns
    come from, an ``igraph.Graph``) and up to ``MAP_LAYOUT_MAX`` stories: a DrL layout of that
    graph started from the principal components, so that a pattern reads as a region (on
    Counsel Chat, 0.73 of each story's 10 nearest dots share its pattern, against 0.40 for the
    components alone: ``bench/story_map.py``); else the first two principal components of the
    vectors. Deterministic for ``seed``."""
    xy = _components(vectors, seed)
    n = vectors.shape[0]
    if graph is None or not 3 <= n <= MAP_LAYOUT_MAX or graph.vcount() != n or not graph.ecount():
        return xy
    import random

    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    try:
        weights = "weight" if "weight" in graph.es.attributes() else None
        laid = np.asarray(graph.layout_drl(weights=weights, seed=xy.tolist()).coords,
                          dtype=np.float64)
    finally:
        igraph.set_random_number_generator(random)
    return laid if np.isfinite(laid).all() else xy


def _components(vectors: np.ndarray, seed: int = 0) -> np.ndarray:
    """The first two principal components of the vectors, signed the same way every time."""
    n = vectors.shape[0]
    if n == 0:
        return np.zeros((0, 2))
    if n < 3 or vectors.shape[1] < 2:
        out = np.zeros((n, 2))
        out[:, : min(2, vectors.shape[1])] = vectors[:, :2]
        return out
    from sklearn.decomposition import PCA

    if n > MAP_PCA_FIT_ROWS:  # fitted on a seeded sample: a million rows stay one copy
        rows = np.sort(np.random.default_rng(seed).choice(n, MAP_PCA_FIT_ROWS, replace=False))
        pca = PCA(2, random_state=seed).fit(vectors[rows])
        xy = np.vstack([pca.transform(vectors[s : s + 65536])
                        for s in range(0, n, 65536)])
    else:
        xy = PCA(2, random_state=seed).fit_transform(vectors)
    # a sign convention, so the same data always draws the same way round
    for j in range(2):
        if xy[np.argmax(np.abs(xy[:, j])), j] < 0:
            xy[:, j] = -xy[:, j]
    return np.asarray(xy, dtype=np.float64)


def cluster_vectors(
    vectors: np.ndarray,
    texts: Sequence[str],
    *,
    min_size: int | None = None,
    seed: int = 0,
    n_patterns: int | None = None,
    n_neighbors: int | None = None,
    resolution: float | None = None,
    n_seeds: int | None = None,
    eligible: Sequence[bool] | None = None,
    label_exclude: Iterable[str] = (),
    clusterer: str | Clusterer | None = None,
    titles: Sequence[str | None] | None = None,
    progress: Any = None,
) -> Clustering:
    """Patterns among unit ``vectors`` (n, d) with their ``texts``.

    ``clusterer``: a name from ``pni.cluster.methods.base.names()`` (default ``"leiden"``:
    consensus Leiden on the ``n_neighbors``-nearest-neighbour cosine graph at ``resolution``
    over ``n_seeds`` seeds); ``n_patterns`` asks for about that many patterns. Stories in
    communities smaller than ``min_size`` (default ``default_min_size(n)``) or with few
    neighbours in their community fit no pattern; loosely held ones are flagged (``loose``).
    Themes and sub-patterns nest above and below. ``eligible`` marks rows that may serve as
    exemplars;
    ``label_exclude``: words (people's names) never in titles and keywords; ``titles``: the
    stories' own titles (None where a story has none or may not be shown): a pattern's title
    ends with that of its most typical story (its first exemplar) when it is ``eligible``.
    Deterministic for a given ``seed``.
    """
    from pni.cluster import graph as gr
    from pni.cluster import hierarchy as hi

    t_all = time.perf_counter()
    x = np.asarray(vectors, dtype=np.float32)
    n = x.shape[0]
    if n != len(texts):
        raise UsageError("vectors and texts differ in length")
    if n_patterns is not None and n_patterns < 1:
        raise UsageError(f"ask for at least 1 pattern, not {n_patterns}")
    if min_size is None:
        min_size = default_min_size(n)
    if min_size < 2:
        raise UsageError(f"the minimum pattern size must be at least 2, not {min_size}")
    method = check(clusterer, n_patterns)
    task = None
    _stage(progress, task, "Clustering")
    timings: dict[str, float] = {}
    metrics: dict[str, Any] = {}
    t = time.perf_counter()
    gp = method.fit(x, ClusterOptions(min_size=min_size, seed=seed, n_patterns=n_patterns,
                                      n_neighbors=n_neighbors, resolution=resolution,
                                      n_seeds=n_seeds))
    labels, strength, loose, graph = gp.labels, gp.share, gp.loose, gp.graph
    stab = gp.story_stability
    res_r = gp.resolution
    params: dict[str, Any] = {
        "method": method.name, **gp.params, "min_size": min_size,
        "apart_below": hi.APART_BELOW, "loose_below": gr.LOOSE_BELOW}
    metrics["n_core"] = int((labels >= 0).sum())
    timings["cluster"] = time.perf_counter() - t
    _stage(progress, task, "Labelling")

    t = time.perf_counter()
    pattern = np.where(labels >= 0, labels + 1, 0).astype(np.int64)
    k = int(pattern.max()) if n else 0
    label_exclude = list(label_exclude)
    node_lab, node_w = gp.levels_input()  # the graph's nodes may stand for several stories
    sub = gp.to_stories(hi.subpatterns(graph, node_lab, min_size=min_size, resolution=res_r,
                                       seed=seed, node_weight=node_w))
    sample = label_sample(np.where(sub >= 0, sub + k, labels), seed=seed)
    terms = story_terms(texts, label_exclude, rows=sample) if k else None
    names = label_patterns(texts, pattern - 1, exclude=label_exclude, terms=terms)
    theme_of = (hi.themes(graph, node_lab, node_weight=node_w) if k
                else np.zeros(0, dtype=np.int64))
    theme_lab = np.where(labels >= 0, theme_of[np.maximum(labels, 0)] if k else -1, -1)
    theme_names = (label_patterns(texts, theme_lab, exclude=label_exclude, terms=terms)
                   if k >= 4 else {})
    sub_names = label_patterns(texts, sub, exclude=label_exclude, terms=terms)
    timings["label"] = time.perf_counter() - t

    t = time.perf_counter()
    elig = None if eligible is None else np.asarray(eligible, dtype=bool)
    found: list[FoundPattern] = []
    for number in range(1, k + 1):
        rows = np.flatnonzero(pattern == number)
        c = centroid(x[rows])
        pool = _exemplar_pool(rows, seed)
        ex = pick_exemplars(x[pool], k=N_EXEMPLARS, center=c,
                            eligible=None if elig is None else elig[pool])
        ex = np.searchsorted(rows, pool[ex]).tolist()
        title, keywords = names.get(number - 1, ("(untitled)", []))
        typical = int(rows[ex[0]]) if len(ex) else -1  # the exemplar nearest the centroid
        if titles is not None and typical >= 0 and (elig is None or elig[typical]):
            title = with_story_title(title, titles[typical])  # its own title, where it has one
        found.append(FoundPattern(
            number, title, keywords, rows.tolist(), [int(rows[j]) for j in ex], c,
            stability=None if stab is None else round(float(stab[rows].mean()), 4),
            theme=int(theme_of[number - 1]) + 1 if k >= 4 else None,
            n_loose=int(loose[rows].sum())))
    themes = [PatternGroup(t_ + 1, *theme_names.get(t_, ("(untitled)", [])),
                           members=np.flatnonzero(theme_lab == t_).tolist(),
                           patterns=[p.number for p in found if p.theme == t_ + 1])
              for t_ in range(int(theme_of.max()) + 1 if k >= 4 else 0)]
    subs = [PatternGroup(s_ + 1, *sub_names.get(s_, ("(untitled)", [])),
                         members=np.flatnonzero(sub == s_).tolist(),
                         parent=int(pattern[np.argmax(sub == s_)]))
            for s_ in range(int(sub.max()) + 1 if len(sub) else 0)]
    xy = story_map(x, seed, graph if gp.node_of is None else None) if n else np.zeros((0, 2))
    timings["exemplars_map"] = time.perf_counter() - t
    _stage(progress, task, "Done")
    timings["total"] = time.perf_counter() - t_all

    n_clustered = int((pattern > 0).sum())
    metrics |= {
        "n_stories": n,
        "n_patterns": len(found),
        "n_themes": len(themes),
        "n_subpatterns": len(subs),
        "coverage": n_clustered / n if n else None,
        "n_unclustered": n - n_clustered,
        "n_loose": int(loose.sum()),
        "seed_stability": None if stab is None or not n_clustered
        else round(float(stab[pattern > 0].mean()), 4),
        "min_size": min_size,
        "n_nodes": n if gp.node_weight is None else len(gp.node_weight),
    }
    return Clustering(pattern, strength, xy, found, metrics,
                      {k_: round(v, 4) for k_, v in timings.items()}, params, loose,
                      themes, subs)


def subsample_fit(**options: Any) -> Callable[[np.ndarray, list[str], int], np.ndarray]:
    """``cluster_vectors`` with ``options`` as a ``fit`` for ``stability_ari``: (vectors, texts,
    seed) -> each row's pattern number (0: none)."""
    def fit(vectors: np.ndarray, texts: list[str], seed: int) -> np.ndarray:
        return cluster_vectors(vectors, texts, seed=seed, **options).pattern

    return fit


def cluster_stories(
    db: Store,
    embedder: Any,
    *,
    min_size: int | None = None,
    seed: int = 0,
    n_patterns: int | None = None,
    resolution: float | None = None,
    stability: int = 0,
    names: Iterable[str] = (),
    clusterer: str | Clusterer | None = None,
    reuse: bool = True,
    progress: Any = None,
) -> RunResult:
    """Embed every story in the store (through the vector cache), find patterns, save the run.

    People's names (``names``, e.g. from a names file, plus tellers' names the store kept)
    never become pattern titles or keywords.

    ``n_patterns``, ``resolution``, ``clusterer``: see ``cluster_vectors``. ``stability`` K >= 2 also clusters K seeded 90%
    subsamples and K re-runs with other seeds and records each set's mean pairwise ARI
    (``metrics["stability"]``, ``metrics["seed_ari"]``). Raises ``DataError`` when the store
    holds no stories.

    ``reuse``: when an earlier call clustered the very same inputs (vectors, redacted texts,
    titles, consent, names, settings, code: ``pni.cluster.memo``), its clustering is read back
    from the store's cache instead of computed again (``metrics["reused"]``); False computes it
    afresh (and caches it for the next call).
    """
    from pni.cluster import memo
    from pni.cluster.methods.base import check
    from pni.embed import embed_stories
    from pni.privacy import name_words
    from pni.privacy.contacts import redact_contacts
    from pni.privacy.known import name_index
    from pni.store import derived
    from pni.store import runs as runq
    from pni.store import stories as sq

    check(clusterer, n_patterns)  # before any story is embedded
    t0 = time.perf_counter()
    stories = sq.list_stories(db)
    if not stories:
        raise DataError("the store holds no stories: run `pni collect` first")
    res = embed_stories(db, stories, embedder, progress=progress)
    t_embed = time.perf_counter() - t0
    index = name_index(db)  # every name the store has seen never becomes a label
    index.add_names(names)
    texts = [index.redact(s.text) for s in stories]
    shared = Counter(s.title for s in stories if s.title)
    eligible = [s.consent != "no" for s in stories]
    exclude = name_words(names)
    # a story's title joins its pattern's only with the teller's yes (titles are printed),
    # and only where it is the story's own: a title several stories share is their file's
    # or session's ("Kiva panel with Grade 7 students"), not what one of them is about
    titles = [redact_contacts(index.redact(s.title))
              if s.title and s.consent == "yes" and shared[s.title] == 1 else None
              for s in stories]
    t = time.perf_counter()
    memo_key = (memo.key(res.vectors, texts, {"min_size": min_size, "seed": seed,
                                              "n_patterns": n_patterns,
                                              "clusterer": clusterer or "leiden",
                                              "resolution": resolution},
                         eligible=eligible, titles=titles, exclude=exclude)
                if clusterer is None or isinstance(clusterer, str) else None)
    cl = None
    if reuse and memo_key is not None:
        data = derived.get(db, memo_key)
        cl = None if data is None else memo.load(data)
    if cl is not None:
        timings = {"embed": round(t_embed, 4), "reuse": round(time.perf_counter() - t, 4)}
        metrics = {**cl.metrics, "reused": True}
    else:
        cl = cluster_vectors(
            res.vectors, texts, min_size=min_size, seed=seed, n_patterns=n_patterns,
            resolution=resolution, eligible=eligible, label_exclude=exclude, clusterer=clusterer, titles=titles,
            progress=progress)
        if memo_key is not None:
            derived.put(db, memo_key, memo.KIND, memo.dump(cl))
        timings = {"embed": round(t_embed, 4), **cl.timings}
        metrics = {**cl.metrics, "reused": False}
    metrics["n_chunked"] = res.n_chunked
    if stability and stability >= 2:
        from pni.cluster.stability import seed_ari, stability_ari

        t = time.perf_counter()
        fit = subsample_fit(min_size=cl.params["min_size"], n_patterns=n_patterns,
                            resolution=resolution, clusterer=clusterer)
        metrics["stability"] = stability_ari(res.vectors, texts, k=stability, seed=seed, fit=fit)
        metrics["seed_ari"] = seed_ari(res.vectors, texts, k=stability, seed=seed, fit=fit)
        timings["stability"] = round(time.perf_counter() - t, 4)
    timings["total"] = round(time.perf_counter() - t0, 4)
    params = dict(cl.params)
    params["embedding"] = {"model": embedder.model_id, "revision": embedder.revision,
                           "backend": embedder.backend, "dim": int(embedder.dim)}
    vers = versions()
    vers["embedding_model"] = f"{embedder.model_id}@{embedder.revision}"

    ids = [s.id for s in stories]
    patterns = [
        {"number": p.number, "title": p.title, "keywords": p.keywords, "size": p.size,
         "exemplars": [ids[i] for i in p.exemplars],
         "teller_mix": teller_mix([stories[i] for i in p.members]), "centroid": p.centroid,
         "stability": p.stability, "theme": p.theme, "n_loose": p.n_loose}
        for p in cl.patterns
    ]
    sub_of = {i: g.number for g in cl.subpatterns for i in g.members}
    assignments = [
        {"story_id": ids[i], "pattern": int(cl.pattern[i]) or None, "sub": sub_of.get(i),
         "strength": round(float(cl.strength[i]), 4) if cl.pattern[i] else None,
         "loose": bool(cl.loose[i]),
         "x": round(float(cl.xy[i, 0]), 5), "y": round(float(cl.xy[i, 1]), 5)}
        for i in range(len(ids))
    ]
    levels = [
        {"level": level, "number": g.number, "parent": g.parent, "title": g.title,
         "keywords": g.keywords, "size": g.size, "patterns": g.patterns}
        for level, groups in (("theme", cl.themes), ("sub", cl.subpatterns)) for g in groups
    ]
    run_id = runq.save_run(db, params=params, seed=seed, versions=vers, timings=timings,
                           metrics=metrics, patterns=patterns, assignments=assignments,
                           levels=levels)
    cl.metrics = metrics
    cl.timings = timings
    return RunResult(run_id, ids, cl, res.info())
