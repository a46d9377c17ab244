"""Start-up time of `pni --help` as a ratio to `python -c pass`, and heavy modules imported.

    .venv/bin/python bench/startup.py [N]

Targets (issue #13): `pni --help` <= 0.2 s and <= 8x `python -c pass` on the same machine, run
in the same process as the baseline. Prints the CPU model and instruction flags first.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ["torch", "sentence_transformers", "sklearn", "scipy", "pandas", "typst",
         "jinja2", "numpy", "openpyxl", "docx", "yaml", "rich", "pydantic"]


def wall(cmd: list[str], n: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds (user + system) of ``n`` runs of ``cmd``. CPU
    time is the steadier figure on a shared machine."""
    times, cpus = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), statistics.median(cpus)


def cpu() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text("utf-8")
    except OSError:
        import platform

        return platform.processor() or platform.machine()
    model = next((ln.split(":", 1)[1].strip() for ln in info.splitlines()
                  if ln.startswith("model name")), "unknown")
    flags = next((ln.split(":", 1)[1].split() for ln in info.splitlines()
                  if ln.startswith("flags")), [])
    simd = [f for f in flags if f.startswith(("avx", "sse4", "fma", "amx"))]
    return f"{model}; {' '.join(simd)}"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print("CPU:", cpu())
    py = sys.executable
    base = wall([py, "-c", "pass"], n)
    rows = [("python -c pass", base)]
    for label, cmd in [("pni --help", [py, "-m", "pni", "--help"]),
                       ("pni collect --help", [py, "-m", "pni", "collect", "--help"]),
                       ("pni stories --help", [py, "-m", "pni", "stories", "--help"])]:
        rows.append((label, wall(cmd, n)))
    print(f"median of {n} runs")
    print(f"{'command':<22}{'wall s':>9}{'ratio':>7}{'cpu s':>9}{'ratio':>7}")
    for label, (t, c) in rows:
        print(f"{label:<22}{t:>9.3f}{t / base[0]:>7.1f}{c:>9.3f}{c / base[1]:>7.1f}")
    help_s = rows[1][1][0]
    ok = help_s <= 0.2 and help_s / base[0] <= 8
    print(f"target `pni --help` <= 0.2 s and <= 8x python -c pass (wall): "
          f"{'met' if ok else 'NOT met'}")
    probe = ("import sys; sys.argv=['pni','--help']\n"
             "try:\n    from pni.cli import app; app()\nexcept SystemExit: pass\n"
             "sys.stdout = sys.__stdout__\n"
             f"print('\\n' + ','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([py, "-c", probe], capture_output=True, text=True, check=False)
    mods = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    mods = "" if " " in mods else mods  # the help text's last line, not the probe's
    print("modules imported by `pni --help` (of the watched list):", mods or "none")


if __name__ == "__main__":
    main()
