"""Finding candidate patterns: embed (cached) -> reduce -> HDBSCAN -> attach noise -> label.

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pni.cluster.algorithms import Clusterer, default_min_size, get_clusterer
from pni.cluster.assign import (
    DEFAULT_ASSIGN_THRESHOLD,
    DEFAULT_MERGE_THRESHOLD,
    assign_noise,
    check_threshold,
    merge_close,
)
from pni.cluster.exemplars import centroid, pick_exemplars, teller_mix
from pni.cluster.labels import label_patterns
from pni.cluster.reduce import Reducer, get_reducer
from pni.errors import DataError, UsageError
from pni.progress import report
from pni.store import Store

N_EXEMPLARS = 5


@dataclass
class FoundPattern:
    number: int  # 1..k, largest first
    title: str
    keywords: list[str]
    members: list[int]  # row indices
    exemplars: list[int]  # row indices
    centroid: np.ndarray

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Clustering:
    """What ``cluster_vectors`` found. ``pattern[i]``: number of row i's pattern, 0 for none."""

    pattern: np.ndarray
    strength: np.ndarray  # HDBSCAN membership probability; cosine to centroid for attached rows
    assigned: np.ndarray  # bool: attached after clustering
    xy: np.ndarray  # (n, 2) story map
    patterns: list[FoundPattern]
    metrics: dict[str, Any]
    timings: dict[str, float]
    params: dict[str, Any]

    @property
    def n_patterns(self) -> int:
        return len(self.patterns)

    @property
    def coverage(self) -> float:
        n = len(self.pattern)
        return float((self.pattern > 0).sum() / n) if n else 0.0


@dataclass
class RunResult:
    """A saved run: its id, the clustering, and the embedding summary."""

    run_id: int
    story_ids: list[str]
    clustering: Clustering
    embedding: dict[str, Any] = field(default_factory=dict)

    @property
    def n_patterns(self) -> int:
        return self.clustering.n_patterns

    @property
    def coverage(self) -> float:
        return self.clustering.coverage


STEPS = ("Reducing", "Clustering", "Attaching and labelling", "Done")


def _stage(progress: Any, task: Any, label: str) -> None:
    """Step ``label`` of :data:`STEPS` begins (``pni.progress.Progress``)."""
    report(progress, "Clustering", STEPS.index(label), len(STEPS) - 1, label)


def story_map(reduced: np.ndarray, seed: int = 0) -> np.ndarray:
    """2-D coordinates for a story map: the first two principal components of the space the
    patterns were found in (so patterns that are apart there are apart on the map)."""
    n = reduced.shape[0]
    if n == 0:
        return np.zeros((0, 2))
    if n < 3 or reduced.shape[1] < 2:
        out = np.zeros((n, 2))
        out[:, : min(2, reduced.shape[1])] = reduced[:, :2]
        return out
    from sklearn.decomposition import PCA

    xy = PCA(2, random_state=seed).fit_transform(reduced)
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
    reducer: Reducer | str | None = None,
    clusterer: Clusterer | str | None = None,
    assign_noise_threshold: float | None = DEFAULT_ASSIGN_THRESHOLD,
    merge_threshold: float | None = DEFAULT_MERGE_THRESHOLD,
    eligible: Sequence[bool] | None = None,
    label_exclude: Iterable[str] = (),
    progress: Any = None,
) -> Clustering:
    """Patterns among unit ``vectors`` (n, d) with their ``texts``.

    ``min_size`` defaults to ``default_min_size(n)``; patterns whose centroids are at least
    ``merge_threshold`` cosine-similar are merged; ``assign_noise_threshold`` None keeps every
    unclustered story unclustered. ``eligible`` marks rows that may serve as exemplars.
    ``label_exclude``: words (people's names) that may not appear in titles and keywords.
    Deterministic for a given ``seed``.
    """
    t_all = time.perf_counter()
    x = np.asarray(vectors, dtype=np.float32)
    n = x.shape[0]
    if n != len(texts):
        raise UsageError("vectors and texts differ in length")
    red = get_reducer(reducer)
    clu = get_clusterer(clusterer)
    if min_size is None:
        min_size = default_min_size(n)
    if min_size < 2:
        raise UsageError(f"the minimum pattern size must be at least 2, not {min_size}")
    if assign_noise_threshold is not None:
        assign_noise_threshold = check_threshold(assign_noise_threshold)
    task = None
    _stage(progress, task, "Reducing")
    timings: dict[str, float] = {}

    t = time.perf_counter()
    reduced = red.fit_transform(x, seed=seed) if n else np.zeros((0, 2))
    timings["reduce"] = time.perf_counter() - t
    _stage(progress, task, "Clustering")

    t = time.perf_counter()
    fit = clu.fit(reduced, min_size=min_size, seed=seed)
    timings["cluster"] = time.perf_counter() - t
    _stage(progress, task, "Attaching and labelling")
    core = fit.labels.copy()
    n_merged = 0
    if merge_threshold is not None:
        core, n_merged = merge_close(x, core, merge_threshold)
    strength = np.where(core >= 0, fit.strength, 0.0)

    t = time.perf_counter()
    labels = core
    assigned = np.zeros(n, dtype=bool)
    if assign_noise_threshold is not None:
        labels, assigned, sims = assign_noise(x, core, assign_noise_threshold)
        strength = np.where(assigned, sims, strength)
    timings["assign"] = time.perf_counter() - t

    t = time.perf_counter()
    # number patterns 1..k by final size, largest first (ties: earliest member first)
    ks = sorted({int(k) for k in labels.tolist() if k >= 0},
                key=lambda k: (-int((labels == k).sum()), int(np.argmax(labels == k))))
    renum = {k: i + 1 for i, k in enumerate(ks)}
    pattern = np.array([renum.get(int(k), 0) for k in labels], dtype=np.int64)
    names = label_patterns(texts, pattern - 1, exclude=label_exclude)
    timings["label"] = time.perf_counter() - t

    t = time.perf_counter()
    elig = None if eligible is None else np.asarray(eligible, dtype=bool)
    found: list[FoundPattern] = []
    for number in range(1, len(ks) + 1):
        rows = np.flatnonzero(pattern == number)
        c = centroid(x[rows])
        ex = pick_exemplars(x[rows], k=N_EXEMPLARS, center=c,
                            eligible=None if elig is None else elig[rows])
        title, keywords = names.get(number - 1, ("(untitled)", []))
        found.append(FoundPattern(number, title, keywords, rows.tolist(),
                                  [int(rows[j]) for j in ex], c))
    xy = story_map(reduced, seed) if n else np.zeros((0, 2))
    timings["exemplars_map"] = time.perf_counter() - t
    _stage(progress, task, "Done")
    timings["total"] = time.perf_counter() - t_all

    n_core = int((core >= 0).sum())
    n_clustered = int((pattern > 0).sum())
    metrics = {
        "n_stories": n,
        "n_patterns": len(found),
        "coverage": n_clustered / n if n else None,
        "coverage_before_assign": n_core / n if n else None,
        "n_unclustered": n - n_clustered,
        "n_assigned": int(assigned.sum()),
        "n_merged": n_merged,
        "validity": None if fit.validity is None else round(fit.validity, 4),
        "validity_method": fit.validity_method,
        "selection": fit.selection,
        "min_size": min_size,
    }
    params = {
        "min_size": min_size,
        "reducer": red.name,
        "reducer_params": red.params,
        "clusterer": clu.name,
        "clusterer_params": clu.params,
        "assign_noise": assign_noise_threshold,
        "merge_threshold": merge_threshold,
    }
    return Clustering(pattern, strength, assigned, xy, found, metrics,
                      {k: round(v, 4) for k, v in timings.items()}, params)


def subsample_fit(**options: Any) -> Callable[[np.ndarray, list[str], int], np.ndarray]:
    """``cluster_vectors`` with ``options`` as a ``fit`` for ``stability_ari``: (vectors, texts,
    seed) -> each row's pattern number (0: none)."""
    def fit(vectors: np.ndarray, texts: list[str], seed: int) -> np.ndarray:
        return cluster_vectors(vectors, texts, seed=seed, **options).pattern

    return fit


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("pni", "numpy", "scipy", "scikit-learn", "hdbscan"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            continue
    return out


AUTO = "auto"


def calibrated(embedder: Any, value: float | str | None, default: float) -> float | None:
    """A cosine threshold: ``value`` as given, or for ``"auto"`` the value calibrated for
    all-MiniLM-L6-v2, unless the embedder says its cosines are on another scale
    (``thresholds_calibrated = False``: then None, no threshold)."""
    if value != AUTO:
        return None if value is None else float(value)
    return default if getattr(embedder, "thresholds_calibrated", True) else None


def cluster_stories(
    db: Store,
    embedder: Any,
    *,
    min_size: int | None = None,
    seed: int = 0,
    reducer: Reducer | str | None = None,
    clusterer: Clusterer | str | None = None,
    assign_noise: float | str | None = AUTO,
    merge_threshold: float | str | None = AUTO,
    stability: int = 0,
    names: Iterable[str] = (),
    progress: Any = None,
) -> RunResult:
    """Embed every story in the store (through the vector cache), find patterns, save the run.

    People's names (``names``, e.g. from a names file, plus tellers' names the store kept)
    never become pattern titles or keywords.

    The cosine thresholds (``assign_noise``, ``merge_threshold``) are calibrated for
    all-MiniLM-L6-v2; other embedders may need others. ``"auto"`` (the default) takes the
    calibrated values, or None for both with the fake test embedder, whose cosines are not MiniLM's.
    ``stability`` K >= 2 also clusters K seeded 90% subsamples and records their mean pairwise
    ARI (``metrics["stability"]``). Raises ``DataError`` when the store holds no stories.
    """
    from pni.embed import embed_stories
    from pni.privacy import name_words
    from pni.privacy.known import name_index
    from pni.store import runs as runq
    from pni.store import stories as sq

    assign_noise = calibrated(embedder, assign_noise, DEFAULT_ASSIGN_THRESHOLD)
    merge_threshold = calibrated(embedder, merge_threshold, DEFAULT_MERGE_THRESHOLD)

    t0 = time.perf_counter()
    stories = sq.list_stories(db)
    if not stories:
        raise DataError("the store holds no stories: run `pni collect` first")
    res = embed_stories(db, stories, embedder, progress=progress)
    t_embed = time.perf_counter() - t0
    index = name_index(db)  # every name the store has seen never becomes a label
    index.add_names(names)
    texts = [index.redact(s.text) for s in stories]
    cl = cluster_vectors(
        res.vectors, texts, min_size=min_size, seed=seed, reducer=reducer, clusterer=clusterer,
        assign_noise_threshold=assign_noise, merge_threshold=merge_threshold,
        eligible=[s.consent != "no" for s in stories],
        label_exclude=name_words(names),
        progress=progress)
    metrics = dict(cl.metrics)
    metrics["n_chunked"] = res.n_chunked
    timings = {"embed": round(t_embed, 4), **cl.timings}
    if stability and stability >= 2:
        from pni.cluster.stability import stability_ari

        t = time.perf_counter()
        metrics["stability"] = stability_ari(
            res.vectors, texts, k=stability, seed=seed, fit=subsample_fit(
                min_size=cl.params["min_size"], reducer=reducer, clusterer=clusterer,
                assign_noise_threshold=assign_noise, merge_threshold=merge_threshold))
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
         "teller_mix": teller_mix([stories[i] for i in p.members]), "centroid": p.centroid}
        for p in cl.patterns
    ]
    assignments = [
        {"story_id": ids[i], "pattern": int(cl.pattern[i]) or None,
         "strength": round(float(cl.strength[i]), 4) if cl.pattern[i] else None,
         "assigned": bool(cl.assigned[i]),
         "x": round(float(cl.xy[i, 0]), 5), "y": round(float(cl.xy[i, 1]), 5)}
        for i in range(len(ids))
    ]
    run_id = runq.save_run(db, params=params, seed=seed, versions=vers, timings=timings,
                           metrics=metrics, patterns=patterns, assignments=assignments)
    cl.metrics = metrics
    cl.timings = timings
    return RunResult(run_id, ids, cl, res.info())
