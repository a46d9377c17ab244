"""``pni cluster --assign``: placing new stories into an existing run's patterns, without refitting.

The rule: a story joins the pattern whose stored centroid (the normalised mean of the pattern's
member vectors) is most cosine-similar to its vector, if that similarity is at least the
threshold (``--assign-noise``; default: the parent run's, else ``DEFAULT_ASSIGN_THRESHOLD``);
otherwise it stays unclustered. Placed stories are flagged ``assigned`` and their strength is
that similarity. The result is a new run of kind ``assign`` whose ``parent_run`` is the cluster
run. Titles, keywords and exemplars stay those of the parent run; sizes and teller mixes are
updated. Parent runs stored by earlier versions (``params["method"] == "hdbscan"``, which
recorded the threshold they attached unclustered stories at as ``assign_noise``) work the same.

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

#: Cosine a new story needs to its nearest pattern centroid (calibrated for all-MiniLM-L6-v2:
#: docs/clustering.md).
DEFAULT_ASSIGN_THRESHOLD = 0.5


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
    if prun.kind != "cluster":
        raise UsageError(f"run {parent} is an assign run; --assign needs a cluster run")
    emb_params = prun.params.get("embedding", {})
    if emb_params and (emb_params.get("model"), emb_params.get("backend")) != (
            embedder.model_id, embedder.backend):
        raise UsageError(
            f"run {parent} was embedded with {emb_params.get('model')} ({emb_params.get('backend')});"
            f" --assign must use the same model and backend, not {embedder.model_id}"
            f" ({embedder.backend})")
    if threshold is None:
        # runs of the earlier HDBSCAN method recorded the threshold they attached stories at
        threshold = prun.params.get("assign_noise")
    if threshold is None:
        threshold = DEFAULT_ASSIGN_THRESHOLD
    threshold = check_threshold(float(threshold))

    patterns = runq.list_patterns(db, parent)
    centroids = [p.centroid for p in patterns if p.centroid is not None]
    if len(centroids) < len(patterns):
        raise UsageError(f"run {parent} has patterns without stored centroids; rerun `pni cluster`")
    old = runq.list_assignments(db, parent)
    known = {a.story_id for a in old}
    stories = [s for s in sq.list_stories(db) if s.id not in known]
    res = embed_stories(db, stories, embedder, progress=progress)
    t_embed = time.perf_counter() - t0

    cents = (np.stack(centroids) if centroids
             else np.zeros((0, res.vectors.shape[1] if len(stories) else 1), dtype=np.float32))
    if len(cents) and len(stories) and cents.shape[1] != res.vectors.shape[1]:
        raise UsageError("the new vectors and the run's centroids differ in dimension")
    which, top = nearest_centroid(res.vectors, cents, threshold)

    # map position of a new story: the mean position of its 3 nearest stories of the parent run
    xy_old = np.array([[a.x or 0.0, a.y or 0.0] for a in old]) if old else np.zeros((0, 2))
    old_vecs = None
    if old and stories:
        old_stories = {s.id: s for s in sq.list_stories(db, ids=list(known), with_answers=False)}
        ordered = [old_stories[a.story_id] for a in old if a.story_id in old_stories]
        old_vecs = embed_stories(db, ordered, embedder).vectors if len(ordered) == len(old) else None

    by_number = {p.number: p for p in patterns}
    number_of = {p.id: p.number for p in patterns}
    assignments: list[dict[str, Any]] = [
        {"story_id": a.story_id,
         "pattern": None if a.pattern_id is None else number_of.get(a.pattern_id),
         "strength": a.strength, "assigned": a.assigned, "x": a.x, "y": a.y}
        for a in old
    ]
    for i, s in enumerate(stories):
        x = y = None
        if old_vecs is not None:
            near = np.argsort(-(old_vecs @ res.vectors[i]))[:3]
            x, y = (float(v) for v in xy_old[near].mean(axis=0))
        k = int(which[i])
        assignments.append({
            "story_id": s.id, "pattern": patterns[k].number if k >= 0 else None,
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
        {"number": n, "title": p.title, "keywords": p.keywords, "size": sizes.get(n, 0),
         "exemplars": p.exemplars, "teller_mix": teller_mix(members[n]),
         "centroid": p.centroid}
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
        seed=prun.seed, versions=prun.versions,
        timings={"embed": round(t_embed, 3), "total": round(time.perf_counter() - t0, 3)},
        metrics=metrics, patterns=new_patterns, assignments=assignments, kind="assign",
        parent_run=parent)
    return {"run_id": new_id, "parent_run": parent, "n_new": len(stories),
            "n_assigned": n_assigned, "threshold": threshold, "embedding": res.info()}
