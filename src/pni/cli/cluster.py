"""`pni cluster`: find candidate patterns in the story text (an action; `pni runs` inspects)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pni.cli.common import (
    BackendOpt,
    ClustererOpt,
    FormatOpt,
    JsonOpt,
    StoreOpt,
    emit,
    open_store,
    output_format,
    progress,
    say,
)
from pni.cli.output import Format

FAKE_ENV = "PNI_FAKE_EMBEDDER"


def register(app: typer.Typer) -> None:
    app.command("cluster")(cluster)


def _embedder(model: str | None, backend: str | None, fake: bool) -> Any:
    from pni.embed import get_embedder
    from pni.environment import enabled

    if fake or enabled(FAKE_ENV):
        return get_embedder(backend="fake")
    return get_embedder(model=model, backend=backend)


def _threshold(value: str | None) -> float | None:
    """``--assign-noise``: a cosine in [-1, 1], or (not given) None: the run's threshold."""
    from pni.errors import UsageError

    if value is None:
        return None
    try:
        t = float(value)
    except ValueError:
        raise UsageError(f"{value!r}: give a cosine similarity such as 0.5",
                         param="assign_noise") from None
    if not -1.0 <= t <= 1.0:
        raise UsageError(f"{value}: a cosine similarity lies in [-1, 1]", param="assign_noise")
    return t


def cluster(
    store: StoreOpt = None,
    model: Annotated[str | None, typer.Option(
        "--model", help="Embedding model: a local sentence-transformers folder or cached model name"
        " (default: the packaged all-MiniLM-L6-v2).", show_default=False)] = None,
    backend: BackendOpt = None,
    clusterer: ClustererOpt = None,
    min_size: Annotated[int | None, typer.Option(
        "--min-size", min=2, help="Smallest pattern (default: max(3, round(sqrt(n)/2))).",
        show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same"
                                      " result.")] = 0,
    n_patterns: Annotated[int | None, typer.Option(
        "--patterns", metavar="N", min=1,
        help="About N patterns (a sensemaking session works with 5-10): finer patterns merged,"
        " or the graph split finer. Default: as many as the stories hold.",
        show_default=False)] = None,
    resolution: Annotated[float | None, typer.Option(
        "--resolution", metavar="R", min=0.05, max=20.0,
        help="Leiden's resolution: higher finds more, smaller patterns. Default 1.25, one step"
        " coarser (1.0) on collections of 1,200 stories or more whose seeded runs disagree at"
        " 1.25; given, it is used as it is.", show_default=False)] = None,
    assign_noise: Annotated[str | None, typer.Option(
        "--assign-noise", metavar="THRESHOLD",
        help="With --assign only: the cosine a new story needs to its nearest pattern to join it"
        " (default 0.5, or the threshold a run made by an older pni recorded).",
        show_default=False)] = None,
    assign: Annotated[bool, typer.Option(
        "--assign", help="Place stories added since the last run into its patterns (nearest"
        " centroid, cosine >= --assign-noise) without refitting.")] = False,
    stability: Annotated[int, typer.Option(
        "--stability", metavar="K", min=0,
        help="Also cluster K seeded 90% subsamples and K re-runs with other seeds; report"
        " each set's mean pairwise ARI.")] = 0,
    recompute: Annotated[bool, typer.Option(
        "--recompute", help="Cluster again even when these stories, vectors and settings were"
        " clustered before (by default that clustering is read back from the store's cache:"
        " same result, in a fraction of the time).")] = False,
    names: Annotated[Path | None, typer.Option(
        "--names", help="People's names (one per line) kept out of pattern titles and keywords"
        " (default: names_file in the project's pni.toml).", show_default=False, dir_okay=False)] = None,
    fake_embedder: Annotated[bool, typer.Option(
        "--fake-embedder", hidden=True,
        help="Test only: hashed-word vectors instead of the model (also PNI_FAKE_EMBEDDER=1).")]
    = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Embed every story (cached: unchanged stories are never embedded twice), find patterns
    (communities of the nearest-neighbour graph, inside coarser themes and around finer
    sub-patterns), label them, and store the run. Stories that fit no pattern, and those only
    loosely held by theirs, are reported, not hidden.

    JSON: {"run_id": N, "embedding", "params", "metrics", "timings", "versions", "patterns":
    [pattern, ...]}. Earlier runs: `pni runs list`. Examples: `pni cluster`,
    `pni cluster --patterns 8`, `pni cluster --stability 5 --json`, `pni cluster --assign`.
    """
    from pni.errors import UsageError

    fmt = output_format(format_, json_)
    if assign and stability:
        raise UsageError("--assign places new stories without refitting; it takes no --stability")
    if assign and n_patterns is not None:
        raise UsageError("--assign places new stories without refitting; it takes no --patterns")
    if assign and resolution is not None:
        raise UsageError("--assign places new stories without refitting; it takes no"
                         " --resolution")
    if resolution is not None and clusterer is not None and str(clusterer) != "leiden":
        raise UsageError(f"--resolution is the leiden clusterer's; {clusterer} takes none")
    if assign and recompute:
        raise UsageError("--assign places new stories without refitting; it takes no --recompute")
    if assign_noise is not None and not assign:
        raise UsageError("--assign-noise goes with --assign: the cosine a new story needs to join"
                         " a pattern")
    threshold = _threshold(assign_noise)  # every option is checked before any work
    if not assign:
        from pni.cluster.methods.base import check

        check(clusterer, n_patterns)
    elif clusterer is not None:
        raise UsageError("--assign places new stories by the last run's centroids; it takes no"
                         " --clusterer")
    from pni.cli.common import status

    with status("Loading the embedding model (the first use exports it once: seconds)"):
        emb = _embedder(model, None if backend is None else str(backend), fake_embedder)
    with open_store(store) as db:
        if assign:
            from pni.cluster import assign_new_stories

            with progress(transient=True) as bar:
                out = assign_new_stories(db, emb, threshold=threshold, progress=bar)
            _print_assign(db, out, fmt)
            return
        from pni.cluster import cluster_stories
        from pni.privacy import load_names
        from pni.privacy.policy import project_settings, settings_names

        name_list = load_names(names) if names else settings_names(project_settings(db))
        with progress(transient=True) as bar:
            res = cluster_stories(db, emb, min_size=min_size, seed=seed, n_patterns=n_patterns,
                                  resolution=resolution, stability=stability, names=name_list,
                                  clusterer=None if clusterer is None else str(clusterer),
                                  reuse=not recompute, progress=bar)
        _print_run(db, res.run_id, res.embedding, fmt)


def _print_assign(db: Any, out: dict[str, Any], fmt: Format) -> None:
    from pni.cli.patterns import pattern_table, public_patterns
    from pni.store import runs as runq

    run = runq.get_run(db, out["run_id"])
    pats = public_patterns(db, runq.list_patterns(db, out["run_id"]), fmt)
    if fmt is Format.table:
        say(f"Run {out['run_id']} (assign, from run {out['parent_run']}): {out['n_new']} new"
            f" stories; {out['n_assigned']} placed in a pattern (nearest centroid, cosine >= "
            f"{out['threshold']:.2f}), {out['n_new'] - out['n_assigned']} fit no pattern.")
    emit(fmt, "patterns", pats, meta=out | {"metrics": run.metrics},
         show=lambda: pattern_table(None, pats) if out["n_new"] else None)


def coarsened_note(params: dict[str, Any]) -> str | None:
    """What a facilitator should know when the run coarsened its resolution (None: it did not)."""
    if params.get("coarsened_from") is None:
        return None
    held = params.get("held_before")
    how = "" if held is None else f" (a story stayed with its pattern in {held:.0%} of them)"
    return (f"At resolution {params['coarsened_from']} the seeded runs disagreed{how}, so a"
            " re-run would have found other patterns: these are a step coarser (resolution"
            f" {params.get('resolution')}). Finer ones: --resolution"
            f" {params['coarsened_from']}, or --patterns N.")


def _print_run(db: Any, run_id: int, embedding: dict[str, Any], fmt: Format) -> None:
    from pni.cli.patterns import pattern_table, public_patterns
    from pni.store import runs as runq

    run = runq.get_run(db, run_id)
    pats = public_patterns(db, runq.list_patterns(db, run_id), fmt)
    m = run.metrics
    emit(fmt, "patterns", pats,
         meta={"run_id": run_id, "embedding": embedding, "params": run.params, "metrics": m,
               "timings": run.timings, "versions": run.versions},
         show=lambda: pattern_table(None, pats) if pats else None)
    if fmt is not Format.table:
        return
    n = m.get("n_stories", 0)
    say(f"Embedded {embedding.get('n_embedded', 0)} stories, {embedding.get('n_cached', 0)} from"
        f" the cache ({embedding.get('model')}, {embedding.get('backend')})"
        + (f"; {m['n_chunked']} long stories were chunked" if m.get("n_chunked") else "") + ".")
    if not pats:
        say(f"Run {run_id}: no patterns among {n} stories (smallest pattern"
            f" {m.get('min_size')}); try a smaller --min-size.")
        return
    if m.get("reused"):
        say("These stories, vectors and settings were clustered before: that clustering was"
            " read back from the store's cache (--recompute computes it again).")
    unclustered = m.get("n_unclustered", 0)
    share = unclustered / n if n else 0.0
    themes = f" in {m['n_themes']} themes" if m.get("n_themes") else ""
    say(f"Run {run_id}: {len(pats)} patterns{themes} among {n} stories."
        f" {unclustered} {'story' if unclustered == 1 else 'stories'} ({share:.0%})"
        f" {'fits' if unclustered == 1 else 'fit'} no pattern"
        + (f"; {m['n_loose']} {'is' if m['n_loose'] == 1 else 'are'} only loosely held by"
           " theirs (few of their nearest stories share it"
           + ("" if m.get("seed_stability") is None else ", or the seeded runs disagree")
           + ")" if m.get("n_loose") else "") + ".")
    note = coarsened_note(run.params)
    if note:
        say(note)
    if m.get("stability"):
        st = m["stability"]
        sd = m.get("seed_ari")
        say(f"Stability: mean pairwise ARI {st['mean_ari']:.2f} over {st['k']} 90% subsamples"
            f" (min {st['min_ari']:.2f})"
            + (f", {sd['mean_ari']:.2f} over {sd['k']} re-runs with other seeds"
               f" (min {sd['min_ari']:.2f})" if sd else "") + ".")
    say("See a pattern: pni patterns show ID;  themes and sub-patterns: pni patterns tree;"
        "  every story's pattern:"
        " pni patterns assignments --format csv;  every run: pni runs list")
