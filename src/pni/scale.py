"""Embedding at scale: every story without a cached vector, embedded on a Ray cluster by a pool
of pni's own embedder, written back to the store by content key.

The driver (this process) reads the stories, works out which content keys the cache lacks, and
hands batches of distinct texts to Ray actors, each holding the same embedder (same model, same
resolved backend, checked on start). As each batch comes back its vectors are written in one
transaction, so a run stopped at any point (driver or worker killed) keeps every finished batch
and the next run embeds only the rest; a worker that dies is restarted and its batch retried by
Ray. ``pni cluster`` then finds every vector cached.

Ray is optional (``pip install 'pni[scale]'``); without it :func:`embed_on_ray` raises a
``DependencyError`` saying so. Ray core actors are used rather than Ray Data: batches are plain
lists of strings and vectors, so Ray Data's Arrow blocks would add a dependency and a copy
without doing anything an actor pool does not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from pni.errors import DependencyError, UsageError
from pni.store import Store

INSTALL = "pip install 'pni[scale]'"


@dataclass
class RayEmbedResult:
    """What one ``embed_on_ray`` call did."""

    address: str
    workers: int
    stories: int
    cached: int  # stories whose vector was cached already
    embedded: int  # distinct texts embedded by this call
    batches: int
    seconds: float
    startup_seconds: float  # connecting to (or starting) Ray and loading the workers' models
    model_id: str
    backend: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _ray() -> Any:
    try:
        import ray
    except ImportError as e:
        raise DependencyError(f"embedding on Ray needs Ray: {INSTALL}") from e
    return ray


class _Worker:
    """One Ray actor: pni's embedder, loaded once, embedding batches of preprocessed texts."""

    def __init__(self, model: str | None, backend: str) -> None:
        from pni.embed import get_embedder

        self.embedder = get_embedder(model, backend)

    def identity(self) -> tuple[str, str, str]:
        e = self.embedder
        return e.model_id, e.revision, e.backend

    def embed(self, keys: list[str], texts: list[str], batch_size: int
              ) -> tuple[list[str], bytes, list[int]]:
        from pni.embed.base import n_windows

        e = self.embedder
        vecs = np.asarray(e.embed(texts, batch_size=batch_size), dtype="<f4")
        chunks = [n_windows(c, e.max_tokens) for c in e.count_tokens(texts)]
        return keys, np.ascontiguousarray(vecs).tobytes(), chunks


def embed_on_ray(
    db: Store,
    address: str,
    *,
    model: str | None = None,
    backend: str | None = None,
    workers: int | None = None,
    batch: int = 256,
    batch_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> RayEmbedResult:
    """Embed every story the cache lacks on the Ray cluster at ``address`` (``"local"``: start
    a local Ray on this machine). ``workers``: actors (default: the cluster's CPUs); ``batch``:
    texts per task. ``progress(done, total)`` counts texts. Returns what was done."""
    from pni.embed import get_embedder
    from pni.embed.base import preprocess
    from pni.embed.cache import cache_key, text_hash
    from pni.store import imports as iq
    from pni.store import vectors as vq

    ray = _ray()
    if batch < 1:
        raise UsageError("batch must be at least 1", param="batch")
    t0 = time.perf_counter()
    emb = get_embedder(model, backend)  # resolves "auto" here, so every worker uses one backend
    pairs = [(sid, text) for sid, text, _ in iq.story_texts(db)]  # vectors, never printed
    hashes = [text_hash(t) for _, t in pairs]
    keys = [cache_key(emb, h) for h in hashes]
    cached = vq.get_vectors(db, keys, emb.dim)
    todo: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k not in cached and k not in todo:
            todo[k] = i
    order = sorted(todo.values(), key=lambda i: len(pairs[i][1]))
    n_cached = sum(1 for k in keys if k in cached)
    if not order:
        return RayEmbedResult(address, 0, len(pairs), n_cached, 0, 0,
                              time.perf_counter() - t0, 0.0, emb.model_id, emb.backend)

    started = time.perf_counter()
    own = not ray.is_initialized()
    if own:
        if address == "local":
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        else:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
    try:
        n_workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        n_workers = min(n_workers, max(1, -(-len(order) // batch)))
        actor = ray.remote(num_cpus=1, max_restarts=2, max_task_retries=2)(_Worker)
        pool = [actor.remote(model, emb.backend) for _ in range(n_workers)]
        want = (emb.model_id, emb.revision, emb.backend)
        for got in ray.get([w.identity.remote() for w in pool]):
            if tuple(got) != want:
                raise UsageError(f"a Ray worker loaded {got}, not {want}: install the same pni"
                                 " and model on every node", param="model")
        startup = time.perf_counter() - started
        from ray.util import ActorPool

        blocks = [order[b:b + batch] for b in range(0, len(order), batch)]
        work = ActorPool(pool)
        tasks: list[Any] = [([keys[i] for i in blk], [preprocess(pairs[i][1]) for i in blk])
                            for blk in blocks]
        by_key = {keys[i]: i for i in order}
        done = 0
        for out_keys, blob, chunks in work.map_unordered(
                lambda w, t: w.embed.remote(t[0], t[1], batch_size), tasks):
            vecs = np.frombuffer(blob, dtype="<f4").reshape(len(out_keys), emb.dim)
            rows = [(k, emb.model_id, emb.backend, hashes[by_key[k]], vecs[j], chunks[j])
                    for j, k in enumerate(out_keys)]
            with db.transaction():
                vq.put_vectors(db, rows)
            done += len(out_keys)
            if progress is not None:
                progress(done, len(order))
    finally:
        if own:
            ray.shutdown()
    return RayEmbedResult(address, n_workers, len(pairs), n_cached, len(order), len(blocks),
                          time.perf_counter() - t0, startup, emb.model_id, emb.backend)
