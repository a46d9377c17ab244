"""From cards and wording to the packets themselves: the cover, the pattern worksheets and the
observations of one deck of cards, and dealing the cards out to small groups."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pni.models import Question, Story
from pni.packet.groups import allocate
from pni.packet.model import (
    AllocationRow,
    Card,
    Cover,
    Exercise,
    Guide,
    Lens,
    Observation,
    Packet,
    PatternSheet,
    VoiceTable,
)
from pni.packet.prompts import fill
from pni.privacy import ConsentResult, Redactor
from pni.privacy.cells import cells_note, shown_count, table_reasons
from pni.privacy.mix import Mixes, Why, mix_lines
from pni.store.records import Pattern

CODES_SHOWN = 12


@dataclass
class Selection:
    """The run's patterns and stories a packet prints, and how they relate."""

    run_id: int
    patterns: list[Pattern]
    pattern_of: dict[str, int | None]
    strength: dict[str, float]
    by_sid: dict[str, Story]
    questions: dict[str, Question]
    printable: set[str]
    consent: ConsentResult
    #: the count of stories held back because their tellers said no, as it may be printed
    #: (None: from fewer tellers than the small-cell threshold)
    withheld_no: str | None = None
    ptitle: dict[int, str] = field(default_factory=dict)


@dataclass
class Book:
    """Everything the packets share; ``packets()`` makes ``[full]`` or ``[facilitator, group
    1, ...]``."""

    sel: Selection
    cards: list[Card]
    labels: dict[str, str]
    red: Redactor
    guide: Guide
    exercises: list[Exercise]
    capture: Exercise  # the capture sheet: what the room made, as `pni record` reads it
    lenses: list[Lens]
    reflection: list[str]
    privacy: list[str]
    title: str
    subtitle: str
    observations: list[dict[str, Any]]
    max_observations: int
    redact: bool
    paper: str
    groups: int
    teller_question: str | None
    #: the project's threshold and the run's teller mixes under it, from the gate
    min_cell: int
    mixes: tuple[Mixes, Why]
    voices: list[VoiceTable] = field(default_factory=list)

    def observations_for(self, codes: dict[str, str]) -> list[Observation]:
        out: list[Observation] = []
        for o in self.observations[:max(0, self.max_observations)]:
            sids = list(o.get("story_ids") or [])
            shown = [codes[s] for s in sids if s in codes][:CODES_SHOWN]
            out.append(Observation(
                rank=int(o.get("rank") or len(out) + 1),
                text=self.red.redact(str(o["text"])) or "",
                interpretations=[self.red.redact(str(i)) or ""
                                 for i in o.get("interpretations") or []],
                cards=shown, others=len(sids) - len(shown), chart=o.get("chart")))
        return out

    def mix(self, p: Pattern) -> list[str]:
        """A pattern's teller mix as lines, under the small-cell rule over all the run's
        patterns (``pni.privacy.mix``, through the gate)."""
        mixes, why = self.mixes
        names = {"collection": self.labels.get("collection", "Collection"),
                 "source_kind": self.labels.get("source_kind", "Source kind"),
                 **{k: q.text for k, q in self.sel.questions.items()}}
        return mix_lines(mixes.get(p.id), names, self.min_cell, why.get(p.id))

    def pattern_sheets(self, deck: list[Card]) -> list[PatternSheet]:
        sel, sheets = self.sel, []
        for p in sel.patterns:
            mine = [c for c in deck if c.pattern_id == p.id]
            if not mine:
                continue
            sheets.append(PatternSheet(
                id=p.id, number=p.number, title=sel.ptitle[p.id],
                keywords=[self.red.redact(k) or "" for k in p.keywords], size=p.size,
                printed=len(mine), teller_mix=self.mix(p),
                firmness=firmness(p, self.labels),
                codes=[c.code for c in mine], reflection=self.reflection))
        return sheets

    def cover(self, group: str = "", deck: list[Card] | None = None) -> Cover:
        L = self.labels
        n = len(self.cards if deck is None else deck)
        facts = [f"{L.get('cards', 'Story cards')}: {n}",
                 f"{L.get('patterns', 'Patterns')}: {len(self.sel.patterns)}",
                 f"{L.get('exercises', 'Exercises')}: "
                 + ", ".join(e.title for e in self.exercises)]
        return Cover(title=self.title, subtitle=self.subtitle, group=group, facts=facts,
                     privacy=list(self.privacy),
                     warning="" if self.redact else L.get("not_redacted", "NOT REDACTED"),
                     generated=L.get("generated", ""))

    def _shared(self) -> dict[str, Any]:
        L = self.labels
        base: dict[str, Any] = dict(
            paper=self.paper, labels=L, exercises=[*self.exercises, self.capture],
            lenses=self.lenses, cards_intro=L.get("cards_intro", ""))
        reasons = {("complement" if x.shown == "hidden" else "small")
                   for o in self.observations[:max(0, self.max_observations)]
                   if o.get("chart") is not None
                   for row in o["chart"].cells for x in row if x.count is None and x.shown}
        if reasons:
            base["charts_note"] = cells_note(self.min_cell, reasons)
        n_obs = len(self.observations)
        if n_obs > self.max_observations:
            base["observations_note"] = fill(L.get("observations_more", ""),
                                             {"n": self.max_observations, "total": n_obs})
        return base

    def packets(self) -> list[Packet]:
        base = self._shared()
        all_codes = {c.id: c.code for c in self.cards}
        if self.groups <= 1:
            return [Packet(kind="full", cover=self.cover(), guide=self.guide,
                           voices=self.voices,
                           observations=self.observations_for(all_codes),
                           patterns=self.pattern_sheets(self.cards),
                           cards=by_code(self.cards), **base)]
        allocation, group_packets = self._deal(base)
        facilitator = Packet(
            kind="facilitator", cover=self.cover(self.labels.get("facilitator_packet", "")),
            guide=self.guide, allocation=allocation, voices=self.voices,
            allocation_note=cells_note(self.min_cell, {
                w for a in allocation for v in a.tellers.values()
                for w in (("complement",) if v == "hidden" else ("small",) if v.startswith("<")
                          else ())}),
            observations=self.observations_for(all_codes),
            patterns=self.pattern_sheets(self.cards),
            **(base | {"exercises": []}))
        return [facilitator, *group_packets]

    def _teller_counts(self, keys: list[tuple[int, str]],
                       dealt: list[list[int]]) -> list[dict[str, str]]:
        """Cards per teller group in each small group's deck, as text: a count from fewer than
        ``min_cell`` tellers (and its complement) reads ``<N``."""
        values = list(dict.fromkeys(k[1] for k in keys))
        who = [self.sel.by_sid[c.id].teller_id or c.id for c in self.cards]
        counts = [[sum(keys[i][1] == v for i in idx) for v in values] for idx in dealt]
        held = [[len({who[i] for i in idx if keys[i][1] == v}) for v in values] for idx in dealt]
        mc = self.min_cell if self.teller_question else 1  # no teller groups: nothing to hide
        why = table_reasons(counts, held, mc)
        return [{v: shown_count(None if w else n, mc, w)
                 for v, n, w in zip(values, cr, wr, strict=True) if n or w}
                for cr, wr in zip(counts, why, strict=True)]

    def _deal(self, base: dict[str, Any]) -> tuple[list[AllocationRow], list[Packet]]:
        """Each group a balanced, different mix of patterns and teller groups."""
        tq, cards = self.teller_question, self.cards
        keys = [(c.pattern_id if c.pattern_id is not None else -1,
                 str(self.sel.by_sid[c.id].teller_answers.get(tq, "")) if tq else "")
                for c in cards]
        allocation, packets = [], []
        dealt = allocate(keys, self.groups)
        for g, (idx, tellers) in enumerate(zip(dealt, self._teller_counts(keys, dealt),
                                               strict=True), start=1):
            deck = [cards[i] for i in idx]
            deck = by_code(deck)
            allocation.append(AllocationRow(
                group=g, cards=len(deck), codes=[c.code for c in deck],
                patterns=dict(Counter(str(c.pattern_id) if c.pattern_id is not None else "-"
                                      for c in deck)),
                tellers=tellers))
            label = f"{self.labels.get('group', 'Group')} {g}"
            packets.append(Packet(
                kind="group", group=g, cover=self.cover(label, deck), cards=deck,
                **(base | {"lenses": []})))
        return allocation, packets


def code_key(code: str) -> tuple[str, int, str]:
    """Cards in code order: by letter, then number (K2 before K10)."""
    digits = "".join(ch for ch in code[1:] if ch.isdigit())
    return (code[:1], int(digits) if digits else 0, code)


def by_code(cards: list[Card]) -> list[Card]:
    return sorted(cards, key=lambda c: code_key(c.code))


def firmness(p: Pattern, labels: dict[str, str]) -> str:
    """The facilitator's line on how firm a pattern is: its stability across the computer's
    re-runs and how many of its stories only loosely belong ("" when the run recorded neither)."""
    parts = []
    if p.stability is not None:
        parts.append(labels.get("stability_line", "stayed together in {pct}% of re-runs")
                     .format(pct=round(100 * float(p.stability))))
    if p.n_loose:
        parts.append(labels.get("loose_line", "{n} stories only loosely belong")
                     .format(n=int(p.n_loose)))
    return "; ".join(parts)
