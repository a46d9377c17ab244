"""`pni embed`: embed every story that has no cached vector, here or on a Ray cluster."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pni.cli.common import (
    BackendOpt,
    FormatOpt,
    JsonOpt,
    StoreOpt,
    emit,
    open_store,
    output_format,
    progress,
    say,
)


def register(app: typer.Typer) -> None:
    app.command("embed")(embed)


def embed(
    store: StoreOpt = None,
    ray: Annotated[str | None, typer.Option(
        "--ray", metavar="ADDRESS", show_default=False,
        help="Embed on a Ray cluster: its address (ray://head:10001, or auto), or 'local' to"
        " start Ray on this machine. Needs pip install 'pni[scale]'.")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, show_default=False,
        help="Ray workers, each with its own copy of the model (default: the cluster's"
        " CPUs).")] = None,
    batch: Annotated[int, typer.Option(
        "--batch", min=1, help="Stories per Ray task; each finished task is written to the"
        " store at once, so a stopped run resumes there.")] = 256,
    model: Annotated[str | None, typer.Option(
        "--model", help="Embedding model: a local sentence-transformers folder or cached model"
        " name (default: the packaged all-MiniLM-L6-v2).", show_default=False)] = None,
    backend: BackendOpt = None,
    fake_embedder: Annotated[bool, typer.Option(
        "--fake-embedder", hidden=True, help="Tests: hashed-word vectors.")] = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Embed every story whose vector is not cached yet (by content key: model, backend, text),
    so `pni cluster` finds them all cached. Locally by default; with --ray on a Ray cluster, by
    a pool of workers running pni's own embedder (the same vectors as here).

    JSON: {"embedding": {"stories", "cached" (stories), "embedded" (distinct texts),
    "seconds", "model_id", "backend", and with --ray "address", "workers", "batches",
    "startup_seconds"}}. Example: `pni embed --ray local`.
    """
    from pni.environment import enabled

    fmt = output_format(format_, json_)
    fake = fake_embedder or enabled("PNI_FAKE_EMBEDDER")
    name = "fake" if fake else (None if backend is None else str(backend))
    with open_store(store) as db:
        if ray is not None:
            from pni.scale import embed_on_ray

            with progress(transient=True) as bar:
                res = embed_on_ray(db, ray, model=None if fake else model, backend=name,
                                   workers=workers, batch=batch,
                                   progress=lambda d, t: bar("Embedding stories", d, t))
            info: dict[str, Any] = res.as_json()
        else:
            from pni.embed import get_embedder
            from pni.embed.cache import embed_stories
            from pni.store import imports as iq

            emb = get_embedder(None if fake else model, name)
            pairs = [(sid, text) for sid, text, _ in iq.story_texts(db)]  # never printed
            with progress(transient=True) as bar:
                r = embed_stories(db, pairs, emb, progress=bar)
            info = {"stories": len(pairs), "cached": r.n_cached,
                    "embedded": r.n_embedded, "seconds": r.seconds, "model_id": r.model_id,
                    "backend": r.backend}
    emit(fmt, "embedding", info)
    where = f" on Ray ({info['address']}, {info['workers']} workers)" if ray is not None else ""
    say(f"Embedded {info['embedded']} stories{where} in {info['seconds']:.1f} s;"
        f" {info['cached']} were cached already ({info['backend']}).", markup=False)
