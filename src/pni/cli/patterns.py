"""`pni patterns list|show|tree|assignments`: look at the patterns of a cluster run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pni.cli.common import (
    FormatOpt,
    JsonOpt,
    RunOpt,
    StoreOpt,
    emit,
    err,
    open_store,
    output_format,
    say,
    table,
)
from pni.cli.output import Format, out

if TYPE_CHECKING:
    from pni.store.records import Pattern

patterns_app = typer.Typer(help="List and show the patterns of a cluster run.",
                           no_args_is_help=True)

EXCERPT = 320


def register(app: typer.Typer) -> None:
    app.add_typer(patterns_app, name="patterns")


def public_patterns(db: Any, pats: list[Pattern], fmt: Format) -> list[dict[str, Any]]:
    """Patterns as they print, through the project's gate: titles and keywords redacted,
    without centroids, the teller mix under the small-cell rule (the table format shows no mix,
    so skips that work)."""
    from pni.privacy.gate import Gate
    from pni.store.records import as_dict

    gate = Gate.open(db)
    if fmt is Format.table:
        return [as_dict(p) | {"title": gate.redact(p.title),
                              "keywords": [gate.redact(k) for k in p.keywords]} for p in pats]
    return gate.patterns(pats)


def _excerpt(text: str, n: int = EXCERPT) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1].rsplit(" ", 1)[0] + " …"


def pattern_table(title: str | None, pats: list[dict[str, Any]]) -> None:
    """The people's table of a run's patterns (also printed by `pni cluster`)."""
    table(title, ["#", "id", "size", "loose", "stability", "title", "keywords"],
          [[p["number"], p["id"], p["size"], p.get("n_loose") or "", stability_cell(p),
            p["title"], ", ".join(p["keywords"][:6])] for p in pats])


def stability_cell(p: dict[str, Any]) -> str:
    """A pattern's stability for a table: 0.93, or empty when unknown."""
    return "" if p.get("stability") is None else f"{p['stability']:.2f}"


@patterns_app.command("list")
def list_(run: RunOpt = None, store: StoreOpt = None, format_: FormatOpt = None,
          json_: JsonOpt = False) -> None:
    """List the patterns of a run (default: the latest): id, size, loosely held stories,
    stability, title, keywords.

    JSON: {"run_id": N, "n_stories": N, "coverage": F, "stale": why or null,
    "patterns": [pattern, ...]}.
    """
    from pni.store import runs as runq

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        run_id = runq.resolve_run(db, run)
        r = runq.get_run(db, run_id)
        pats = public_patterns(db, runq.list_patterns(db, run_id), fmt)
    if r.stale:
        err().print(f"Run {run_id} is stale: {r.stale}; run `pni cluster` again.",
                    markup=False, highlight=False, soft_wrap=True)
    emit(fmt, "patterns", pats,
         meta={"run_id": run_id, "n_stories": r.n_stories, "coverage": r.coverage,
               "stale": r.stale},
         show=lambda: pattern_table(f"Run {run_id}: {len(pats)} patterns", pats))
    if fmt is Format.table:
        n = r.n_stories
        clustered = sum(p["size"] for p in pats)
        say(f"{n - clustered} of {n} stories ({(n - clustered) / n if n else 0:.0%}) fit no"
            " pattern. Loose: stories only loosely held by their pattern. Stability: how often"
            " the pattern's stories stay together across seeded runs (1.00: always).")


@patterns_app.command("show")
def show(
    pattern_id: Annotated[int, typer.Argument(metavar="ID", help="Pattern id (from"
                                              " `pni patterns list`).")],
    store: StoreOpt = None,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show one pattern: title, keywords, size, teller mix and exemplar stories.

    JSON: {"pattern": {..., "teller_mix": {facet: {group: stories}}, "suppressed", "min_cell",
    "exemplar_stories": [{"id", "source_id", "title", "excerpt"}]}}. Small-cell rule
    (`min_cell` in pni.toml): groups of fewer tellers are counted together in a labelled
    column; a cell of fewer tellers is null (text: <5), one hidden only so that it can't be
    worked out from the totals is null too (text: hidden), "hidden" says which is which and
    "suppressed" is true; a pattern told by fewer tellers has no mix (null). Titles, keywords
    and exemplar excerpts are redacted; exemplars whose consent is not yes are left out.
    """
    from pni.privacy.gate import Gate
    from pni.store import runs as runq

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        gate = Gate.open(db)
        [p] = gate.patterns([runq.get_pattern(db, pattern_id)])
        found = {s.id: s for s in gate.stories(ids=p["exemplars"], with_answers=False).stories}
        _, n_assigned = runq.pattern_members(db, pattern_id)
    exemplars = [{"id": sid, "source_id": found[sid].source_id, "title": found[sid].title,
                  "excerpt": _excerpt(found[sid].text)}
                 for sid in p["exemplars"] if sid in found]
    record = p | {"n_assigned": n_assigned, "min_cell": gate.min_cell,
                           "exemplar_stories": exemplars}
    emit(fmt, "pattern", record, show=lambda: _show(record))


def _show(p: dict[str, Any]) -> None:
    from pni.privacy.mix import mix_lines

    con = out()
    con.print(f"Pattern {p['id']} (#{p['number']} of run {p['run_id']}): ", end="", style="bold")
    con.print(p["title"], markup=False, style="bold")
    con.print(f"{p['size']} stories"
              + (f", {p['n_assigned']} attached after clustering" if p["n_assigned"] else "")
              + (f", {p['n_loose']} loosely held" if p.get("n_loose") else "")
              + ("" if p.get("stability") is None
                 else f"; stability {p['stability']:.2f} (how often its stories stay together"
                 " across seeded runs)"))
    con.print("Keywords: " + ", ".join(p["keywords"]), markup=False)
    for line in mix_lines(p["teller_mix"], {}, p["min_cell"], p.get("hidden")):
        con.print(line, markup=False)
    con.print()
    con.print("Exemplar stories", style="bold")
    for e in p["exemplar_stories"]:
        ids = e["id"] + (f" ({e['source_id']})" if e["source_id"] else "")
        con.print(ids + (f"  {e['title']}" if e["title"] else ""), markup=False, style="bold")
        con.print(e["excerpt"], markup=False)
        con.print()


@patterns_app.command("assignments")
def assignments(
    run: RunOpt = None,
    store: StoreOpt = None,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Every story of a run with its source id, its pattern (none: fits no pattern), membership
    strength, whether it was attached after clustering or is only loosely held, and its
    sub-pattern.

    JSON: {"run_id": N, "assignments": [{"story_id", "source_id", "pattern_id", "pattern_number",
    "pattern_title", "strength", "assigned", "loose", "sub", "x", "y"}, ...]}. Example, to join patterns back to
    the source spreadsheet by source_id: `pni patterns assignments --format csv > patterns.csv`.
    """
    from pni.store import runs as runq
    from pni.store.records import as_dict

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        run_id = runq.resolve_run(db, run)
        rows = runq.list_assignments(db, run_id)
    emit(fmt, "assignments", [as_dict(r) for r in rows], meta={"run_id": run_id}, show=lambda: table(
        f"Run {run_id}: {len(rows)} stories",
        ["story", "source id", "pattern", "title", "strength", "assigned", "loose"],
        [[r.story_id, r.source_id, r.pattern_id or "none", r.pattern_title or "",
          "" if r.strength is None else f"{r.strength:.2f}",
          "yes" if r.assigned else "", "yes" if r.loose else ""] for r in rows]))


@patterns_app.command("tree")
def tree(run: RunOpt = None, store: StoreOpt = None, format_: FormatOpt = None,
         json_: JsonOpt = False) -> None:
    """Themes, the patterns inside each, and the finer sub-patterns inside those (sizes, titles,
    stability). `pni cluster --patterns N` chooses the middle level.

    JSON: {"run_id", "n_stories", "n_patterns", "n_subpatterns", "n_unclustered", "themes":
    [{"number", "title", "keywords", "size", "patterns": [{..., "subpatterns": [...]}]}]}.
    """
    from pni.cluster.tree import pattern_tree

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        t = pattern_tree(db, run)
    meta = {k: v for k, v in t.items() if k != "themes"}
    emit(fmt, "themes", t["themes"], meta=meta, show=lambda: _tree(t))


def _tree(t: dict[str, Any]) -> None:
    con = out()
    con.print(f"Run {t['run_id']}: {len(t['themes'])} themes, {t['n_patterns']} patterns,"
              f" {t['n_subpatterns']} sub-patterns among {t['n_stories']} stories"
              f" ({t['n_unclustered']} fit no pattern)", markup=False, soft_wrap=True)
    for th in t["themes"]:
        con.print(f"theme {th['number']} ({th['size']}): {th['title']}", markup=False,
                  soft_wrap=True)
        for p in th["patterns"]:
            st = "" if p["stability"] is None else f", stability {p['stability']:.2f}"
            con.print(f"  pattern {p['id']} #{p['number']} ({p['size']}{st}): {p['title']}",
                      markup=False, soft_wrap=True)
            for sp in p["subpatterns"]:
                con.print(f"    sub-pattern {sp['number']} ({sp['size']}): {sp['title']}",
                          markup=False, soft_wrap=True)
