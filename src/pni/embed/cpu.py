"""What the CPU can do for inference: its model name and the instruction sets that decide whether
int8 arithmetic pays (dot-product instructions: AVX-512 VNNI, AVX-VNNI, AMX, Arm's dotprod/i8mm).

Speed figures mean little without the CPU they were measured on: every benchmark prints
``describe()`` beside its numbers, and the embedding calibration is keyed by ``signature()``.

>>> info = cpu_info()
>>> isinstance(info.model, str) and isinstance(info.int8_dot, bool)
True
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
from dataclasses import dataclass, field
from functools import lru_cache

#: Flags worth printing beside a speed figure (x86 names as in /proc/cpuinfo, Arm in "Features").
SHOWN = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni",
         "avx512_bf16", "amx_int8", "amx_bf16", "asimd", "asimddp", "i8mm", "sve", "bf16")
#: Any of these makes int8 matrix products faster than float32 ones.
INT8_DOT = ("avx512_vnni", "avx_vnni", "amx_int8", "asimddp", "i8mm")


@dataclass(frozen=True)
class CpuInfo:
    model: str
    cores: int
    flags: frozenset[str] = field(default_factory=frozenset)

    @property
    def int8_dot(self) -> bool:
        """True when the CPU has int8 dot-product instructions (int8 inference pays)."""
        return any(f in self.flags for f in INT8_DOT)

    @property
    def shown_flags(self) -> list[str]:
        return [f for f in SHOWN if f in self.flags]


def _from_proc(text: str) -> tuple[str, set[str]]:
    model, flags = "", set[str]()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if not model and key in ("model name", "cpu model", "hardware"):
            model = value.strip()
        elif not flags and key in ("flags", "features"):
            flags = set(value.split())
    return model, flags


def _from_sysctl() -> tuple[str, set[str]]:  # macOS
    import subprocess

    def ask(name: str) -> str:
        try:
            return subprocess.run(["sysctl", "-n", name], capture_output=True, text=True,
                                  timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    model = ask("machdep.cpu.brand_string")
    flags: set[str] = set()
    if ask("hw.optional.arm.FEAT_DotProd") == "1":
        flags.add("asimddp")
    if ask("hw.optional.arm.FEAT_I8MM") == "1":
        flags.add("i8mm")
    for f in ask("machdep.cpu.features").lower().split() + ask("machdep.cpu.leaf7_features").lower().split():
        flags.add({"avx2.0": "avx2", "avx512vnni": "avx512_vnni"}.get(f, f.replace(".", "")))
    return model, flags


@lru_cache(maxsize=1)
def cpu_info() -> CpuInfo:
    """The CPU this process runs on (best effort: Linux /proc/cpuinfo, macOS sysctl, else platform)."""
    model, flags = "", set[str]()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            model, flags = _from_proc(fh.read())
    except OSError:
        if platform.system() == "Darwin":
            model, flags = _from_sysctl()
    model = re.sub(r"\s+", " ", model or platform.processor() or platform.machine() or "unknown CPU")
    return CpuInfo(model=model, cores=os.cpu_count() or 1, flags=frozenset(flags))


def describe(info: CpuInfo | None = None) -> str:
    """One line for benchmark output: model, cores, the flags that matter for inference."""
    info = info or cpu_info()
    shown = " ".join(info.shown_flags) or "none of " + "/".join(SHOWN[:3])
    return (f"{info.model}, {info.cores} cores; {shown}; int8 dot-product instructions:"
            f" {'yes' if info.int8_dot else 'no'}")


def flops_per_token(layers: int, hidden: int, intermediate: int) -> float:
    """Arithmetic of one token through a BERT encoder's weights: two operations (multiply, add)
    per weight of the four attention and two feed-forward matrices of every layer (attention
    scores left out). About 21 MFLOP for all-MiniLM-L6-v2 (6 layers, 384 wide, 1,536 feed-forward).

    >>> round(flops_per_token(6, 384, 1536) / 1e6, 1)
    21.2
    """
    return 2.0 * layers * (4 * hidden * hidden + 2 * hidden * intermediate)


@dataclass(frozen=True)
class Peak:
    """What the CPU's vector units can do at most, on paper, for one number type."""

    precision: str
    instructions: str
    ops_per_cycle: int  # per core
    cores: int
    ghz: float

    @property
    def ops(self) -> float:
        return self.ops_per_cycle * self.cores * self.ghz * 1e9

    def __str__(self) -> str:
        return (f"{self.precision} on {self.instructions}: {self.cores} cores x {self.ghz:.1f} GHz"
                f" x {self.ops_per_cycle} ops/cycle = {self.ops / 1e9:.0f} G/s")


def paper_peak(precision: str, info: CpuInfo | None = None, ghz: float = 3.0) -> Peak:
    """The paper limit for ``precision`` (``fp32``, ``bf16`` or ``int8``) on this CPU, from its
    instruction flags: fused multiply-adds per cycle per core, two operations each. AMD's Zen 4
    runs AVX-512 as two 256-bit halves, so it counts as AVX2 for width; int8 dot-product
    instructions do 4 multiply-adds where float32 does one (VNNI, Arm dotprod), AMX tiles far
    more. ``ghz``: the clock assumed (a virtual machine rarely tells the real one).

    >>> str(paper_peak("int8", CpuInfo("AMD EPYC", 2, frozenset({"avx2", "fma", "avx512f", "avx512_vnni"}))))
    'int8 on AVX-512 VNNI: 2 cores x 3.0 GHz x 128 ops/cycle = 768 G/s'
    >>> paper_peak("fp32", CpuInfo("AMD EPYC", 2, frozenset({"avx2", "fma"}))).ops / 1e9
    192.0
    """
    info = info or cpu_info()
    f = info.flags
    intel = "intel" in info.model.lower()
    if "avx512f" in f and intel:
        fp32, width = 64, "AVX-512"
    elif "avx512f" in f:
        fp32, width = 32, "AVX-512 (256-bit units)"
    elif "fma" in f:
        fp32, width = 32, "AVX2+FMA"
    elif "avx" in f:
        fp32, width = 16, "AVX"
    elif "asimd" in f:
        fp32, width = 16, "NEON"
    else:
        fp32, width = 8, "SSE"
    if precision == "fp32":
        return Peak(precision, width, fp32, info.cores, ghz)
    if precision == "bf16":
        if "amx_bf16" in f:
            return Peak(precision, "AMX-BF16", 1024, info.cores, ghz)
        if "avx512_bf16" in f or "bf16" in f:
            return Peak(precision, f"{'AVX-512' if 'avx512_bf16' in f else 'Arm'} BF16", 2 * fp32,
                        info.cores, ghz)
        return Peak(precision, f"{width} (no bf16 instructions)", fp32, info.cores, ghz)
    if precision != "int8":
        raise ValueError("precision must be fp32, bf16 or int8")
    if "amx_int8" in f:
        return Peak(precision, "AMX-INT8", 2048, info.cores, ghz)
    for flag, name in (("avx512_vnni", "AVX-512 VNNI"), ("avx_vnni", "AVX-VNNI"),
                       ("i8mm", "Arm i8mm"), ("asimddp", "Arm dotprod")):
        if flag in f:
            return Peak(precision, name, 4 * fp32, info.cores, ghz)
    return Peak(precision, f"{width} (no int8 dot-product instructions)", 2 * fp32, info.cores,
                ghz)


def signature(info: CpuInfo | None = None) -> str:
    """A short key that changes when the CPU model, core count or relevant flags change."""
    info = info or cpu_info()
    raw = "|".join([info.model, str(info.cores), *info.shown_flags])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]
