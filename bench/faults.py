"""The fault campaign of issue #11, as figures: malformed inputs by outcome class, kill -9 during
collect and cluster (survived, rows lost, embeddings resumed), and network attempts of the main
job under strace. Every figure that must be 0 is printed with what it must be.

    .venv/bin/python bench/faults.py [KILLS]      # default 40 kills (the test runs 20)
"""

from __future__ import annotations

import collections
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO)]
os.environ.pop("PNI_STORE", None)

from tests.faults.generate import generate  # noqa: E402
from tests.faults.harness import run_case  # noqa: E402
from tests.faults.test_kill import kill_campaign  # noqa: E402
from tests.faults.test_network import attempts  # noqa: E402


def corpus(tmp: Path) -> None:
    cases = generate(tmp / "corpus")
    by_class: collections.Counter[str] = collections.Counter()
    by_group: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    slowest = (0.0, "")
    t0 = time.perf_counter()
    for c in cases:
        o = run_case(c, tmp / "corpus", tmp / "work")
        by_class[o.kind] += 1
        by_group[c.group][o.kind] += 1
        slowest = max(slowest, (o.seconds, c.name))
    print(f"malformed inputs tried: {len(cases)} in {time.perf_counter() - t0:.1f} s"
          f" (slowest {slowest[1]}: {slowest[0]:.2f} s; limit 20 s each)")
    for kind in ("ok", "rejected-file", "refused", "internal", "no-file-named", "hang",
                 "bad-exit", "unbalanced"):
        must = "" if kind in ("ok", "rejected-file", "refused") else "   (must be 0)"
        print(f"  {kind:14} {by_class.get(kind, 0):4}{must}")
    print("  by family: " + "; ".join(
        f"{g} {sum(c.values())} ({', '.join(f'{k} {v}' for k, v in sorted(c.items()))})"
        for g, c in by_group.items()))


def kills(tmp: Path, n: int) -> None:
    t0 = time.perf_counter()
    got = kill_campaign(tmp / "kills", collect_kills=n * 3 // 5, cluster_kills=n - n * 3 // 5,
                        seed=1)
    print(f"kill -9 at random points: {got['kills']} ({got['killed_running']} while running),"
          f" all survived: store intact, every file all-or-none, exact re-run"
          f" ({time.perf_counter() - t0:.0f} s)")
    print(f"  rows lost: {got['rows_lost']} (must be 0); embeddings kept by killed clusters and"
          f" reused: {got['embeddings_resumed']}")


def network(tmp: Path) -> None:
    if shutil.which("strace") is None:
        print("network attempts: not measured (strace missing)")
        return
    env = {k: v for k, v in os.environ.items() if k not in (
        "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ORT_DISABLE_TELEMETRY", "DO_NOT_TRACK",
        "PNI_FAKE_EMBEDDER")}
    env["PYTHONPATH"] = str(REPO / "src")
    trace = tmp / "trace"
    t0 = time.perf_counter()
    res = subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o",
                          str(trace), sys.executable, "-m", "pni", "prepare",
                          str(REPO / "sample_stories"), "-o", str(tmp / "out"), "--to", "md"],
                         capture_output=True, text=True, env=env)
    found = attempts(trace.read_text()) if trace.exists() else []
    print(f"network attempts (AF_INET/AF_INET6 connect or DNS) by `pni prepare sample_stories`"
          f" and every process it starts, real model: {len(found)} (must be 0; exit"
          f" {res.returncode}, {time.perf_counter() - t0:.0f} s under strace)")


def main() -> None:
    from pni.embed.cpu import describe

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    print(f"CPU: {describe()}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f};"
          f" Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        corpus(tmp)
        kills(tmp, n)
        network(tmp)


if __name__ == "__main__":
    main()
