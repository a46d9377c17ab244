"""`pni patterns list|show|assignments`: look at the patterns of a cluster run."""

from __future__ import annotations

import csv
import sys
from typing import Annotated, Any

import typer

from pni.cli.common import JsonOpt, RunOpt, StoreOpt, emit_json, err, open_store, say, table

patterns_app = typer.Typer(help="List and show the patterns of a cluster run.",
                           no_args_is_help=True)

EXCERPT = 320


def register(app: typer.Typer) -> None:
    app.add_typer(patterns_app, name="patterns")


def _public(p: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if k != "centroid"}


def _excerpt(text: str, n: int = EXCERPT) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1].rsplit(" ", 1)[0] + " …"


@patterns_app.command("list")
def list_(run: RunOpt = None, store: StoreOpt = None, json_: JsonOpt = False) -> None:
    """List the patterns of a run (default: the latest): id, size, title, keywords."""
    from pni.store import runs as runq

    with open_store(store) as db:
        run_id = runq.resolve_run(db, run)
        r = runq.get_run(db, run_id)
        pats = runq.list_patterns(db, run_id)
    if json_:
        emit_json({"run_id": run_id, "n_stories": r["n_stories"], "coverage": r["coverage"],
                   "patterns": [_public(p) for p in pats]})
        return
    n = r["n_stories"]
    clustered = sum(p["size"] for p in pats)
    table(f"Run {run_id}: {len(pats)} patterns", ["#", "id", "size", "title", "keywords"],
          [[p["number"], p["id"], p["size"], p["title"], ", ".join(p["keywords"][:6])]
           for p in pats])
    say(f"{n - clustered} of {n} stories ({(n - clustered) / n if n else 0:.0%}) fit no pattern.")


@patterns_app.command("show")
def show(
    pattern_id: Annotated[int, typer.Argument(metavar="ID", help="Pattern id (from"
                                              " `pni patterns list`).")],
    store: StoreOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show one pattern: title, keywords, size, teller mix and exemplar stories."""
    from pni.store import runs as runq
    from pni.store.stories import list_stories

    with open_store(store) as db:
        p = runq.get_pattern(db, pattern_id)
        found = {s.id: s for s in list_stories(db, ids=p["exemplars"], with_answers=False)}
        members = db.query("SELECT count(*) AS n, sum(assigned) AS assigned FROM assignments"
                           " WHERE pattern_id = ?", (pattern_id,))[0]
    exemplars = [{"id": sid, "title": found[sid].title, "source_id": found[sid].source_id,
                  "text": found[sid].text} for sid in p["exemplars"] if sid in found]
    if json_:
        emit_json(_public(p) | {"n_assigned": members["assigned"] or 0, "exemplar_stories":
                                [e | {"excerpt": _excerpt(e["text"])} for e in exemplars]})
        return
    con = err()
    con.print(f"Pattern {p['id']} (#{p['number']} of run {p['run_id']}): ", end="", style="bold")
    con.print(p["title"], markup=False, style="bold")
    con.print(f"{p['size']} stories"
              + (f", {members['assigned']} attached after clustering" if members["assigned"]
                 else ""))
    con.print("Keywords: " + ", ".join(p["keywords"]), markup=False)
    for facet, counts in p["teller_mix"].items():
        if counts:
            con.print(f"{facet.replace('_', ' ')}: "
                      + ", ".join(f"{k} {v}" for k, v in counts.items()), markup=False)
    con.print()
    con.print("Exemplar stories", style="bold")
    for e in exemplars:
        con.print(f"{e['id']}" + (f"  {e['title']}" if e["title"] else ""), markup=False,
                  style="bold")
        con.print(_excerpt(e["text"]), markup=False)
        con.print()


@patterns_app.command("assignments")
def assignments(
    run: RunOpt = None,
    store: StoreOpt = None,
    json_: JsonOpt = False,
    csv_: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
) -> None:
    """Every story of a run with its pattern (none: fits no pattern), membership strength and
    whether it was attached after clustering. --json or --csv for machines."""
    from pni.errors import UsageError
    from pni.store import runs as runq

    if json_ and csv_:
        raise UsageError("choose one of --json and --csv")
    with open_store(store) as db:
        run_id = runq.resolve_run(db, run)
        rows = runq.list_assignments(db, run_id)
    for r in rows:
        r["assigned"] = bool(r["assigned"])
    if json_:
        emit_json({"run_id": run_id, "assignments": rows})
        return
    if csv_:
        w = csv.writer(sys.stdout, lineterminator="\n")
        cols = ["story_id", "pattern_id", "pattern_number", "pattern_title", "strength",
                "assigned", "x", "y"]
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r[c] is None else r[c] for c in cols])
        sys.stdout.flush()
        return
    table(f"Run {run_id}: {len(rows)} stories", ["story", "pattern", "title", "strength",
                                                 "assigned"],
          [[r["story_id"], r["pattern_id"] or "none", r["pattern_title"] or "",
            "" if r["strength"] is None else f"{r['strength']:.2f}",
            "yes" if r["assigned"] else ""] for r in rows])
