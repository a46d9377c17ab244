"""The backend protocol and the registry of embedding backends.

A backend is a named way to turn a model into an :class:`~pni.embed.base.Embedder`: ``load``
gets the model (``None``: the packaged all-MiniLM-L6-v2, a local folder, or a name in the local
Hugging Face cache) and returns the embedder, or raises ``ModelError`` in one line. Every module
in :mod:`pni.embed.backends` is imported on first use and registers its backends with
:func:`register`, so a new backend is one module in that folder::

    from pni.embed.backends.base import register

    class Static:
        name = "static"
        summary = "a distilled static model: word-piece vectors, averaged"
        listed = True

        def load(self, model):
            from pni.embed.models import resolve_model
            return StaticEmbedder(resolve_model(model))   # has model_id, revision, backend...

    register(Static())

Then ``get_embedder(backend="static")``, ``$PNI_EMBED_BACKEND=static`` and
``pni cluster --backend static`` use it (``listed = False`` keeps a backend, such as the test
one, out of the command line's choices). Keep module-level imports light (heavy libraries inside
``load``): listing the names is on the command line's start-up path.

>>> names()[0], "fake" in names(), "fake" in names(listed=True)
('auto', True, False)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pni.errors import ModelError, UsageError
from pni.registry import Registry

if TYPE_CHECKING:
    from pni.embed.base import Embedder
    from pni.embed.models import ModelSource

DEFAULT_BACKEND = "auto"

Model = str | os.PathLike[str] | None


@runtime_checkable
class Backend(Protocol):
    """One way to run a model. ``name`` is what a caller passes and what the vector cache
    records (unless the embedder reports the graph that actually ran, as ``auto`` does);
    ``summary`` is one line for ``pni cluster --help``; ``listed`` offers it there."""

    name: str
    summary: str
    listed: bool

    def load(self, model: Model) -> Embedder:
        """The embedder for ``model``; ``ModelError`` when it cannot be found or loaded."""
        ...


BACKENDS: Registry[Backend] = Registry("pni.embed.backends")


def register(backend: Backend) -> Backend:
    """Add a backend (replacing one of the same name); returns it."""
    return BACKENDS.register(backend)


def backends(listed: bool = False) -> list[Backend]:
    """Every registered backend (``listed``: only those the command line offers), the default
    first, then by name."""
    return sorted((b for b in BACKENDS.all().values() if b.listed or not listed),
                  key=lambda b: (b.name != DEFAULT_BACKEND, b.name))


def names(listed: bool = False) -> list[str]:
    return [b.name for b in backends(listed)]


def get_backend(name: str | None = None) -> Backend:
    """The backend called ``name`` (None: ``auto``); a usage error naming the parameter
    ``backend`` when there is none."""
    b = BACKENDS.all().get(name or DEFAULT_BACKEND)
    if b is None:
        raise UsageError(f"unknown embedding backend {name!r}; choose one of"
                         f" {', '.join(names())}", param="backend")
    return b


def cannot_prepare(backend: str, source: ModelSource, e: Exception) -> ModelError:
    """An export or load failure as one line, suggesting the backend that needs no export."""
    return ModelError(f"cannot prepare the {backend} backend for {source.model_id}: {e}"
                      " (the torch backend needs no export)", file=source.path)
