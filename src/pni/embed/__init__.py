"""Embedding stage: story texts to unit vectors, cached in the store by content.

>>> from pni.embed import get_embedder, embed_stories
>>> from pni.store import Store
>>> emb = get_embedder(backend="fake")              # real runs: get_embedder() (packaged MiniLM)
>>> with Store.open(":memory:") as db:
...     res = embed_stories(db, [("S-1", "We sat at the lunch table.")], emb)
>>> res.vectors.shape, res.n_embedded
((1, 64), 1)

Backends are a registry (``pni.embed.backends``: one module each, chosen by name):
``auto`` (default: the model exported to ONNX once, cached under the data directory, run with
onnxruntime without torch; the int8 or the float32 graph and the batch shape chosen for this CPU
by a one-time measurement, see ``pni.embed.calibrate``), ``onnx-int8`` and ``onnx-fp32`` (one
graph, forced), ``torch`` (sentence-transformers on CPU), ``fake`` (hashed words, for tests).
Names load on first use and heavy libraries only inside ``get_embedder``, so listing the
backends costs nothing.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

from pni import environment
from pni.embed.backends.base import DEFAULT_BACKEND, get_backend
from pni.embed.backends.base import names as backend_names
from pni.embed.models import offline_env

if TYPE_CHECKING:
    from pni.embed.base import PREPROCESSING, Embedder, ProgressFn, n_windows, preprocess
    from pni.embed.cache import EmbedResult, cache_key, embed_stories, embed_texts, text_hash
    from pni.embed.fake import FakeEmbedder

offline_env()  # before any backend imports onnxruntime, torch or huggingface_hub

BACKEND_ENV = "PNI_EMBED_BACKEND"

_WHERE = {
    "PREPROCESSING": "pni.embed.base", "Embedder": "pni.embed.base",
    "ProgressFn": "pni.embed.base", "n_windows": "pni.embed.base",
    "preprocess": "pni.embed.base", "EmbedResult": "pni.embed.cache",
    "cache_key": "pni.embed.cache", "embed_stories": "pni.embed.cache",
    "embed_texts": "pni.embed.cache", "text_hash": "pni.embed.cache",
    "FakeEmbedder": "pni.embed.fake",
}

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "PREPROCESSING",
    "EmbedResult",
    "Embedder",
    "FakeEmbedder",
    "ProgressFn",
    "backend_names",
    "cache_key",
    "embed_stories",
    "embed_texts",
    "get_embedder",
    "n_windows",
    "preprocess",
    "text_hash",
]


def __getattr__(name: str) -> Any:
    if name == "BACKENDS":  # every registered backend's name, as a tuple
        return tuple(backend_names())
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pni.embed' has no attribute {name!r}")


def get_embedder(
    model: str | os.PathLike[str] | None = None,
    backend: str | None = None,
) -> Embedder:
    """The embedder for ``model`` (default: packaged all-MiniLM-L6-v2) on ``backend`` (default:
    ``$PNI_EMBED_BACKEND``, else ``auto``; any name in ``backend_names()``).

    ``model`` may be a local sentence-transformers folder or a name in the local Hugging Face
    cache; ``"fake"`` (or ``backend="fake"``) gives the deterministic ``FakeEmbedder``.
    The first ONNX use of a model exports it (needs torch once, some seconds) into
    ``pni.paths.data_dir()/models``; later processes load the export without importing torch.
    Raises ``ModelError`` when the model cannot be found or loaded, ``UsageError`` for an
    unknown backend.
    """
    name = backend or environment.get(BACKEND_ENV) or DEFAULT_BACKEND
    chosen = get_backend(name)  # an unknown name is refused before any model is looked for
    if model is not None and str(model) == "fake":
        chosen = get_backend("fake")
    return chosen.load(model)
