"""Density clustering: the ``Clusterer`` protocol, HDBSCAN (default) and fast-hdbscan (optional).

Label -1 means "fits no pattern": those stories are a result, not a failure.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = np.vstack([rng.normal(0, .1, (20, 2)), rng.normal(5, .1, (20, 2))])
>>> fit = get_clusterer().fit(x, min_size=5, seed=0)
>>> sorted(set(fit.labels.tolist()))
[0, 1]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from pni.cluster.assign import assign_noise, check_threshold, merge_close
from pni.cluster.reduce import Reducer, get_reducer
from pni.errors import DependencyError, UsageError

DEFAULT_CLUSTERER = "hdbscan"
#: HDBSCAN settings chosen by measurement on the eval corpora (docs/clustering.md).
DEFAULT_MIN_SAMPLES = 1
DEFAULT_SELECTION = "eom"


@dataclass
class ClusterFit:
    """Labels 0..k-1 (-1: noise), membership strength 0..1, and a density validity score."""

    labels: np.ndarray
    strength: np.ndarray
    validity: float | None = None
    validity_method: str | None = None
    selection: str | None = None  # the cluster selection that produced the labels


@runtime_checkable
class Clusterer(Protocol):
    name: str

    @property
    def params(self) -> dict[str, Any]: ...

    def fit(self, x: np.ndarray, min_size: int, seed: int = 0) -> ClusterFit: ...


#: The largest share of all stories one pattern may hold (None: no limit).
DEFAULT_MAX_SHARE: float | None = 0.5


class HDBSCANClusterer:
    """``hdbscan.HDBSCAN`` (deterministic; ``seed`` unused). Validity: ``relative_validity_``,
    hdbscan's fast approximation of DBCV on the clustered space."""

    name = "hdbscan"

    def __init__(self, min_samples: int | None = DEFAULT_MIN_SAMPLES,
                 selection: str = DEFAULT_SELECTION,
                 max_share: float | None = DEFAULT_MAX_SHARE):
        if selection not in ("eom", "leaf"):
            raise UsageError(f"cluster selection must be eom or leaf, not {selection!r}")
        self.min_samples = min_samples
        self.selection = selection
        self.max_share = max_share

    @property
    def params(self) -> dict[str, Any]:
        return {"min_samples": self.min_samples, "cluster_selection_method": self.selection,
                "max_share": self.max_share}

    def fit(self, x: np.ndarray, min_size: int, seed: int = 0) -> ClusterFit:
        """Excess of mass, unless it puts more than ``max_share`` of the stories into one
        pattern (seen on the 165 sample stories: 159 in one, from vectors that differ by 0.007
        in cosine from vectors that gave 10 patterns): then leaf selection, which splits that
        node into the finer patterns it holds, when it finds at least two."""
        n = x.shape[0]
        if n < max(2, min_size):
            return ClusterFit(np.full(n, -1), np.zeros(n))
        model = self._fit(x, min_size, self.selection)
        selection = self.selection
        labels = np.asarray(model.labels_, dtype=np.int64)
        lumped = (self.selection == "eom" and self.max_share is not None and labels.max() >= 0
                  and np.bincount(labels[labels >= 0]).max() > self.max_share * n)
        if lumped:
            leaf = self._fit(x, min_size, "leaf")
            if int(np.max(leaf.labels_)) >= 1:
                model, selection = leaf, "leaf (eom put most stories in one pattern)"
                labels = np.asarray(model.labels_, dtype=np.int64)
        validity = None
        if labels.max() >= 1:  # validity needs at least two clusters
            import warnings

            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    v = float(model.relative_validity_)
                validity = v if np.isfinite(v) else None
            except Exception:  # the approximation can fail on degenerate trees
                validity = None
        return ClusterFit(labels, np.asarray(model.probabilities_, dtype=np.float64), validity,
                          "hdbscan relative_validity_ (DBCV approximation)", selection)

    def _fit(self, x: np.ndarray, min_size: int, selection: str) -> Any:
        import warnings

        import hdbscan

        model = hdbscan.HDBSCAN(min_cluster_size=max(2, min_size), min_samples=self.min_samples,
                                cluster_selection_method=selection, gen_min_span_tree=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(np.asarray(x, dtype=np.float64))
        return model


class FastHDBSCANClusterer:
    """``fast_hdbscan.HDBSCAN`` (optional package; numba compiles on first use in a process)."""

    name = "fast-hdbscan"

    def __init__(self, min_samples: int | None = DEFAULT_MIN_SAMPLES,
                 selection: str = DEFAULT_SELECTION):
        self.min_samples = min_samples
        self.selection = selection

    @property
    def params(self) -> dict[str, Any]:
        return {"min_samples": self.min_samples, "cluster_selection_method": self.selection}

    def fit(self, x: np.ndarray, min_size: int, seed: int = 0) -> ClusterFit:
        try:
            import fast_hdbscan
        except ImportError as e:
            raise DependencyError("the fast-hdbscan clusterer needs fast-hdbscan:"
                                  " pip install fast-hdbscan") from e
        n = x.shape[0]
        if n < max(2, min_size):
            return ClusterFit(np.full(n, -1), np.zeros(n))
        model = fast_hdbscan.HDBSCAN(min_cluster_size=max(2, min_size),
                                     min_samples=self.min_samples or max(2, min_size),
                                     cluster_selection_method=self.selection)
        model.fit(np.asarray(x, dtype=np.float64))
        return ClusterFit(np.asarray(model.labels_, dtype=np.int64),
                          np.asarray(model.probabilities_, dtype=np.float64))


def get_clusterer(name: str | Clusterer | None = None, **kwargs: Any) -> Clusterer:
    """``hdbscan`` (default) or ``fast-hdbscan``; kwargs: ``min_samples``, ``selection``."""
    if name is None:
        name = DEFAULT_CLUSTERER
    if not isinstance(name, str):
        return name
    if name == "hdbscan":
        return HDBSCANClusterer(**kwargs)
    if name in ("fast-hdbscan", "fast_hdbscan"):
        return FastHDBSCANClusterer(**kwargs)
    raise UsageError(f"unknown clusterer {name!r}; choose hdbscan or fast-hdbscan")


def default_min_size(n: int) -> int:
    """Smallest pattern for ``n`` stories: max(3, round(sqrt(n) / 2)).

    >>> [default_min_size(n) for n in (20, 60, 662, 1256, 10_000, 100_000)]
    [3, 4, 13, 18, 50, 158]
    """
    return max(3, round(float(np.sqrt(max(n, 0))) / 2))


def hdbscan_patterns(x: np.ndarray, min_size: int, seed: int, reducer: Reducer | str | None,
             clusterer: Clusterer | str | None, assign_noise_threshold: float | None,
             merge_threshold: float | None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any],
                        dict[str, Any]]:
    """The earlier default: reduce (spectral), HDBSCAN, merge close patterns, attach noise."""
    n = x.shape[0]
    red = get_reducer(reducer)
    clu = get_clusterer(clusterer)
    if assign_noise_threshold is not None:
        assign_noise_threshold = check_threshold(assign_noise_threshold)
    reduced = red.fit_transform(x, seed=seed) if n else np.zeros((0, 2))
    fit = clu.fit(reduced, min_size=min_size, seed=seed)
    core = fit.labels.copy()
    n_merged = 0
    if merge_threshold is not None:
        core, n_merged = merge_close(x, core, merge_threshold)
    strength = np.where(core >= 0, fit.strength, 0.0)
    labels = core
    assigned = np.zeros(n, dtype=bool)
    if assign_noise_threshold is not None:
        labels, assigned, sims = assign_noise(x, core, assign_noise_threshold)
        strength = np.where(assigned, sims, strength)
    # 0..k-1 by final size, largest first (ties: earliest member first)
    ks = sorted({int(k) for k in labels.tolist() if k >= 0},
                key=lambda k: (-int((labels == k).sum()), int(np.argmax(labels == k))))
    renum = {k: i for i, k in enumerate(ks)}
    labels = np.array([renum.get(int(k), -1) for k in labels], dtype=np.int64)
    params = {"method": "hdbscan", "min_size": min_size, "reducer": red.name,
              "reducer_params": red.params, "clusterer": clu.name,
              "clusterer_params": clu.params, "assign_noise": assign_noise_threshold,
              "merge_threshold": merge_threshold}
    metrics = {"n_core": int((core >= 0).sum()), "n_merged": n_merged,
               "validity": None if fit.validity is None else round(fit.validity, 4),
               "validity_method": fit.validity_method, "selection": fit.selection}
    return labels, strength, assigned, reduced, params, metrics
