"""A deterministic, fast embedder for tests and dry runs: no model, no ML import.

Each word unigram and bigram gets a fixed random vector (seeded by its hash); a text's vector is
the sum, L2-normalized. Texts that share words are close, so clustering tests can find themes.
Words play the part of tokens: texts longer than ``max_tokens`` words are chunked like real ones.

>>> e = FakeEmbedder(dim=16)
>>> v = e.embed(["the lunch table", "the lunch table", "a test grade"])
>>> bool((v[0] == v[1]).all()), v.shape, v.dtype.name
(True, (3, 16), 'float32')
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence

import numpy as np

from pni.embed.base import N_SPECIAL, ProgressFn, pool_windows, preprocess, window_spans

_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    """Hashed bag of unigrams and bigrams projected to ``dim`` dimensions."""

    backend = "fake"

    def __init__(self, dim: int = 64, max_tokens: int = 256):
        self.dim = dim
        self.max_tokens = max_tokens
        self.model_id = f"fake-hash-{dim}"
        self.revision = "fake-v1"
        self._vectors: dict[str, np.ndarray] = {}

    def _words(self, text: str) -> list[str]:
        return _WORD.findall(preprocess(text).casefold())

    def _vec(self, token: str) -> np.ndarray:
        v = self._vectors.get(token)
        if v is None:
            seed = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(),
                                  "little")
            v = np.random.default_rng(seed).standard_normal(self.dim)
            self._vectors[token] = v
        return v

    def _window_vector(self, words: list[str]) -> np.ndarray:
        acc = np.zeros(self.dim)
        if not words:
            return self._vec("\x00empty")
        for w in words:
            acc += self._vec(w)
        for a, b in itertools.pairwise(words):
            acc += 0.5 * self._vec(a + " " + b)
        return acc

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(self._words(t)) + N_SPECIAL for t in texts]

    def embed(
        self, texts: Sequence[str], batch_size: int = 32, progress: ProgressFn | None = None
    ) -> np.ndarray:
        rows: list[np.ndarray] = []
        owner: list[int] = []
        weights: list[float] = []
        total = len(texts)
        for i, text in enumerate(texts):
            words = self._words(text)
            for s, e in window_spans(len(words), self.max_tokens):
                v = self._window_vector(words[s:e])
                rows.append(v / (np.linalg.norm(v) or 1.0))
                owner.append(i)
                weights.append(float(max(1, e - s)))
            if progress is not None and ((i + 1) % batch_size == 0 or i + 1 == total):
                progress(i + 1, total)
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return pool_windows(np.vstack(rows), owner, weights, total)
