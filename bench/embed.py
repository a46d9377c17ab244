"""Embedding speed and agreement of pni's backends against sentence-transformers ``encode``.

Baseline: ``SentenceTransformer(packaged all-MiniLM-L6-v2, device="cpu").encode(texts)`` with its
defaults (batch 32, truncation at 256 word pieces), timed in the same process on the same texts.
Each round times every method once, in turn; texts/s is the median over rounds (the machine is
shared, so same-process ratios matter more than absolute figures).

Agreement: cosine of each backend's vectors to pni's torch backend (same chunking of long texts),
and, for texts that fit the window, of pni's torch backend to ``encode`` (should be 1.0).

Paper limit: the share of what the CPU's vector units could do on paper that each method reaches,
tokens run per second x the model's arithmetic per token (``pni.embed.cpu.flops_per_token``: the
weights only, about 21 MFLOP for all-MiniLM-L6-v2) / the peak for the number type the method
computes in (``pni.embed.cpu.paper_peak``: float32 for encode, torch and onnx-fp32; int8 for
onnx-int8, where its products run in int8). The clock is an assumption (``--ghz``, 3.0 by default).

Cold start: a fresh process that loads the backend and embeds one text (onnx-int8 with its export
already cached). Export: a fresh ONNX export + fusion + int8 quantization into a temp folder.

    .venv/bin/python bench/embed.py                  # 256 texts of each eval corpus, 3 rounds
    .venv/bin/python bench/embed.py --n 0 --rounds 1 # every text
    .venv/bin/python bench/embed.py --static         # encode, torch, onnx-int8 and static only
    .venv/bin/python bench/embed.py --also-export DIR  # an older export's int8 graph beside (before/after)
    .venv/bin/python bench/embed.py --profile        # where onnx-int8's time goes, by operator
    .venv/bin/python bench/embed.py --cpu-time       # CPU seconds on one thread: the work a text costs

``--cpu-time`` runs every method on one thread (torch and onnxruntime alike, one forward call at a
time) and times it in CPU seconds of this process, so other work on a shared machine barely moves
the ratios; it shows the work a text costs, not how well a method spreads over the cores.

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
from typing import Any

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


def one_thread(emb: Any) -> Any:
    """The same ONNX embedder (graph, batch shape) on one onnxruntime thread, one call at a time."""
    from pni.embed.onnx_backend import OnnxEmbedder

    out = OnnxEmbedder(emb.source, emb.folder, precision=emb.precision, threads=1, workers=1)
    out.max_batch, out.batch_tokens = emb.max_batch, emb.batch_tokens
    return out


def one_core() -> Any:
    from dataclasses import replace

    from pni.embed.cpu import cpu_info

    return replace(cpu_info(), cores=1)


def padded_tokens(emb: object, texts: list[str]) -> int:
    """Tokens the embedder's forward calls run, padding included (its own batching)."""
    from pni.embed.base import N_SPECIAL, window_spans
    from pni.embed.windowed import WindowedEmbedder, batches

    assert isinstance(emb, WindowedEmbedder)
    lengths = [e - s + N_SPECIAL for c in emb.count_tokens(texts)
               for s, e in window_spans(c - N_SPECIAL, emb.max_tokens)]
    order = np.argsort(lengths, kind="stable")
    size = min(32, emb.max_batch or 32)
    return sum(len(b) * max(lengths[j] for j in b)
               for b in batches([lengths[j] for j in order], size, emb.batch_tokens, order))


def profile(args: argparse.Namespace) -> None:
    """Kernel time by operator type of the int8 graph(s), one thread, each corpus."""
    import json
    from collections import Counter

    import onnxruntime as ort

    from pni.embed import get_embedder
    from pni.embed.cpu import describe
    from pni.embed.onnx_backend import DISABLED_OPTIMIZERS, ONNX_FILES, OnnxEmbedder

    emb = get_embedder(backend="onnx-int8")
    assert isinstance(emb, OnnxEmbedder)
    folders = [emb.folder, *([args.also_export] if args.also_export else [])]
    print(f"# bench/embed.py --profile  n={args.n or 'all'}; CPU: {describe()};"
          f" load average {os.getloadavg()[0]:.1f}")
    names = list(CORPORA) if args.corpus == "all" else [args.corpus]
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in names:
            texts = load_texts(corpus, args.n, args.seed)
            for folder in folders:
                opts = ort.SessionOptions()
                opts.intra_op_num_threads = 1
                opts.log_severity_level = 3
                opts.enable_profiling = True
                opts.profile_file_prefix = str(Path(tmp) / f"{corpus}-{folder.name}")
                opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                emb.session = ort.InferenceSession(
                    str(folder / ONNX_FILES["int8"]), sess_options=opts,
                    providers=["CPUExecutionProvider"], disabled_optimizers=DISABLED_OPTIMIZERS)
                emb._inputs = {i.name for i in emb.session.get_inputs()}
                emb.max_batch, emb.batch_tokens = 64, 512
                emb.embed(texts)
                events = json.loads(Path(emb.session.end_profiling()).read_text("utf-8"))
                ops: Counter[str] = Counter()
                for ev in events:
                    if ev.get("cat") == "Node" and ev["name"].endswith("_kernel_time"):
                        ops[ev["args"]["op_name"]] += ev["dur"]
                total = sum(ops.values())
                shares = ", ".join(f"{op} {us / total:.1%}" for op, us in ops.most_common()
                                   if us / total >= 0.005)
                print(f"{corpus} {folder.name}: {total / 1e6:.2f} s in kernels; {shares}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=256, help="texts per corpus (0: all)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    ap.add_argument("--no-cold", action="store_true", help="skip cold-start and export timings")
    ap.add_argument("--static", action="store_true",
                    help="the static backend beside encode, torch and onnx-int8 (needs model2vec)")
    ap.add_argument("--ghz", type=float, default=3.0, help="clock assumed for the paper limit")
    ap.add_argument("--also-export", type=Path, default=None, metavar="DIR",
                    help="also time the int8 graph of another export folder (e.g. an older"
                         " recipe's onnx-vN folder) with auto's batch shape, one forward call"
                         " at a time on all cores (auto before calibration version 2)")
    ap.add_argument("--cpu-time", action="store_true",
                    help="every method on one thread, timed in CPU seconds of this process")
    ap.add_argument("--profile", action="store_true",
                    help="only print the share of onnx-int8's time in each operator (one thread,"
                         " onnxruntime's profiler), for this export and --also-export")
    args = ap.parse_args()
    if args.profile:
        profile(args)
        return

    from pni.embed import get_embedder
    from pni.embed.base import N_SPECIAL, window_spans
    from pni.embed.cpu import describe, flops_per_token, paper_peak
    from pni.embed.onnx_backend import OnnxEmbedder
    from pni.embed.torch_backend import TorchEmbedder

    onnx = get_embedder(backend="onnx-int8")  # exports first if not cached
    assert isinstance(onnx, OnnxEmbedder)
    clock = time.perf_counter
    if args.cpu_time:
        import torch

        torch.set_num_threads(1)
        clock = time.process_time
        onnx = one_thread(onnx)
    torch_e = get_embedder(backend="torch")
    assert isinstance(torch_e, TorchEmbedder)
    st = torch_e.model
    int8_name = f"pni onnx-int8 (batch {onnx.max_batch}, {onnx.layout})"
    methods = {
        "st.encode (baseline)": lambda ts: np.asarray(st.encode(ts)),
        "pni torch": lambda ts: torch_e.embed(ts),
        int8_name: lambda ts: onnx.embed(ts),
    }
    precision = {"st.encode (baseline)": "fp32", "pni torch": "fp32", int8_name: "int8"}
    auto = None
    if args.static:
        static = get_embedder(backend="static")  # distils once if not cached
        methods["pni static"] = lambda ts: static.embed(ts)
    else:
        fp32 = get_embedder(backend="onnx-fp32")
        assert isinstance(fp32, OnnxEmbedder)
        auto = get_embedder(backend="auto")  # calibrates first if this CPU has no record
        assert isinstance(auto, OnnxEmbedder)
        if args.cpu_time:
            fp32, auto = one_thread(fp32), one_thread(auto)
        fp32_name = f"pni onnx-fp32 (batch {fp32.max_batch}, {fp32.layout})"
        auto_name = (f"pni auto ({auto.backend}, {auto.batch_tokens or 'any'} tokens/batch,"
                     f" {auto.layout})")
        methods[fp32_name] = lambda ts: fp32.embed(ts)
        methods[auto_name] = lambda ts: auto.embed(ts)
        precision |= {fp32_name: "fp32", auto_name: auto.precision}
        if args.also_export is not None:
            other = OnnxEmbedder(onnx.source, args.also_export, precision="int8")
            if args.cpu_time:
                other = one_thread(other)
            other.max_batch, other.batch_tokens = auto.max_batch, auto.batch_tokens
            other_name = (f"pni onnx-int8 of {args.also_export.name} ({other.layout},"
                          f" {auto.batch_tokens or 'any'} tokens/batch)")
            methods[other_name] = lambda ts: other.embed(ts)
            precision[other_name] = "int8"
    names = list(CORPORA) if args.corpus == "all" else [args.corpus]
    from pni.embed.calibrate import calibration_file, load, summary
    from pni.embed.models import resolve_model

    cfg = onnx.source.read_json("config.json")
    per_token = flops_per_token(int(cfg.get("num_hidden_layers", 6)),
                                int(cfg.get("hidden_size", 384)),
                                int(cfg.get("intermediate_size", 1536)))
    peaks = {p: paper_peak(p, ghz=args.ghz) for p in ("fp32", "int8")}
    cal = load(calibration_file(resolve_model()))
    print(f"# bench/embed.py  n={args.n or 'all'} rounds={args.rounds}"
          f"  model={onnx.model_id}@{onnx.revision} export={onnx.folder.name}")
    print(f"# CPU: {describe()}")
    print(f"# paper limit: {per_token / 1e6:.1f} MFLOP per token (weights only);"
          f" {peaks['fp32']}; {peaks['int8']} (clock assumed: --ghz)")
    print(f"# load average at start: {os.getloadavg()[0]:.1f} (other work slows every method)")
    if args.cpu_time:
        print("# --cpu-time: every method on one thread, timed in CPU seconds (texts/s: per CPU"
              " second; paper limit: of one core)")
        peaks = {p: paper_peak(p, ghz=args.ghz, info=one_core()) for p in peaks}
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
                t = clock()
                vecs[m] = fn(texts)
                times[m].append(clock() - t)
        ref = vecs["pni torch"]
        base = statistics.median(times["st.encode (baseline)"])
        int8 = statistics.median(times[int8_name])
        cut = sum(min(c, torch_e.max_tokens) for c in tokens)
        windowed = sum(
            e - s + N_SPECIAL
            for c in tokens for s, e in window_spans(c - N_SPECIAL, torch_e.max_tokens)
        )
        for m in methods:
            v = vecs[m] / np.linalg.norm(vecs[m], axis=1, keepdims=True)
            med = statistics.median(times[m])
            run = cut if m == "st.encode (baseline)" else windowed
            share = (f"{run / med * per_token / peaks[precision[m]].ops:.0%} of"
                     f" {precision[m]}" if m in precision else "n/a")
            if v.shape[1] != ref.shape[1]:  # another space: neighbourhoods kept instead
                rows.append([corpus, m, len(texts), f"{len(texts) / med:.1f}", f"{run / med:.0f}",
                             f"{base / med:.2f}x", f"{int8 / med:.1f}x", share, "n/a", "n/a",
                             f"{_shared_neighbours(v, ref):.3f}"])
                continue
            cos = (v * ref).sum(1)
            if m == "st.encode (baseline)":
                cos = cos[fits]  # encode truncates long texts; compare where both see all
            rows.append([corpus, m, len(texts), f"{len(texts) / med:.1f}", f"{run / med:.0f}",
                         f"{base / med:.2f}x", f"{int8 / med:.2f}x", share, f"{cos.mean():.4f}",
                         f"{cos.min():.4f}", f"{_shared_neighbours(v, ref):.3f}"])
        print(f"# {corpus}: {len(texts)} texts, mean {np.mean(tokens):.0f} tokens,"
              f" {int((~fits).sum())} longer than {torch_e.max_tokens} (chunked by pni);"
              f" tokens run: encode {cut}, pni {windowed} ({windowed / cut:.2f}x the work)")
        if auto is not None:
            padded = padded_tokens(auto, texts)
            print(f"# {corpus}: auto's batches pad {windowed} tokens to {padded}"
                  f" ({padded / windowed - 1:.1%} padding)")

    head = ["corpus", "method", "texts", "texts/s", "tokens/s", "vs baseline", "vs onnx-int8",
            "paper limit", "cos mean", "cos min", "top-10 neighbours shared with torch"]
    print()
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")
    print("\ncos: to pni torch vectors (baseline row: texts within the 256-token window only);"
          " tokens/s: tokens run (encode cuts long texts, pni runs them whole);"
          " paper limit: tokens/s x MFLOP per token / the peak of the number type used")
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
