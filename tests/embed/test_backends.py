"""The backend registry: every embedding backend is a registered backend chosen by name; a new
one is one module in pni/embed/backends, used by get_embedder, the cache and the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import pni.embed.backends as backends_pkg
from pni.embed import FakeEmbedder, embed_stories, get_embedder
from pni.embed.backends import base
from pni.embed.backends.base import Backend
from pni.errors import UsageError
from pni.store import Store

TOY = '''
"""A toy backend for the registry test: the fake embedder in 8 dimensions."""

from pni.embed.backends.base import register


class Tiny:
    name = "tiny-test"
    summary = "hashed words in 8 dimensions"
    listed = True

    def load(self, model):
        from pni.embed.fake import FakeEmbedder

        e = FakeEmbedder(dim=8)
        e.backend = self.name
        return e


register(Tiny())
'''


def test_every_backend_is_registered() -> None:
    assert base.names()[0] == "auto"
    assert {"auto", "onnx-int8", "onnx-fp32", "torch", "fake"} <= set(base.names())
    assert "fake" not in base.names(listed=True)  # tests only: not a --backend choice
    for b in base.backends():
        assert isinstance(b, Backend), b.name
        assert b.summary
    with pytest.raises(UsageError, match="unknown embedding backend 'gpu-magic'") as e:
        get_embedder(backend="gpu-magic")
    assert e.value.param == "backend"


def test_the_environment_names_a_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PNI_EMBED_BACKEND", "fake")
    assert isinstance(get_embedder(), FakeEmbedder)
    monkeypatch.setenv("PNI_EMBED_BACKEND", "nope")
    with pytest.raises(UsageError, match="unknown embedding backend 'nope'"):
        get_embedder()


def test_a_new_backend_is_one_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     store: Store) -> None:
    folder = tmp_path / "more_backends"
    folder.mkdir()
    (folder / "tiny_test.py").write_text(TOY, "utf-8")
    monkeypatch.setattr(backends_pkg, "__path__", [*backends_pkg.__path__, str(folder)])
    monkeypatch.setattr(base.BACKENDS, "items", dict(base.BACKENDS.items))
    monkeypatch.setattr(base.BACKENDS, "loaded", False)
    try:
        assert "tiny-test" in base.names(listed=True)
        emb = get_embedder(backend="tiny-test")
        res = embed_stories(store, [("a", "the lunch table"), ("b", "late homework")], emb)
        assert res.vectors.shape == (2, 8) and res.backend == "tiny-test"
        assert np.allclose(np.linalg.norm(res.vectors, axis=1), 1.0)
        again = embed_stories(store, [("a", "the lunch table")], get_embedder(backend="tiny-test"))
        assert again.n_cached == 1  # the cache keys vectors by the backend's name
    finally:
        sys.modules.pop("pni.embed.backends.tiny_test", None)
