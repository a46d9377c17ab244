"""``fake``: hashed words to random vectors (``pni.embed.fake``), deterministic and without a
model; for tests, so not offered on the command line (``--fake-embedder`` there)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pni.embed.backends.base import Model, register

if TYPE_CHECKING:
    from pni.embed.base import Embedder


class Fake:
    name = "fake"
    summary = "hashed words to random vectors (tests only)"
    listed = False

    def load(self, model: Model) -> Embedder:
        from pni.embed.fake import FakeEmbedder

        return FakeEmbedder()


register(Fake())
