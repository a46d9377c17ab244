"""Embedding stage: story texts to unit vectors, cached in the store by content.

>>> from pni.embed import get_embedder, embed_stories
>>> from pni.store import Store
>>> emb = get_embedder(backend="fake")              # real runs: get_embedder() (packaged MiniLM)
>>> with Store.open(":memory:") as db:
...     res = embed_stories(db, [("S-1", "We sat at the lunch table.")], emb)
>>> res.vectors.shape, res.n_embedded
((1, 64), 1)

Backends: ``auto`` (default: the model exported to ONNX once, cached under the data directory, run
with onnxruntime without torch; the int8 or the float32 graph and the batch shape chosen for this
CPU by a one-time measurement, see ``pni.embed.calibrate``), ``onnx-int8`` and ``onnx-fp32`` (one
graph, forced), ``torch`` (sentence-transformers on CPU), ``fake`` (hashed words, for tests). Heavy libraries load only inside ``get_embedder``.
"""

from __future__ import annotations

import os

from pni import environment
from pni.embed.base import PREPROCESSING, Embedder, ProgressFn, n_windows, preprocess
from pni.embed.cache import EmbedResult, cache_key, embed_stories, embed_texts, text_hash
from pni.embed.fake import FakeEmbedder
from pni.embed.models import offline_env
from pni.errors import ModelError, UsageError

offline_env()  # before any backend imports onnxruntime, torch or huggingface_hub

BACKENDS = ("auto", "onnx-int8", "onnx-fp32", "torch", "fake")
DEFAULT_BACKEND = "auto"
BACKEND_ENV = "PNI_EMBED_BACKEND"

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "PREPROCESSING",
    "EmbedResult",
    "Embedder",
    "FakeEmbedder",
    "ProgressFn",
    "cache_key",
    "embed_stories",
    "embed_texts",
    "get_embedder",
    "n_windows",
    "preprocess",
    "text_hash",
]


def get_embedder(
    model: str | os.PathLike[str] | None = None,
    backend: str | None = None,
) -> Embedder:
    """The embedder for ``model`` (default: packaged all-MiniLM-L6-v2) on ``backend`` (default:
    ``$PNI_EMBED_BACKEND``, else ``auto``).

    ``model`` may be a local sentence-transformers folder or a name in the local Hugging Face
    cache; ``"fake"`` (or ``backend="fake"``) gives the deterministic ``FakeEmbedder``.
    The first ONNX use of a model exports it (needs torch once, some seconds) into
    ``pni.paths.data_dir()/models``; later processes load the export without importing torch.
    Raises ``ModelError`` when the model cannot be found or loaded, ``UsageError`` for an
    unknown backend.
    """
    backend = backend or environment.get(BACKEND_ENV) or DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise UsageError(f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "fake" or (model is not None and str(model) == "fake"):
        return FakeEmbedder()

    from pni.embed.models import resolve_model

    source = resolve_model(model)
    if backend == "torch":
        from pni.embed.torch_backend import TorchEmbedder

        return TorchEmbedder(source)
    try:
        if backend == "auto":
            from pni.embed.calibrate import calibrated_embedder

            return calibrated_embedder(source)
        from pni.embed.onnx_backend import OnnxEmbedder

        return OnnxEmbedder.from_source(source, precision=backend.removeprefix("onnx-"))
    except ModelError:
        raise
    except Exception as e:  # export/load failure: say so, one line
        raise ModelError(f"cannot prepare the {backend} backend for {source.model_id}: {e}"
                         " (try --backend torch)", file=source.path) from e
