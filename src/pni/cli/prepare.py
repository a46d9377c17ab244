"""`pni prepare`: the main job, from fieldwork files to a sensemaking packet in one folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from pni.cli.common import JsonOpt, SeedOpt, StoreOpt, emit_json, progress, say


def register(app: typer.Typer) -> None:
    app.command("prepare")(prepare)


def prepare(
    paths: Annotated[list[Path], typer.Argument(help="Story files or folders (read recursively).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.", file_okay=False)] = Path("out"),
    store: StoreOpt = None,
    names: Annotated[Path | None, typer.Option(
        "--names", help="Names to redact, one per line (default: names.txt in an input folder).",
        dir_okay=False, show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", help="Packet format: pdf, html or md.")] = "pdf",
    groups: Annotated[int, typer.Option("--groups", min=1, help="Packets for N groups.")] = 1,
    seed: SeedOpt = 0,
    fake_embedder: Annotated[bool, typer.Option(
        "--fake-embedder", hidden=True, help="Test only: a deterministic word-hash embedder.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Collect, cluster, explore and print a packet: everything a facilitator needs, in one folder.

    The store defaults to OUT/pni.db (--store or $PNI_STORE to use another). Example:
    `pni prepare sample_stories -o out`.
    """
    from pni.errors import UsageError
    from pni.prepare import prepare as run_prepare

    if fmt not in ("pdf", "html", "md"):
        raise UsageError(f"--format must be pdf, html or md (got {fmt!r})")
    for p in paths:
        if not p.exists():
            raise UsageError(f"{p}: no such file or folder")
    embedder = None
    if fake_embedder or os.environ.get("PNI_FAKE_EMBEDDER", "") not in ("", "0"):
        from pni.embed import get_embedder

        embedder = get_embedder(backend="fake")
    with progress(transient=True) as bar:  # --store also reads $PNI_STORE (StoreOpt)
        result = run_prepare(paths, out, store=store, names_file=names, embedder=embedder,
                             seed=seed, fmt=fmt, groups=groups, progress=bar)
    if json_:
        emit_json(result.model_dump(mode="json"))
    c = result.collected
    say(f"Collected {c['stored']} new stories ({c['read']} read, {c['duplicates']} duplicates, "
        f"{c['rejected']} rejected).")
    if result.rejects_file:
        say(f"Rejected records, each with its file, place and reason: {result.rejects_file}")
    cov = "" if result.coverage is None else f", {result.coverage:.0%} of stories in a pattern"
    say(f"Run {result.run_id}: {result.n_patterns} candidate patterns{cov}.")
    say(f"{result.observations} observations, each with competing interpretations.")
    for n in result.notes:
        say(f"[yellow]Note:[/yellow] {n}")
    say(f"Store:   {result.store}")
    say(f"Report:  {result.report_html}  (and {result.report_md})")
    for p in result.packets:
        say(f"[bold]Packet:[/bold]  {p}")
