"""The ``onnx-int8`` and ``onnx-fp32`` backends: the model's transformer exported to ONNX, fused by
onnxruntime's BERT optimizer, and run on onnxruntime with pooling done in numpy; ``onnx-int8`` is
the fused graph int8 dynamically quantized per channel (fast where the CPU has int8 dot-product
instructions), ``onnx-fp32`` the fused graph itself (often faster on CPUs without them). ``auto``
picks between them, and how to spread the work over the cores, per CPU (``pni.embed.calibrate``).

Two of the optimizer's fusions are undone because onnxruntime's CPU kernels for them are slow
(measured on AMD EPYC with AVX-512 VNNI, one thread, CPU time): ``SkipLayerNormalization`` took
5.2 ns an element against 0.9 for ``Add`` + ``LayerNormalization`` (a fifth of the whole int8
run), and ``Attention``/``QAttention`` project Q, K and V as 36 small products per window (one per
head, 32 columns each, the input re-packed for every one), where one product with 1,152 columns
runs at the speed of the other matrix products. So the graph keeps ``Add`` + ``LayerNormalization``
(the session is told not to fuse them back) and each attention is one Q/K/V ``MatMul`` (int8 in
``onnx-int8``), a ``Split`` and onnxruntime's ``MultiHeadAttention``.

Each graph also has a mask-free twin (``MultiHeadAttention`` without the key mask), run on forward
calls whose windows all have one length (nothing padded, so the mask would be all ones):
onnxruntime then takes its flash-attention path, 3-9% less CPU time with the same vectors. The
twins are derived from the graphs with ``onnx`` alone (no torch), so an export made before them
gains them on first load.

The export happens once per model revision, into ``data_dir()/models/<model>-<revision>-onnx-v3``
(a writable cache, never beside the model) and writes both graphs. It needs torch; loading a
cached export does not import torch. Only mean-pooling (or CLS-pooling) sentence-transformers models with a
Transformer -> Pooling [-> Normalize] pipeline can be exported; others should use ``torch``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from pni.embed.base import WINDOW
from pni.embed.models import ModelSource, offline_env
from pni.embed.windowed import WindowedEmbedder, mean_pool
from pni.errors import ModelError

#: Bump when the export recipe changes: a new folder is made (vectors already in a store keep
#: their key: every recipe computes the model's function, to int8 rounding).
EXPORT_VERSION = "3"
ONNX_FILES = {"int8": "model-int8.onnx", "fp32": "model-fp32.onnx"}
#: The same graphs with attention unmasked, for forward calls of windows of one length.
MASK_FREE_FILES = {"int8": "model-int8-nomask.onnx", "fp32": "model-fp32-nomask.onnx"}
META_FILE = "pni-export.json"
#: Session-level fusions left out: onnxruntime would fuse Add + LayerNormalization back into its
#: slow SkipLayerNormalization kernel.
DISABLED_OPTIMIZERS = ["SkipLayerNormFusion"]


def export_dir(source: ModelSource) -> Path:
    """Where the export of this model revision lives (created on demand)."""
    from pni.paths import data_dir

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", source.model_id).strip("_") or "model"
    return data_dir() / "models" / f"{safe}-{source.revision}-onnx-v{EXPORT_VERSION}"


def pooling_mode(source: ModelSource) -> str:
    """'mean' or 'cls', or ModelError when the model's pipeline cannot run as an export."""
    modules = source.modules()
    if modules and (modules[0] != "Transformer" or any(
            m not in ("Pooling", "Normalize") for m in modules[1:])):
        raise ModelError(
            f"onnx-int8 supports Transformer -> Pooling -> Normalize models; this one has"
            f" {' -> '.join(modules)}: use --backend torch", file=source.path)
    cfg = source.pooling()
    if not cfg or cfg.get("pooling_mode_mean_tokens"):
        return "mean"
    if cfg.get("pooling_mode_cls_token"):
        return "cls"
    raise ModelError("onnx-int8 supports mean or CLS pooling only: use --backend torch",
                     file=source.path)


def export_model(source: ModelSource, target: Path) -> dict[str, Any]:
    """Export, fuse and quantize ``source`` into ``target`` (atomically). Needs torch."""
    offline_env()
    t0 = time.perf_counter()
    import torch

    from pni.embed.torch_backend import load_sentence_transformer

    st = load_sentence_transformer(source)
    bert = st[0].auto_model.eval()
    # eager attention exports the pattern onnxruntime's optimizer fuses into Attention ops
    try:
        bert.set_attn_implementation("eager")
    except Exception:  # older transformers: config attribute
        bert.config._attn_implementation = "eager"
    n_heads = int(getattr(bert.config, "num_attention_heads", 0))
    hidden = int(getattr(bert.config, "hidden_size", 0))

    class _Wrapped(torch.nn.Module):
        def __init__(self, m: Any):
            super().__init__()
            self.m = m

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.m(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    dummy = torch.ones((2, 16), dtype=torch.int64)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        raw = tmp / "model.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Wrapped(bert), (dummy, torch.ones_like(dummy), torch.zeros_like(dummy)),
                str(raw), input_names=names, output_names=["last_hidden_state"],
                dynamic_axes={k: {0: "batch", 1: "seq"} for k in [*names, "last_hidden_state"]},
                opset_version=17, dynamo=False,
            )
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic
        from onnxruntime.transformers.fusion_options import FusionOptions
        from onnxruntime.transformers.optimizer import optimize_model

        fused = tmp / ONNX_FILES["fp32"]
        prev = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)
        try:
            options = FusionOptions("bert")
            options.enable_skip_layer_norm = options.enable_bias_skip_layer_norm = False
            opt = optimize_model(str(raw), model_type="bert", num_heads=n_heads,
                                 hidden_size=hidden, opt_level=1, optimization_options=options)
            fusions = {k: v for k, v in opt.get_fused_operator_statistics().items() if v}
            fusions["MultiHeadAttention"] = split_attention(opt.model)
            fusions.pop("Attention", None)
            opt.save_model_to_file(str(fused))
            quantize_dynamic(str(fused), str(tmp / ONNX_FILES["int8"]), weight_type=QuantType.QInt8,
                             per_channel=True, reduce_range=False,
                             extra_options={"DefaultTensorType": 1})
            ensure_mask_free(tmp)
        finally:
            logging.getLogger().setLevel(prev)
        raw.unlink()
        meta = {
            "model_id": source.model_id, "revision": source.revision, "source": str(source.path),
            "export_version": EXPORT_VERSION, "pooling": pooling_mode(source),
            "dim": hidden, "max_tokens": source.max_tokens(), "fusions": fusions,
            "torch": torch.__version__, "seconds": round(time.perf_counter() - t0, 2),
        }
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2), "utf-8")
        try:
            os.replace(tmp, target)
        except OSError:  # another process finished first
            if not (target / ONNX_FILES["int8"]).is_file():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return meta


def split_attention(model: Any) -> int:
    """Replace each fused ``Attention`` node of ``model`` (an ONNX ModelProto, changed in place)
    by one Q/K/V ``MatMul`` + bias ``Add``, a ``Split`` and ``MultiHeadAttention`` with the same
    heads and mask (the window lengths ``EmbedLayerNormalization`` computes); returns how many.
    The result computes the same function: only the Q/K/V projection is one product instead of
    one per head."""
    from onnx import helper, numpy_helper

    nodes = list(model.graph.node)
    count = 0
    out = []
    for node in nodes:
        if node.op_type != "Attention" or node.domain != "com.microsoft" or len(node.input) < 4:
            out.append(node)
            continue
        x, weight, bias, mask = node.input[:4]
        heads = next(a.i for a in node.attribute if a.name == "num_heads")
        w = next(i for i in model.graph.initializer if i.name == weight)
        width = int(w.dims[1]) // 3
        p = f"pni_attn{count}"
        model.graph.initializer.append(
            numpy_helper.from_array(np.array([width] * 3, dtype=np.int64), p + "_split"))
        out += [
            helper.make_node("MatMul", [x, weight], [p + "_qkv"], name=p + "_matmul"),
            helper.make_node("Add", [p + "_qkv", bias], [p + "_qkv_bias"], name=p + "_bias"),
            helper.make_node("Split", [p + "_qkv_bias", p + "_split"],
                             [p + "_q", p + "_k", p + "_v"], name=p + "_split", axis=-1),
            helper.make_node("MultiHeadAttention", [p + "_q", p + "_k", p + "_v", "", mask],
                             list(node.output[:1]), name=p + "_mha", domain="com.microsoft",
                             num_heads=heads),
        ]
        count += 1
    del model.graph.node[:]
    model.graph.node.extend(out)
    return count


def drop_attention_mask(model: Any) -> int:
    """Remove the key mask from every ``MultiHeadAttention`` node of ``model`` (changed in place);
    returns how many. The graph then computes the same function for windows without padding."""
    count = 0
    for node in model.graph.node:
        if node.op_type == "MultiHeadAttention" and len(node.input) > 3:
            del node.input[3:]
            count += 1
    return count


def ensure_mask_free(folder: Path) -> None:
    """Write the mask-free twin of each graph in ``folder`` that has none (atomically)."""
    import onnx

    for precision, name in MASK_FREE_FILES.items():
        target = folder / name
        if target.is_file():
            continue
        model = onnx.load(str(folder / ONNX_FILES[precision]))
        if not drop_attention_mask(model):
            raise ModelError("the exported graph has no MultiHeadAttention to unmask",
                             file=folder / ONNX_FILES[precision])
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        onnx.save(model, str(tmp))
        os.replace(tmp, target)


def ensure_export(source: ModelSource) -> Path:
    """The folder holding both exported graphs of ``source`` and their mask-free twins,
    exporting (or deriving) them first if needed."""
    folder = export_dir(source)
    pooling_mode(source)  # fail early for models the export cannot serve
    if not all((folder / f).is_file() for f in (*ONNX_FILES.values(), META_FILE)):
        export_model(source, folder)
    if not all((folder / f).is_file() for f in MASK_FREE_FILES.values()):
        with contextlib.suppress(OSError):  # read-only: the masked graphs serve every batch
            ensure_mask_free(folder)
    return folder


class OnnxEmbedder(WindowedEmbedder):
    """One of the two exported graphs on onnxruntime; ``precision`` is ``"int8"`` or ``"fp32"``.

    ``workers`` forward calls run at once, each on ``threads`` onnxruntime threads (default:
    the cores shared out among the workers). The batch shape (``max_batch`` windows and
    ``batch_tokens`` padded tokens per forward call) and the layout are the calibration's choice
    for this CPU when ``auto`` made the embedder. Batches hold windows of one length
    (``exact_lengths``) and run on the mask-free graph where the export folder has it.
    """

    backend = "onnx-int8"
    # Small batches were fastest on 2 shared cores (CFPB narratives, texts/s, no spinning):
    # 1-2 windows per call 63-64, 4: 59, 8: 52, 16: 43; 32 with spinning: 33.
    max_batch = 4
    exact_lengths = True

    def __init__(self, source: ModelSource, folder: Path, threads: int | None = None,
                 precision: str = "int8", workers: int = 1, window: int = WINDOW):
        super().__init__(source, window)
        from pni.embed.models import offline_env

        offline_env()
        import onnxruntime as ort

        ort.disable_telemetry_events()

        if precision not in ONNX_FILES:
            raise ValueError(f"precision must be one of {', '.join(ONNX_FILES)}")
        meta = json.loads((folder / META_FILE).read_text("utf-8"))
        self.precision = precision
        self.backend = f"onnx-{precision}"
        # int8 activations are quantized per call: one window a call keeps a story's vector
        # the same whatever it is embedded with (1.05x the CPU time on CFPB, docs/embedding.md)
        self.one_window_per_call = precision == "int8"
        self.folder = folder
        self.meta = meta
        self.pooling = str(meta.get("pooling", "mean"))
        self.dim = int(meta["dim"])
        self.workers = max(1, int(workers))
        if threads is None and self.workers > 1:
            from pni.embed.cpu import cpu_info

            threads = max(1, cpu_info().cores // self.workers)
        self.threads = threads
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        # no busy-waiting between ops: with other work on the cores it cost a third of the speed
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(folder / ONNX_FILES[precision]), sess_options=opts,
                                            providers=["CPUExecutionProvider"],
                                            disabled_optimizers=DISABLED_OPTIMIZERS)
        self._inputs = {i.name for i in self.session.get_inputs()}
        free = folder / MASK_FREE_FILES[precision]
        #: the mask-free twin, for batches without padding (None: every batch runs masked)
        self.mask_free = ort.InferenceSession(
            str(free), sess_options=opts, providers=["CPUExecutionProvider"],
            disabled_optimizers=DISABLED_OPTIMIZERS) if free.is_file() else None

    @property
    def layout(self) -> str:
        """How the work is spread, for people: ``2 workers x 1 thread`` or ``1 worker x 2 threads``."""
        threads = self.threads or "all"
        return (f"{self.workers} worker{'s' if self.workers > 1 else ''} x {threads}"
                f" thread{'' if threads == 1 else 's'}")

    @classmethod
    def from_source(cls, source: ModelSource, precision: str = "int8",
                    workers: int = 1) -> OnnxEmbedder:
        """Load the cached export of ``source``, exporting it first when there is none."""
        return cls(source, ensure_export(source), precision=precision, workers=workers)

    def _forward(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask,
                 "token_type_ids": np.zeros_like(input_ids)}
        session = self.session
        if self.mask_free is not None and bool(attention_mask.all()):
            session = self.mask_free  # nothing padded: the mask would change nothing
        (hidden,) = session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})
        if self.pooling == "cls":
            return np.asarray(hidden[:, 0], dtype=np.float32)
        return mean_pool(hidden, attention_mask).astype(np.float32)
