"""Attaching stories to existing patterns by nearest centroid, without refitting.

The rule (the same for both uses): a story joins the pattern whose centroid (the normalised mean
of the pattern's member vectors) is most cosine-similar to its vector, if that similarity is at
least the threshold; otherwise it stays unclustered. Such stories are flagged ``assigned`` and their
strength is that cosine similarity.

* ``--assign-noise T``: after HDBSCAN, stories it left unclustered are attached with threshold T
  (centroids from HDBSCAN's members); titles and keywords are computed after attachment.
* ``pni cluster --assign``: stories added since the last run are placed into that run's patterns
  (stored centroids), as a new run of kind ``assign`` whose ``parent_run`` is that run. Nothing is
  refitted: titles, keywords and exemplars stay those of the parent run; sizes and teller mixes
  are updated.

>>> import numpy as np
>>> v = np.array([[1, 0], [1, .1], [0, 1], [.7, .7], [-1, 0]], dtype="float32")
>>> v /= np.linalg.norm(v, axis=1, keepdims=True)
>>> lab, sim = nearest_centroid(v[3:], np.stack([v[0], v[2]]), threshold=0.5)
>>> lab.tolist()
[0, -1]
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import numpy as np

from pni.errors import NotFoundError, UsageError
from pni.store import Store
from pni.store import runs as runq

#: Cosine threshold for attaching unclustered and new stories (measured: docs/clustering.md).
DEFAULT_ASSIGN_THRESHOLD = 0.5


def centroids(vectors: np.ndarray, labels: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Pattern labels (>= 0, sorted) and their unit centroids (k, dim)."""
    ks = sorted(int(k) for k in set(labels.tolist()) if k >= 0)
    if not ks:
        return [], np.zeros((0, vectors.shape[1]), dtype=np.float32)
    c = np.stack([vectors[labels == k].astype(np.float64).mean(axis=0) for k in ks])
    norms = np.linalg.norm(c, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return ks, (c / norms).astype(np.float32)


#: Patterns whose centroids are this cosine-similar are merged after HDBSCAN (measured:
#: docs/clustering.md). The spectral reduction can split one tight, well-separated group into
#: several; their centroids stay nearly identical, distinct topics' centroids do not.
DEFAULT_MERGE_THRESHOLD = 0.9


def merge_close(vectors: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[np.ndarray, int]:
    """Merge, closest pair first, patterns whose centroids have cosine >= ``threshold``.
    Returns (labels, number of merges)."""
    labels = np.asarray(labels).copy()
    merges = 0
    while True:
        ks, cents = centroids(vectors, labels)
        if len(ks) < 2:
            return labels, merges
        sims = cents @ cents.T
        np.fill_diagonal(sims, -np.inf)
        i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
        if sims[i, j] < threshold:
            return labels, merges
        labels[labels == ks[max(i, j)]] = ks[min(i, j)]
        merges += 1


def nearest_centroid(
    vectors: np.ndarray, cents: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """For each vector: index of the nearest centroid (-1 below ``threshold``) and the cosine."""
    if len(cents) == 0 or len(vectors) == 0:
        return np.full(len(vectors), -1, dtype=np.int64), np.zeros(len(vectors))
    sims = np.asarray(vectors, dtype=np.float32) @ np.asarray(cents, dtype=np.float32).T
    best = sims.argmax(axis=1)
    top = sims[np.arange(len(vectors)), best].astype(np.float64)
    return np.where(top >= threshold, best, -1).astype(np.int64), top


def assign_noise(
    vectors: np.ndarray, labels: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Attach unclustered rows (label -1) to the nearest HDBSCAN pattern centroid.

    Returns (new labels, assigned mask, cosine of each attached row; 0 elsewhere).
    """
    labels = np.asarray(labels).copy()
    assigned = np.zeros(len(labels), dtype=bool)
    sims = np.zeros(len(labels))
    noise = np.flatnonzero(labels < 0)
    ks, cents = centroids(vectors, labels)
    if not ks or not len(noise):
        return labels, assigned, sims
    which, top = nearest_centroid(vectors[noise], cents, threshold)
    hit = which >= 0
    labels[noise[hit]] = np.asarray(ks)[which[hit]]
    assigned[noise[hit]] = True
    sims[noise[hit]] = top[hit]
    return labels, assigned, sims


def check_threshold(threshold: float) -> float:
    if not (-1.0 <= threshold <= 1.0):
        raise UsageError(f"the assignment threshold is a cosine similarity in [-1, 1], not {threshold}")
    return float(threshold)


def assign_new_stories(
    db: Store,
    embedder: Any,
    *,
    run_id: int | None = None,
    threshold: float | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Place stories added since cluster run ``run_id`` (default: the latest cluster run) into its
    patterns by nearest centroid, without refitting. Saves a run of kind ``assign`` and returns
    ``{"run_id", "parent_run", "n_new", "n_assigned", "threshold", "embedding"}``."""
    from pni.embed import embed_stories
    from pni.store import stories as sq

    t0 = time.perf_counter()
    parent = run_id if run_id is not None else runq.latest_run_id(db, kind="cluster")
    if parent is None:
        raise NotFoundError("no cluster run yet: run `pni cluster` before `pni cluster --assign`")
    prun = runq.get_run(db, parent)
    if prun["kind"] != "cluster":
        raise UsageError(f"run {parent} is an assign run; --assign needs a cluster run")
    emb_params = prun["params"].get("embedding", {})
    if emb_params and (emb_params.get("model"), emb_params.get("backend")) != (
            embedder.model_id, embedder.backend):
        raise UsageError(
            f"run {parent} was embedded with {emb_params.get('model')} ({emb_params.get('backend')});"
            f" --assign must use the same model and backend, not {embedder.model_id}"
            f" ({embedder.backend})")
    if threshold is None:
        threshold = prun["params"].get("assign_noise") or DEFAULT_ASSIGN_THRESHOLD
    threshold = check_threshold(float(threshold))

    patterns = runq.list_patterns(db, parent)
    if any(p["centroid"] is None for p in patterns):
        raise UsageError(f"run {parent} has patterns without stored centroids; rerun `pni cluster`")
    old = runq.list_assignments(db, parent)
    known = {a["story_id"] for a in old}
    stories = [s for s in sq.list_stories(db) if s.id not in known]
    res = embed_stories(db, stories, embedder, progress=progress)
    t_embed = time.perf_counter() - t0

    cents = (np.stack([p["centroid"] for p in patterns]) if patterns
             else np.zeros((0, res.vectors.shape[1] if len(stories) else 1), dtype=np.float32))
    if len(cents) and len(stories) and cents.shape[1] != res.vectors.shape[1]:
        raise UsageError("the new vectors and the run's centroids differ in dimension")
    which, top = nearest_centroid(res.vectors, cents, threshold)

    # map position of a new story: the mean position of its 3 nearest stories of the parent run
    xy_old = np.array([[a["x"] or 0.0, a["y"] or 0.0] for a in old]) if old else np.zeros((0, 2))
    old_vecs = None
    if old and stories:
        old_stories = {s.id: s for s in sq.list_stories(db, ids=list(known), with_answers=False)}
        ordered = [old_stories[a["story_id"]] for a in old if a["story_id"] in old_stories]
        old_vecs = embed_stories(db, ordered, embedder).vectors if len(ordered) == len(old) else None

    by_number = {p["number"]: p for p in patterns}
    number_of = {p["id"]: p["number"] for p in patterns}
    assignments: list[dict[str, Any]] = [
        {"story_id": a["story_id"], "pattern": number_of.get(a["pattern_id"]),
         "strength": a["strength"], "assigned": bool(a["assigned"]), "x": a["x"], "y": a["y"]}
        for a in old
    ]
    for i, s in enumerate(stories):
        x = y = None
        if old_vecs is not None:
            near = np.argsort(-(old_vecs @ res.vectors[i]))[:3]
            x, y = (float(v) for v in xy_old[near].mean(axis=0))
        k = int(which[i])
        assignments.append({
            "story_id": s.id, "pattern": patterns[k]["number"] if k >= 0 else None,
            "strength": round(float(top[i]), 4) if k >= 0 else None, "assigned": k >= 0,
            "x": x, "y": y})

    sizes = Counter(a["pattern"] for a in assignments if a["pattern"] is not None)
    from pni.cluster.exemplars import teller_mix

    all_stories = {s.id: s for s in sq.list_stories(db)}
    members: dict[int, list[Any]] = {n: [] for n in by_number}
    for a in assignments:
        if a["pattern"] is not None and a["story_id"] in all_stories:
            members[a["pattern"]].append(all_stories[a["story_id"]])
    new_patterns = [
        {"number": n, "title": p["title"], "keywords": p["keywords"], "size": sizes.get(n, 0),
         "exemplars": p["exemplars"], "teller_mix": teller_mix(members[n]),
         "centroid": p["centroid"]}
        for n, p in sorted(by_number.items())
    ]
    n_assigned = int((which >= 0).sum())
    n_total = len(assignments)
    clustered = sum(1 for a in assignments if a["pattern"] is not None)
    metrics = {"n_new": len(stories), "n_new_assigned": n_assigned, "n_stories": n_total,
               "n_patterns": len(patterns), "coverage": clustered / n_total if n_total else None,
               "validity": None}
    new_id = runq.save_run(
        db, params={"assign_threshold": threshold, "rule": "nearest centroid, cosine >= threshold",
                    "embedding": {"model": embedder.model_id, "backend": embedder.backend}},
        seed=prun["seed"], versions=prun["versions"],
        timings={"embed": round(t_embed, 3), "total": round(time.perf_counter() - t0, 3)},
        metrics=metrics, patterns=new_patterns, assignments=assignments, kind="assign",
        parent_run=parent)
    return {"run_id": new_id, "parent_run": parent, "n_new": len(stories),
            "n_assigned": n_assigned, "threshold": threshold, "embedding": res.info()}
