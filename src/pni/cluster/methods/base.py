"""The clusterer protocol and the registry of clusterers.

A clusterer turns unit story vectors into communities and says which stories fit no pattern and
which are only loosely held (a ``GraphPatterns``); the pipeline (``cluster_vectors``) does the
rest the same way for every method: themes, sub-patterns, labels, exemplars, the saved run. Every
module in :mod:`pni.cluster.methods` is imported on first use and registers its clusterer with
:func:`register`, so a new method is one module in that folder::

    from pni.cluster.methods.base import ClusterOptions, register

    class Halves:
        name = "halves"
        summary = "Two patterns: the sign of the first coordinate."

        def fit(self, x, options: ClusterOptions):
            from pni.cluster import graph as gr
            from pni.cluster.hierarchy import settle

            dist, idx = gr.knn_graph(x, options.n_neighbors or gr.neighbors_for(len(x)))
            comm = (x[:, 0] < 0).astype(int)
            out = settle(comm, dist, idx, gr.knn_igraph(dist, idx), min_size=options.min_size)
            out.params = {"method": self.name}
            return out

    register(Halves())

Then ``cluster_vectors(..., clusterer="halves")``, ``cluster_stories(..., clusterer="halves")``
and ``pni cluster --clusterer halves`` use it. Keep module-level imports light (numpy, igraph and
scikit-learn inside ``fit``): listing the names is on the command line's start-up path.

>>> names()[:1], DEFAULT_CLUSTERER in names()
(['leiden'], True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pni.errors import UsageError
from pni.registry import Registry

if TYPE_CHECKING:
    import numpy as np

    from pni.cluster.hierarchy import GraphPatterns

#: The clusterer ``cluster_vectors`` uses when none is named (stored runs: ``params["method"]``).
DEFAULT_CLUSTERER = "leiden"


@dataclass(frozen=True)
class ClusterOptions:
    """What the pipeline asks of every clusterer; ``None``: the method's own default.
    ``n_patterns``: about this many patterns; ``min_size``: the smallest pattern."""

    min_size: int
    seed: int = 0
    n_patterns: int | None = None
    n_neighbors: int | None = None
    resolution: float | None = None
    n_seeds: int | None = None


@runtime_checkable
class Clusterer(Protocol):
    """One clustering method. ``name`` is what a caller passes and what the run records as
    ``params["method"]``; ``summary`` is one line for ``pni cluster --help``. A method that
    must be told how many patterns to find also sets ``needs_n_patterns = True``."""

    name: str
    summary: str

    def fit(self, x: np.ndarray, options: ClusterOptions) -> GraphPatterns:
        """Patterns among unit rows ``x`` (n, d); deterministic for ``options.seed``."""
        ...


CLUSTERERS: Registry[Clusterer] = Registry("pni.cluster.methods")


def register(clusterer: Clusterer) -> Clusterer:
    """Add a clusterer (replacing one of the same name); returns it."""
    return CLUSTERERS.register(clusterer)


def clusterers() -> list[Clusterer]:
    """Every registered clusterer, the default first, then by name."""
    return sorted(CLUSTERERS.all().values(),
                  key=lambda c: (c.name != DEFAULT_CLUSTERER, c.name))


def names() -> list[str]:
    """The names a caller may pass, the default first."""
    return [c.name for c in clusterers()]


def get_clusterer(name: str | Clusterer | None = None) -> Clusterer:
    """The clusterer called ``name`` (None: the default; a clusterer object is returned as it
    is); a usage error naming the parameter ``clusterer`` when there is none."""
    if name is not None and not isinstance(name, str):
        return name
    c = CLUSTERERS.all().get(name or DEFAULT_CLUSTERER)
    if c is None:
        raise UsageError(f"unknown clusterer {name!r}; choose one of {', '.join(names())}",
                         param="clusterer")
    return c


def check(name: str | Clusterer | None, n_patterns: int | None) -> Clusterer:
    """The clusterer, after checking that it has what it needs (before any story is embedded):
    a usage error naming ``n_patterns`` for a method that must be told the number."""
    c = get_clusterer(name)
    if getattr(c, "needs_n_patterns", False) and n_patterns is None:
        raise UsageError(f"the {c.name} clusterer must be told how many patterns to find",
                         param="n_patterns")
    return c
