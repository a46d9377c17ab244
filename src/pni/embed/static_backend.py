"""The ``static`` backend: a model2vec static model distilled from the sentence-transformers model.

Distillation (``model2vec.distill.distill``, once per model revision, offline, needs torch) runs
every word piece of the model's vocabulary through the transformer, reduces the token vectors to
``PCA_DIMS`` dimensions with PCA and weights them by SIF (rarer pieces count more). A text's
vector is then the mean of its pieces' vectors, renormalized: no attention, no window, far faster
than the transformer, at a cost in quality (docs/benchmarks.md, "Static backend").

The distilled model is cached in ``data_dir()/models/<model>-<revision>-static-v<N>/`` (written to
a temp folder, then renamed) and loaded with ``model2vec.StaticModel``, which needs neither torch
nor transformers. A static model has no window, so long texts are never chunked: ``max_tokens`` is
a limit nothing pni sees comes near, and every text is embedded whole.

model2vec is not a dependency of pni: ``pip install 'model2vec>=0.10'`` to use the backend, plus
``'skeletoken>=0.6,<0.7'`` to distil (model2vec's own ``[distill]`` extra pins transformers below
5.4, older than sentence-transformers here needs).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pni.embed.base import ProgressFn
from pni.embed.models import ModelSource, offline_env
from pni.errors import DependencyError, ModelError

#: Bump when the distillation recipe changes: a new folder and a new revision (so a new cache key).
DISTILL_VERSION = "2"
#: PCA target: model2vec's default; MiniLM has 384 dimensions.
PCA_DIMS = 256
#: SIF weighting a / (a + p(token)), model2vec's default.
SIF_COEFFICIENT = 1e-4
#: A static model has no window: every text is embedded whole (this only names the limit).
MAX_TOKENS = 1_000_000
META_FILE = "pni-distill.json"
WEIGHTS_FILE = "model.safetensors"
INSTALL_HINT = "pip install 'model2vec>=0.10' 'skeletoken>=0.6,<0.7'"
#: Texts per ``encode`` call, so progress can be reported.
STEP = 2048


def static_dir(source: ModelSource) -> Path:
    """Where the distilled model of this model revision lives."""
    from pni.paths import data_dir

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", source.model_id).strip("_") or "model"
    return data_dir() / "models" / f"{safe}-{source.revision}-static-v{DISTILL_VERSION}"


def _require_model2vec() -> None:
    try:
        import model2vec  # noqa: F401
    except ImportError as e:
        raise DependencyError(f"the static backend needs model2vec: {INSTALL_HINT}") from e


def distill_model(source: ModelSource, target: Path) -> dict[str, Any]:
    """Distil ``source`` into a model2vec folder at ``target`` (atomically). Needs torch once."""
    offline_env()
    _require_model2vec()
    t0 = time.perf_counter()
    try:
        import model2vec.distill.inference as m2v_inference
        from model2vec.distill import distill
    except ImportError as e:
        raise DependencyError(
            f"distilling the static model needs model2vec's distill dependencies ({e}):"
            f" {INSTALL_HINT}") from e
    from functools import partial

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".distill-", dir=target.parent))
    bar = getattr(m2v_inference, "tqdm", None)
    try:
        if bar is not None:  # model2vec's progress bar would write over pni's own output
            m2v_inference.tqdm = partial(bar, disable=True)
        try:
            model = distill(model_name=str(source.path), pca_dims=PCA_DIMS,
                            sif_coefficient=SIF_COEFFICIENT, quantize_to="float32", device="cpu")
        finally:
            if bar is not None:
                m2v_inference.tqdm = bar
        model.save_pretrained(str(tmp))
        from importlib.metadata import version

        meta = {
            "model_id": source.model_id, "revision": source.revision, "source": str(source.path),
            "distill_version": DISTILL_VERSION, "pca_dims": PCA_DIMS,
            "sif_coefficient": SIF_COEFFICIENT, "vocabulary": int(model.embedding.shape[0]),
            "dim": int(model.embedding.shape[1]), "model2vec": version("model2vec"),
            "torch": version("torch"), "seconds": round(time.perf_counter() - t0, 2),
        }
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2), "utf-8")
        try:
            os.replace(tmp, target)
        except OSError:  # another process finished first
            if not (target / META_FILE).is_file():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return meta


class StaticEmbedder:
    """Mean of distilled word-piece vectors; satisfies the ``Embedder`` protocol."""

    backend = "static"

    def __init__(self, source: ModelSource, folder: Path):
        _require_model2vec()
        offline_env()
        from model2vec import StaticModel

        self.source = source
        self.folder = folder
        self.meta = json.loads((folder / META_FILE).read_text("utf-8"))
        self.model_id = source.model_id
        # the recipe is part of the revision, so vectors of another recipe are never reused
        self.revision = f"{source.revision}-static-v{DISTILL_VERSION}"
        self.max_tokens = MAX_TOKENS
        import logging

        quiet = logging.getLogger("model2vec")  # it warns that max_length differs from 512
        before = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            self.model = StaticModel.from_pretrained(folder, normalize=True, max_length=None)
        finally:
            quiet.setLevel(before)
        self.dim = int(self.model.embedding.shape[1])
        self.tokenizer = self.model.tokenizer
        # a text with no known word piece gets the [UNK] vector (as the transformer would see
        # only [UNK]), not a zero row
        unk = getattr(self.model, "unk_token_id", None)
        fallback = np.ones(self.dim, dtype=np.float64)
        if unk is not None and 0 <= int(unk) < self.model.embedding.shape[0]:
            fallback = np.asarray(self.model.embedding[int(unk)], dtype=np.float64)
        norm = float(np.linalg.norm(fallback))
        self._fallback = (fallback / (norm or 1.0)).astype(np.float32)

    @classmethod
    def from_source(cls, source: ModelSource) -> StaticEmbedder:
        """Load the distilled model of ``source``, distilling it first when there is none."""
        _require_model2vec()
        folder = static_dir(source)
        try:
            if not (folder / META_FILE).is_file() or not (folder / WEIGHTS_FILE).is_file():
                distill_model(source, folder)
            return cls(source, folder)
        except (DependencyError, ModelError):
            raise
        except Exception as e:  # distillation or load failure: one line
            raise ModelError(f"cannot prepare the static backend for {source.model_id}: {e}"
                             " (the onnx-int8 backend needs no distillation)", file=folder) from e

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text (a static model adds no special tokens and has no window)."""
        return [len(e.ids)
                for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]

    def embed(
        self, texts: Sequence[str], batch_size: int = 32, progress: ProgressFn | None = None
    ) -> np.ndarray:
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        for start in range(0, n, STEP):
            part = list(texts[start : start + STEP])
            v = self.model.encode(part, max_length=None, use_multiprocessing=False,
                                  batch_size=1024)
            out[start : start + len(part)] = np.asarray(v, dtype=np.float32).reshape(len(part), -1)
            if progress is not None:
                progress(start + len(part), n)
        norms = np.linalg.norm(out, axis=1)
        out[norms == 0] = self._fallback
        ok = norms > 0
        out[ok] /= norms[ok, None]
        return out
