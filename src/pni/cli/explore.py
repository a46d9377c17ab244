"""`pni explore`: catalysis. Data integrity, the pattern lens (patterns of a cluster run against
tellers' answers) and the answer lens (answers against each other), every test with an effect
size and a Benjamini-Hochberg q-value, observations with competing interpretations, voices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pni.cli.common import (
    FormatOpt,
    JsonOpt,
    RunOpt,
    StoreOpt,
    announce_policy,
    emit,
    open_store,
    output_format,
    say,
)
from pni.cli.output import Format, out


def register(app: typer.Typer) -> None:
    app.command("explore")(explore)


def explore(
    store: StoreOpt = None,
    run: RunOpt = None,
    no_run: Annotated[bool, typer.Option(
        "--no-run", help="Leave the patterns out: answer lens only.")] = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
    html: Annotated[Path | None, typer.Option(
        "--html", help="Write the self-contained HTML report here.", show_default=False,
        dir_okay=False)] = None,
    md: Annotated[Path | None, typer.Option(
        "--md", help="Write the report as Markdown here.", show_default=False,
        dir_okay=False)] = None,
    csv: Annotated[Path | None, typer.Option(
        "--csv-dir", metavar="DIR", help="Write tests, observations, integrity and voices as CSV files into this "
        "folder.", show_default=False, file_okay=False)] = None,
    min_subset: Annotated[int, typer.Option(
        "--min-subset", min=2,
        help="Answer lens: the smallest group of stories a test may compare.")] = 20,
    min_pattern: Annotated[int, typer.Option(
        "--min-pattern", min=2,
        help="Pattern lens: the smallest pattern (in stories) that is tested.")] = 10,
    lumps: Annotated[list[str] | None, typer.Option(
        "--lump", metavar="Q:a,b=ab",
        help="Merge answers a and b of question Q into 'ab' for this report only (stored "
        "answers are not changed). Repeatable.")] = None,
    q_threshold: Annotated[float, typer.Option(
        "--q-threshold", min=0.0, max=1.0,
        help="False discovery rate: results with q at or below this (and at least a small "
        "effect) become observations.")] = 0.1,
    interpretations: Annotated[Path | None, typer.Option(
        "--interpretations", help="Interpretation templates (YAML; default: "
        "prompts/explore/interpretations.yaml).", show_default=False, dir_okay=False)] = None,
    few: Annotated[int, typer.Option(
        "--few", min=0, help="Voices: flag teller groups with this many stories or fewer.")] = 5,
    names: Annotated[Path | None, typer.Option(
        "--names", help="Names file to redact for this report (default: names_file in the "
        "project's pni.toml).",
        show_default=False, dir_okay=False)] = None,
    no_redact: Annotated[bool, typer.Option(
        "--no-redact", help="Show names, e-mail addresses and phone numbers as told.")] = False,
    no_save: Annotated[bool, typer.Option(
        "--no-save", help="Do not store the observations (by default they are stored for "
        "`pni packet`).")] = False,
) -> None:
    """Explore the stories: integrity, patterns against answers, answers against answers.

    Every test gets an effect size and a Benjamini-Hochberg q-value across all tests of the
    report; notable results become observations, each with competing interpretations. Without
    a cluster run only the answer lens runs.

    On stdout: a summary for people (table), or every test (json, jsonl, csv). JSON: the whole
    report, {"generated_at", "run", "params", "notes", "n_stories", "patterns", "questions",
    "integrity", "skipped", "observations", "voices", ..., "tests": [test, ...]}.
    """
    from rich.markup import escape

    from pni.explore.report import build_report, save_report

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        report = build_report(
            db, run_id=run, no_run=no_run, min_subset=min_subset, min_pattern=min_pattern,
            q_threshold=q_threshold, lumps=lumps or [], interpretations=interpretations,
            names_file=None if no_redact else names,
            redact=not no_redact, few=few)
        if not no_save:
            save_report(db, report)
    if not no_redact:
        announce_policy(store, names)
    written: list[str] = []
    from pni.render import write_report

    for path, kind in ((html, "html"), (md, "md"), (csv, "csv")):
        if path is not None:
            write_report(report, path, kind)
            written.append(str(path) + ("/" if kind == "csv" else ""))
    doc = report.model_dump(mode="json")
    tests = doc.pop("tests")
    emit(fmt, "tests", tests, meta=doc, show=lambda: _summary(report))
    if fmt is not Format.table:
        for n in report.notes:
            say(f"[yellow]Note:[/yellow] {escape(n)}")
    for w in written:
        say(f"Wrote {escape(w)}")


def _summary(report: Any) -> None:
    from rich.markup import escape

    con = out()

    def line(text: str) -> None:
        con.print(text, highlight=False)

    r = report
    head = f"[bold]Explored[/bold] {r.n_stories} stories"
    head += f" against run {r.run['id']} ({len(r.patterns)} patterns)" if r.run else ""
    lenses: dict[str, int] = {}
    for t in r.tests:
        lenses[t.lens] = lenses.get(t.lens, 0) + 1
    line(head + f": {len(r.tests)} tests ("
        + ", ".join(f"{v} {k} lens" for k, v in sorted(lenses.items())) + "), "
        + f"{sum(t.notable for t in r.tests)} notable, {len(r.observations)} observations, "
        + f"{len(r.skipped)} comparisons not tested.")
    for n in r.notes:
        line(f"[yellow]Note:[/yellow] {escape(n)}")
    for f in r.integrity.flags + r.voices.flags:
        line(f"[yellow]Flag:[/yellow] {escape(f)}")
    if r.curation is not None:
        from pni.explore.curation import group

        for persp, items in group(r.curation):
            line(f"\n[bold]{escape(persp or 'Not yet in a perspective')}[/bold]")
            for co in items:
                line(f"  [bold]{escape(co.title or co.id)}[/bold]: {escape(co.text)}")
                for ci in co.interpretations:
                    line(f"   - {escape(ci.name + ': ' if ci.name else '')}{escape(ci.text)}")
        line(f"\n[dim]{escape(r.caution)}[/dim]")
        return
    by_rank = {o.rank: o for o in r.observations}
    for o in [by_rank[k] for k in (r.review or list(by_rank))][:5]:
        line(f"\n[bold]#{o.rank}[/bold] {escape(o.text)}")
        line(f"   q {_q(o.q)}, {o.effect_name} = {o.effect:.2f} ({o.magnitude}), "
            f"{len(o.story_ids)} stories")
        for i in o.interpretations:
            line(f"   - {escape(i)}")
    if len(r.observations) > 5:
        folded = sum(o.duplicate_of is not None for o in r.observations)
        line(f"\n… and {len(r.observations) - 5} more observations"
             + (f" ({folded} of them say much the same as another)" if folded else "")
             + " (see --html, --md or --format json).")
    line(f"\n[dim]{escape(r.caution)}[/dim]")


def _q(q: float | None) -> str:
    """``= 0.012`` or ``< 0.001``: a q-value is never printed as 0."""
    if q is None:
        return "= ?"
    return "< 0.001" if q < 0.001 else f"= {q:.3f}"
