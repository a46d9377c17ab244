"""`pni stories list|show|export`: look at what the store holds."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from pni.cli.common import (
    Consent,
    Format,
    FormatOpt,
    JsonOpt,
    StoreOpt,
    StoryKind,
    emit,
    open_store,
    output_format,
    say,
    table,
)
from pni.cli.output import out

stories_app = typer.Typer(help="List, show and export stored stories.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(stories_app, name="stories")


@stories_app.command("list")
def list_(
    store: StoreOpt = None,
    collection: Annotated[str | None, typer.Option("--collection", help="Only this collection.",
                                                   show_default=False)] = None,
    kind: Annotated[StoryKind | None, typer.Option(
        "--kind", help="Only this kind (composite: the stories groups wrote in sessions).",
        show_default=False)] = None,
    consent: Annotated[Consent | None, typer.Option("--consent", help="Only this consent.",
                                                    show_default=False)] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="At most this many.",
                                              show_default=False)] = None,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """List stories: id, source id, kind, collection, teller pseudonym, consent, opening words.

    The composite stories groups wrote in sessions (`pni record`) are listed last, kind
    "composite", code C1, C2...

    JSON: {"stories": [story, ...]}, each story with its answers. Example:
    `pni stories list --consent yes --format csv > stories.csv`.
    """
    from pni.privacy.gate import Gate

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        gate = Gate.open(db)
        release = gate.stories(
            collection=collection, consent=None if consent is None else consent.value,
            source_kind=None if kind is None else kind.value, limit=limit,
            with_answers=fmt is not Format.table, masked=True, composite=True)
        codes = gate.codes(s.id for s in release.stories)
    stories = sorted(release.stories, key=lambda s: s.source_kind == "composite")
    held = sum(s.consent == "no" or (s.consent != "yes" and not gate.include_unknown)
               for s in stories)
    if held:
        say(f"{held} of these stories are listed without their text (consent is not yes).")
    emit(fmt, "stories", [{"code": codes.get(s.id), **s.model_dump(mode="json")}
                          for s in stories], show=lambda: table(
        f"{len(stories)} stories", ["code", "id", "source id", "kind", "collection", "teller",
                                    "consent", "story"],
        [[codes.get(s.id, ""), s.id, s.source_id, s.source_kind, s.collection, s.teller_id,
          s.consent, _opening(s.text) or "(text withheld)"] for s in stories]))


def _opening(text: str, n: int = 60) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


@stories_app.command("show")
def show(
    ref: Annotated[str, typer.Argument(metavar="ID", help="A card code (K12, any case), a pni "
                                       "story id or the source's id.")],
    store: StoreOpt = None,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show one story: text, prompt, teller pseudonym, provenance and answers.

    JSON: {"story": {...}}. Example: `pni stories show SF-014 > story.txt`.
    """
    from pni.privacy.gate import Gate

    fmt = output_format(format_, json_)
    with open_store(store) as db:
        gate = Gate.open(db)
        s, why = gate.story(ref)
        code = gate.codes([s.id]).get(s.id)
        made_from = gate.made_from([s.id]).get(s.id) if s.source_kind == "composite" else None
    if why:
        say(f"{s.id}: text, title and answers withheld: {why}.")
    extra = {} if made_from is None else {"made_from": made_from}
    emit(fmt, "story", {"code": code, **s.model_dump(mode="json"), **extra},
         show=lambda: _show(s, code, made_from))


def _show(s: Any, code: str | None = None, made_from: list[str] | None = None) -> None:
    prov = s.provenance
    where = ", ".join(x for x in (prov.file, prov.sheet, prov.locator) if x) if prov else ""
    con = out()
    con.print(f"[bold]{code or s.id}[/bold]  ", end="", highlight=False)
    con.print(s.title or "", markup=False, highlight=False)
    if code:
        con.print(f"id: {s.id}", markup=False, highlight=False)
    for label, value in (("source id", s.source_id), ("collection", s.collection),
                         ("kind", s.source_kind), ("teller", s.teller_id), ("date", s.date),
                         ("consent", s.consent), ("from", where), ("prompt", s.prompt),
                         ("made from cards", ", ".join(made_from or []))):
        if value:
            con.print(f"{label}: ", end="", style="bold", highlight=False)
            con.print(str(value), markup=False, highlight=False)
    con.print()
    con.print(s.text, markup=False, highlight=False)
    if s.answers:
        con.print()
        table("Answers about the story", ["question", "answer"],
              [[k, _fmt(v)] for k, v in s.answers.items()])
    if s.teller_answers:
        con.print()
        table("Answers about the teller", ["question", "answer"],
              [[k, _fmt(v)] for k, v in s.teller_answers.items()])


def _fmt(v: object) -> str:
    if isinstance(v, list):
        return "; ".join(map(str, v))
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@stories_app.command("export")
def export(
    store: StoreOpt = None,
    format_: Annotated[ExportFormat, typer.Option("--format", "-F", help="File format.")]
    = ExportFormat.csv,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).",
                                                show_default=False)] = None,
    collection: Annotated[str | None, typer.Option("--collection", help="Only this collection.",
                                                   show_default=False)] = None,
    redact: Annotated[bool, typer.Option(
        "--redact/--no-redact", help="Redact names, e-mails, phones and web addresses by the "
        "project's policy (pni.toml), as every output is; --no-redact writes them as told "
        "(do not pass such a file on).")] = True,
    consent: Annotated[str | None, typer.Option(
        "--consent", help="Only stories with this consent: yes, no or unknown.",
        show_default=False)] = None,
    all_stories: Annotated[bool, typer.Option(
        "--all", help="Also stories whose tellers said no to sharing (a researcher's own copy: "
        "do not pass it on).")] = False,
) -> None:
    """Export the stories that may be shared, with provenance and answers as columns (join back
    by source_id).

    Unlike `stories list`, every answer becomes its own column (answer.Q, teller.Q), ready for a
    spreadsheet. As every output: consent "no" left out (unless --all), consent unknown as
    pni.toml says, text redacted (unless --no-redact). Example: `pni stories export -o
    stories.csv`.
    """
    from pni.ingest.export import write_stories
    from pni.privacy.gate import Gate

    if consent is not None and consent not in ("yes", "no", "unknown"):
        from pni.errors import UsageError

        raise UsageError(f"must be yes, no or unknown (got {consent!r})", param="consent")
    with open_store(store) as db:
        gate = Gate.open(db, redact=redact, include_unknown=True if all_stories else None)
        release = gate.stories(collection=collection, consent=consent, include_no=all_stories)
    stories = release.stories
    say(gate.withheld_summary(release))
    if not redact:
        say("Not redacted: names, e-mail addresses and phone numbers are written as told.")
    if output is None:
        write_stories(stories, format_.value, sys.stdout)
        sys.stdout.flush()
        return
    with open(output, "w", encoding="utf-8", newline="") as fh:
        n = write_stories(stories, format_.value, fh)
    say(f"{n} stories written to {output}")
