"""Cluster stage: candidate patterns in the story text.

embed (cached, pni.embed) -> reduce (``Reducer``: spectral kNN-graph embedding by default) ->
HDBSCAN (``Clusterer``) -> attach unclustered stories to the nearest pattern above a cosine
threshold (flagged) -> c-TF-IDF titles and keywords -> MMR exemplars -> saved run.
Heavy libraries (sklearn, hdbscan, scipy) load inside the functions that use them.
"""

from __future__ import annotations

from pni.cluster.algorithms import default_min_size
from pni.cluster.assign import DEFAULT_ASSIGN_THRESHOLD, assign_new_stories
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
