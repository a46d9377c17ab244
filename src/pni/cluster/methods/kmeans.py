"""``kmeans``: k-means on the unit vectors (spherical in effect), told how many patterns to find.

The method pni's benchmarks call the oracle when it is told the true number of groups
(docs/benchmarks.md); offered so a researcher can set pni's patterns beside it on the same
stories. It needs ``n_patterns``. Stories still fit no pattern, or are loosely held, by the same
neighbour rules as the default's (``pni.cluster.hierarchy.settle``), on the same kNN graph, which
also gives the themes and sub-patterns. scikit-learn's ``KMeans``, 10 starts, seeded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pni.cluster.methods.base import ClusterOptions, register
from pni.errors import UsageError

if TYPE_CHECKING:
    import numpy as np

    from pni.cluster.hierarchy import GraphPatterns

N_INIT = 10


class KMeansClusterer:
    name = "kmeans"
    summary = "k-means on the vectors, told the number of patterns (needs --patterns)"
    needs_n_patterns = True

    def fit(self, x: np.ndarray, options: ClusterOptions) -> GraphPatterns:
        from sklearn.cluster import KMeans

        from pni.cluster import graph as gr
        from pni.cluster.hierarchy import nothing_found, settle

        if options.n_patterns is None:
            raise UsageError("the kmeans clusterer must be told how many patterns to find",
                             param="n_patterns")
        n = x.shape[0]
        k_nn = options.n_neighbors or gr.neighbors_for(n)
        res = options.resolution or gr.DEFAULT_RESOLUTION
        params = {"method": self.name, "n_patterns": options.n_patterns, "n_neighbors": k_nn,
                  "n_init": N_INIT}
        if n < max(3, options.min_size, options.n_patterns):
            out = nothing_found(n, res)
        else:
            dist, idx = gr.knn_graph(x, k_nn, options.seed)
            km = KMeans(options.n_patterns, n_init=N_INIT, random_state=options.seed).fit(x)
            out = settle(km.labels_, dist, idx, gr.knn_igraph(dist, idx),
                         min_size=options.min_size, resolution=res)
        out.story_stability = None  # one fit: no seeded runs to agree or disagree
        out.params = params
        return out


register(KMeansClusterer())
