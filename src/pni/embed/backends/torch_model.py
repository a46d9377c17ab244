"""``torch``: the sentence-transformers model on CPU (``pni.embed.torch_backend``); serves any
sentence-transformers folder, including those the ONNX export cannot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pni.embed.backends.base import Model, register

if TYPE_CHECKING:
    from pni.embed.base import Embedder


class Torch:
    name = "torch"
    summary = "sentence-transformers on CPU (any sentence-transformers model)"
    listed = True

    def load(self, model: Model) -> Embedder:
        from pni.embed.models import resolve_model
        from pni.embed.torch_backend import TorchEmbedder

        return TorchEmbedder(resolve_model(model))


register(Torch())
