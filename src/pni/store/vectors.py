"""Queries for the embedding cache (table ``embeddings``): vectors keyed by a content key
(model, weights revision, backend, preprocessing, text hash), never by story id.

Vectors are stored as little-endian float32 blobs. None of these functions commits: callers own
transactions (``with db.transaction(): put_vectors(...)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from pni.store.db import Store

#: SQLite's default limit on host parameters is 999 on old builds; stay well under it.
_IN_BATCH = 500


@dataclass(frozen=True)
class CachedVector:
    vector: np.ndarray  # float32, shape (dim,)
    chunks: int


def get_vectors(db: Store, keys: Sequence[str], dim: int) -> dict[str, CachedVector]:
    """The cached vectors among ``keys``, in their order (missing keys, or rows of another
    ``dim``, are absent)."""
    found: dict[str, CachedVector] = {}
    unique = list(dict.fromkeys(keys))
    for i in range(0, len(unique), _IN_BATCH):
        part = unique[i : i + _IN_BATCH]
        marks = ",".join("?" * len(part))
        for key, d, chunks, blob in db.execute(
            f"SELECT key, dim, chunks, vector FROM embeddings WHERE key IN ({marks})", part
        ):
            if d != dim or len(blob) != 4 * dim:
                continue
            found[key] = CachedVector(np.frombuffer(blob, dtype="<f4").astype(np.float32), chunks)
    return {k: found[k] for k in unique if k in found}


def put_vectors(
    db: Store,
    rows: Iterable[tuple[str, str, str, str, np.ndarray, int]],
) -> int:
    """Insert ``(key, model, backend, text_hash, vector, chunks)`` rows; existing keys are kept.

    Returns the number of rows given.
    """
    data = [
        (key, model, backend, text_hash, int(vec.shape[0]), int(chunks),
         np.ascontiguousarray(vec, dtype="<f4").tobytes())
        for key, model, backend, text_hash, vec, chunks in rows
    ]
    db.executemany(
        "INSERT INTO embeddings(key, model, backend, text_hash, dim, chunks, vector)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        data,
    )
    return len(data)


def _where(model: str | None, backend: str | None) -> tuple[str, list[str]]:
    """A WHERE clause selecting one model's and/or backend's vectors (all when both are None)."""
    clauses, params = [], []
    for column, value in (("model", model), ("backend", backend)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_vectors(db: Store, model: str | None = None, backend: str | None = None) -> int:
    """Cached vectors, optionally for one model and/or backend."""
    where, params = _where(model, backend)
    return int(db.scalar("SELECT count(*) FROM embeddings" + where, params))


def clear_vectors(db: Store, model: str | None = None, backend: str | None = None) -> int:
    """Delete cached vectors (all, or one model's and/or backend's); returns how many."""
    from pni.store import derived

    where, params = _where(model, backend)
    derived.clear(db)  # what was computed from the vectors goes with them
    return int(db.execute("DELETE FROM embeddings" + where, params).rowcount)
