"""Cluster stage: candidate patterns in the story text.

embed (cached, pni.embed) -> a clusterer (``pni.cluster.methods``: consensus Leiden on the cosine
kNN graph by default, ``kmeans`` beside it; each one module, chosen by name) -> stories that fit
nothing set apart, loosely held ones flagged, per-pattern stability (``hierarchy``) -> themes
above and sub-patterns below -> c-TF-IDF titles and keywords, one per lemma -> MMR exemplars ->
saved run (``pni patterns tree``: ``tree``); ``assign`` places new stories into a saved run's
patterns. Names load on first use (``from pni.cluster import cluster_stories``), and heavy
libraries (numpy, sklearn, igraph) inside the functions that use them, so listing the
clusterers costs nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pni.cluster.assign import DEFAULT_ASSIGN_THRESHOLD, assign_new_stories
    from pni.cluster.hierarchy import default_min_size
    from pni.cluster.methods.base import DEFAULT_CLUSTERER, Clusterer, ClusterOptions
    from pni.cluster.pipeline import Clustering, RunResult, cluster_stories, cluster_vectors

_WHERE = {
    "DEFAULT_ASSIGN_THRESHOLD": "pni.cluster.assign",
    "assign_new_stories": "pni.cluster.assign",
    "default_min_size": "pni.cluster.hierarchy",
    "DEFAULT_CLUSTERER": "pni.cluster.methods.base",
    "ClusterOptions": "pni.cluster.methods.base",
    "Clusterer": "pni.cluster.methods.base",
    "Clustering": "pni.cluster.pipeline",
    "RunResult": "pni.cluster.pipeline",
    "cluster_stories": "pni.cluster.pipeline",
    "cluster_vectors": "pni.cluster.pipeline",
}

__all__ = [
    "DEFAULT_ASSIGN_THRESHOLD",
    "DEFAULT_CLUSTERER",
    "ClusterOptions",
    "Clusterer",
    "Clustering",
    "RunResult",
    "assign_new_stories",
    "cluster_stories",
    "cluster_vectors",
    "default_min_size",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pni.cluster' has no attribute {name!r}")
