"""`pni prepare`: the main job, from fieldwork files to a sensemaking packet in one folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pni.cli.common import (
    FormatOpt,
    JsonOpt,
    SeedOpt,
    _store_value,
    emit,
    output_format,
    progress,
    say,
)
from pni.cli.output import Format, out
from pni.cli.packet import DocFormat


def register(app: typer.Typer) -> None:
    app.command("prepare")(prepare)


def prepare(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="Story files or folders (read recursively).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output folder.",
                                         file_okay=False)] = Path("out"),
    store: Annotated[Path | None, typer.Option(
        "--store", envvar="PNI_STORE", show_default=False, parser=_store_value,
        help="The project's store: a SQLite file or a postgresql:// URL (default: $PNI_STORE,"
        " else OUTPUT/pni.db).")] = None,
    names: Annotated[Path | None, typer.Option(
        "--names", help="Names to redact, one per line (default: names.txt in an input folder);"
        " written into OUTPUT's pni.toml for every later command.",
        dir_okay=False, show_default=False)] = None,
    to: Annotated[DocFormat, typer.Option("--to", help="Packet document format.")] = DocFormat.pdf,
    groups: Annotated[int, typer.Option("--groups", min=1, help="Small groups: a facilitator "
                                        "file and one packet per group (1: one packet).")] = 3,
    cards: Annotated[int, typer.Option("--cards", min=1, max=500, help="Story cards per group, "
                                       "chosen for diversity (25-35 fit a 3.5-hour session).")
                     ] = 30,
    include_unknown: Annotated[bool, typer.Option(
        "--include-unknown-consent",
        help="Also print stories without recorded consent (written into pni.toml). Consent "
        "'no' is never printed.")] = False,
    seed: SeedOpt = 0,
    patterns: Annotated[int | None, typer.Option(
        "--patterns", metavar="N", min=1, show_default=False,
        help="About N patterns in the report and packet (a session works with 5-10; default:"
        " as many as the stories hold).")] = None,
    fake_embedder: Annotated[bool, typer.Option(
        "--fake-embedder", hidden=True, help="Test only: a deterministic word-hash embedder.")] = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Collect, cluster, explore and print a packet: everything a facilitator needs, in one folder.

    The store defaults to OUTPUT/pni.db (--store or $PNI_STORE to use another). On stdout: what
    was written. JSON: {"out", "store", "collected", "run_id", "n_patterns", "coverage",
    "observations", "report_html", "report_md", "notes", ..., "packets": [PATH, ...]}.
    Example: `pni prepare sample_stories -o out`.
    """
    from pni.errors import UsageError
    from pni.prepare import prepare as run_prepare

    fmt = output_format(format_, json_)
    for p in paths:
        if not p.exists():
            raise UsageError(f"{p}: no such file or folder")
    embedder = None
    from pni.environment import enabled

    if fake_embedder or enabled("PNI_FAKE_EMBEDDER"):
        from pni.embed import get_embedder

        embedder = get_embedder(backend="fake")
    with progress(transient=True) as bar:  # --store also reads $PNI_STORE (StoreOpt)
        result = run_prepare(paths, output, store=store, names_file=names, embedder=embedder,
                             seed=seed, fmt=to.value, groups=groups, cards=cards,
                             n_patterns=patterns,
                             progress=bar, include_unknown=include_unknown or None)
    doc = result.model_dump(mode="json")
    packets = doc.pop("packets")
    emit(fmt, "packets", [{"path": p} for p in packets] if fmt is not Format.json else packets,
         meta=doc, show=lambda: _show(result))


def _show(result: Any) -> None:
    from rich.markup import escape

    con = out()

    def line(text: str) -> None:
        con.print(text, highlight=False)

    c = result.collected
    line(f"Collected {c['stored']} new stories ({c['read']} read, {c['duplicates']} duplicates, "
         f"{c['rejected']} rejected).")
    if result.rejects_file:
        line(f"Rejected records, each with its file, place and reason: {result.rejects_file}")
    cov = "" if result.coverage is None else f", {result.coverage:.0%} of stories in a pattern"
    line(f"Run {result.run_id}: {result.n_patterns} candidate patterns{cov}.")
    line(f"{result.observations} observations, each with competing interpretations.")
    line(escape(result.withheld))
    for n in result.notes:
        say(f"[yellow]Note:[/yellow] {n}")
    line(f"Store:   {result.store}")
    line(f"Policy:  {result.settings_file}  (names, consent, card questions, small cells)")
    line(f"Report:  {result.report_html}  (and {result.report_md})")
    for p in result.packets:
        line(f"[bold]Packet:[/bold]  {escape(str(p))}")
    if result.capture:
        line(f"[bold]Capture:[/bold] {escape(str(result.capture))}  (fill in after the session,"
             " then `pni record` it)")
