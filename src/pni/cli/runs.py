"""`pni runs list|show`: the cluster runs a store holds (`pni cluster` makes them)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pni.cli.common import FormatOpt, JsonOpt, StoreOpt, emit, open_store, output_format, say, table
from pni.cli.output import Format

runs_app = typer.Typer(help="List and show cluster runs (`pni cluster` makes them).",
                       no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(runs_app, name="runs")


@runs_app.command("list")
def list_(store: StoreOpt = None, format_: FormatOpt = None, json_: JsonOpt = False) -> None:
    """List cluster runs: id, kind, date, stories, patterns, coverage, validity, seed, settings.

    JSON: {"runs": [{"id", "kind", "parent_run", "created_at", "seed", "n_stories",
    "n_patterns", "coverage", "params", "metrics", "timings", "versions"}, ...]}.
    """
    from pni.store import runs as runq
    from pni.store.records import as_dict

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        rows = runq.list_runs(db)
    if fmt is Format.table and not rows:
        say("No cluster runs yet: run `pni cluster`.")
        return
    emit(fmt, "runs", [as_dict(r) for r in rows], show=lambda: table(
        f"{len(rows)} runs", ["run", "kind", "created", "stories", "patterns", "coverage",
                              "validity", "seed", "settings"],
        [[r.id, r.kind + (f" of {r.parent_run}" if r.parent_run else "")
          + (" (stale)" if r.stale else ""),
          r.created_at, r.n_stories, r.n_patterns,
          "" if r.coverage is None else f"{r.coverage:.0%}",
          "" if r.metrics.get("validity") is None else f"{r.metrics['validity']:.2f}",
          r.seed, _settings(r.params)] for r in rows]))


@runs_app.command("show")
def show(
    run_id: Annotated[int | None, typer.Argument(metavar="[ID]", help="Run id (default: the"
                                                 " latest run).", show_default=False)] = None,
    store: StoreOpt = None,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show one run: its settings, metrics, timings and versions.

    JSON: {"run": {"id", "kind", ..., "params", "metrics", "timings", "versions"}}.
    """
    from pni.store import runs as runq
    from pni.store.records import as_dict

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        r = as_dict(runq.get_run(db, runq.resolve_run(db, run_id)))
    emit(fmt, "run", r, show=lambda: table(
        f"Run {r['id']}", ["what", "value"], _flatten(r)))


def _flatten(r: dict[str, Any], prefix: str = "") -> list[list[Any]]:
    rows: list[list[Any]] = []
    for k, v in r.items():
        if isinstance(v, dict):
            rows.extend(_flatten(v, f"{prefix}{k}."))
        else:
            rows.append([prefix + k, v])
    return rows


def _settings(p: dict[str, Any]) -> str:
    if "assign_threshold" in p:
        return f"assign >= {p['assign_threshold']}"
    if p.get("method") == "leiden":
        r = f"r={p.get('resolution')}"
        if p.get("coarsened_from") is not None:
            r += f" (coarsened from {p['coarsened_from']}: the seeded runs disagreed)"
        parts = [f"leiden k={p.get('n_neighbors')} {r}",
                 f"min size {p.get('min_size', '?')}"]
        if p.get("n_patterns"):
            parts.append(f"about {p['n_patterns']} patterns")
        return ", ".join(parts)
    parts = [f"min size {p.get('min_size', '?')}"]
    if p.get("method") not in (None, "leiden", "hdbscan") and "reducer" not in p:
        parts.insert(0, str(p["method"]))
        if p.get("n_patterns"):
            parts.append(f"{p['n_patterns']} patterns")
    if p.get("method") == "hdbscan" or "reducer" in p:
        # runs stored by earlier versions: spectral reduction + HDBSCAN (removed; see
        # docs/clustering.md), attaching unclustered stories at a cosine threshold
        parts.insert(0, f"hdbscan {p.get('reducer', '?')}")
        if p.get("assign_noise") is not None:
            parts.append(f"attach >= {p['assign_noise']}")
    return ", ".join(parts)
