"""Start-up time of `pni --help` as a ratio to `python -c pass`, and heavy modules imported.

    .venv/bin/python bench/startup.py [N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

HEAVY = ["torch", "sentence_transformers", "sklearn", "hdbscan", "scipy", "pandas", "typst",
         "jinja2", "numpy", "openpyxl", "docx", "yaml", "rich", "pydantic"]


def wall(cmd: list[str], n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    py = sys.executable
    base = wall([py, "-c", "pass"], n)
    rows = [("python -c pass", base)]
    for label, cmd in [("pni --help", [py, "-m", "pni", "--help"]),
                       ("pni collect --help", [py, "-m", "pni", "collect", "--help"]),
                       ("pni stories --help", [py, "-m", "pni", "stories", "--help"])]:
        rows.append((label, wall(cmd, n)))
    print(f"median of {n} runs")
    print(f"{'command':<22}{'seconds':>10}{'ratio':>8}")
    for label, t in rows:
        print(f"{label:<22}{t:>10.3f}{t / base:>8.1f}")
    probe = ("import sys; sys.argv=['pni','--help']\n"
             "try:\n    from pni.cli import app; app()\nexcept SystemExit: pass\n"
             f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([py, "-c", probe], capture_output=True, text=True, check=False)
    mods = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    print("modules imported by `pni --help` (of the watched list):", mods or "none")


if __name__ == "__main__":
    main()
