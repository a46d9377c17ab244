"""``auto``: choose the ONNX graph and the batch shape for this CPU, once, by measuring.

Whether int8 pays depends on the CPU: with int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI,
AMX, Arm dotprod) the quantized graph is several times faster than float32; without them it can be
slower. Rather than trust a rule, the first ``auto`` use on a machine times both graphs on a fixed
probe set of story-like texts of mixed lengths, keeps int8 only when it is faster *and* its
vectors stay within ``MIN_COSINE`` of the float32 ones, then times, for the winner, how to spread
the work over the cores (one forward call at a time on every core, or one call per core at once:
onnxruntime's threads meet after every operator, which costs most where operators are small) and
a few batch shapes (padded tokens per forward call). The choice is written to
``data_dir()/calibration/<cpu signature>-<model revision>.json`` and reused by every later process
on the same CPU; ``PNI_EMBED_BACKEND=onnx-int8`` (or ``onnx-fp32``, ``torch``) skips it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from pni.embed.cpu import cpu_info, describe, signature
from pni.embed.models import ModelSource
from pni.embed.onnx_backend import OnnxEmbedder, ensure_export

#: Bump when the probe or the decision rule changes: older calibrations are redone.
CALIBRATION_VERSION = "3"
#: int8 vectors must agree with float32 ones at least this well (mean cosine) to be chosen.
MIN_COSINE = 0.98
#: Padded tokens per forward call tried for the chosen graph (None: only the window cap).
TOKEN_BUDGETS: tuple[int | None, ...] = (256, 512, 1024, 2048)
#: Windows per forward call at most, whatever the token budget.
MAX_WINDOWS = 64

_SENTENCES = [
    "My daughter came home crying because nobody would sit with her at lunch.",
    "The new schedule meant the bus left before the breakfast program opened.",
    "When the interpreter did not show up, my son had to translate for me at the meeting.",
    "Our robotics team stayed after school every day for three weeks before the competition.",
    "I asked the counselor for help and she found me a quiet place to take the test.",
    "The snow day was announced so late that half the families were already on the road.",
    "Mi hija llegó llorando porque nadie jugó con ella en el recreo.",
    "He said the teacher never called on him, so he stopped raising his hand.",
]


def probe_texts() -> list[str]:
    """24 deterministic texts of 1 to 24 sentences (about 15 to 400 tokens): short answers and
    long accounts, so the probe sees both padding and windowing."""
    out = []
    for i in range(24):
        n = 1 + (i * 7) % 24
        out.append(" ".join(_SENTENCES[(i + k) % len(_SENTENCES)] for k in range(n)))
    return out


@dataclass
class Calibration:
    precision: str  # "int8" or "fp32"
    batch_tokens: int | None
    max_batch: int
    cpu: str
    texts_per_s: dict[str, float]
    cosine_int8_fp32: float
    seconds: float
    version: str = CALIBRATION_VERSION
    #: forward calls at once, and onnxruntime threads for each
    workers: int = 1
    threads: int | None = None

    @property
    def backend(self) -> str:
        return f"onnx-{self.precision}"


def calibration_file(source: ModelSource) -> Path:
    from pni.paths import data_dir

    return data_dir() / "calibration" / f"{signature()}-{source.revision}.json"


def _rate(emb: OnnxEmbedder, texts: list[str], rounds: int = 2) -> float:
    """Texts per second, best of ``rounds`` (the best is the least disturbed by other work)."""
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        emb.embed(texts)
        times.append(time.perf_counter() - t)
    return len(texts) / min(times)


def _interleaved(embedders: dict[str, OnnxEmbedder], texts: list[str],
                 rounds: int = 2) -> dict[str, float]:
    """Best texts/s of each embedder, taking turns so a burst of other work hits all alike."""
    rates: dict[str, float] = {}
    for _ in range(rounds):
        for key, emb in embedders.items():
            rates[key] = max(rates.get(key, 0.0), _rate(emb, texts, rounds=1))
    return rates


def layouts(cores: int) -> list[tuple[int, int | None]]:
    """(workers, threads each) worth timing on ``cores`` cores: every core on one forward call,
    one call per core, and one in between where the cores split evenly.

    >>> layouts(1), layouts(2), layouts(8)
    ([(1, None)], [(1, None), (2, 1)], [(1, None), (8, 1), (2, 4)])
    """
    if cores <= 1:
        return [(1, None)]
    out: list[tuple[int, int | None]] = [(1, None), (cores, 1)]
    if cores >= 4 and cores % 2 == 0:
        out.append((2, cores // 2))
    return out


def measure(source: ModelSource, folder: Path) -> Calibration:
    """Time both graphs, the layouts and the batch shapes on this CPU (seconds on a quiet
    machine)."""
    t0 = time.perf_counter()
    texts = probe_texts()
    graphs = {p: OnnxEmbedder(source, folder, precision=p) for p in ("int8", "fp32")}
    for g in graphs.values():
        g.max_batch, g.batch_tokens = MAX_WINDOWS, 2048
        g.embed(texts[:4])  # warm-up: first calls allocate
    vecs = {p: g.embed(texts) for p, g in graphs.items()}
    cosine = float((vecs["int8"] * vecs["fp32"]).sum(1).mean())
    rates = _interleaved(graphs, texts)
    precision = "int8" if rates["int8"] > rates["fp32"] and cosine >= MIN_COSINE else "fp32"
    spread: dict[str, OnnxEmbedder] = {}
    for workers, threads in layouts(cpu_info().cores):
        emb = (graphs[precision] if workers == 1 else
               OnnxEmbedder(source, folder, precision=precision, workers=workers, threads=threads))
        emb.max_batch, emb.batch_tokens = MAX_WINDOWS, 512
        emb.embed(texts[:4])
        spread[emb.layout] = emb
    layout_rates = _interleaved(spread, texts) if len(spread) > 1 else {}
    best = spread[max(layout_rates, key=lambda k: layout_rates[k])] if layout_rates else \
        next(iter(spread.values()))
    shapes: dict[str, float] = {}
    for budget in TOKEN_BUDGETS:
        best.batch_tokens = budget
        shapes[str(budget)] = _rate(best, texts, rounds=1)
    budget_key = max(shapes, key=lambda k: shapes[k])
    return Calibration(
        precision=precision, batch_tokens=None if budget_key == "None" else int(budget_key),
        max_batch=MAX_WINDOWS, cpu=describe(cpu_info()),
        texts_per_s={**{f"onnx-{p}": round(r, 1) for p, r in rates.items()},
                     **{k: round(v, 1) for k, v in layout_rates.items()},
                     **{f"tokens<={k}": round(v, 1) for k, v in shapes.items()}},
        cosine_int8_fp32=round(cosine, 5), seconds=round(time.perf_counter() - t0, 2),
        workers=best.workers, threads=best.threads)


def load(path: Path) -> Calibration | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        cal = Calibration(**data)
    except (OSError, ValueError, TypeError):
        return None
    if cal.version != CALIBRATION_VERSION or cal.precision not in ("int8", "fp32") \
            or cal.workers < 1:
        return None
    return cal


def calibrated_embedder(source: ModelSource) -> OnnxEmbedder:
    """The embedder ``auto`` gives: this CPU's recorded choice, measured first if there is none."""
    folder = ensure_export(source)
    path = calibration_file(source)
    cal = load(path)
    if cal is None:
        print("pni: measuring which embedding graph and batch shape suit this CPU (once)...",
              file=sys.stderr, flush=True)
        cal = measure(source, folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(cal), indent=2), "utf-8")
        os.replace(tmp, path)
    emb = OnnxEmbedder(source, folder, precision=cal.precision, workers=cal.workers,
                       threads=cal.threads)
    emb.max_batch, emb.batch_tokens = cal.max_batch, cal.batch_tokens
    return emb


def summary(cal: Calibration) -> str:
    """One line for people: what was chosen and the figures behind it."""
    rates = ", ".join(f"{k} {v:g}/s" for k, v in cal.texts_per_s.items())
    workers = f"{cal.workers} forward call{'s' if cal.workers > 1 else ''} at once"
    return (f"{cal.backend}, up to {cal.batch_tokens or 'any'} tokens per batch, {workers}"
            f" (int8~fp32 cosine {cal.cosine_int8_fp32:.3f}; {rates}; {cal.cpu})")


