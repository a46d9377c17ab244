"""Collect throughput: 100k generated story rows (CSV with answers) through the library, in
stories/s, against pandas.read_csv of the same file in the same process.

    .venv/bin/python bench/collect.py [ROWS]
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

WORDS = ["lunch", "table", "homework", "teacher", "test", "grade", "parent", "friend", "hallway", "bus", "counselor", "club", "library", "recess", "project", "deadline", "report", "card", "principal", "coach", "team", "music", "art"]


def make(path: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "story", "teller", "prompt", "consent", "feeling", "belonging",
                    "topics", "listened_to", "role", "school", "grade_band"])
        for i in range(n):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
            w.writerow([f"R{i}", text, f"teller-{rng.randrange(n // 3 or 1)}",
                        rng.choice(["Tell us about a time you belonged", "A hard week"]),
                        rng.choice(["yes", "no", ""]),
                        rng.choice(["proud", "hopeful", "frustrated", "hurt"]),
                        rng.randint(1, 5), ";".join(rng.sample(WORDS[:8], 2)),
                        rng.choice(["yes", "no"]),
                        rng.choice(["student", "teacher", "parent", "leader"]),
                        rng.choice(["Alder", "Birchwood", "Cedar Valley"]),
                        rng.choice(["K-2", "3-5", "6-8", "9-12"])])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    from pni.ingest import CollectOptions, collect
    from pni.store import Store

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "stories.csv"
        make(p, n)
        size_mb = p.stat().st_size / 1e6
        import pandas as pd

        t = time.perf_counter()
        pd.read_csv(p)
        t_pd = time.perf_counter() - t
        with Store.open(Path(d) / "pni.db") as db:
            t = time.perf_counter()
            rep = collect(db, [p], CollectOptions())
            t_first = time.perf_counter() - t
            t = time.perf_counter()
            rep2 = collect(db, [p], CollectOptions())
            t_second = time.perf_counter() - t
        f, f2 = rep.files[0], rep2.files[0]
        print(f"{n} rows, {size_mb:.1f} MB CSV")
        print(f"{'step':<34}{'seconds':>9}{'stories/s':>12}{'x pandas':>10}")
        print(f"{'pandas.read_csv (baseline)':<34}{t_pd:>9.2f}{n / t_pd:>12.0f}{1:>10.1f}")
        print(f"{'collect, first run (stores)':<34}{t_first:>9.2f}{n / t_first:>12.0f}"
              f"{t_first / t_pd:>10.1f}")
        print(f"{'collect, second run (all dups)':<34}{t_second:>9.2f}{n / t_second:>12.0f}"
              f"{t_second / t_pd:>10.1f}")
        print(f"first: stored {f.stored}, duplicates {f.duplicates}, rejected {f.rejected};"
              f" second: stored {f2.stored}, duplicates {f2.duplicates}")


if __name__ == "__main__":
    main()
