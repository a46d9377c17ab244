"""`pni packet`: print sensemaking packets (guide, pattern worksheets, story cards, exercises)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

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
from pni.cli.output import Format
from pni.packet.build import DEFAULT_CARDS, DEFAULT_GROUPS


class DocFormat(StrEnum):
    """The packet's document format."""

    pdf = "pdf"
    html = "html"
    md = "md"


class Paper(StrEnum):
    a4 = "a4"
    us_letter = "us-letter"


def doc_format(given: DocFormat | None, output: Path) -> str:
    """``--to`` as given, else the output file's suffix (packet.html), else pdf."""
    if given is not None:
        return given.value
    suffix = output.suffix.lower().lstrip(".")
    return suffix if suffix in DocFormat.__members__ else "pdf"


def register(app: typer.Typer) -> None:
    app.command("packet")(packet)


def _csv(value: str | None) -> list[str] | None:
    if value is None:
        return None
    items = [v.strip() for v in value.split(",") if v.strip()]
    return items or None


def packet(
    output: Annotated[Path, typer.Option("-o", "--output",
                                         help="Output file (e.g. packet.pdf) or folder.")],
    store: StoreOpt = None,
    run: RunOpt = None,
    patterns: Annotated[str, typer.Option("--patterns", help="'all' or pattern ids, e.g. 3,5.")] = "all",
    exercises: Annotated[str | None, typer.Option(
        "--exercise", help="Exercises, e.g. landscape,timeline, or 'all' (default: encounter,"
        " twice-told, timeline, landscape, composite).", show_default=False)] = None,
    groups: Annotated[int, typer.Option("--groups", min=1, help="Small groups: a facilitator "
                                        "file and one packet per group, each a different, "
                                        "balanced deck of stories (1: one packet with "
                                        "everything).")] = DEFAULT_GROUPS,
    cards: Annotated[int, typer.Option("--cards", min=1, max=500, help="Story cards per group, "
                                       "chosen for a diversity of patterns, voices and answers "
                                       "(25-35 fit a 3.5-hour session).")] = DEFAULT_CARDS,
    to: Annotated[DocFormat | None, typer.Option(
        "--to", help="Document format (default: from the output's suffix, else pdf).",
        show_default=False)] = None,
    lenses: Annotated[str | None, typer.Option(
        "--lens", help="Lens pages: cynefin, value-cycles, cop-stages, nested-communities.",
        show_default=False)] = None,
    names: Annotated[Path | None, typer.Option(
        "--names", help="Names file to redact for this packet (default: names_file in the "
        "project's pni.toml).",
        show_default=False)] = None,
    no_redact: Annotated[bool, typer.Option(
        "--no-redact", help="Print names, e-mails and phones as told (the cover says so).")] = False,
    include_unknown: Annotated[bool, typer.Option(
        "--include-unknown-consent",
        help="Also print stories without recorded consent (the cover says so). Consent 'no'"
        " is never printed.")] = False,
    card_questions: Annotated[str | None, typer.Option(
        "--card-questions", help="Question ids whose answers story cards print, e.g. "
        "feeling,role (default: card_questions in pni.toml, else story questions and role)."
        " Survey metadata never prints.", show_default=False)] = None,
    prompts: Annotated[Path | None, typer.Option(
        "--prompts", help="Folder whose files override prompts/packet (edit or translate).",
        show_default=False)] = None,
    axes: Annotated[str | None, typer.Option(
        "--axes", help="Two question ids for the landscape grid, e.g. belonging,how_common"
        " (default: two scale questions).", show_default=False)] = None,
    paper: Annotated[Paper, typer.Option("--paper", help="Paper size.")] = Paper.a4,
    observations: Annotated[int, typer.Option(
        "--observations", help="Print the N most notable observations from `pni explore`.")] = 10,
    title: Annotated[str | None, typer.Option("--title", help="Title on the cover.",
                                              show_default=False)] = None,
    format_: FormatOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Print sensemaking packets sized for the room: a facilitator file (guide and agenda, whose
    stories these are, the deal, pattern sheets, observations, lenses) and one packet per small
    group (its story cards, sorted by card code, exercise worksheets and the capture sheet).
    Stories with consent 'no' never print.

    On stdout: the files written. JSON: {"paths": [...], "packets": [{"path", "kind"
    (facilitator, group or full), "group", "cards", "codes" (the card codes it prints or deals),
    "patterns", "exercises"}, ...]}. Example: `pni packet --groups 4 --cards 28 -o packets/`.
    """
    from pni.errors import UsageError
    from pni.packet import PacketOptions, build_packets
    from pni.render import write_packets

    fmt = output_format(format_, json_)
    doc = doc_format(to, output)
    pattern_ids: list[int] | None = None
    if patterns.strip().lower() != "all":
        try:
            pattern_ids = [int(x) for x in _csv(patterns) or []]
        except ValueError as e:
            raise UsageError(f"--patterns takes 'all' or pattern ids like 3,5 (got {patterns!r})") from e
    ex = _csv(exercises)
    opts = PacketOptions(
        run_id=run, patterns=pattern_ids, exercises=["all"] if ex == ["all"] else ex,
        groups=groups, lenses=_csv(lenses) or [], names_file=None if no_redact else names,
        redact=not no_redact,
        include_unknown=include_unknown or None,
        card_questions=_csv(card_questions), prompts_dir=prompts, axes=_csv(axes), paper=paper.value,
        cards=cards, max_observations=observations, title=title,
    )
    with open_store(store) as db:
        packets = build_packets(db, opts)
    if not no_redact:
        announce_policy(store, names)
    paths = write_packets(packets, output, doc)
    from pni.packet import group_labels, write_capture_template

    capture = write_capture_template(paths[0].parent, group_labels(packets))
    say(f"Capture template for `pni record` after the session: {capture[0]} (and {capture[1].name})")
    if fmt is Format.table:
        from rich.markup import escape

        if no_redact:
            say("[bold]Not redacted:[/bold] names, e-mails and phone numbers are printed as told.")
        for p in packets[0].cover.privacy:
            say(escape(p))
    rows = [{"path": str(path), "kind": p.kind, "group": p.group, "cards": len(p.cards),
             "codes": [c.code for c in p.cards] or [code for a in p.allocation for code in a.codes],
             "patterns": len(p.patterns), "exercises": [e.name for e in p.exercises]}
            for p, path in zip(packets, paths, strict=True)]
    def show() -> None:
        for path in paths:
            typer.echo(str(path))

    emit(fmt, "packets", rows, meta={"paths": [str(p) for p in paths],
                                     "capture": [str(p) for p in capture]}, show=show)
