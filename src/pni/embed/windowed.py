"""Shared machinery of the real backends: tokenize with the model's own fast tokenizer (the
``tokenizers`` library, no torch), split long texts into token windows of at most ``WINDOW`` word
pieces, batch windows of one length (or of similar lengths), run the backend's forward pass (on
``workers`` threads at once where the backend allows it), pool windows back into one unit vector
per text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from pni.embed.base import OVERLAP, WINDOW, ProgressFn, pool_windows, window_spans
from pni.embed.models import ModelSource
from pni.errors import ModelError


class WindowedEmbedder(ABC):
    """Base of the torch and onnx backends; subclasses implement ``_forward``."""

    backend = "abstract"
    #: Most windows per forward call, whatever ``batch_size`` asks (None: no cap).
    max_batch: int | None = None
    #: Most padded tokens (windows x longest window) per forward call (None: no budget). Windows
    #: are sorted by length, so short stories go in wide batches and long ones in narrow ones.
    batch_tokens: int | None = None
    #: Forward calls run at once, each on its own thread (the backend's ``_forward`` must be
    #: thread-safe; onnxruntime sessions are). 1: one after another.
    workers: int = 1
    #: A forward call holds windows of one length only: no padding, and an attention mask of
    #: ones, which lets a backend run attention without a mask (``OnnxEmbedder``).
    exact_lengths: bool = False
    #: Tokens shared by consecutive windows of a long text (part of the cache key).
    overlap: int = OVERLAP
    #: Each forward call holds one window, so a window's vector never depends on the windows
    #: that happen to be embedded with it (an int8 graph quantizes its activations with one
    #: scale per call: two batchings of the same CFPB complaints differed down to cosine .989).
    one_window_per_call: bool = False

    def __init__(self, source: ModelSource, window: int = WINDOW):
        from tokenizers import Tokenizer

        tok_file = source.path / "tokenizer.json"
        if not tok_file.is_file():
            raise ModelError("the model folder has no tokenizer.json (a fast tokenizer is needed)",
                             file=source.path)
        self.source = source
        self.model_id = source.model_id
        self.revision = source.revision
        self.max_tokens = min(source.max_tokens(), window)
        self.dim = 0  # set by subclasses
        tok = Tokenizer.from_file(str(tok_file))
        tok.no_truncation()
        tok.no_padding()
        self.tokenizer = tok
        specials = tok.encode("", add_special_tokens=True).ids
        self._prefix = specials[:1]
        self._suffix = specials[1:]
        self._pad_id = tok.token_to_id("[PAD]") or 0

    # -- what the protocol asks --------------------------------------------------------------
    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        n_special = len(self._prefix) + len(self._suffix)
        return [len(e.ids) + n_special
                for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]

    def embed(
        self, texts: Sequence[str], batch_size: int = 32, progress: ProgressFn | None = None
    ) -> np.ndarray:
        n = len(texts)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        windows: list[list[int]] = []
        owner: list[int] = []
        weights: list[float] = []
        for i, enc in enumerate(encodings):
            ids = enc.ids
            for s, e in window_spans(len(ids), self.max_tokens, self.overlap):
                windows.append(self._prefix + ids[s:e] + self._suffix)
                owner.append(i)
                weights.append(float(max(1, e - s)))
        if self.max_batch:
            batch_size = min(batch_size, self.max_batch)
        if self.one_window_per_call:
            batch_size = 1
        lengths = [len(w) for w in windows]
        order = np.argsort(lengths, kind="stable")
        out = np.zeros((len(windows), self.dim), dtype=np.float32)
        done_windows = 0
        todo = batches([lengths[j] for j in order], batch_size, self.batch_tokens, order,
                       exact=self.exact_lengths)

        def run(idx: np.ndarray) -> np.ndarray:
            length = max(len(windows[j]) for j in idx)
            input_ids = np.full((len(idx), length), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), length), dtype=np.int64)
            for r, j in enumerate(idx):
                w = windows[j]
                input_ids[r, : len(w)] = w
                mask[r, : len(w)] = 1
            return self._forward(input_ids, mask)

        for idx, vecs in zip(todo, self._run_all(run, todo), strict=True):
            out[idx] = vecs
            done_windows += len(idx)
            if progress is not None:
                progress(min(n, round(n * done_windows / len(windows))), n)
        return pool_windows(out, owner, weights, n)

    def _run_all(self, run: Callable[[np.ndarray], np.ndarray],
                 todo: list[np.ndarray]) -> Iterator[np.ndarray]:
        """``run`` over the batches, in order; on ``workers`` threads when there is more than
        one (each thread takes the next batch as it finishes one: no waiting on a slow one)."""
        if self.workers <= 1 or len(todo) <= 1:
            yield from map(run, todo)
            return
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="pni-embed") as pool:
            yield from pool.map(run, todo)

    # -- per backend ---------------------------------------------------------------------------
    @abstractmethod
    def _forward(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Sentence vectors (b, dim) for one padded batch of windows."""


def batches(sorted_lengths: Sequence[int], max_windows: int, max_tokens: int | None,
            order: np.ndarray, exact: bool = False) -> list[np.ndarray]:
    """Split ``order`` (window indices sorted by length, ascending) into forward batches of at
    most ``max_windows`` windows and, when ``max_tokens`` is set, at most that many padded tokens
    (a batch pads to its longest, i.e. last, window; a single window always makes a batch);
    ``exact``: a batch holds windows of one length only (nothing padded).

    >>> [b.tolist() for b in batches([2, 2, 3, 8], 3, 6, np.arange(4))]
    [[0, 1], [2], [3]]
    >>> [b.tolist() for b in batches([2, 2, 3, 3, 3], 8, None, np.arange(5), exact=True)]
    [[0, 1], [2, 3, 4]]
    """
    out: list[np.ndarray] = []
    start = 0
    n = len(sorted_lengths)
    while start < n:
        end = start + 1
        while (end < n and end - start < max_windows
               and (max_tokens is None or (end - start + 1) * sorted_lengths[end] <= max_tokens)
               and not (exact and sorted_lengths[end] != sorted_lengths[start])):
            end += 1
        out.append(order[start:end])
        start = end
    return out


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of token vectors over the attention mask, as sentence-transformers' Pooling does."""
    m = mask[:, :, None].astype(hidden.dtype)
    summed = (hidden * m).sum(axis=1)
    counts = np.clip(m.sum(axis=1), 1e-9, None)
    return summed / counts
