"""``onnx-int8`` and ``onnx-fp32``: one of the two exported ONNX graphs, forced
(``pni.embed.onnx_backend``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pni.embed.backends.base import Model, cannot_prepare, register
from pni.errors import ModelError

if TYPE_CHECKING:
    from pni.embed.base import Embedder


class OnnxGraph:
    listed = True

    def __init__(self, precision: str, summary: str):
        self.precision = precision
        self.name = f"onnx-{precision}"
        self.summary = summary

    def load(self, model: Model) -> Embedder:
        from pni.embed.models import resolve_model
        from pni.embed.onnx_backend import OnnxEmbedder

        source = resolve_model(model)
        try:
            return OnnxEmbedder.from_source(source, precision=self.precision)
        except ModelError:
            raise
        except Exception as e:  # export/load failure: say so, one line
            raise cannot_prepare(self.name, source, e) from e


register(OnnxGraph("int8", "the int8 per-channel quantized ONNX graph"))
register(OnnxGraph("fp32", "the float32 ONNX graph"))
