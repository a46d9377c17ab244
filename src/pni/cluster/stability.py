"""How stable are the patterns? ``pni cluster --stability K``.

The pipeline is deterministic for a seed (the same seed and stories give the same patterns)
and keeps the consensus of several seeded Leiden runs (their agreement is each pattern's
``stability``). ``--stability K`` asks two questions, each answered by the mean adjusted Rand
index over all pairs of K runs (unclustered stories counted as one group; 1.0: the same partition
every time, near 0: no more agreement than chance):

* ``seed_ari``: would a re-run with another seed give the same patterns? K runs on all the
  stories with seeds ``seed``, ``seed + 1000``, ...;
* ``stability_ari``: do the patterns hold when some stories are missing? K runs on seeded 90%
  subsamples (seed, seed+1, ...), compared on the stories both runs saw.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> c = rng.standard_normal((3, 16))
>>> v = np.vstack([c[i] + rng.normal(0, .05, (30, 16)) for i in range(3)])
>>> v /= np.linalg.norm(v, axis=1, keepdims=True)
>>> from pni.cluster.pipeline import subsample_fit
>>> stability_ari(v, ["a b"] * 90, k=3, fit=subsample_fit(min_size=5))["mean_ari"]
1.0
>>> seed_ari(v, ["a b"] * 90, k=2, fit=subsample_fit(min_size=5))["mean_ari"]
1.0

``fit`` is how one subsample is clustered (vectors, texts, seed -> a pattern number per row, 0
for none); ``pni.cluster.pipeline.subsample_fit`` gives the pipeline's, so this module does not
import the pipeline that calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from pni.errors import UsageError

SUBSAMPLE = 0.9
#: Seeds of successive whole-collection runs lie this far apart (each run's consensus uses
#: ``seed .. seed + n_seeds - 1``).
SEED_STEP = 1000


def stability_ari(
    vectors: np.ndarray,
    texts: Sequence[str],
    *,
    k: int,
    fit: Callable[[np.ndarray, list[str], int], np.ndarray],
    seed: int = 0,
    fraction: float = SUBSAMPLE,
) -> dict[str, Any]:
    """Cluster ``k`` seeded subsamples with ``fit``; mean, min and max pairwise ARI (rounded to
    4 places)."""
    if k < 2:
        raise UsageError("needs at least 2 runs", param="stability")
    n = len(texts)
    m = max(2, round(n * fraction))
    runs: list[dict[int, int]] = []
    for j in range(k):
        rng = np.random.default_rng(seed + j)
        rows = np.sort(rng.choice(n, size=min(m, n), replace=False))
        labels = fit(vectors[rows], [texts[i] for i in rows], seed + j)
        runs.append({int(r): int(p) for r, p in zip(rows, labels, strict=True)})
    return {"k": k, "fraction": fraction, **_pairwise(runs)}


def seed_ari(
    vectors: np.ndarray,
    texts: Sequence[str],
    *,
    k: int,
    fit: Callable[[np.ndarray, list[str], int], np.ndarray],
    seed: int = 0,
) -> dict[str, Any]:
    """Cluster all stories ``k`` times with seeds ``seed``, ``seed + SEED_STEP``, ... (the
    consensus runs of one never share a seed with another's); mean, min and max pairwise ARI:
    how much a re-run with another seed would change, the data held fixed."""
    if k < 2:
        raise UsageError("needs at least 2 runs", param="stability")
    rows = list(range(len(texts)))
    runs = [dict(zip(rows, fit(vectors, list(texts), seed + j * SEED_STEP).tolist(), strict=True))
            for j in range(k)]
    return {"k": k, **_pairwise(runs)}


def _pairwise(runs: list[dict[int, int]]) -> dict[str, float]:
    """Mean, min and max ARI over all pairs of runs, on the stories both saw (rounded to 4)."""
    from sklearn.metrics import adjusted_rand_score

    aris = []
    for a, b in combinations(runs, 2):
        common = sorted(set(a) & set(b))
        aris.append(float(adjusted_rand_score([a[i] for i in common], [b[i] for i in common])))
    return {"mean_ari": round(float(np.mean(aris)), 4), "min_ari": round(float(np.min(aris)), 4),
            "max_ari": round(float(np.max(aris)), 4)}
