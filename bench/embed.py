"""Embedding speed and agreement of pni's backends against sentence-transformers ``encode``.

Baseline: ``SentenceTransformer(packaged all-MiniLM-L6-v2, device="cpu").encode(texts)`` with its
defaults (batch 32, truncation at 256 word pieces), timed in the same process on the same texts.
Each round times every method once, in turn; texts/s is the median over rounds (the machine is
shared, so same-process ratios matter more than absolute figures).

Agreement: cosine of each backend's vectors to pni's torch backend (same chunking of long texts),
and, for texts that fit the window, of pni's torch backend to ``encode`` (should be 1.0).

Cold start: a fresh process that loads the backend and embeds one text (onnx-int8 with its export
already cached). Export: a fresh ONNX export + fusion + int8 quantization into a temp folder.

    .venv/bin/python bench/embed.py                  # 256 texts of each eval corpus, 3 rounds
    .venv/bin/python bench/embed.py --n 0 --rounds 1 # every text
    .venv/bin/python bench/embed.py --static         # encode, torch, onnx-int8 and static only

``--static`` adds the distilled static model (``--backend static``, needs model2vec); its vectors
live in another (256-d) space, so its cosine to the torch vectors is not defined ("n/a") and its
agreement is measured by how much of the torch vectors' neighbourhoods it keeps instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import numpy as np

EVAL = Path(os.environ.get("PNI_EVAL", Path(__file__).resolve().parents[2] / "shared" / "eval"))
CORPORA = {
    "cfpb": EVAL / "cfpb_complaints" / "cfpb_complaints.csv",
    "counsel": EVAL / "counsel_chat" / "counsel_chat.csv",
}

COLD = """
import os, sys, time
t = time.perf_counter()
from pni.embed import get_embedder
e = get_embedder(backend={backend!r})
e.embed(["We sat together at the lunch table."])
print(time.perf_counter() - t, "torch" in sys.modules)
"""


def load_texts(name: str, n: int, seed: int) -> list[str]:
    import pandas as pd

    df = pd.read_csv(CORPORA[name])
    if n and n < len(df):
        df = df.sample(n, random_state=seed)
    return [str(t) for t in df["text"]]


def cold_start(backend: str) -> tuple[float, bool]:
    out = subprocess.run([sys.executable, "-c", COLD.format(backend=backend)],
                         capture_output=True, text=True, check=True, env=os.environ.copy())
    secs, torch_loaded = out.stdout.split()
    return float(secs), torch_loaded == "True"


def export_time() -> float:
    from pni.embed.models import resolve_model
    from pni.embed.onnx_backend import export_model

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        export_model(resolve_model(), Path(tmp) / "export")
        return time.perf_counter() - t


def _shared_neighbours(v: np.ndarray, ref: np.ndarray, k: int = 10) -> float:
    """Mean share of each text's ``k`` nearest texts (cosine) under ``v`` that are also among
    its ``k`` nearest under ``ref``."""
    if len(v) <= k:
        return float("nan")

    def top(x: np.ndarray) -> np.ndarray:
        s = x @ x.T
        np.fill_diagonal(s, -np.inf)
        return np.argsort(-s, axis=1)[:, :k]

    a, b = top(v), top(ref)
    return float(np.mean([len(set(a[i]) & set(b[i])) / k for i in range(len(v))]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=256, help="texts per corpus (0: all)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    ap.add_argument("--no-cold", action="store_true", help="skip cold-start and export timings")
    ap.add_argument("--static", action="store_true",
                    help="the static backend beside encode, torch and onnx-int8 (needs model2vec)")
    args = ap.parse_args()

    from pni.embed import get_embedder
    from pni.embed.base import N_SPECIAL, window_spans
    from pni.embed.torch_backend import TorchEmbedder

    onnx = get_embedder(backend="onnx-int8")  # exports first if not cached
    torch_e = get_embedder(backend="torch")
    assert isinstance(torch_e, TorchEmbedder)
    st = torch_e.model
    methods = {
        "st.encode (baseline)": lambda ts: np.asarray(st.encode(ts)),
        "pni torch": lambda ts: torch_e.embed(ts),
        "pni onnx-int8 (batch 4)": lambda ts: onnx.embed(ts),
    }
    if args.static:
        static = get_embedder(backend="static")  # distils once if not cached
        methods["pni static"] = lambda ts: static.embed(ts)
    else:
        fp32 = get_embedder(backend="onnx-fp32")
        auto = get_embedder(backend="auto")  # calibrates first if this CPU has no record
        methods["pni onnx-fp32 (batch 4)"] = lambda ts: fp32.embed(ts)
        methods[f"pni auto ({auto.backend})"] = lambda ts: auto.embed(ts)
    names = list(CORPORA) if args.corpus == "all" else [args.corpus]
    from pni.embed.calibrate import calibration_file, load, summary
    from pni.embed.cpu import describe
    from pni.embed.models import resolve_model

    cal = load(calibration_file(resolve_model()))
    print(f"# bench/embed.py  n={args.n or 'all'} rounds={args.rounds}"
          f"  model={onnx.model_id}@{onnx.revision}")
    print(f"# CPU: {describe()}")
    print(f"# load average at start: {os.getloadavg()[0]:.1f} (other work slows every method)")
    if cal is not None:
        print(f"# auto chose: {summary(cal)} in {cal.seconds:.1f} s")
    rows = []
    for corpus in names:
        texts = load_texts(corpus, args.n, args.seed)
        tokens = torch_e.count_tokens(texts)
        fits = np.array([c <= torch_e.max_tokens for c in tokens])
        for fn in methods.values():  # warm-up
            fn(texts[:8])
        times: dict[str, list[float]] = {m: [] for m in methods}
        vecs: dict[str, np.ndarray] = {}
        for _ in range(args.rounds):
            for m, fn in methods.items():
                t = time.perf_counter()
                vecs[m] = fn(texts)
                times[m].append(time.perf_counter() - t)
        ref = vecs["pni torch"]
        base = statistics.median(times["st.encode (baseline)"])
        int8 = statistics.median(times["pni onnx-int8 (batch 4)"])
        for m in methods:
            v = vecs[m] / np.linalg.norm(vecs[m], axis=1, keepdims=True)
            med = statistics.median(times[m])
            if v.shape[1] != ref.shape[1]:  # another space: neighbourhoods kept instead
                rows.append([corpus, m, len(texts), f"{len(texts) / med:.1f}",
                             f"{base / med:.2f}x", f"{int8 / med:.1f}x", "n/a", "n/a",
                             f"{_shared_neighbours(v, ref):.3f}"])
                continue
            cos = (v * ref).sum(1)
            if m == "st.encode (baseline)":
                cos = cos[fits]  # encode truncates long texts; compare where both see all
            rows.append([corpus, m, len(texts), f"{len(texts) / med:.1f}", f"{base / med:.2f}x",
                         f"{int8 / med:.2f}x", f"{cos.mean():.4f}", f"{cos.min():.4f}",
                         f"{_shared_neighbours(v, ref):.3f}"])
        cut = sum(min(c, torch_e.max_tokens) for c in tokens)
        windowed = sum(
            e - s + N_SPECIAL
            for c in tokens for s, e in window_spans(c - N_SPECIAL, torch_e.max_tokens)
        )
        print(f"# {corpus}: {len(texts)} texts, mean {np.mean(tokens):.0f} tokens,"
              f" {int((~fits).sum())} longer than {torch_e.max_tokens} (chunked by pni);"
              f" tokens run: encode {cut}, pni {windowed} ({windowed / cut:.2f}x the work)")

    head = ["corpus", "method", "texts", "texts/s", "vs baseline", "vs onnx-int8", "cos mean",
            "cos min", "top-10 neighbours shared with torch"]
    print()
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")
    print("\ncos: to pni torch vectors (baseline row: texts within the 256-token window only)")
    print(f"# CPU: {describe()}; load average at end: {os.getloadavg()[0]:.1f}")

    if not args.no_cold:
        print("\n| backend | cold start (s), load + first text | torch imported |")
        print("|---|---|---|")
        for b in ("auto", "onnx-int8", "torch", *(["static"] if args.static else [])):
            secs, loaded = cold_start(b)
            print(f"| {b} | {secs:.2f} | {loaded} |")
        print(f"\nonnx-int8 export (torch load + export + fuse + quantize): {export_time():.1f} s")


if __name__ == "__main__":
    main()
