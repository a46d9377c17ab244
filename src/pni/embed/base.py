"""The ``Embedder`` protocol and what every backend shares: text preprocessing and token windows.

A backend turns texts into float32, L2-normalized rows. Texts longer than the model's window are
split into overlapping token windows that are embedded and mean-pooled (weighted by window
length), then renormalized: nothing is silently cut.

>>> n_windows(100, max_tokens=256)
1
>>> n_windows(600, max_tokens=256)
3
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

#: Bumped whenever text preprocessing, windowing or pooling changes: it is part of the cache key
#: (with the window, and the overlap where it is not ``OVERLAP``).
PREPROCESSING = "nfc-ws1/win-overlap32/meanpool1"
#: Most word pieces of one window, special tokens included (a model's own limit can only lower
#: it; all-MiniLM-L6-v2's is 256). Shorter windows cost less attention: 192-token even windows
#: without overlap ran CFPB complaints in about 1.1x less CPU time, but on those vectors pni's
#: default fell below k-means told the true k on CFPB (ARI .177 against .236; 256: .211 against
#: .199), so the windows stay those every clustering table was measured on (docs/embedding.md,
#: "Long stories are chunked, not cut"; docs/benchmarks.md, issue 23).
WINDOW = 256
#: Tokens shared by two consecutive windows of a long text.
OVERLAP = 32
#: Special tokens the model adds around every window ([CLS] ... [SEP] for BERT models).
N_SPECIAL = 2

#: ``progress(done, total)``: ``done`` texts of ``total`` embedded so far (cumulative).
ProgressFn = Callable[[int, int], None]


@runtime_checkable
class Embedder(Protocol):
    """What pni needs from an embedding backend.

    ``model_id``, ``revision`` and ``backend`` identify the vectors (they go into the cache key);
    ``max_tokens`` is the window including special tokens.
    """

    model_id: str
    revision: str
    backend: str
    dim: int
    max_tokens: int

    def embed(
        self, texts: Sequence[str], batch_size: int = 32, progress: ProgressFn | None = None
    ) -> np.ndarray:
        """Vectors for ``texts`` in input order: shape (n, dim), float32, unit rows."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens of each text including special tokens (more than ``max_tokens``: chunked)."""
        ...


def preprocess(text: str) -> str:
    """What the model sees and what the cache hashes: Unicode NFC, white space collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def window_spans(n_tokens: int, max_tokens: int, overlap: int = OVERLAP) -> list[tuple[int, int]]:
    """Spans [start, end) over a text's ``n_tokens`` content tokens (no specials), each at most
    ``max_tokens - N_SPECIAL`` long, consecutive spans sharing ``overlap`` tokens: every window
    full but the last, which holds the rest.

    >>> window_spans(10, max_tokens=8, overlap=2)
    [(0, 6), (4, 10)]
    >>> window_spans(300, max_tokens=128, overlap=0)
    [(0, 126), (126, 252), (252, 300)]
    """
    width = max_tokens - N_SPECIAL
    if width <= 0:
        raise ValueError("max_tokens leaves no room for text")
    if n_tokens <= width:
        return [(0, n_tokens)]
    step = max(1, width - min(overlap, width // 2))
    spans = []
    start = 0
    while True:
        end = min(start + width, n_tokens)
        spans.append((start, end))
        if end >= n_tokens:
            return spans
        start += step


def n_windows(n_tokens_with_specials: int, max_tokens: int, overlap: int = OVERLAP) -> int:
    """How many windows a text of this many tokens (special tokens included) is embedded in."""
    return len(window_spans(max(0, n_tokens_with_specials - N_SPECIAL), max_tokens, overlap))


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """Unit rows as float32 (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32, copy=False)


def pool_windows(
    vectors: np.ndarray, owner: Sequence[int], weights: Sequence[float], n: int
) -> np.ndarray:
    """Weighted mean of window vectors per text (``owner[i]`` = text of window i), renormalized."""
    out = np.zeros((n, vectors.shape[1]), dtype=np.float64)
    np.add.at(out, np.asarray(owner, dtype=np.int64),
              vectors.astype(np.float64) * np.asarray(weights, dtype=np.float64)[:, None])
    return normalize_rows(out)
