"""Cluster stage: candidate patterns in the story text.

embed (cached, pni.embed) -> cosine kNN graph -> consensus Leiden over seeds (``graph``) ->
stories that fit nothing set apart, loosely held ones flagged, per-pattern stability
(``hierarchy``) -> themes above and sub-patterns below -> c-TF-IDF titles and keywords -> MMR
exemplars -> saved run (``pni patterns tree``: ``tree``); ``assign`` places new stories into a
saved run's patterns. Heavy libraries (sklearn, igraph) load inside the functions that use them.
"""

from __future__ import annotations

from pni.cluster.assign import DEFAULT_ASSIGN_THRESHOLD, assign_new_stories
from pni.cluster.hierarchy import default_min_size
from pni.cluster.pipeline import Clustering, RunResult, cluster_stories, cluster_vectors

__all__ = [
    "DEFAULT_ASSIGN_THRESHOLD",
    "Clustering",
    "RunResult",
    "assign_new_stories",
    "cluster_stories",
    "cluster_vectors",
    "default_min_size",
]
