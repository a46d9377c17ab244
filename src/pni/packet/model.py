"""The packet as data: everything a renderer prints, already filtered, redacted and worded.

Renderers (``pni.render.packet_typst``, ``packet_html``, ``packet_md``) only lay this out; they
never read the store, so what reaches paper is exactly what ``build`` let through.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

BlockKind = Literal["lines", "table", "fields", "scale", "strip", "grid", "boxes", "clusters",
                    "criteria", "note"]


class Block(BaseModel):
    """One part of a worksheet. Which fields matter depends on ``kind``:

    table (columns, widths, rows), fields (items = labels, lines each, repeat), scale (ends,
    count = slots), strip (ends, count = turning points, label), grid (axes [x, y], ends
    [x low, x high, y low, y high], count = corners, label), boxes (items = box labels, count =
    cards), clusters (label, count), criteria (items = criteria, count = card columns), lines
    (label, lines), note (text).
    """

    kind: BlockKind
    label: str = ""
    text: str = ""
    lines: int = 0
    columns: list[str] = Field(default_factory=list)
    widths: list[float] = Field(default_factory=list)
    rows: int = 0
    items: list[str] = Field(default_factory=list)
    ends: list[str] = Field(default_factory=list)
    axes: list[str] = Field(default_factory=list)
    count: int = 0
    repeat: int = 1


class Exercise(BaseModel):
    name: str
    title: str
    minutes: int
    order: int = 100
    purpose: str = ""
    facilitator_steps: list[str] = Field(default_factory=list)
    instructions: list[str] = Field(default_factory=list)
    worksheet: list[Block] = Field(default_factory=list)


class AnswerLine(BaseModel):
    question: str
    value: str


class Card(BaseModel):
    """A story as printed: never the teller's name, text already redacted."""

    number: int
    id: str
    code: str  # the story's card code (K12): printed large, the one name a group writes down
    title: str = ""
    text: str
    prompt: str = ""
    answers: list[AnswerLine] = Field(default_factory=list)
    teller: list[AnswerLine] = Field(default_factory=list)
    pattern_id: int | None = None
    pattern: str = ""
    consent: str = "yes"


class PatternSheet(BaseModel):
    id: int
    number: int
    title: str
    keywords: list[str] = Field(default_factory=list)
    size: int = 0
    printed: int = 0
    teller_mix: list[str] = Field(default_factory=list)
    firmness: str = ""  # how stable the pattern is and how many stories only loosely belong
    codes: list[str] = Field(default_factory=list)  # its cards in this packet, by code
    reflection: list[str] = Field(default_factory=list)


class AgendaItem(BaseModel):
    start: str
    minutes: int
    title: str


class Guide(BaseModel):
    purpose: list[str] = Field(default_factory=list)
    before: list[str] = Field(default_factory=list)
    materials: list[str] = Field(default_factory=list)
    ground_rules: list[str] = Field(default_factory=list)
    agenda: list[AgendaItem] = Field(default_factory=list)
    exercises: list[Exercise] = Field(default_factory=list)
    wrapup_title: str = ""
    wrapup: list[str] = Field(default_factory=list)
    after: list[str] = Field(default_factory=list)


class ChartCell(BaseModel):
    """One bar, bin or place of an observation's chart, as printed: ``shown`` is the count, or
    the small-cell mark ("<5", "hidden") where the rule hides it (``count`` None), or "" for an
    empty place of a grid."""

    count: int | None = None
    shown: str = ""
    expected: float | None = None  # bars: the count if the two questions were unrelated


class ObsChart(BaseModel):
    """The numbers behind an observation, as one small chart that reads in black and white
    (``pni.packet.charts``: the report's own chart data, under its small-cell rule):

    bars (groups x series: the observed count per answer of each group, the expected as an
    outline; a series is a fill pattern and a marker), histograms (a panel per group, series
    are the scale's bins) and grid (scale against scale: groups are the y bins from the top,
    series the x bins; a place is a square sized by its count)."""

    kind: Literal["bars", "histograms", "grid"]
    title: str = ""
    x_label: str = ""
    y_label: str = ""
    groups: list[str] = Field(default_factory=list)
    series: list[str] = Field(default_factory=list)
    cells: list[list[ChartCell]] = Field(default_factory=list)  # groups x series
    group_notes: list[str] = Field(default_factory=list)  # per group: n, median, mean
    hidden_groups: list[bool] = Field(default_factory=list)  # a panel of too few tellers
    highlight: list[int] = Field(default_factory=list)  # the groups the observation names
    note: str = ""

    def table(self, expected: str = "expected") -> tuple[list[str], list[list[str]]]:
        """The same numbers as a table (Markdown and HTML packets): a header and a row per
        group, each count as printed ("<5", "hidden" where hidden); bars add the expected."""
        corner = f"{self.y_label} ↓ · {self.x_label} →" if self.kind != "histograms" else self.y_label
        head = [corner, *self.series]
        rows = []
        for g, line in enumerate(self.cells):
            cells = [c.shown if c.expected is None or c.count is None
                     else f"{c.shown} ({expected} {c.expected:.1f})" for c in line]
            if self.hidden_groups[g:g + 1] == [True]:
                cells = [self.group_notes[g] if g < len(self.group_notes) else ""] * len(line)
            rows.append([self.groups[g], *cells])
        if self.group_notes and self.kind == "histograms":
            head.append("")
            for g, row in enumerate(rows):
                gone = self.hidden_groups[g:g + 1] == [True]
                row.append("" if gone or g >= len(self.group_notes) else self.group_notes[g])
        return head, rows


class Observation(BaseModel):
    rank: int
    text: str
    interpretations: list[str] = Field(default_factory=list)
    cards: list[str] = Field(default_factory=list)  # codes of printed stories behind it
    others: int = 0  # stories behind it that are not printed here
    chart: ObsChart | None = None


class LensItem(BaseModel):
    name: str
    text: str = ""
    question: str = ""


class Lens(BaseModel):
    name: str
    title: str
    intro: str = ""
    items: list[LensItem] = Field(default_factory=list)


class AllocationRow(BaseModel):
    group: int
    cards: int
    codes: list[str] = Field(default_factory=list)
    patterns: dict[str, int] = Field(default_factory=dict)
    tellers: dict[str, str] = Field(default_factory=dict)   # cards per teller group, "<5" hidden


class VoiceTable(BaseModel):
    """Stories of the run per group of one question (or collection, source kind), as printed:
    each count true, groups of fewer tellers than the threshold in a row that says so."""

    label: str
    rows: list[tuple[str, str]] = Field(default_factory=list)   # group, count as printed
    note: str = ""


class Cover(BaseModel):
    title: str
    subtitle: str = ""
    group: str = ""
    facts: list[str] = Field(default_factory=list)
    privacy: list[str] = Field(default_factory=list)
    warning: str = ""
    generated: str = ""


class Packet(BaseModel):
    """One printable packet: the whole session (``full``), a group's (``group``) or the
    facilitator's pages when groups get their own (``facilitator``)."""

    kind: Literal["full", "group", "facilitator"] = "full"
    group: int | None = None
    paper: str = "a4"
    labels: dict[str, str] = Field(default_factory=dict)
    cover: Cover
    guide: Guide | None = None
    allocation: list[AllocationRow] = Field(default_factory=list)
    allocation_note: str = ""
    #: whose stories the run holds (facilitator and full packets)
    voices: list[VoiceTable] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    observations_note: str = ""
    #: what the charts' marks for hidden counts mean ("<5", "hidden"), once for the section
    charts_note: str = ""
    patterns: list[PatternSheet] = Field(default_factory=list)
    exercises: list[Exercise] = Field(default_factory=list)
    lenses: list[Lens] = Field(default_factory=list)
    cards: list[Card] = Field(default_factory=list)
    cards_intro: str = ""
