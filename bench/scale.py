"""Beyond one laptop: collect throughput into SQLite and PostgreSQL, embedding locally and on a
local Ray (1 and 2 workers), and a model of N nodes from the measured per-core rate.

    .venv/bin/python bench/scale.py                      # 10,000 and 100,000 stories
    .venv/bin/python bench/scale.py --sizes 10000 --embed 2000 --backend fake
    .venv/bin/python bench/scale.py --pg postgresql://me@db/bench   # a real server

Without ``--pg`` a throwaway PostgreSQL server is started in a temp folder (as ``nobody`` when
run as root; needs Debian's ``postgresql``). Collect runs through the library, one process,
as ``pni collect`` does. Embedding measures ``--embed`` stories (default 2,000) with the packaged
model on ``--backend`` (default: pni's own choice, ``auto``), locally, and on Ray with 1 and 2
actors when Ray is installed (``pip install 'pni[scale]'``); the model of N nodes multiplies the
measured single-process rate per core by the cores of the nodes, times the 2-worker efficiency
measured here (what Ray costs on top of pni's own embedder).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.collect import make  # noqa: E402


def _pg_url(given: str | None) -> tuple[str, object | None]:
    """The given URL, or a new database on a throwaway server (and the server)."""
    if given:
        return given, None
    from tests.store.postgres import Server

    srv = Server()
    return srv.new_database(), srv


def collect_rate(n: int, location: str, folder: Path) -> dict[str, float]:
    from pni.ingest import CollectOptions, collect
    from pni.store import Store

    data = folder / f"stories-{n}.csv"
    if not data.exists():
        make(data, n)
    with Store.open(location) as db:
        t = time.perf_counter()
        rep = collect(db, [data], CollectOptions())
        first = time.perf_counter() - t
        t = time.perf_counter()
        again = collect(db, [data], CollectOptions())
        second = time.perf_counter() - t
    assert rep.files[0].stored + rep.files[0].duplicates + rep.files[0].rejected == n
    assert again.files[0].stored == 0
    return {"stored": rep.files[0].stored, "seconds": first, "per_s": n / first,
            "again_seconds": second, "again_per_s": n / second}


def embed_rates(n: int, backend: str | None, folder: Path) -> dict[str, object]:
    """Local embedding of ``n`` stories, then Ray with 1 and 2 workers on fresh stores."""
    from pni.embed import get_embedder
    from pni.embed.cache import embed_stories
    from pni.ingest import CollectOptions, collect
    from pni.store import Store
    from pni.store import stories as q

    data = folder / f"embed-{n}.csv"
    make(data, n, seed=3)
    out: dict[str, object] = {"stories": n}
    stores = {}
    for name in ("local", "ray1", "ray2"):
        stores[name] = folder / f"embed-{name}.db"
        with Store.open(stores[name]) as db:
            collect(db, [data], CollectOptions())
    emb = get_embedder(backend=backend)
    out["backend"] = emb.backend
    with Store.open(stores["local"]) as db:
        pairs = [(s.id, s.text) for s in q.list_stories(db, with_answers=False)]
        t = time.perf_counter()
        embed_stories(db, pairs, emb)
        out["local_s"] = time.perf_counter() - t
    out["local_per_s"] = n / float(out["local_s"])  # type: ignore[arg-type]
    try:
        import ray  # noqa: F401
    except ImportError:
        out["ray"] = "not installed (pip install 'pni[scale]')"
        return out
    from pni.scale import embed_on_ray

    for workers in (1, 2):
        with Store.open(stores[f"ray{workers}"]) as db:
            t = time.perf_counter()
            res = embed_on_ray(db, "local", backend=backend, workers=workers)
            out[f"ray{workers}_s"] = time.perf_counter() - t
            out[f"ray{workers}_startup_s"] = res.startup_seconds
            out[f"ray{workers}_per_s"] = n / float(out[f"ray{workers}_s"])  # type: ignore[arg-type]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--pg", help="a PostgreSQL URL to use (an empty database)")
    ap.add_argument("--embed", type=int, default=2000, help="stories to embed (0: skip)")
    ap.add_argument("--backend", default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result: dict[str, object] = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        rows = []
        server = None if args.pg else _pg_url(None)[1]
        for n in args.sizes:
            lite = collect_rate(n, str(folder / f"c{n}.db"), folder)
            if args.pg:  # a given database: emptied before each size
                from pni.store import Store
                from pni.store.copy import tables

                with Store.open(args.pg) as db, db.transaction():
                    for t in reversed(tables(db)):  # children first
                        db.execute(f'DELETE FROM "{t}"')
            url = args.pg or server.new_database()  # type: ignore[attr-defined]
            pg = collect_rate(n, url, folder)
            rows.append({"stories": n, "sqlite": lite, "postgresql": pg})
        result["collect"] = rows
        if args.embed:
            result["embed"] = embed_rates(args.embed, args.backend, folder)
        if server is not None:
            server.stop()  # type: ignore[attr-defined]
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"collect, one process ({result['cpus']} CPUs here); stories/s (second run: all"
          " duplicates)")
    print(f"{'stories':>9} {'SQLite':>10} {'PostgreSQL':>11} {'SQLite again':>13}"
          f" {'PG again':>9}")
    for r in rows:
        lite, pg = r["sqlite"], r["postgresql"]
        print(f"{r['stories']:>9} {lite['per_s']:>10.0f} {pg['per_s']:>11.0f}"
              f" {lite['again_per_s']:>13.0f} {pg['again_per_s']:>9.0f}")
    if "embed" in result:
        e = result["embed"]
        assert isinstance(e, dict)
        print(f"\nembedding {e['stories']} stories, backend {e['backend']}: local"
              f" {e['local_per_s']:.0f}/s")
        if "ray1_per_s" in e:
            for w in (1, 2):
                print(f"  Ray, {w} worker(s): {e[f'ray{w}_per_s']:.0f}/s"
                      f" ({e[f'ray{w}_s']:.1f} s, of which {e[f'ray{w}_startup_s']:.1f} s"
                      " starting Ray and the workers)")
            n_e, local = float(e["stories"]), float(e["local_per_s"])
            steady = n_e / (float(e["ray2_s"]) - float(e["ray2_startup_s"]))
            eff = float(e["ray2_per_s"]) / local
            eff_steady = steady / local
            per_core = local / max(1, (os.cpu_count() or 1))
            print(f"  2 Ray workers against local on the same {os.cpu_count()} CPUs: {eff:.2f}"
                  f" with start-up, {eff_steady:.2f} once started ({steady:.0f}/s)")
            print(f"  model: {per_core:.0f} stories/s per core (local) x cores x {eff_steady:.2f}:")
            for nodes, cores in ((1, 16), (4, 16), (16, 16)):
                rate = per_core * nodes * cores * min(1.0, eff_steady)
                print(f"    {nodes:>2} nodes x {cores} cores: {rate:,.0f} stories/s;"
                      f" 1,000,000 stories in {1e6 / rate / 60:,.0f} min")
        else:
            print(f"  Ray: {e.get('ray')}")


if __name__ == "__main__":
    main()
