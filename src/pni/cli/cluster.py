"""`pni cluster`: find candidate patterns in the story text; `pni cluster runs`: list runs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from pni.cli.common import (
    JsonOpt,
    StoreOpt,
    emit_json,
    names_file,
    open_store,
    progress,
    say,
    table,
)

cluster_app = typer.Typer(
    invoke_without_command=True,
    help="Find candidate patterns in the story text (embed, cluster, label). "
    "`pni cluster runs` lists earlier runs.",
)

FAKE_ENV = "PNI_FAKE_EMBEDDER"


def register(app: typer.Typer) -> None:
    app.add_typer(cluster_app, name="cluster")


def _embedder(model: str | None, backend: str | None, fake: bool) -> Any:
    from pni.embed import get_embedder

    if fake or os.environ.get(FAKE_ENV, "") not in ("", "0"):
        return get_embedder(backend="fake")
    return get_embedder(model=model, backend=backend)


def _threshold(value: str | None) -> float | str | None:
    """``--assign-noise``: a cosine in [-1, 1], ``off``, or (not given) the calibrated default."""
    from pni.cluster.pipeline import AUTO
    from pni.errors import UsageError

    if value is None:
        return AUTO
    if value.strip().lower() in ("off", "none", "no"):
        return None
    try:
        t = float(value)
    except ValueError:
        raise UsageError(f"--assign-noise {value!r}: give a cosine similarity such as 0.5,"
                         " or 'off'") from None
    if not -1.0 <= t <= 1.0:
        raise UsageError(f"--assign-noise {value}: a cosine similarity lies in [-1, 1]")
    return t


@cluster_app.callback()
def cluster(
    ctx: typer.Context,
    store: StoreOpt = None,
    model: Annotated[str | None, typer.Option(
        "--model", help="Embedding model: a local sentence-transformers folder or cached model name"
        " (default: the packaged all-MiniLM-L6-v2).", show_default=False)] = None,
    backend: Annotated[str | None, typer.Option(
        "--backend", help="Embedding backend: onnx-int8 (default) or torch.",
        show_default=False)] = None,
    min_size: Annotated[int | None, typer.Option(
        "--min-size", min=2, help="Smallest pattern (default: max(3, round(sqrt(n)/2))).",
        show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same"
                                      " result.")] = 0,
    reduce: Annotated[str | None, typer.Option(
        "--reduce", help="Reduction before HDBSCAN: spectral[:DIMS] (default), pca[:DIMS],"
        " umap[:DIMS] (needs umap-learn), none.", show_default=False)] = None,
    assign_noise: Annotated[str | None, typer.Option(
        "--assign-noise", metavar="THRESHOLD",
        help="Attach unclustered stories to the nearest pattern when cosine >= THRESHOLD"
        " (flagged as assigned; default 0.5); 'off' keeps them all unclustered.",
        show_default=False)] = None,
    assign: Annotated[bool, typer.Option(
        "--assign", help="Place stories added since the last run into its patterns (nearest"
        " centroid, cosine >= the run's threshold) without refitting.")] = False,
    stability: Annotated[int, typer.Option(
        "--stability", metavar="K", min=0,
        help="Also cluster K seeded 90% subsamples; report their mean pairwise ARI.")] = 0,
    names: Annotated[Path | None, typer.Option(
        "--names", help="People's names (one per line) kept out of pattern titles and keywords"
        " (default: names.txt beside the store).", show_default=False, dir_okay=False)] = None,
    fake_embedder: Annotated[bool, typer.Option(
        "--fake-embedder", hidden=True,
        help="Test only: hashed-word vectors instead of the model (also PNI_FAKE_EMBEDDER=1).")]
    = False,
    json_: JsonOpt = False,
) -> None:
    """Embed every story (cached: unchanged stories are never embedded twice), find patterns with
    HDBSCAN, label them, and store the run. Stories that fit no pattern are reported, not hidden.

    Examples: `pni cluster`, `pni cluster --min-size 8 --json`, `pni cluster --assign`.
    """
    if ctx.invoked_subcommand is not None:
        return
    from pni.errors import UsageError

    if assign and stability:
        raise UsageError("--assign places new stories without refitting; it takes no --stability")
    from pni.cli.common import err

    with err().status("Loading the embedding model (the first use exports it once: seconds)"):
        emb = _embedder(model, backend, fake_embedder)
    with open_store(store) as db:
        if assign:
            from pni.cluster import assign_new_stories

            threshold = None if assign_noise is None else _threshold(assign_noise)
            if assign_noise is not None and threshold is None:
                raise UsageError("--assign needs a threshold; --assign-noise off is not one")
            assert not isinstance(threshold, str)  # only an absent option gives "auto"
            with progress(transient=True) as bar:
                out = assign_new_stories(db, emb, threshold=threshold, progress=bar)
            _print_assign(db, out, json_)
            return
        from pni.cluster import cluster_stories
        from pni.privacy import load_names

        names_path = names_file(names, store)
        name_list = load_names(names_path) if names_path else []
        with progress(transient=True) as bar:
            res = cluster_stories(db, emb, min_size=min_size, seed=seed, reducer=reduce,
                                  assign_noise=_threshold(assign_noise), stability=stability,
                                  names=name_list, progress=bar)
        _print_run(db, res.run_id, res.embedding, json_)


def _print_assign(db: Any, out: dict[str, Any], json_: bool) -> None:
    from pni.store import runs as runq

    run = runq.get_run(db, out["run_id"])
    if json_:
        emit_json(out | {"metrics": run["metrics"]})
        return
    say(f"Run {out['run_id']} (assign, from run {out['parent_run']}): {out['n_new']} new stories;"
        f" {out['n_assigned']} placed in a pattern (nearest centroid, cosine >= "
        f"{out['threshold']:.2f}), {out['n_new'] - out['n_assigned']} fit no pattern.")
    if out["n_new"]:
        _pattern_table(db, out["run_id"])


def _pattern_table(db: Any, run_id: int) -> None:
    from pni.store import runs as runq

    pats = runq.list_patterns(db, run_id)
    table(None, ["#", "id", "size", "title", "keywords"],
          [[p["number"], p["id"], p["size"], p["title"], ", ".join(p["keywords"][:6])]
           for p in pats])


def _print_run(db: Any, run_id: int, embedding: dict[str, Any], json_: bool) -> None:
    from pni.store import runs as runq

    run = runq.get_run(db, run_id)
    pats = runq.list_patterns(db, run_id)
    m = run["metrics"]
    if json_:
        emit_json({
            "run_id": run_id, "embedding": embedding, "params": run["params"],
            "metrics": m, "timings": run["timings"], "versions": run["versions"],
            "patterns": [{k: v for k, v in p.items() if k != "centroid"} for p in pats],
        })
        return
    n = m.get("n_stories", 0)
    say(f"Embedded {embedding.get('n_embedded', 0)} stories, {embedding.get('n_cached', 0)} from"
        f" the cache ({embedding.get('model')}, {embedding.get('backend')})"
        + (f"; {m['n_chunked']} long stories were chunked" if m.get("n_chunked") else "") + ".")
    if not pats:
        say(f"Run {run_id}: no patterns among {n} stories (smallest pattern"
            f" {m.get('min_size')}); try a smaller --min-size.")
        return
    _pattern_table(db, run_id)
    unclustered = m.get("n_unclustered", 0)
    share = unclustered / n if n else 0.0
    say(f"Run {run_id}: {len(pats)} patterns among {n} stories. "
        f"{unclustered} stories ({share:.0%}) fit no pattern.")
    if m.get("n_assigned"):
        say(f"{m['n_assigned']} stories HDBSCAN left unclustered were attached to the nearest"
            f" pattern (cosine >= {run['params'].get('assign_noise')}); they are flagged"
            " 'assigned'. --assign-noise off keeps them apart.")
    if m.get("validity") is not None:
        say(f"Density validity {m['validity']:.2f} (-1..1, higher: denser, better separated).")
    if m.get("stability"):
        st = m["stability"]
        say(f"Stability: mean pairwise ARI {st['mean_ari']:.2f} over {st['k']} subsamples"
            f" (min {st['min_ari']:.2f}).")
    say("See a pattern: pni patterns show ID;  every story's pattern: pni patterns assignments --csv")


@cluster_app.command("runs")
def runs(store: StoreOpt = None, json_: JsonOpt = False) -> None:
    """List cluster runs: id, kind, date, stories, patterns, coverage, validity, seed, settings."""
    from pni.store import runs as runq

    with open_store(store) as db:
        rows = runq.list_runs(db)
    if json_:
        emit_json(rows)
        return
    if not rows:
        say("No cluster runs yet: run `pni cluster`.")
        return
    table(f"{len(rows)} runs", ["run", "kind", "created", "stories", "patterns", "coverage",
                                "validity", "seed", "settings"],
          [[r["id"], r["kind"] + (f" of {r['parent_run']}" if r["parent_run"] else ""),
            r["created_at"], r["n_stories"], r["n_patterns"],
            "" if r["coverage"] is None else f"{r['coverage']:.0%}",
            "" if r["metrics"].get("validity") is None else f"{r['metrics']['validity']:.2f}",
            r["seed"], _settings(r["params"])] for r in rows])


def _settings(p: dict[str, Any]) -> str:
    if "assign_threshold" in p:
        return f"assign >= {p['assign_threshold']}"
    parts = [f"{p.get('reducer', '?')}", f"min size {p.get('min_size', '?')}"]
    if p.get("assign_noise") is not None:
        parts.append(f"attach >= {p['assign_noise']}")
    return ", ".join(parts)
