"""Exemplar stories: central to their pattern and different from each other.

Maximal marginal relevance over closeness to the pattern's centroid: the first exemplar is the
story most similar to the centroid; each next one maximises
``LAMBDA * sim(story, centroid) - (1 - LAMBDA) * max sim(story, chosen)``. Near-duplicates of a
chosen exemplar (cosine >= 0.95) are skipped while other candidates remain.

>>> import numpy as np
>>> v = np.array([[1, 0], [1, 0], [.9, .1], [.8, -.6]], dtype="float32")
>>> v /= np.linalg.norm(v, axis=1, keepdims=True)
>>> pick_exemplars(v, k=2)  # row 1 repeats row 0, row 2 nearly does
[0, 3]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

LAMBDA = 0.6
DUPLICATE = 0.95


def centroid(vectors: np.ndarray) -> np.ndarray:
    """The normalised mean of unit vectors."""
    c = np.asarray(vectors).mean(axis=0, dtype=np.float64)
    norm = np.linalg.norm(c)
    return (c / norm if norm > 0 else c).astype(np.float32)


def pick_exemplars(
    vectors: np.ndarray,
    k: int = 5,
    *,
    center: np.ndarray | None = None,
    eligible: Sequence[bool] | np.ndarray | None = None,
    lam: float = LAMBDA,
) -> list[int]:
    """Row indices of up to ``k`` exemplars among ``vectors`` (unit rows of one pattern).

    ``eligible`` (e.g. consent is not "no") restricts the choice whenever any row qualifies, so a
    small pattern may get fewer than ``k`` exemplars rather than show an ineligible story.
    """
    n = vectors.shape[0]
    if n == 0 or k <= 0:
        return []
    pool = np.arange(n)
    if eligible is not None:
        ok = np.flatnonzero(np.asarray(eligible, dtype=bool))
        if len(ok):
            pool = ok
    v = np.asarray(vectors, dtype=np.float64)
    c = centroid(v) if center is None else np.asarray(center, dtype=np.float64)
    rel = v @ c
    chosen: list[int] = [int(pool[np.argmax(rel[pool])])]
    max_sim = v @ v[chosen[0]]
    while len(chosen) < min(k, len(pool)):
        score = lam * rel - (1 - lam) * max_sim
        cand = np.setdiff1d(pool, chosen)
        fresh = cand[max_sim[cand] < DUPLICATE]
        if len(fresh):
            cand = fresh
        best = int(cand[np.argmax(score[cand])])
        chosen.append(best)
        max_sim = np.maximum(max_sim, v @ v[best])
    return chosen


def teller_mix(stories: Sequence[Any]) -> dict[str, dict[str, int]]:
    """Counts of tellers' role, collection and source kind among ``stories``."""
    mix: dict[str, Counter[str]] = {"role": Counter(), "collection": Counter(),
                                    "source_kind": Counter()}
    for s in stories:
        role = (s.teller_answers or {}).get("role")
        if isinstance(role, list):
            role = ", ".join(str(r) for r in role)
        mix["role"][str(role) if role not in (None, "") else "(unknown)"] += 1
        mix["collection"][s.collection or "(none)"] += 1
        mix["source_kind"][s.source_kind or "other"] += 1
    return {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in mix.items()}
