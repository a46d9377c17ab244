"""``auto`` (the default): the int8 or the float32 ONNX graph and the batch shape, whichever a
one-time measurement found faster on this CPU (``pni.embed.calibrate``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pni.embed.backends.base import Model, cannot_prepare, register
from pni.errors import ModelError

if TYPE_CHECKING:
    from pni.embed.base import Embedder


class Auto:
    name = "auto"
    summary = ("the int8 or float32 ONNX graph, whichever a one-time measurement found faster"
               " on this CPU")
    listed = True

    def load(self, model: Model) -> Embedder:
        from pni.embed.calibrate import calibrated_embedder
        from pni.embed.models import resolve_model

        source = resolve_model(model)
        try:
            return calibrated_embedder(source)
        except ModelError:
            raise
        except Exception as e:  # export/load failure: say so, one line
            raise cannot_prepare(self.name, source, e) from e


register(Auto())
