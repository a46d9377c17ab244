"""Embedding with the store's vector cache.

The cache key is ``sha256(model id, weights revision, backend, preprocessing version, window,
overlap where it is not the default, text hash)``: it does not involve story ids, so the same text is never embedded twice by the same
model, and adding 1% new stories embeds only those. New vectors are written in blocks, each block
in one transaction, so an interrupted run keeps what it finished.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from pni.embed.base import OVERLAP, PREPROCESSING, Embedder, ProgressFn, n_windows, preprocess
from pni.store import Store
from pni.store import vectors as vq

#: Texts embedded (and written to the store) per block.
BLOCK = 256


class _HasText(Protocol):
    id: str
    text: str


@dataclass
class EmbedResult:
    """Vectors aligned with the input order, and what it took to get them."""

    ids: list[str]
    vectors: np.ndarray  # (n, dim) float32, unit rows
    n_cached: int = 0  # texts whose vector came from the store
    n_embedded: int = 0  # texts embedded in this call (distinct texts)
    n_chunked: int = 0  # input stories longer than the model's window (cached ones included)
    chunks: list[int] = field(default_factory=list)  # windows per input story
    seconds: float = 0.0
    model_id: str = ""
    revision: str = ""
    backend: str = ""

    def info(self) -> dict[str, Any]:
        """A JSON-able summary for run records and ``--json`` output."""
        return {
            "model": self.model_id, "revision": self.revision, "backend": self.backend,
            "n": len(self.ids), "n_cached": self.n_cached, "n_embedded": self.n_embedded,
            "n_chunked": self.n_chunked, "seconds": round(self.seconds, 3),
        }


def text_hash(text: str) -> str:
    """sha256 of the preprocessed text."""
    return hashlib.sha256(preprocess(text).encode("utf-8")).hexdigest()


def _overlap(embedder: Embedder) -> int:
    """Tokens the embedder's windows share (backends without the setting: the default)."""
    return int(getattr(embedder, "overlap", OVERLAP))


def cache_key(embedder: Embedder, text_hash_: str) -> str:
    """The content key of one text's vector under one embedder."""
    h = hashlib.sha256()
    overlap = _overlap(embedder)
    # the default overlap is part of PREPROCESSING (so vectors cached before the overlap became
    # a setting keep their keys); another one is keyed apart
    for part in (embedder.model_id, embedder.revision, embedder.backend, PREPROCESSING,
                 str(embedder.max_tokens), *([] if overlap == OVERLAP else [str(overlap)]),
                 text_hash_):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def _pairs(items: Iterable[Any]) -> list[tuple[str, str]]:
    out = []
    for it in items:
        if isinstance(it, tuple | list):
            sid, text = it
        else:
            sid, text = it.id, it.text
        out.append((str(sid), str(text)))
    return out


def _progress_fn(progress: Any, total: int) -> tuple[ProgressFn | None, Any]:
    """The embedder's ``(done, total)`` callback, reporting to ``progress``
    (``pni.progress.Progress``) as the stage "Embedding stories"."""
    if progress is None:
        return None, None

    def fn(done: int, total: int) -> None:
        progress("Embedding stories", done, total)

    return fn, None


def embed_stories(
    db: Store,
    stories: Iterable[_HasText] | Iterable[tuple[str, str]],
    embedder: Embedder,
    *,
    progress: Any = None,
    batch_size: int = 32,
) -> EmbedResult:
    """Vectors for ``stories`` (``Story`` objects or ``(id, text)`` pairs), from the cache where
    possible; the rest are embedded and cached.

    ``progress`` is ``fn(done, total)`` or a rich ``Progress``; it counts texts to embed.

    >>> from pni.embed.fake import FakeEmbedder
    >>> with Store.open(":memory:") as db:
    ...     r1 = embed_stories(db, [("a", "the lunch table")], FakeEmbedder())
    ...     r2 = embed_stories(db, [("a", "the lunch table")], FakeEmbedder())
    >>> (r1.n_embedded, r2.n_embedded, r2.n_cached)
    (1, 0, 1)
    """
    t0 = time.perf_counter()
    pairs = _pairs(stories)
    n = len(pairs)
    dim = embedder.dim
    hashes = [text_hash(t) for _, t in pairs]
    keys = [cache_key(embedder, h) for h in hashes]
    cached = vq.get_vectors(db, keys, dim)

    # distinct texts still to embed, longest last (similar lengths batch together)
    todo: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k not in cached and k not in todo:
            todo[k] = i
    order = sorted(todo.values(), key=lambda i: len(pairs[i][1]))
    fn, _task = _progress_fn(progress, len(order))

    fresh: dict[str, vq.CachedVector] = {}
    done = 0
    for b in range(0, len(order), BLOCK):
        block = order[b : b + BLOCK]
        texts = [preprocess(pairs[i][1]) for i in block]

        def sub(d: int, _t: int, base: int = done) -> None:
            if fn is not None:
                fn(base + d, len(order))

        vecs = np.asarray(embedder.embed(texts, batch_size=batch_size, progress=sub),
                          dtype=np.float32)
        overlap = _overlap(embedder)
        chunks = [n_windows(c, embedder.max_tokens, overlap) for c in embedder.count_tokens(texts)]
        rows = []
        for j, i in enumerate(block):
            fresh[keys[i]] = vq.CachedVector(vecs[j], chunks[j])
            rows.append((keys[i], embedder.model_id, embedder.backend, hashes[i], vecs[j],
                         chunks[j]))
        with db.transaction():
            vq.put_vectors(db, rows)
        done += len(block)
        if fn is not None:
            fn(done, len(order))

    out = np.zeros((n, dim), dtype=np.float32)
    story_chunks = []
    for i, k in enumerate(keys):
        cv = cached.get(k) or fresh[k]
        out[i] = cv.vector
        story_chunks.append(cv.chunks)
    n_cached = sum(1 for k in keys if k in cached)
    return EmbedResult(
        ids=[sid for sid, _ in pairs], vectors=out, n_cached=n_cached, n_embedded=len(order),
        n_chunked=sum(1 for c in story_chunks if c > 1), chunks=story_chunks,
        seconds=time.perf_counter() - t0, model_id=embedder.model_id,
        revision=embedder.revision, backend=embedder.backend,
    )


def embed_texts(embedder: Embedder, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """Vectors for bare texts, without the store (preprocessed the same way)."""
    return embedder.embed([preprocess(t) for t in texts], batch_size=batch_size)
