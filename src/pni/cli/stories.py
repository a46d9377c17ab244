"""`pni stories list|show|export`: look at what the store holds."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pni.cli.common import JsonOpt, StoreOpt, emit_json, err, open_store, say, table

stories_app = typer.Typer(help="List, show and export stored stories.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(stories_app, name="stories")


@stories_app.command("list")
def list_(
    store: StoreOpt = None,
    collection: Annotated[str | None, typer.Option("--collection", help="Only this collection.",
                                                   show_default=False)] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this source kind.",
                                             show_default=False)] = None,
    consent: Annotated[str | None, typer.Option("--consent", help="Only yes, no or unknown.",
                                                show_default=False)] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many.",
                                              show_default=False)] = None,
    json_: JsonOpt = False,
) -> None:
    """List stories (id, source id, kind, collection, teller pseudonym, consent, opening words)."""
    from pni.errors import UsageError
    from pni.store.stories import list_stories

    if consent is not None and consent not in ("yes", "no", "unknown"):
        raise UsageError(f"--consent {consent!r}: choose yes, no or unknown")
    with open_store(store) as db:
        stories = list_stories(db, collection=collection, consent=consent, source_kind=kind,
                               limit=limit, with_answers=json_)
    if json_:
        emit_json([s.model_dump(mode="json") for s in stories])
        return
    table(f"{len(stories)} stories", ["id", "source id", "kind", "collection", "teller",
                                      "consent", "story"],
          [[s.id, s.source_id, s.source_kind, s.collection, s.teller_id, s.consent,
            _opening(s.text)] for s in stories])


def _opening(text: str, n: int = 60) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


@stories_app.command("show")
def show(
    ref: Annotated[str, typer.Argument(metavar="ID", help="A pni story id or the source's id.")],
    store: StoreOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show one story: text, prompt, teller pseudonym, provenance and answers."""
    from pni.store.stories import get_story

    with open_store(store) as db:
        s = get_story(db, ref)
    if json_:
        emit_json(s.model_dump(mode="json"))
        return
    prov = s.provenance
    where = ", ".join(x for x in (prov.file, prov.sheet, prov.locator) if x) if prov else ""
    con = err()
    con.print(f"[bold]{s.id}[/bold]  {s.title or ''}", highlight=False)
    for label, value in (("source id", s.source_id), ("collection", s.collection),
                         ("kind", s.source_kind), ("teller", s.teller_id), ("date", s.date),
                         ("consent", s.consent), ("from", where), ("prompt", s.prompt)):
        if value:
            con.print(f"{label}: ", end="", style="bold", highlight=False)
            con.print(str(value), markup=False, highlight=False)
    con.print()
    con.print(s.text, markup=False, highlight=False)
    if s.answers:
        table("Answers about the story", ["question", "answer"],
              [[k, _fmt(v)] for k, v in s.answers.items()])
    if s.teller_answers:
        table("Answers about the teller", ["question", "answer"],
              [[k, _fmt(v)] for k, v in s.teller_answers.items()])


def _fmt(v: object) -> str:
    if isinstance(v, list):
        return "; ".join(map(str, v))
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


@stories_app.command("export")
def export(
    store: StoreOpt = None,
    format_: Annotated[str, typer.Option("--format", help="csv or jsonl.")] = "csv",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).",
                                                show_default=False)] = None,
    collection: Annotated[str | None, typer.Option("--collection", help="Only this collection.",
                                                   show_default=False)] = None,
) -> None:
    """Export every story with provenance and answers as columns (join back by source_id)."""
    from pni.errors import UsageError
    from pni.ingest.export import write_stories
    from pni.store.stories import list_stories

    if format_ not in ("csv", "jsonl"):
        raise UsageError(f"--format {format_!r}: choose csv or jsonl")
    with open_store(store) as db:
        stories = list_stories(db, collection=collection)
    if output is None:
        write_stories(stories, format_, sys.stdout)
        sys.stdout.flush()
        return
    with open(output, "w", encoding="utf-8", newline="") as fh:
        n = write_stories(stories, format_, fh)
    say(f"{n} stories written to {output}")
