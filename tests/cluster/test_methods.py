"""The clusterer registry: the default and k-means are registered clusterers; a new method is one
module in pni/cluster/methods, chosen by name through the library and the command line."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

import pni.cluster.methods as methods_pkg
from pni.cluster import cluster_stories, cluster_vectors
from pni.cluster.methods import base
from pni.cluster.methods.base import DEFAULT_CLUSTERER, Clusterer, get_clusterer
from pni.embed import FakeEmbedder
from pni.errors import UsageError
from pni.store import Store
from pni.store import runs as runq
from tests.helpers import populate

TOY = '''
"""A toy clusterer for the registry test: the sign of the first coordinate."""

from pni.cluster.methods.base import ClusterOptions, register


class Halves:
    name = "halves-test"
    summary = "two patterns by the sign of the first coordinate"

    def fit(self, x, options: ClusterOptions):
        from pni.cluster import graph as gr
        from pni.cluster.hierarchy import settle

        dist, idx = gr.knn_graph(x, options.n_neighbors or gr.neighbors_for(len(x)))
        comm = (x[:, 0] < 0).astype(int)
        out = settle(comm, dist, idx, gr.knn_igraph(dist, idx), min_size=options.min_size)
        out.params = {"method": self.name}
        return out


register(Halves())
'''


def _blobs(k: int = 3, per: int = 30, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((k, 16))
    v = np.vstack([c[i] + rng.normal(0, .1, (per, 16)) for i in range(k)])
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_every_method_is_a_registered_clusterer() -> None:
    assert base.names()[0] == DEFAULT_CLUSTERER == "leiden"
    assert {"leiden", "kmeans"} <= set(base.names())
    for c in base.clusterers():
        assert isinstance(c, Clusterer), c.name
        assert c.summary and c.name == c.name.lower()
    with pytest.raises(UsageError, match="unknown clusterer 'nope'; choose one of leiden") as e:
        get_clusterer("nope")
    assert e.value.param == "clusterer"


def test_default_params_are_those_stored_runs_hold() -> None:
    """Runs saved before the registry recorded method "leiden" with these keys; the default
    still does, so `pni runs` shows old and new runs alike."""
    cl = cluster_vectors(_blobs(), ["lunch table"] * 90, min_size=5)
    assert cl.params["method"] == "leiden"
    assert {"min_size", "n_neighbors", "resolution", "n_seeds", "n_patterns", "apart_below",
            "loose_below"} <= set(cl.params)
    assert cl.n_patterns == 3 and cl.metrics["seed_stability"] is not None


def test_kmeans_is_told_the_number_of_patterns() -> None:
    x = _blobs(4)
    texts = ["lunch table"] * len(x)
    with pytest.raises(UsageError, match="told how many patterns") as e:
        cluster_vectors(x, texts, clusterer="kmeans")
    assert e.value.param == "n_patterns"
    cl = cluster_vectors(x, texts, clusterer="kmeans", n_patterns=4, min_size=5)
    assert cl.n_patterns == 4 and cl.params["method"] == "kmeans"
    assert cl.metrics["seed_stability"] is None and all(p.stability is None for p in cl.patterns)
    truth = np.repeat(np.arange(4), 30)
    for p in cl.patterns:  # each pattern is one blob
        assert len(set(truth[p.members].tolist())) == 1


def test_a_new_clusterer_is_one_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       store: Store) -> None:
    folder = tmp_path / "more_methods"
    folder.mkdir()
    (folder / "halves_test.py").write_text(TOY, "utf-8")
    monkeypatch.setattr(methods_pkg, "__path__", [*methods_pkg.__path__, str(folder)])
    monkeypatch.setattr(base.CLUSTERERS, "items", dict(base.CLUSTERERS.items))
    monkeypatch.setattr(base.CLUSTERERS, "loaded", False)
    monkeypatch.delitem(sys.modules, "pni.cluster.methods.halves_test", raising=False)
    try:
        assert "halves-test" in base.names()
        x = _blobs(2)
        x[:30, 0], x[30:, 0] = 0.5, -0.5
        cl = cluster_vectors(x, ["lunch table"] * 60, min_size=5, clusterer="halves-test")
        assert cl.params["method"] == "halves-test" and cl.n_patterns == 2
        populate(store, 60)
        res = cluster_stories(store, FakeEmbedder(), clusterer="halves-test")
        assert runq.get_run(store, res.run_id).params["method"] == "halves-test"
    finally:
        sys.modules.pop("pni.cluster.methods.halves_test", None)
    importlib.invalidate_caches()
