"""`pni compare A B`: two collections (two cycles of listening) side by side."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pni.cli.common import (
    FormatOpt,
    JsonOpt,
    RunOpt,
    StoreOpt,
    emit,
    open_store,
    output_format,
    say,
    table,
)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)


def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="A collection (one cycle).")],
    b: Annotated[str, typer.Argument(metavar="B", help="The collection to set beside it.")],
    store: StoreOpt = None,
    run: RunOpt = None,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Two collections side by side: the stories per answer of each question in one cycle
    beside the other's (counts and shares), and how many of each one's stories each pattern of
    the run holds. Every count passes the small-cell rule.

    JSON: {"comparison": {"a", "b", "stories", "tellers", "tables": [{"id", "label", "rows":
    [{"label", "a": {"stories", "share", "why"}, "b": {...}}]}], "patterns", "notes"}}; jsonl
    and csv give one row per table row. Example: `pni compare "Spring 2026" "Fall 2026"`.
    """
    from pni.explore.compare import compare as run_compare
    from pni.explore.compare import comparison_rows

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        c = run_compare(db, a, b, run_id=run)
    for note in c.notes:
        say(note)
    emit(fmt, "comparison", c.model_dump(mode="json"), rows=comparison_rows(c),
         show=lambda: _show(c))


def _cell(side: Any, mc_text: str = "") -> str:
    if side is None:
        return "(in a merged row)"
    if side.stories is None:
        return "hidden" if side.why == "complement" else mc_text or "<N"
    share = "" if side.share is None else f" ({side.share:.0%})"
    return f"{side.stories}{share}"


def _show(c: Any) -> None:
    from pni.privacy.cells import hidden_text

    small = next((n for n in c.notes if n.startswith("Small-cell rule")), "")
    mc = small.split("fewer than ")[1].split(" ")[0] if "fewer than " in small else "5"
    lt = hidden_text(int(mc)) if mc.isdigit() else "<5"
    say(f"{c.a}: {c.stories[c.a]} stories from {c.tellers[c.a]} tellers; "
        f"{c.b}: {c.stories[c.b]} stories from {c.tellers[c.b]} tellers.")
    for t in [*c.tables, *([c.patterns] if c.patterns else [])]:
        table(t.label, ["", c.a, c.b], [[r.label, _cell(r.a, lt), _cell(r.b, lt)]
                                        for r in t.rows])
