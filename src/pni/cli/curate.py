"""`pni curate init|show`: the catalyst's own work, kept in ``catalysis.yaml`` beside the store
(pattern names, remarkable patterns, observations with interpretations, perspectives, themes),
which `pni explore` and `pni packet` read whenever it exists."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pni.cli.common import (
    FormatOpt,
    JsonOpt,
    RunOpt,
    StoreOpt,
    emit,
    emit_json,
    open_store,
    output_format,
    say,
    table,
)
from pni.cli.output import Format

curate_app = typer.Typer(help="Keep the catalyst's work: pattern names, observations, "
                         "perspectives.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(curate_app, name="curate")


OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write here instead of catalysis.yaml beside the store.",
    show_default=False, dir_okay=False)]


@curate_app.command("init")
def init(
    store: StoreOpt = None,
    run: RunOpt = None,
    output: OutputOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Write over an existing catalysis.yaml (its edits are lost).")] = False,
    json_: JsonOpt = False,
) -> None:
    """Write catalysis.yaml from the current run: every pattern with its title and stories, and
    every observation of `pni explore` with a title, strength and its interpretations.

    Edit it by hand or by script (rename patterns, mark them remarkable, rewrite, hide or add
    observations, give them perspectives); `pni explore` and `pni packet` then print the
    catalyst's version. Patterns are found again by their stories after `pni cluster` runs
    again. JSON: {"path", "run", "patterns", "observations"}.
    """
    from pni.curate.io import dump, path_for
    from pni.errors import UsageError
    from pni.explore.curation import to_file
    from pni.explore.report import build_report

    with open_store(store) as db:
        target = output or path_for(db)
        if target is None:
            raise UsageError("this store has no folder to keep catalysis.yaml in: give a path",
                             param="output")
        if target.exists() and not force:
            raise UsageError(f"{target} exists: edit it, or write it again from this run "
                             "(its edits are lost)", param="force")
        report = build_report(db, run_id=run, catalysis=False)
    cat = to_file(report)
    dump(cat, target)
    info = {"path": str(target), "run": cat.run, "patterns": len(cat.patterns),
            "observations": len(cat.observations)}
    if json_:
        emit_json(info)
        return
    say(f"Wrote {target}: {len(cat.patterns)} patterns and {len(cat.observations)} "
        "observations from " + (f"run {cat.run}" if cat.run else "the answers (no run)")
        + ". Edit it; `pni explore` and `pni packet` print your version.")


@curate_app.command("show")
def show(
    store: StoreOpt = None,
    run: RunOpt = None,
    file: Annotated[Path | None, typer.Option(
        "--file", help="The catalysis file (default: catalysis.yaml beside the store).",
        show_default=False, dir_okay=False)] = None,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show what catalysis.yaml holds and how it meets the run: the patterns found again (by
    their stories) and those not, and the observations by perspective (hidden ones counted).

    JSON: {"patterns": [{"id", "title", "remarkable", "matched"}], "observations": [{"id",
    "title", "perspective", "strength", "interpretations"}], "hidden", "unmatched"}; jsonl and
    csv: one row per pattern.
    """
    from pni.curate.io import find, load
    from pni.curate.match import match_patterns, printable, unmatched_lines
    from pni.errors import DataError
    from pni.privacy.gate import Gate
    from pni.store import runs as runq

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        path = file or find(db)
        if path is None:
            raise DataError("no catalysis.yaml beside the store yet: run `pni curate init`")
        cat = load(path)
        gate = Gate.open(db)
        rid = run if run is not None else runq.latest_run_id(db, kind=None)
        current: dict[Any, set[str]] = {}
        if rid is not None:
            for a in runq.list_assignments(db, runq.resolve_run(db, rid)):
                if a.pattern_number is not None:
                    current.setdefault(int(a.pattern_number), set()).add(a.story_id)
        m = match_patterns(cat.patterns, current, run_id=rid, file_run=cat.run)
        shown, stale = printable(cat, gate.min_cell)
        red = gate.redactor
    found = {id(cp): k for k, cp in m.matched.items()}
    pats = [{"id": cp.id, "title": red.redact(cp.title), "remarkable": cp.remarkable,
             "matched": found.get(id(cp))} for cp in cat.patterns]
    obs = [{"id": o.id, "title": red.redact(o.title), "perspective": o.perspective,
            "strength": o.strength, "interpretations": len(o.interpretations)} for o in shown]
    lines = unmatched_lines(m, rid) + ([stale] if stale else [])
    doc = {"path": str(path), "run": rid, "patterns": pats, "observations": obs,
           "hidden": sum(o.hidden for o in cat.observations), "unmatched": lines}
    if fmt is not Format.table:
        emit(fmt, "patterns", pats, meta={k: v for k, v in doc.items() if k != "patterns"})
        return
    table(f"{path}: patterns (run {rid})", ["file id", "title", "remarkable", "in run as"],
          [[p["id"], p["title"], p["remarkable"] or "", p["matched"] or "not found"]
           for p in pats])
    table(f"{len(obs)} observations shown, {doc['hidden']} hidden",
          ["id", "perspective", "title", "strength", "interpretations"],
          [[o["id"], o["perspective"] or "", o["title"], o["strength"] or "",
            o["interpretations"]] for o in obs])
    for line in lines:
        say(line)


@curate_app.command("export")
def export(
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The CSV file to write (NarraFirma's catalysis report elements).",
        dir_okay=False)],
    store: StoreOpt = None,
    file: Annotated[Path | None, typer.Option(
        "--file", help="The catalysis file (default: catalysis.yaml beside the store).",
        show_default=False, dir_okay=False)] = None,
    name: Annotated[str, typer.Option(
        "--name", help="The catalysis report's name in the file's first line.")] = "pni",
) -> None:
    """Write the catalyst's observations, perspectives and themes as NarraFirma's "catalysis
    report elements" CSV (Catalysis > Print catalysis report > import elements).

    Interpretations and observations are placed beside their perspective and theme, so
    NarraFirma groups them as pni does; hidden observations are left out; text is redacted as
    in reports.
    """
    from pni.curate.io import find, load
    from pni.curate.narrafirma import write
    from pni.errors import DataError
    from pni.privacy.gate import Gate

    with open_store(store) as db:
        path = file or find(db)
        if path is None:
            raise DataError("no catalysis.yaml beside the store yet: run `pni curate init`")
        cat = load(path)
        red = Gate.open(db).redactor
    write(cat, output, name=name, redact=lambda s: (red.redact(s) or "") if s else s)
    shown = sum(not o.hidden for o in cat.observations)
    say(f"Wrote {output}: {shown} observations ({len(cat.observations) - shown} hidden, left "
        f"out), {len(cat.perspective_order())} perspectives, {len(cat.themes)} themes.")


@curate_app.command("import")
def import_(
    csv_file: Annotated[Path, typer.Argument(
        metavar="CSV", help="A NarraFirma catalysis report elements CSV.", dir_okay=False)],
    store: StoreOpt = None,
    file: Annotated[Path | None, typer.Option(
        "--file", help="The catalysis file to update (default: catalysis.yaml beside the "
        "store).", show_default=False, dir_okay=False)] = None,
) -> None:
    """Read NarraFirma's catalysis report elements CSV into catalysis.yaml: its observations,
    perspectives and themes replace the file's (its patterns are kept).

    An observation pni wrote (its pattern name is a pni test id) keeps its id and stories; an
    observation's perspective is the one nearest most of its interpretations, its theme the one
    nearest it, as NarraFirma groups them.
    """
    from pni.curate.io import dump, find, load, path_for
    from pni.curate.model import Catalysis
    from pni.curate.narrafirma import merge, read
    from pni.errors import DataError

    found = read(csv_file)
    with open_store(store) as db:
        target = file or find(db) or path_for(db)
    if target is None:
        raise DataError("this store has no folder to keep catalysis.yaml in: give --file")
    base = load(target) if target.is_file() else Catalysis()
    merged, matched = merge(base, found)
    dump(merged, target)
    say(f"Updated {target}: {len(found.observations)} observations ({matched} of them pni's, "
        f"with their stories), {len(found.perspectives)} perspectives, {len(found.themes)} "
        "themes from " + str(csv_file) + ".")


@curate_app.command("propose")
def propose_(
    store: StoreOpt = None,
    file: Annotated[Path | None, typer.Option(
        "--file", help="The catalysis file (default: catalysis.yaml beside the store).",
        show_default=False, dir_okay=False)] = None,
    perspectives: Annotated[int | None, typer.Option(
        "--perspectives", min=1, help="How many perspectives to propose (default: from the "
        "number of interpretations, at most 6).", show_default=False)] = None,
    themes: Annotated[int | None, typer.Option(
        "--themes", min=1, help="How many themes to propose (default: from the number of "
        "observations, at most 5).", show_default=False)] = None,
    write: Annotated[bool, typer.Option(
        "--write", help="Add the proposals to catalysis.yaml (observations without a "
        "perspective take the proposed one); without it they are only shown.")] = False,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
    fake_embedder: Annotated[bool, typer.Option("--fake-embedder", hidden=True)] = False,
) -> None:
    """Propose perspectives (groups of interpretations) and themes (groups of observations)
    by the meaning of the catalyst's own words, each named by its most distinctive words and
    citing what it groups, for the catalyst to accept, rename or undo.

    JSON: {"proposals": [{"kind": "perspective" or "theme", "name", "items"}]}; an
    interpretation is cited as OBSERVATION/N.
    """
    from pni.curate.io import dump, find, load
    from pni.curate.propose import accept, propose
    from pni.embed import get_embedder
    from pni.errors import DataError

    with open_store(store) as db:
        path = file or find(db)
    if path is None:
        raise DataError("no catalysis.yaml beside the store yet: run `pni curate init`")
    cat = load(path)
    emb = get_embedder(backend="fake") if fake_embedder else get_embedder()
    props = propose(cat, lambda texts: emb.embed(texts), perspectives=perspectives,
                    themes=themes)
    fmt = output_format(format_, json_)
    records = ([{"kind": "perspective", "name": p.name, "items": p.items}
                for p in props.perspectives]
               + [{"kind": "theme", "name": t.name, "items": t.items} for t in props.themes])

    def show() -> None:
        table("Proposed perspectives (interpretations grouped)", ["name", "groups"],
              [[p.name, ", ".join(p.items)] for p in props.perspectives])
        table("Proposed themes (observations grouped)", ["name", "groups"],
              [[t.name, ", ".join(t.items)] for t in props.themes])

    emit(fmt, "proposals", records, show=show)
    if write:
        dump(accept(cat, props), path)
        say(f"Added {len(props.perspectives)} perspectives and {len(props.themes)} themes to "
            f"{path}: rename, merge or delete them there.")
