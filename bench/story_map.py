"""How well the story map shows patterns as regions: for each eval corpus (../shared/eval, never
copied), the share of each story's 10 nearest dots on the map that share its pattern, for pni's
map (a DrL layout of the pattern graph, up to 2,000 stories) beside the first two principal
components of the same vectors, with pni's default clustering and the packaged model.

    .venv/bin/python bench/story_map.py [--corpus counsel] [--limit 2000]
"""

from __future__ import annotations

import argparse
import csv
import platform
import time

import numpy as np
from bench.cluster_quality import CORPORA


def together(xy: np.ndarray, pattern: np.ndarray, k: int = 10) -> float:
    """Mean share of each clustered story's ``k`` nearest dots in its own pattern."""
    from sklearn.neighbors import NearestNeighbors

    ind = NearestNeighbors(n_neighbors=k + 1).fit(xy).kneighbors(xy)[1]
    m = pattern > 0
    return float((pattern[ind[:, 1:]] == pattern[:, None])[m].mean())


def main() -> None:
    from pni.cluster.pipeline import MAP_LAYOUT_MAX, _components, cluster_vectors
    from pni.embed import get_embedder

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", action="append", choices=sorted(CORPORA))
    ap.add_argument("--limit", type=int, default=MAP_LAYOUT_MAX)
    args = ap.parse_args()
    print(f"# {platform.processor() or platform.machine()}; map layout up to {MAP_LAYOUT_MAX}")
    emb = get_embedder()
    print("| corpus | stories | patterns | pni's map | principal components | ratio | clustering |")
    print("|---|---|---|---|---|---|---|")
    for name in args.corpus or ["counsel", "cams"]:
        with CORPORA[name].open(encoding="utf-8") as fh:
            texts = [r["text"] for r in csv.DictReader(fh)][: args.limit]
        x = np.asarray(emb.embed(texts), dtype=np.float32)
        t = time.perf_counter()
        res = cluster_vectors(x, texts, seed=0)
        ours, pca = together(res.xy, res.pattern), together(_components(x, 0), res.pattern)
        print(f"| {name} | {len(texts)} | {res.n_patterns} | {ours:.2f} | {pca:.2f} | "
              f"{ours / pca:.2f}x | {time.perf_counter() - t:.1f} s |")


if __name__ == "__main__":
    main()
