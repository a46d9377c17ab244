"""What ``pni.cluster.pipeline`` finds and saves: the patterns of a clustering, the groups above
and below them, the clustering itself and the run it is saved as; and the library versions a
run records. Apart from the pipeline so that ``pni.cluster.memo`` can rebuild a clustering
without importing the pipeline that calls it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class FoundPattern:
    number: int  # 1..k, largest first
    title: str
    keywords: list[str]
    members: list[int]  # row indices
    exemplars: list[int]  # row indices
    centroid: np.ndarray
    stability: float | None = None  # mean co-membership of its stories over the seeded runs
    theme: int | None = None  # number of the theme that holds it
    n_loose: int = 0

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class PatternGroup:
    """A theme (several patterns) or a sub-pattern (part of one pattern, ``parent``)."""

    number: int
    title: str
    keywords: list[str]
    members: list[int]
    parent: int | None = None  # sub-patterns: the pattern's number; themes: None
    patterns: list[int] = field(default_factory=list)  # themes: the patterns' numbers

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Clustering:
    """What ``cluster_vectors`` found. ``pattern[i]``: number of row i's pattern, 0 for none."""

    pattern: np.ndarray
    strength: np.ndarray  # share of the story's nearest neighbours in its pattern
    xy: np.ndarray  # (n, 2) story map
    patterns: list[FoundPattern]
    metrics: dict[str, Any]
    timings: dict[str, float]
    params: dict[str, Any]
    loose: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    themes: list[PatternGroup] = field(default_factory=list)
    subpatterns: list[PatternGroup] = field(default_factory=list)

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


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("pni", "numpy", "scipy", "scikit-learn", "igraph"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            continue
    return out
