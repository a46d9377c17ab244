"""``leiden`` (the default): consensus Leiden on the cosine k-nearest-neighbour graph.

Leiden with ``n_seeds`` seeds, then once more on the graph weighted by how often the runs kept
two stories together (``pni.cluster.graph.consensus_leiden``); ``n_patterns`` merges or refines
to about that many. The runs give each story and pattern its stability; when they hold the
consensus poorly at the default resolution, a coarser one is tried (``graph.COARSEN_BELOW``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pni.cluster.methods.base import ClusterOptions, register

if TYPE_CHECKING:
    import numpy as np

    from pni.cluster.hierarchy import GraphPatterns


class ConsensusLeiden:
    name = "leiden"
    summary = "consensus Leiden over 20 seeds on the 60-nearest-neighbour graph"

    def fit(self, x: np.ndarray, options: ClusterOptions) -> GraphPatterns:
        from pni.cluster import graph as gr
        from pni.cluster.hierarchy import graph_patterns

        n = x.shape[0]
        k_nn = options.n_neighbors or gr.neighbors_for(n)
        seeds = gr.DEFAULT_SEEDS if options.n_seeds is None else options.n_seeds
        out = graph_patterns(x, min_size=options.min_size, seed=options.seed,
                             n_patterns=options.n_patterns, n_neighbors=k_nn,
                             resolution=options.resolution, n_seeds=seeds)
        if seeds <= 1:
            out.story_stability = None
        out.params = {"method": self.name, "n_neighbors": k_nn, "resolution": out.resolution,
                      "n_seeds": seeds, "n_patterns": options.n_patterns, **out.params}
        return out


register(ConsensusLeiden())
