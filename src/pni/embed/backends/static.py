"""``static``: a model2vec static model distilled once from the model (``pni.embed.static_backend``):
the mean of word-piece vectors, hundreds of times faster than the transformer and far coarser
(docs/benchmarks.md). Needs model2vec, which pni does not install."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pni.embed.backends.base import Model, register

if TYPE_CHECKING:
    from pni.embed.base import Embedder


class Static:
    name = "static"
    summary = ("mean of word-piece vectors distilled once from the model with model2vec (fast,"
               " coarse; needs model2vec)")
    listed = True

    def load(self, model: Model) -> Embedder:
        from pni.embed.models import resolve_model
        from pni.embed.static_backend import StaticEmbedder

        return StaticEmbedder.from_source(resolve_model(model))


register(Static())
