"""`pni cluster` end to end on a store of 10,000 stories whose vectors are cached, against
BERTopic's ``fit_transform`` on the same vectors, in the same process; and the scale curve.
A second `pni cluster` on unchanged stories reads its clustering back from the store
(``pni.cluster.memo``); the table also times ``--recompute``, the clustering computed again,
which is what a call after any change (a story added, another seed) costs.

    .venv/bin/python bench/cluster_store.py [--n 10000] [--repeat 3]
    .venv/bin/python bench/cluster_store.py --curve [--sizes 10000,100000,1000000]
        # the default on 10,000 to 1,000,000 synthetic stories from both generators of
        # cluster_quality.synthetic ("spread": no duplicates; "copies": ~n/10,052 perturbed
        # copies of each eval story, the duplicate artefact of issue 23): each size in a fresh
        # process, time, peak RSS, patterns, coverage

bench/cluster_quality.py times ``cluster_vectors`` (the clustering alone); this times what a
researcher waits for on a second `pni cluster`: reading stories and cached vectors from SQLite,
clustering, labels, exemplars and saving the run. Vectors are perturbed copies of the eval
corpora's all-MiniLM-L6-v2 vectors (see cluster_quality.synthetic); each story's text is its
source text with a suffix, so every story is distinct. Both methods get a warm-up call on 300
stories first (imports, numba compilation for BERTopic's UMAP), then one untimed-in-the-ratio
call at full size each (BERTopic's first 10k call also compiles pynndescent, which UMAP uses only
above 4,096 stories), then each is timed --repeat times, interleaved; the ratio is of the
medians. BERTopic is a bench-only extra.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster_quality as cq


def make_store(path: Path, vectors: np.ndarray, texts: list[str], emb: object) -> None:
    from pni.embed.cache import cache_key, text_hash
    from pni.models import Story
    from pni.store import Store
    from pni.store import stories as q
    from pni.store.vectors import put_vectors

    with Store.open(path) as db, db.transaction():
        cid = q.ensure_collection(db, "bench")
        rows = []
        for i, (text, vec) in enumerate(zip(texts, vectors, strict=True)):
            h = q.content_hash(text)
            q.insert_story(db, Story(id=q.story_id_for(h), text=text, content_hash=h,
                                     source_kind="story-form", source_id=str(i)),
                           collection_id=cid, import_id=None)
            th = text_hash(text)
            rows.append((cache_key(emb, th), emb.model_id, emb.backend, th, vec, 1))  # type: ignore[attr-defined]
        put_vectors(db, rows)


def time_pni(path: Path, emb: object, reuse: bool = True) -> tuple[float, int, int]:
    """One `pni cluster` on the store: seconds, patterns, stories embedded. ``reuse=False`` is
    `--recompute` (the clustering computed even where the store holds it for these inputs)."""
    from pni.cluster import cluster_stories
    from pni.store import Store

    with Store.open(path) as db:
        t = time.perf_counter()
        res = cluster_stories(db, emb, reuse=reuse)
        assert res.clustering.metrics["reused"] is (reuse and res.run_id > 1)
        return time.perf_counter() - t, res.n_patterns, int(res.embedding["n_embedded"])


def time_bertopic(vectors: np.ndarray, texts: list[str]) -> tuple[float, int]:
    from bertopic import BERTopic

    t = time.perf_counter()
    topics, _ = BERTopic().fit_transform(texts, embeddings=vectors)
    return time.perf_counter() - t, len(set(topics) - {-1})


def _base() -> tuple[np.ndarray, list[str]]:
    """The eval corpora's vectors and texts (10,052 stories), the generators' sources."""
    import json

    base_v, base_t = [], []
    for name in cq.CORPORA:
        vec_path, txt_path = cq.corpus_vectors(name, None)
        base_v.append(np.load(vec_path))
        base_t.extend(json.loads(txt_path.read_text("utf-8"))["texts"])
    return np.vstack(base_v), base_t


def _rss_mb() -> float:
    """This process's resident memory now (MB), from /proc (0 where there is none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def curve_point(n: int, kind: str) -> dict[str, object]:
    """``cluster_vectors`` (the default) on ``n`` stories of generator ``kind``, in this process:
    seconds, peak RSS of the process (vectors and texts included) and what the vectors alone
    held before clustering, patterns, coverage, graph nodes."""
    import resource

    from pni.cluster import cluster_vectors

    base_v, base_t = _base()
    vectors, texts = cq.synthetic(n, base_v, base_t, kind=kind)
    del base_v
    before = _rss_mb()
    t = time.perf_counter()
    cl = cluster_vectors(vectors, texts)
    wall = time.perf_counter() - t
    return {"n": n, "kind": kind, "wall_s": wall, "timings": cl.timings,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "before_mb": before, "patterns": cl.n_patterns, "coverage": cl.coverage,
            "nodes": cl.metrics.get("n_nodes", n), "loose": cl.metrics["n_loose"] / n}


def store_point(n: int, kind: str, folder: Path) -> dict[str, object]:
    """What a second `pni cluster` does on a store of ``n`` stories of generator ``kind`` whose
    vectors are cached (``cluster_stories``: read stories and vectors, cluster, label, save the
    run), in a fresh process; the store is built first by another process."""
    import resource
    import subprocess

    from pni.cluster import cluster_stories
    from pni.embed import get_embedder
    from pni.store import Store

    path = folder / f"{kind}-{n}.db"
    if not path.exists():
        out = subprocess.run([sys.executable, __file__, "--build-store", f"{kind}:{n}:{path}"],
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-2000:])
    emb = get_embedder()
    t = time.perf_counter()
    with Store.open(path) as db:
        res = cluster_stories(db, emb)
    wall = time.perf_counter() - t
    return {"n": n, "kind": kind, "wall_s": wall, "timings": res.clustering.timings,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "before_mb": 0.0, "patterns": res.n_patterns, "coverage": res.coverage,
            "nodes": res.clustering.metrics.get("n_nodes", n),
            "loose": res.clustering.metrics["n_loose"] / n,
            "embedded": int(res.embedding["n_embedded"])}


def build_store(n: int, kind: str, path: Path) -> None:
    from pni.embed import get_embedder

    base_v, base_t = _base()
    vectors, texts = cq.synthetic(n, base_v, base_t, kind=kind)
    make_store(path, vectors, [f"{t} [{i}]" for i, t in enumerate(texts)], get_embedder())


def curve(sizes: list[int], kinds: list[str], store: Path | None = None) -> None:
    """The scale curve: each (generator, size) in a fresh process, printed as a table."""
    import json
    import subprocess

    from pni.embed.cpu import describe

    print(f"CPU: {describe()}; {os.cpu_count()} logical CPUs, load average"
          f" {os.getloadavg()[0]:.1f}\n")
    print("| generator | stories | graph nodes | seconds | s per 1,000 stories | peak RSS (GiB) |"
          " vectors+texts before (GiB) | patterns | coverage | loose share |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind in kinds:
        for n in sizes:
            point = f"{kind}:{n}" + (f":{store}" if store else "")
            out = subprocess.run([sys.executable, __file__, "--curve-point", point],
                                 capture_output=True, text=True, check=False)
            if out.returncode != 0:
                print(f"| {kind} | {n} | failed: {out.stderr.strip().splitlines()[-1:]} |"
                      + " |" * 7, flush=True)
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            before = "(store)" if store else f"{r['before_mb'] / 1024:.2f}"
            print(f"| {kind} | {n:,} | {r['nodes']:,} | {r['wall_s']:.1f} |"
                  f" {1000 * r['wall_s'] / n:.2f} | {r['peak_mb'] / 1024:.2f} | {before} |"
                  f" {r['patterns']} | {r['coverage']:.3f} | {r['loose']:.3f} |", flush=True)
            print(f"  {kind} {n}: {r['timings']}", file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3,
                    help="timed calls of each method, interleaved; the table gives the median")
    ap.add_argument("--curve", action="store_true", help="the scale curve instead")
    ap.add_argument("--sizes", default="10000,100000,1000000", help="with --curve")
    ap.add_argument("--generators", default=",".join(cq.GENERATORS), help="with --curve")
    ap.add_argument("--store", type=Path,
                    help="with --curve: time `pni cluster` (cluster_stories) on stores of cached"
                         " vectors built in this folder (kept for the next run) instead")
    ap.add_argument("--curve-point", help=argparse.SUPPRESS)
    ap.add_argument("--build-store", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.build_store:
        kind, n, path = args.build_store.split(":", 2)
        build_store(int(n), kind, Path(path))
        return
    if args.curve_point:
        import json

        kind, n, *folder = args.curve_point.split(":", 2)
        print(json.dumps(store_point(int(n), kind, Path(folder[0])) if folder
                         else curve_point(int(n), kind)))
        return
    if args.curve:
        if args.store:
            args.store.mkdir(parents=True, exist_ok=True)
        curve([int(s) for s in args.sizes.split(",")], args.generators.split(","), args.store)
        return
    from pni.embed import get_embedder

    base_v, base_t = _base()
    vectors, texts = cq.synthetic(args.n, base_v, base_t)
    texts = [f"{t} [{i}]" for i, t in enumerate(texts)]
    emb = get_embedder()
    pni_s: list[float] = []
    fresh_s: list[float] = []
    bt_s: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        warm, full = Path(tmp) / "warm.db", Path(tmp) / "full.db"
        make_store(warm, vectors[:300], texts[:300], emb)
        make_store(full, vectors, texts, emb)
        time_pni(warm, emb)
        time_bertopic(vectors[:300], texts[:300])
        # The first call at full size is the one a fresh process pays: BERTopic's UMAP compiles
        # pynndescent's numba code only above 4,096 stories (about 29 s of its first 10k call
        # here), which the 300-story warm-up never reaches. Shown apart, not in the ratio.
        first_pni = time_pni(full, emb)[0]
        first_bt = time_bertopic(vectors, texts)[0]
        # interleaved, so a burst of other work falls on both methods alike
        for _ in range(max(1, args.repeat)):
            t, k_pni, embedded = time_pni(full, emb)
            assert embedded == 0, "the bench store's vectors should all come from the cache"
            pni_s.append(t)
            fresh_s.append(time_pni(full, emb, reuse=False)[0])
            t, k_bt = time_bertopic(vectors, texts)
            bt_s.append(t)
    t_bt = float(np.median(bt_s))
    rows = [("pni cluster, stories unchanged (clustering read back from the store)",
             float(np.median(pni_s)), k_pni, pni_s, first_pni),
            ("pni cluster --recompute (clustering computed again)", float(np.median(fresh_s)),
             k_pni, fresh_s, first_pni),
            ("BERTopic().fit_transform (baseline)", t_bt, k_bt, bt_s, first_bt)]
    from pni.embed.cpu import describe

    print(f"CPU: {describe()}; {os.cpu_count()} logical CPUs, load average"
          f" {os.getloadavg()[0]:.1f}")
    print(f"{args.n} stories, vectors cached (dim {vectors.shape[1]}), same process, after warm-up;"
          f" median of {len(pni_s)} interleaved calls each after a first full-size call\n")
    print("| method | seconds (median) | every call | patterns | BERTopic's time / this |"
          " first full-size call in the process (s) |")
    print("|---|---|---|---|---|---|")
    for name, t, k, every, first in rows:
        calls = ", ".join(f"{s:.1f}" for s in every)
        print(f"| {name} | {t:.1f} | {calls} | {k} | {t_bt / t:.1f}x | {first:.1f} |")
    print(f"\nfirst calls only (what a fresh process pays): BERTopic {first_bt:.1f} s / pni"
          f" {first_pni:.1f} s = {first_bt / first_pni:.1f}x")


if __name__ == "__main__":
    main()
