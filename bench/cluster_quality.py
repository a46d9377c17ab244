"""Clustering quality and cost: pni's default against BERTopic's defaults and TF-IDF -> LSA -> k-means.

    .venv/bin/python bench/cluster_quality.py                 # eval corpora + synthetic 10k/100k
    .venv/bin/python bench/cluster_quality.py --only quality  # eval corpora only
    .venv/bin/python bench/cluster_quality.py --only scale    # synthetic runs only
    .venv/bin/python bench/cluster_quality.py --variants      # also the settings tried for the default

Corpora are read from ../shared/eval (or $PNI_EVAL_DIR), never copied. all-MiniLM-L6-v2 vectors are
computed once through pni.embed into a store under $PNI_BENCH_CACHE (default: a folder in the
system temp dir) and reused. Each method runs in its own subprocess so its peak memory (maxrss) is
its own; inside it, a warm-up call on 300 rows comes first (numba/UMAP compile, imports), then the
timed call. ARI and NMI count unclustered stories as one group. BERTopic is a bench-only extra
(``pip install -c constraints-cpu.txt bertopic``): quality is the mean of 3 seeds with BERTopic's
default UMAP parameters seeded (random_state=seed); speed is measured with ``BERTopic()`` as is.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path(os.environ.get("PNI_EVAL_DIR", ROOT.parent / "shared" / "eval"))
CORPORA = {
    "cfpb": EVAL / "cfpb_complaints" / "cfpb_complaints.csv",
    "counsel": EVAL / "counsel_chat" / "counsel_chat.csv",
}
CACHE = Path(os.environ.get("PNI_BENCH_CACHE", Path(tempfile.gettempdir()) / "pni-bench-cache"))
SEEDS = (0, 1, 2)
WARMUP = 300


# -- data ---------------------------------------------------------------------------------------
def load_corpus(name: str) -> tuple[list[str], list[str], list[str]]:
    import csv

    with open(CORPORA[name], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["id"] for r in rows], [r["text"] for r in rows], [r["label"] for r in rows]


def corpus_vectors(name: str, backend: str | None) -> tuple[Path, Path]:
    """(vectors .npy, texts .json) for a corpus, embedded once through pni.embed's cache, in a
    child process: the parent stays small, so children's maxrss (inherited at fork) is their own."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, __file__, "--embed", name] + (["--backend", backend] if backend else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"embedding {name} failed: {out.stderr[-2000:]}")
    sys.stderr.write(out.stderr)
    vec, txt = out.stdout.strip().splitlines()[-1].split("\t")
    return Path(vec), Path(txt)


def _embed_corpus(name: str, backend: str | None) -> tuple[Path, Path]:
    from pni.embed import embed_stories, get_embedder
    from pni.store import Store

    emb = get_embedder(backend=backend)
    vec_path = CACHE / f"{name}-{emb.backend}.npy"
    txt_path = CACHE / f"{name}.json"
    ids, texts, labels = load_corpus(name)
    if not vec_path.exists():
        with Store.open(CACHE / "vectors.db") as db:
            t = time.perf_counter()
            res = embed_stories(db, list(zip(ids, texts, strict=True)), emb)
            print(f"  {name}: {res.n_embedded} embedded, {res.n_cached} cached, "
                  f"{res.n_chunked} chunked ({time.perf_counter() - t:.0f} s, {emb.backend})",
                  file=sys.stderr)
        np.save(vec_path, res.vectors)
    txt_path.write_text(json.dumps({"texts": texts, "labels": labels}), encoding="utf-8")
    return vec_path, txt_path


def synthetic(n: int, base_vecs: np.ndarray, base_texts: list[str], seed: int = 0
              ) -> tuple[np.ndarray, list[str]]:
    """``n`` perturbed copies of real vectors (cosine about 0.9 to their source), texts repeated."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, len(base_vecs), n)
    noise = rng.standard_normal((n, base_vecs.shape[1])).astype(np.float32)
    noise *= 0.45 / np.sqrt(base_vecs.shape[1])
    v = base_vecs[src] + noise
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v.astype(np.float32), [base_texts[i] for i in src]


# -- methods (run inside a worker process) -----------------------------------------------------
def run_pni(vectors: np.ndarray, texts: list[str], seed: int, opts: dict[str, Any]) -> np.ndarray:
    from pni.cluster import cluster_vectors

    kw = dict(opts)
    if "assign_noise_threshold" in kw and kw["assign_noise_threshold"] == "off":
        kw["assign_noise_threshold"] = None
    clusterer = None
    if "min_samples" in kw or "selection" in kw:
        from pni.cluster.algorithms import get_clusterer

        clusterer = get_clusterer("hdbscan", min_samples=kw.pop("min_samples", 1),
                                  selection=kw.pop("selection", "eom"))
    cl = cluster_vectors(vectors, texts, seed=seed, clusterer=clusterer, **kw)
    return cl.pattern - 1  # -1: unclustered


def run_bertopic(vectors: np.ndarray, texts: list[str], seed: int | None, opts: dict[str, Any]
                 ) -> np.ndarray:
    from bertopic import BERTopic

    if seed is None:
        model = BERTopic()
    else:
        from umap import UMAP

        model = BERTopic(umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0,
                                         metric="cosine", random_state=seed))
    topics, _ = model.fit_transform(texts, embeddings=vectors)
    return np.asarray(topics)


def run_lsa_kmeans(vectors: np.ndarray, texts: list[str], seed: int, opts: dict[str, Any]
                   ) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    x = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True).fit_transform(texts)
    z = normalize(TruncatedSVD(100, random_state=seed).fit_transform(x))
    return KMeans(opts["k"], n_init=10, random_state=seed).fit_predict(z)


METHODS = {"pni": run_pni, "bertopic": run_bertopic, "lsa_kmeans": run_lsa_kmeans}


def worker(job: dict[str, Any]) -> dict[str, Any]:
    vectors = np.load(job["vectors"])
    texts = json.loads(Path(job["texts"]).read_text(encoding="utf-8"))["texts"]
    if job.get("n"):
        vectors, texts = synthetic(job["n"], vectors, texts)
    fn = METHODS[job["method"]]
    w = min(WARMUP, len(texts))
    t = time.perf_counter()
    try:
        fn(vectors[:w], texts[:w], 0, job["opts"])
    except Exception as e:  # a warm-up on few rows may legitimately fail (e.g. BERTopic, 1 topic)
        print(f"warm-up failed: {e}", file=sys.stderr)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    labels = fn(vectors, texts, job["seed"], job["opts"])
    wall = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lab = np.asarray(labels)
    out = {"wall_s": wall, "warmup_s": cold, "maxrss_mb": rss,
           "k": len(set(lab.tolist()) - {-1}), "coverage": float((lab >= 0).mean())}
    truth = json.loads(Path(job["texts"]).read_text(encoding="utf-8")).get("labels")
    if truth and not job.get("n"):
        out |= score(lab.tolist(), truth)
    return out


def spawn(job: dict[str, Any]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--worker", json.dumps(job)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"worker failed for {job['method']}: {out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# -- scoring and tables ------------------------------------------------------------------------
def score(labels: list[int], truth: list[str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    lab = np.asarray(labels)
    return {"ari": adjusted_rand_score(truth, lab), "nmi": normalized_mutual_info_score(truth, lab),
            "coverage": float((lab >= 0).mean()), "k": len(set(lab.tolist()) - {-1})}


def print_table(title: str, cols: list[str], rows: list[list[Any]]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join("---" for _ in cols) + "|")
    for r in rows:
        print("| " + " | ".join(_fmt(v) for v in r) + " |")
    sys.stdout.flush()


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:.0f}"
    return str(v)


def quality(backend: str | None, variants: bool) -> None:
    methods: list[tuple[str, str, dict[str, Any], tuple[int | None, ...]]] = [
        ("pni default", "pni", {}, (0,)),
        ("BERTopic defaults (3 seeds)", "bertopic", {}, SEEDS),
        ("TF-IDF -> LSA -> k-means (true k)", "lsa_kmeans", {}, (0,)),
    ]
    if variants:
        methods += [
            ("pni, no noise attachment", "pni", {"assign_noise_threshold": "off"}, (0,)),
            ("pni, --reduce none", "pni", {"reducer": "none"}, (0,)),
            ("pni, --reduce pca:50", "pni", {"reducer": "pca:50"}, (0,)),
            ("pni, --reduce pca:10", "pni", {"reducer": "pca:10"}, (0,)),
            ("pni, --reduce spectral:5", "pni", {"reducer": "spectral:5"}, (0,)),
            ("pni, --reduce umap:5", "pni", {"reducer": "umap:5"}, (0,)),
            ("pni, leaf selection", "pni", {"selection": "leaf"}, (0,)),
            ("pni, min_samples = min size", "pni", {"min_samples": None}, (0,)),
            ("pni, min size 10", "pni", {"min_size": 10}, (0,)),
            ("pni, attach at cosine >= 0.5", "pni", {"assign_noise_threshold": 0.5}, (0,)),
        ]
    for name in CORPORA:
        vec, txt = corpus_vectors(name, backend)
        truth = json.loads(txt.read_text(encoding="utf-8"))["labels"]
        rows = []
        for label, method, opts, seeds in methods:
            opts = dict(opts)
            if method == "lsa_kmeans":
                opts["k"] = len(set(truth))
            got = []
            for seed in seeds:
                r = spawn({"method": method, "vectors": str(vec), "texts": str(txt),
                           "seed": seed, "opts": opts})
                got.append(r)
            mean = {k: float(np.mean([g[k] for g in got])) for k in got[0]}
            rows.append([label, mean["ari"], mean["nmi"], mean["coverage"], round(mean["k"], 1),
                         mean["wall_s"], round(mean["maxrss_mb"])])
            print(f"  {name}: {label} done", file=sys.stderr)
        print_table(f"{name}: {len(truth)} stories, {len(set(truth))} labels",
                    ["method", "ARI", "NMI", "coverage", "patterns", "wall s", "peak MB"], rows)


def scale(backend: str | None) -> None:
    vec_c, txt_c = corpus_vectors("cfpb", backend)
    vec_k, txt_k = corpus_vectors("counsel", backend)
    base = np.vstack([np.load(vec_c), np.load(vec_k)])
    texts = (json.loads(txt_c.read_text(encoding="utf-8"))["texts"]
             + json.loads(txt_k.read_text(encoding="utf-8"))["texts"])
    bvec = CACHE / f"both-{vec_c.stem.split('-', 1)[1]}.npy"
    btxt = CACHE / "both.json"
    np.save(bvec, base)
    btxt.write_text(json.dumps({"texts": texts}), encoding="utf-8")
    rows = []
    res: dict[tuple[str, int], dict[str, Any]] = {}
    jobs = [("pni default", "pni", 10_000, 0), ("BERTopic() as is", "bertopic", 10_000, None),
            ("BERTopic, UMAP seeded", "bertopic", 10_000, 0), ("pni default", "pni", 100_000, 0)]
    for label, method, n, seed in jobs:
        r = spawn({"method": method, "vectors": str(bvec), "texts": str(btxt), "seed": seed,
                   "opts": {}, "n": n})
        res[(label, n)] = r
        rows.append([label, n, r["wall_s"], r["warmup_s"], round(r["maxrss_mb"]), r["k"],
                     r["coverage"]])
        print(f"  scale: {label} {n} done", file=sys.stderr)
    print_table("synthetic: perturbed copies of the eval vectors (dim 384)",
                ["method", "stories", "wall s", "cold warm-up s", "peak MB", "patterns",
                 "coverage"], rows)
    p = res[("pni default", 10_000)]["wall_s"]
    b = res[("BERTopic() as is", 10_000)]["wall_s"]
    s = res[("BERTopic, UMAP seeded", 10_000)]["wall_s"]
    print(f"\n10k cached embeddings: pni {p:.1f} s; BERTopic() {b:.1f} s ({b / p:.1f}x pni's time);"
          f" BERTopic seeded {s:.1f} s ({s / p:.1f}x).")
    print(f"100k: pni {res[('pni default', 100_000)]['wall_s']:.1f} s, peak"
          f" {res[('pni default', 100_000)]['maxrss_mb'] / 1024:.2f} GiB (process maxrss).")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--embed", help=argparse.SUPPRESS)
    ap.add_argument("--only", choices=["quality", "scale"])
    ap.add_argument("--variants", action="store_true", help="also the settings tried")
    ap.add_argument("--backend", default=None, help="embedding backend (default: pni's)")
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(json.loads(a.worker))))
        return
    if a.embed:
        vec, txt = _embed_corpus(a.embed, a.backend)
        print(f"{vec}\t{txt}")
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    print(f"# pni clustering benchmark ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs)")
    if a.only in (None, "quality"):
        quality(a.backend, a.variants)
    if a.only in (None, "scale"):
        scale(a.backend)


if __name__ == "__main__":
    main()
