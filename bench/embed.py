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
    .venv/bin/python bench/embed.py --before 256/32  # also pni's previous windows (256 tokens, 32 shared)
    .venv/bin/python bench/embed.py --quality        # clustering quality: today's windows vs --windows
    .venv/bin/python bench/embed.py --variants all   # auto's graph rewritten: int8 attention, FastGelu, ...
    .venv/bin/python bench/embed.py --openvino       # auto's graph on OpenVINO: fp32, bf16, int8 (needs openvino)

``--before W/O`` adds the int8 graph run as ``auto`` ran it before 2026-12-07: windows of W word
pieces sharing O tokens, several windows a forward call, batches of mixed lengths padded,
attention masked; its cosine is taken against torch vectors of its own windows.

``--quality`` embeds every eval corpus (all five, every text) with onnx-int8 under each window
recipe of ``--windows`` (default ``256/32,192/0``: the default and shorter windows), caches the
vectors as .npy under ``$PNI_EMBED_WINDOWS_CACHE`` (default: a folder in the system temp dir;
never the cluster bench's cache), and scores pni's default clustering (``cluster_vectors``, mean of ``--seeds``)
and k-means told the true k against the labels: ARI and NMI (unclustered stories as one group),
coverage, patterns, and the cosine of each story's vector to the first recipe's.

``--cpu-time`` runs every method on one thread (torch and onnxruntime alike, one forward call at a
time) and times it in CPU seconds of this process, so other work on a shared machine barely moves
the ratios; it shows the work a text costs, not how well a method spreads over the cores.

``--variants`` (issue 23: attention and GELU in less time) adds ``auto``'s graph, batch shape and
layout with the int8 mask-free graph rewritten, each as one more method (and, with ``--profile``,
profiled beside today's graph): ``int8-attention`` (each ``MultiHeadAttention`` as plain operators
whose two products run in int8: Q dynamically quantized to uint8, K and V to int8 with one scale
each, ``MatMulIntegerToFloat`` for QK^T, ``DynamicQuantizeMatMul`` for the probabilities times V,
softmax in float32), ``fast-gelu`` (``BiasGelu`` as ``FastGelu``, the tanh approximation) and
``int8-attention+fast-gelu``. The rewritten graphs go to a temporary folder; measured only,
never pni's default (docs/embedding.md, "Measured and not kept").

``--openvino`` (issue 23: another CPU engine) adds auto's float32 mask-free graph run on OpenVINO's
CPU plugin with pni's windows (windows of one length a forward call, no mask, auto's batch shape:
static int8 scales do not depend on the batch): ``fp32``, ``bf16`` (``INFERENCE_PRECISION_HINT``,
AVX-512 BF16 or AMX) and, where ``nncf`` is installed, ``int8``:
NNCF's post-training quantization (``ModelType.TRANSFORMER``, static activation scales) calibrated
on the windows of pni's probe texts and 60 texts of each eval corpus that is not timed (RMHD, CAMS,
Druglib), run with the rest in bf16 (``int8+bf16``) and in float32 (``int8``). Graphs go to a
temporary folder; compile and quantize times are printed. Static scales make a window's vector
independent of its batch, but OpenVINO compiles kernels for each new input shape, so the first
pass over a corpus costs more: the OpenVINO methods are warmed on every text once (the others on
8) and the first pass's time is printed. Measured only, not a pni backend (docs/embedding.md,
"Measured and not kept"). Needs ``pip install openvino nncf`` (not pni dependencies).

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


def padded_tokens(emb: object, texts: list[str]) -> tuple[int, int]:
    """(tokens, forward calls) the embedder's batches run, padding included (its own batching)."""
    from pni.embed.base import N_SPECIAL, window_spans
    from pni.embed.windowed import WindowedEmbedder, batches

    assert isinstance(emb, WindowedEmbedder)
    lengths = [e - s + N_SPECIAL for c in emb.count_tokens(texts)
               for s, e in window_spans(c - N_SPECIAL, emb.max_tokens, emb.overlap)]
    order = np.argsort(lengths, kind="stable")
    size = 1 if emb.one_window_per_call else min(32, emb.max_batch or 32)
    todo = batches([lengths[j] for j in order], size, emb.batch_tokens, order,
                   exact=emb.exact_lengths)
    return sum(len(b) * max(lengths[j] for j in b) for b in todo), len(todo)


def window_recipe(text: str) -> tuple[int, int]:
    """``"256/32"`` -> (256, 32): window (special tokens included) / tokens shared."""
    w, _, o = text.partition("/")
    return int(w), int(o or 0)


def previous(emb: Any, window: int, overlap: int) -> Any:
    """``emb``'s graph, layout and batch shape run as pni ran it before 2026-12-07: ``window``-token
    windows sharing ``overlap`` tokens, batches of mixed lengths padded, attention masked."""
    from pni.embed.onnx_backend import OnnxEmbedder

    out = OnnxEmbedder(emb.source, emb.folder, precision=emb.precision, threads=emb.threads,
                       workers=emb.workers, window=window)
    out.overlap, out.exact_lengths, out.mask_free = overlap, False, None
    out.max_batch, out.batch_tokens = emb.max_batch, emb.batch_tokens
    out.one_window_per_call = False  # batches of several windows, as then
    return out


#: graph rewrites ``--variants`` measures
VARIANTS = ("int8-attention", "fast-gelu", "int8-attention+fast-gelu")


def variant_names(text: str) -> list[str]:
    """``"all"`` or a comma-separated list of ``VARIANTS``."""
    names = list(VARIANTS) if text == "all" else [v for v in text.split(",") if v]
    bad = [v for v in names if v not in VARIANTS]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown variant {bad[0]!r}: one of {', '.join(VARIANTS)}")
    return names


def int8_attention_nodes(q: str, k: str, v: str, out: str, p: str, heads: int) -> list[Any]:
    """Plain ONNX operators for ``MultiHeadAttention(q, k, v)`` (no mask) whose two products run
    in int8: Q quantized dynamically to uint8, K and V to int8 (one scale each, max |x| / 127),
    softmax in float32; the 1/sqrt(head size) goes into Q's scale. Constants named ``pni_i8a_*``
    (``int8_attention_constants``)."""
    from onnx import helper as h

    ms = "com.microsoft"

    def s8(x: str, t: str) -> list[Any]:
        return [h.make_node("Abs", [x], [t + "_abs"]),
                h.make_node("ReduceMax", [t + "_abs"], [t + "_max"], keepdims=0),
                h.make_node("Mul", [t + "_max", "pni_i8a_inv127"], [t + "_s0"]),
                h.make_node("Max", [t + "_s0", "pni_i8a_tiny"], [t + "_s"]),
                h.make_node("QuantizeLinear", [x, t + "_s", "pni_i8a_z8"], [t + "_q"])]

    nodes = [h.make_node("DynamicQuantizeLinear", [q], [p + "_qq", p + "_qs", p + "_qz"]),
             h.make_node("Reshape", [p + "_qq", f"pni_i8a_heads{heads}"], [p + "_qr"]),
             h.make_node("Transpose", [p + "_qr"], [p + "_qt"], perm=[0, 2, 1, 3]),
             h.make_node("Mul", [p + "_qs", f"pni_i8a_rsqrt{heads}"], [p + "_qss"]),
             *s8(k, p + "_k"),
             h.make_node("Reshape", [p + "_k_q", f"pni_i8a_heads{heads}"], [p + "_kr"]),
             h.make_node("Transpose", [p + "_kr"], [p + "_kt"], perm=[0, 2, 3, 1]),
             h.make_node("MatMulIntegerToFloat",
                         [p + "_qt", p + "_kt", p + "_qss", p + "_k_s", p + "_qz", "pni_i8a_z8"],
                         [p + "_scores"], domain=ms),
             h.make_node("Softmax", [p + "_scores"], [p + "_probs"], axis=-1),
             *s8(v, p + "_v"),
             h.make_node("Reshape", [p + "_v_q", f"pni_i8a_heads{heads}"], [p + "_vr"]),
             h.make_node("Transpose", [p + "_vr"], [p + "_vt"], perm=[0, 2, 1, 3]),
             h.make_node("DynamicQuantizeMatMul", [p + "_probs", p + "_vt", p + "_v_s", "pni_i8a_z8"],
                         [p + "_ctx"], domain=ms),
             h.make_node("Transpose", [p + "_ctx"], [p + "_ctxt"], perm=[0, 2, 1, 3]),
             h.make_node("Reshape", [p + "_ctxt", "pni_i8a_merge"], [out])]
    return nodes


def int8_attention_constants(dim: int, heads: int) -> list[Any]:
    from onnx import numpy_helper as nh

    return [nh.from_array(np.array([0, 0, heads, dim // heads], np.int64), f"pni_i8a_heads{heads}"),
            nh.from_array(np.array(1 / np.sqrt(dim // heads), np.float32), f"pni_i8a_rsqrt{heads}"),
            nh.from_array(np.array([0, 0, dim], np.int64), "pni_i8a_merge"),
            nh.from_array(np.array(1 / 127, np.float32), "pni_i8a_inv127"),
            nh.from_array(np.array(1e-12, np.float32), "pni_i8a_tiny"),
            nh.from_array(np.array(0, np.int8), "pni_i8a_z8")]


def variant_folder(folder: Path, variant: str, tmp: Path) -> Path:
    """A copy of the export ``folder`` (links) whose int8 mask-free graph is rewritten as
    ``variant`` says (``VARIANTS``); the masked graphs are today's (``exact_lengths``
    batches never use them)."""
    import json

    import onnx
    from onnx import helper as h

    from pni.embed.onnx_backend import MASK_FREE_FILES, META_FILE, ONNX_FILES

    out = tmp / f"variant-{variant.replace('+', '-')}"
    out.mkdir()
    for name in (*ONNX_FILES.values(), MASK_FREE_FILES["fp32"], META_FILE):
        (out / name).symlink_to(folder / name)
    model = onnx.load(str(folder / MASK_FREE_FILES["int8"]))
    dim = int(json.loads((folder / META_FILE).read_text("utf-8"))["dim"])
    nodes: list[Any] = []
    heads_seen: set[int] = set()
    for i, node in enumerate(model.graph.node):
        if "int8-attention" in variant and node.op_type == "MultiHeadAttention":
            heads = next(a.i for a in node.attribute if a.name == "num_heads")
            heads_seen.add(heads)
            q, k, v = node.input[:3]
            nodes += int8_attention_nodes(q, k, v, node.output[0], f"pni_i8a{i}", heads)
        elif "fast-gelu" in variant and node.op_type == "BiasGelu":
            nodes.append(h.make_node("FastGelu", list(node.input), list(node.output),
                                     name=node.name, domain="com.microsoft"))
        else:
            nodes.append(node)
    if "int8-attention" in variant:
        if not heads_seen:
            raise SystemExit(f"{folder}: no MultiHeadAttention to rewrite")
        consts = {c.name: c for hd in heads_seen for c in int8_attention_constants(dim, hd)}
        model.graph.initializer.extend(consts.values())
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    onnx.save(model, str(out / MASK_FREE_FILES["int8"]))
    return out


#: eval corpora that calibrate NNCF's int8 scales for ``--openvino`` (never the timed ones)
OV_CALIBRATION = {"rmhd": EVAL / "reddit_rmhd", "cams": EVAL / "cams", "druglib": EVAL / "druglib_reviews"}


def openvino_embedder(src: Any, graph: Path, precision: str, threads: int, streams: int,
                      batch: tuple[int | None, int | None]) -> Any:
    """pni's windowing over an OpenVINO CPU graph ``graph`` (``precision``: ``f32`` or ``bf16``,
    the inference precision hint): windows of one length a call, no mask, ``batch`` = (windows,
    tokens) a call at most (static int8 scales: a window's vector does not depend on its batch);
    ``streams`` calls at once (one infer request per worker thread), ``threads`` in all."""
    import threading

    import openvino as ov

    from pni.embed.windowed import WindowedEmbedder, mean_pool

    class Embedder(WindowedEmbedder):
        exact_lengths = True
        max_batch, batch_tokens = batch

        def __init__(self) -> None:
            super().__init__(src)
            self.dim = int(src.read_json("config.json").get("hidden_size", 384))
            self.workers = streams
            self._local = threading.local()
            t = time.perf_counter()
            self.compiled = ov.Core().compile_model(str(graph), "CPU", {
                "INFERENCE_PRECISION_HINT": precision, "INFERENCE_NUM_THREADS": threads,
                "NUM_STREAMS": streams, "PERFORMANCE_HINT": "LATENCY",
                "ENABLE_CPU_PINNING": False})
            self.compile_s = time.perf_counter() - t
            self.names = {p.get_any_name() for p in self.compiled.inputs}

        def _forward(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
            req = getattr(self._local, "req", None)
            if req is None:
                req = self._local.req = self.compiled.create_infer_request()
            feeds = {"input_ids": input_ids, "attention_mask": attention_mask,
                     "token_type_ids": np.zeros_like(input_ids)}
            out = req.infer({k: v for k, v in feeds.items() if k in self.names})
            return np.asarray(mean_pool(next(iter(out.values())), attention_mask), np.float32)

    return Embedder()


def openvino_graphs(emb: Any, tmp: Path) -> tuple[dict[str, Path], str]:
    """OpenVINO graphs of ``emb``'s float32 mask-free ONNX graph in ``tmp``: ``fp32`` and, when
    nncf is installed, ``int8`` (NNCF static quantization); and a note on how they were made."""
    import openvino as ov
    import pandas as pd

    from pni.embed.base import window_spans
    from pni.embed.calibrate import probe_texts
    from pni.embed.onnx_backend import MASK_FREE_FILES

    core = ov.Core()
    out = {"fp32": tmp / "ov-fp32.xml"}
    ov.save_model(core.read_model(str(emb.folder / MASK_FREE_FILES["fp32"])), str(out["fp32"]),
                  compress_to_fp16=False)
    try:
        import nncf
    except ImportError:
        return out, f"openvino {ov.__version__}; no nncf: no int8 rows"
    texts = probe_texts()
    for folder in OV_CALIBRATION.values():
        for csv in sorted(folder.glob("*.csv"))[:1]:
            df = pd.read_csv(csv)
            texts += [str(t) for t in df["text"].sample(min(60, len(df)), random_state=1)]
    items = []
    for enc in emb.tokenizer.encode_batch(texts, add_special_tokens=False):
        for s, e in window_spans(len(enc.ids), emb.max_tokens, emb.overlap):
            ids = np.array([emb._prefix + enc.ids[s:e] + emb._suffix], np.int64)
            items.append({"input_ids": ids, "attention_mask": np.ones_like(ids),
                          "token_type_ids": np.zeros_like(ids)})
    t = time.perf_counter()
    q = nncf.quantize(core.read_model(str(out["fp32"])), nncf.Dataset(items),
                      model_type=nncf.ModelType.TRANSFORMER, subset_size=len(items))
    out["int8"] = tmp / "ov-int8.xml"
    ov.save_model(q, str(out["int8"]), compress_to_fp16=False)
    return out, (f"openvino {ov.__version__}, nncf {nncf.__version__}: int8 scales from"
                 f" {len(items)} windows of {len(texts)} texts in {time.perf_counter() - t:.0f} s")


def quality(args: argparse.Namespace) -> None:
    """pni's default clustering and k-means (true k) on vectors of each window recipe."""
    import json

    from cluster_quality import CORPORA as EVAL_CORPORA
    from cluster_quality import _kmeans, load_corpus, print_table, score

    from pni.cluster import cluster_vectors
    from pni.embed import get_embedder
    from pni.embed.cpu import describe
    from pni.embed.onnx_backend import OnnxEmbedder

    cache = Path(os.environ.get("PNI_EMBED_WINDOWS_CACHE",
                                Path(tempfile.gettempdir()) / "pni-embed-windows-cache"))
    cache.mkdir(parents=True, exist_ok=True)
    recipes = [window_recipe(r) for r in args.windows.split(",")]
    base = get_embedder(backend="onnx-int8")
    assert isinstance(base, OnnxEmbedder)
    seeds = tuple(range(args.seeds))
    import hashlib

    from pni.embed.base import PREPROCESSING

    # how windows are cut: vectors cached under another windowing code are never read back
    recipe = hashlib.sha256(PREPROCESSING.encode()).hexdigest()[:8]
    print(f"# bench/embed.py --quality --windows {args.windows} --seeds {args.seeds};"
          f" onnx-int8 {base.folder.name}; CPU: {describe()}")
    names = [c for c in EVAL_CORPORA if args.corpus in ("all", c)]
    rows = []
    for name in names:
        _ids, texts, labels = load_corpus(name)
        k_true = len(set(labels))
        first: np.ndarray | None = None
        for window, overlap in recipes:
            path = cache / (f"{name}-{base.revision}-{base.folder.name}-{recipe}"
                            f"-w{window}-o{overlap}.npy")
            if path.exists():
                v = np.load(path)
            else:
                emb = OnnxEmbedder(base.source, base.folder, window=window)
                emb.overlap = overlap
                emb.max_batch, emb.batch_tokens = 64, 512
                t = time.perf_counter()
                from pni.embed import embed_texts

                v = embed_texts(emb, texts)
                print(f"  {name} {window}/{overlap}: embedded in {time.perf_counter() - t:.0f} s",
                      file=sys.stderr)
                np.save(path, v)
            first = v if first is None else first
            cos = (v * first).sum(1)
            got = [score(list(cluster_vectors(v, texts, seed=s).pattern - 1), labels)
                   for s in seeds]
            km = score(list(_kmeans(v, k_true)), labels)
            mean = {k: float(np.mean([g[k] for g in got])) for k in got[0]}
            aris = [g["ari"] for g in got]
            rows.append([name, f"{window}/{overlap}", len(texts), mean["ari"],
                         f"{min(aris):.3f}-{max(aris):.3f}", mean["nmi"], mean["coverage"],
                         round(mean["k"], 1), km["ari"], km["nmi"], float(cos.mean()),
                         float(cos.min())])
            print(f"  {name} {window}/{overlap}: ARI {mean['ari']:.3f}", file=sys.stderr)
    print_table("pni's default clustering by window recipe (window/overlap, word pieces)",
                ["corpus", "windows", "stories", "pni ARI", "ARI by seed", "pni NMI", "coverage",
                 "patterns",
                 "k-means (true k) ARI", "k-means NMI", "cos to first mean", "cos min"], rows)
    print(json.dumps({"recipes": args.windows, "seeds": args.seeds}))


def profile(args: argparse.Namespace) -> None:
    """Kernel time by operator type of the int8 graph(s), one thread, each corpus."""
    import json
    from collections import Counter

    import onnxruntime as ort

    from pni.embed import get_embedder
    from pni.embed.cpu import describe
    from pni.embed.onnx_backend import (
        DISABLED_OPTIMIZERS,
        MASK_FREE_FILES,
        ONNX_FILES,
        OnnxEmbedder,
    )

    emb = get_embedder(backend="onnx-int8")
    assert isinstance(emb, OnnxEmbedder)
    folders = [emb.folder, *([args.also_export] if args.also_export else [])]
    print(f"# bench/embed.py --profile  n={args.n or 'all'}; CPU: {describe()};"
          f" load average {os.getloadavg()[0]:.1f}")
    names = list(CORPORA) if args.corpus == "all" else [args.corpus]
    with tempfile.TemporaryDirectory() as tmp:
        folders += [variant_folder(emb.folder, v, Path(tmp)) for v in args.variants]
        for corpus in names:
            texts = load_texts(corpus, args.n, args.seed)
            for folder in folders:
                def session(file: Path, tag: str, folder: Path = folder,
                            corpus: str = corpus) -> Any:
                    opts = ort.SessionOptions()
                    opts.intra_op_num_threads = 1
                    opts.log_severity_level = 3
                    opts.enable_profiling = True
                    opts.profile_file_prefix = str(Path(tmp) / f"{corpus}-{folder.name}-{tag}")
                    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                    return ort.InferenceSession(
                        str(file), sess_options=opts, providers=["CPUExecutionProvider"],
                        disabled_optimizers=DISABLED_OPTIMIZERS)

                emb.session = session(folder / ONNX_FILES["int8"], "masked")
                free = folder / MASK_FREE_FILES["int8"]
                emb.mask_free = session(free, "free") if free.is_file() else None
                emb._inputs = {i.name for i in emb.session.get_inputs()}
                emb.max_batch, emb.batch_tokens = 64, 512
                emb.embed(texts)
                ops: Counter[str] = Counter()
                for sess in (emb.session, emb.mask_free):
                    if sess is None:
                        continue
                    events = json.loads(Path(sess.end_profiling()).read_text("utf-8"))
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
    ap.add_argument("--before", type=window_recipe, default=None, metavar="W/O",
                    help="also time auto's graph and layout with the previous windows (W word"
                         " pieces sharing O, padded batches, masked attention), e.g. 256/32")
    ap.add_argument("--quality", action="store_true",
                    help="only score pni's default clustering on every eval corpus under each"
                         " window recipe of --windows")
    ap.add_argument("--windows", default="256/32,192/0",
                    help="window recipes for --quality (W/O, comma-separated; the first is the"
                         " reference for the cosine column)")
    ap.add_argument("--seeds", type=int, default=3, help="clustering seeds for --quality")
    ap.add_argument("--variants", type=variant_names, default=[], metavar="V,...",
                    help="also time (or, with --profile, profile) auto's int8 graph rewritten:"
                         f" {', '.join(VARIANTS)}, or all")
    ap.add_argument("--openvino", action="store_true",
                    help="also time auto's float32 graph on OpenVINO's CPU plugin: fp32, bf16"
                         " and (with nncf) int8 (needs openvino; not a pni dependency)")
    ap.add_argument("--profile", action="store_true",
                    help="only print the share of onnx-int8's time in each operator (one thread,"
                         " onnxruntime's profiler), for this export and --also-export")
    args = ap.parse_args()
    if args.openvino and (args.static or args.profile or args.quality):
        ap.error("--openvino times auto's graph: not with --static, --profile or --quality")
    if args.profile:
        profile(args)
        return
    if args.quality:
        quality(args)
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
    #: methods that window otherwise than pni's default: (window, overlap)
    own_windows: dict[str, tuple[int, int]] = {}
    #: methods warmed on every text (OpenVINO compiles kernels per input shape)
    ov_warm: set[str] = set()
    ov_notes: list[str] = []
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
        if args.before is not None:
            w, o = args.before
            before = previous(auto, w, o)
            if args.cpu_time:
                before = previous(one_thread(auto), w, o)
            before_name = (f"before: {w}-token windows sharing {o}, padded, masked"
                           f" ({before.layout}, {auto.batch_tokens or 'any'} tokens/batch)")
            methods[before_name] = lambda ts: before.embed(ts)
            precision[before_name] = auto.precision
            own_windows[before_name] = (w, o)
        variants_tmp = tempfile.TemporaryDirectory(prefix="pni-embed-variants-")
        for v in args.variants:
            var = OnnxEmbedder(auto.source, variant_folder(auto.folder, v, Path(variants_tmp.name)),
                               precision="int8", threads=auto.threads, workers=auto.workers)
            var.max_batch, var.batch_tokens = auto.max_batch, auto.batch_tokens
            var_name = f"variant: auto + {v} ({var.layout})"
            methods[var_name] = var.embed
            precision[var_name] = "int8"
        if args.openvino:
            try:
                import openvino  # noqa: F401
            except ImportError:
                raise SystemExit("--openvino needs OpenVINO: pip install openvino nncf") from None
            ov_tmp = tempfile.TemporaryDirectory(prefix="pni-embed-openvino-")
            graphs, note = openvino_graphs(auto, Path(ov_tmp.name))
            ov_notes.append(note)
            streams = 1 if args.cpu_time else max(1, os.cpu_count() or 1)
            ov_rows = [("fp32", "fp32", "f32", "fp32"), ("bf16", "fp32", "bf16", "bf16")]
            if "int8" in graphs:
                ov_rows += [("int8", "int8", "f32", "int8"), ("int8+bf16", "int8", "bf16", "int8")]
            for label, graph, hint, number in ov_rows:
                ov_e = openvino_embedder(auto.source, graphs[graph], hint, threads=streams,
                                         streams=streams, batch=(auto.max_batch, auto.batch_tokens))
                ov_name = (f"openvino {label} (batch {auto.max_batch}, {streams}"
                           f" stream{'s' if streams > 1 else ''} x 1 thread)")
                methods[ov_name] = ov_e.embed
                precision[ov_name] = number
                ov_warm.add(ov_name)
                ov_notes.append(f"{ov_name}: compiled in {ov_e.compile_s:.2f} s")
    names = list(CORPORA) if args.corpus == "all" else [args.corpus]
    from pni.embed.calibrate import calibration_file, load, summary
    from pni.embed.models import resolve_model

    cfg = onnx.source.read_json("config.json")
    per_token = flops_per_token(int(cfg.get("num_hidden_layers", 6)),
                                int(cfg.get("hidden_size", 384)),
                                int(cfg.get("intermediate_size", 1536)))
    peaks = {p: paper_peak(p, ghz=args.ghz) for p in ("fp32", "int8", "bf16")}
    cal = load(calibration_file(resolve_model()))
    print(f"# bench/embed.py  n={args.n or 'all'} rounds={args.rounds}"
          f"  model={onnx.model_id}@{onnx.revision} export={onnx.folder.name}")
    print(f"# CPU: {describe()}")
    print(f"# paper limit: {per_token / 1e6:.1f} MFLOP per token (weights only);"
          f" {peaks['fp32']}; {peaks['int8']}{'; ' + str(peaks['bf16']) if args.openvino else ''}"
          " (clock assumed: --ghz)")
    print(f"# load average at start: {os.getloadavg()[0]:.1f} (other work slows every method)")
    if args.cpu_time:
        print("# --cpu-time: every method on one thread, timed in CPU seconds (texts/s: per CPU"
              " second; paper limit: of one core)")
        peaks = {p: paper_peak(p, ghz=args.ghz, info=one_core()) for p in peaks}
    if cal is not None:
        print(f"# auto chose: {summary(cal)} in {cal.seconds:.1f} s")
    for note in ov_notes:
        print(f"# {note}")
    rows = []
    for corpus in names:
        texts = load_texts(corpus, args.n, args.seed)
        tokens = torch_e.count_tokens(texts)
        fits = np.array([c <= min(torch_e.max_tokens, st.max_seq_length) for c in tokens])
        for m, fn in methods.items():  # warm-up
            t = clock()
            fn(texts if m in ov_warm else texts[:8])
            if m in ov_warm:
                print(f"# {corpus}: {m}: first pass (kernels compiled per shape)"
                      f" {clock() - t:.2f} s")
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
        cut = sum(min(c, st.max_seq_length) for c in tokens)  # encode truncates

        def run_tokens(window: int, overlap: int, tokens: list[int] = tokens) -> int:
            return sum(e - s + N_SPECIAL for c in tokens
                       for s, e in window_spans(c - N_SPECIAL, window, overlap))

        windowed = run_tokens(torch_e.max_tokens, torch_e.overlap)
        own_refs = {}
        for m, (w, o) in own_windows.items():  # torch vectors of those windows, untimed
            ref_e = TorchEmbedder(torch_e.source, torch_e.model, window=w)
            ref_e.overlap = o
            own_refs[m] = ref_e.embed(texts)
        for m in methods:
            v = vecs[m] / np.linalg.norm(vecs[m], axis=1, keepdims=True)
            med = statistics.median(times[m])
            run = (cut if m == "st.encode (baseline)" else
                   run_tokens(*own_windows[m]) if m in own_windows else windowed)
            share = (f"{run / med * per_token / peaks[precision[m]].ops:.0%} of"
                     f" {precision[m]}" if m in precision else "n/a")
            if v.shape[1] != ref.shape[1]:  # another space: neighbourhoods kept instead
                rows.append([corpus, m, len(texts), f"{len(texts) / med:.1f}", f"{run / med:.0f}",
                             f"{base / med:.2f}x", f"{int8 / med:.1f}x", share, "n/a", "n/a",
                             f"{_shared_neighbours(v, ref):.3f}"])
                continue
            cos = (v * own_refs.get(m, ref)).sum(1)
            if m == "st.encode (baseline)":
                cos = cos[fits]  # encode truncates long texts; compare where both see all
            rows.append([corpus, m, len(texts), f"{len(texts) / med:.1f}", f"{run / med:.0f}",
                         f"{base / med:.2f}x", f"{int8 / med:.2f}x", share, f"{cos.mean():.4f}",
                         f"{cos.min():.4f}", f"{_shared_neighbours(v, ref):.3f}"])
        print(f"# {corpus}: {len(texts)} texts, mean {np.mean(tokens):.0f} tokens,"
              f" {sum(c > torch_e.max_tokens for c in tokens)} longer than pni's"
              f" {torch_e.max_tokens}-token window (chunked), {sum(c > st.max_seq_length for c in tokens)}"
              f" longer than encode's {st.max_seq_length} (cut); tokens run: encode {cut},"
              f" pni {windowed} ({windowed / cut:.2f}x the work)")
        if auto is not None:
            padded, calls = padded_tokens(auto, texts)
            print(f"# {corpus}: auto's batches pad {windowed} tokens to {padded}"
                  f" ({padded / windowed - 1:.1%} padding) in {calls} forward calls")
        for m, (w, o) in own_windows.items():
            print(f"# {corpus}: {m}: {run_tokens(w, o)} tokens")

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
