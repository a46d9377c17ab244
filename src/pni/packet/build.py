"""Assemble packets from the store: consent-filtered, redacted, worded from ``prompts/packet``.

>>> from pni.store import Store
>>> from pni.packet.build import PacketOptions, build_packets
>>> # with Store.open("pni.db") as db:
>>> #     [full] = build_packets(db, PacketOptions(exercises=["landscape", "timeline"]))
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from pni.errors import DataError, UsageError
from pni.models import Question, Story
from pni.packet.assemble import Book, Selection
from pni.packet.model import (
    AgendaItem,
    AnswerLine,
    Block,
    Card,
    Exercise,
    Guide,
    Lens,
    LensItem,
    Packet,
    VoiceTable,
)
from pni.packet.prompts import Prompts, fill, fill_all
from pni.privacy import Redactor
from pni.privacy.cells import small_cell_note
from pni.privacy.metadata import card_question_ids
from pni.questions import asked
from pni.store import Store
from pni.store import runs as runq
from pni.store import stories as storyq

if TYPE_CHECKING:
    from pni.privacy.gate import Gate

DEFAULT_EXERCISES = ["encounter", "twice-told", "timeline", "landscape", "composite"]
LENSES = ["cynefin", "value-cycles", "cop-stages", "nested-communities"]
BREAK_AFTER_MINUTES = 100
#: a room of 9 to 15 people in groups of three to five, each group with a deck it can read in
#: the time an exercise gives (25 to 35 cards)
DEFAULT_GROUPS = 3
DEFAULT_CARDS = 30


class PacketOptions(BaseModel):
    """What `pni packet` was asked for. ``patterns=None``: every pattern (and the stories that
    fit none); ``exercises=None``: the default set; ``["all"]``: every exercise."""

    run_id: int | None = None
    patterns: list[int] | None = None
    exercises: list[str] | None = None
    groups: int = DEFAULT_GROUPS
    cards: int = DEFAULT_CARDS  # story cards per small group (per packet, with one group)
    lenses: list[str] = Field(default_factory=list)
    names_file: Path | None = None
    extra_names: list[str] = Field(default_factory=list)
    redact: bool = True
    include_unknown: bool | None = None  # None: the project's pni.toml decides
    card_questions: list[str] | None = None  # None: the project's pni.toml decides
    settings: Any = None  # pni.settings.Settings; None: read pni.toml beside the store
    prompts_dir: Path | None = None
    axes: list[str] | None = None
    paper: str = "a4"
    max_observations: int = 10
    title: str | None = None


# -- answers as printed ---------------------------------------------------------------------------
def _fmt_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def format_answer(q: Question | None, value: Any, labels: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return labels.get("answer_yes", "yes") if value else labels.get("answer_no", "no")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, int | float):
        s = _fmt_number(value)
        if q is not None and q.kind == "scale" and q.scale_max is not None:
            lo = _fmt_number(q.scale_min if q.scale_min is not None else 1)
            s += f" ({lo}–{_fmt_number(q.scale_max)})"
        return s
    return str(value)


def _answer_lines(values: dict[str, Any], questions: dict[str, Question], allowed: set[str],
                  labels: dict[str, str], red: Redactor,
                  withheld: set[str] = frozenset()) -> list[AnswerLine]:  # type: ignore[assignment]
    """A card's answer lines; an answer in ``withheld`` (the small-cell rule per card) reads as
    the label ``answer_withheld`` instead of its value."""
    out = []
    order = {qid: i for i, qid in enumerate(questions)}
    for qid in sorted(values, key=lambda k: (order.get(k, 10**6), k)):
        q = questions.get(qid)
        if qid not in allowed:
            continue
        text = format_answer(q, values[qid], labels)
        if text and qid in withheld:
            text = labels.get("answer_withheld", "not shown (too few tellers share it)")
        elif text:
            text = red.redact(text) or ""
        if text:
            out.append(AnswerLine(question=q.text if q else qid, value=text))
    return out


def _answers_note(cards: list[Card], labels: dict[str, str]) -> str:
    """What the cards say about the tellers' own answers, as the exercises put it: all of them
    carry some, some do (how many), or none (the group reads each story for itself)."""
    n, with_answers = len(cards), sum(bool(c.answers) for c in cards)
    if n and with_answers == n:
        return labels.get("answers_all", "the tellers' own answers are on the cards")
    if with_answers:
        return fill(labels.get("answers_some", "{k} of the {n} cards carry the tellers' own "
                               "answers; place the others by your own reading"),
                    {"k": with_answers, "n": n})
    return labels.get("answers_none", "these cards carry no answers from the tellers: place "
                      "each story by your own reading of it")


def _teller_group_question(questions: dict[str, Question]) -> str | None:
    if "role" in questions:
        return "role"
    for q in questions.values():
        if q.about == "teller" and q.kind == "choice":
            return q.id
    return None


# -- the pieces -----------------------------------------------------------------------------------
def _axes(questions: dict[str, Question], stories: list[Story], asked: list[str] | None
          ) -> tuple[list[str], list[str], dict[str, str]]:
    """Axis texts, end labels and placeholder values for the landscape grid."""
    if asked:
        if len(asked) != 2:
            raise UsageError("takes two question ids, e.g. belonging,how_common", param="axes")
        missing = [a for a in asked if a not in questions]
        if missing:
            raise UsageError(f"no question {', '.join(missing)} (questions: "
                             f"{', '.join(questions)})", param="axes")
        chosen = list(asked)
    else:
        answered = {k for s in stories for k in s.answers}
        ranked = sorted((q for q in questions.values()
                         if q.about == "story" and q.id in answered
                         and q.kind in ("scale", "boolean", "choice")),
                        key=lambda q: ("scale", "boolean", "choice").index(q.kind))
        chosen = [q.id for q in ranked][:2]
    texts, ends = [], []
    for qid in chosen:
        q = questions[qid]
        texts.append(q.text)
        if q.kind == "scale":
            lo = q.labels[0] if q.labels else _fmt_number(q.scale_min or 1)
            hi = q.labels[-1] if len(q.labels) > 1 else _fmt_number(q.scale_max or 5)
            ends += [lo, hi]
        elif q.kind == "boolean":
            ends += ["no", "yes"]
        elif q.options:
            ends += [q.options[0], q.options[-1]]
        else:
            ends += ["", ""]
    while len(texts) < 2:
        texts.append("")
        ends += ["", ""]
    return texts, ends, {"axis_x": texts[0] or "___", "axis_y": texts[1] or "___"}


def _exercise(prompts: Prompts, name: str, values: dict[str, Any], axes: list[str],
              ends: list[str], file: str | None = None) -> Exercise:
    """An exercise's worksheet from ``exercises/NAME.yaml`` (or ``file``: the capture sheet)."""
    raw = fill_all(prompts.load(file or f"exercises/{name}.yaml"), values)
    blocks = []
    for b in raw.get("worksheet") or []:
        block = Block.model_validate(b)
        if block.kind == "grid":
            block.axes, block.ends = axes, ends
        blocks.append(block)
    return Exercise(
        name=name, title=str(raw.get("title", name)), minutes=int(raw.get("minutes", 30)),
        order=int(raw.get("order", 100)), purpose=str(raw.get("purpose", "")).strip(),
        facilitator_steps=[str(s) for s in raw.get("facilitator_steps") or []],
        instructions=[str(s) for s in raw.get("instructions") or []], worksheet=blocks,
    )


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _agenda(guide_raw: dict[str, Any], exercises: list[Exercise],
            slots: Sequence[str] = ()) -> tuple[list[AgendaItem], int]:
    """The session's agenda: welcome, the exercises (a break when one is due), one slot for
    each other printed section named in ``slots`` (``patterns_slot``, ``lenses_slot`` of the
    guide), the wrap-up with the capture sheet, the end."""
    items: list[AgendaItem] = []
    t = 0
    welcome = guide_raw.get("welcome") or {}
    items.append(AgendaItem(start=_clock(t), minutes=int(welcome.get("minutes", 10)),
                            title=str(welcome.get("title", "Welcome"))))
    t += items[-1].minutes
    since_break = t
    brk = guide_raw.get("break_") or {}
    for i, ex in enumerate(exercises):
        if since_break + ex.minutes > BREAK_AFTER_MINUTES + 10 and i > 0 and brk:
            items.append(AgendaItem(start=_clock(t), minutes=int(brk.get("minutes", 10)),
                                    title=str(brk.get("title", "Break"))))
            t += items[-1].minutes
            since_break = 0
        items.append(AgendaItem(start=_clock(t), minutes=ex.minutes, title=ex.title))
        t += ex.minutes
        since_break += ex.minutes
    for slot in slots:
        raw = guide_raw.get(slot) or {}
        items.append(AgendaItem(start=_clock(t), minutes=int(raw.get("minutes", 15)),
                                title=str(raw.get("title", slot))))
        t += items[-1].minutes
    wrap = guide_raw.get("wrapup") or {}
    items.append(AgendaItem(start=_clock(t), minutes=int(wrap.get("minutes", 20)),
                            title=str(wrap.get("title", "Wrap-up"))))
    t += items[-1].minutes
    items.append(AgendaItem(start=_clock(t), minutes=0, title="End"))
    return items, t


# -- the packet -----------------------------------------------------------------------------------
def build_packets(db: Store, opts: PacketOptions) -> list[Packet]:
    """The packets to print: ``[full]`` for one group, else ``[facilitator, group 1, ...]``."""
    prompts = Prompts(opts.prompts_dir)
    from pni.packet.charts import CHART_LABELS

    labels = CHART_LABELS | {str(k): str(v) for k, v in prompts.load("labels.yaml").items()}
    names, lens_raw = _check(prompts, opts)
    from pni.privacy.gate import Gate

    gate = Gate.open(db, opts.settings, names_file=opts.names_file, redact=opts.redact,
                     include_unknown=opts.include_unknown, extra_names=opts.extra_names)
    settings, include_unknown, red = gate.settings, gate.include_unknown, gate.redactor
    sel = _select(db, opts, gate)
    on_cards = card_question_ids(sel.questions, settings.card_questions
                                 if opts.card_questions is None else opts.card_questions)
    from pni.curate import curated_titles  # the catalyst's names (catalysis.yaml), if any

    named = curated_titles(db, sel.pattern_of, run_id=sel.run_id)
    sel.ptitle = {p.id: f"{labels.get('pattern', 'Pattern')} {p.id}: "
                  f"{red.redact(named.get(p.id, p.title))}" for p in sel.patterns}
    tq = _teller_group_question(sel.questions)
    order = _choose(sel, _card_order(sel, opts), max(1, opts.groups) * opts.cards, tq)
    teller_qs = [q for q in on_cards if q in sel.questions and sel.questions[q].about == "teller"]
    withheld = gate.card_withheld([sel.by_sid[sid] for _, sids in order for sid in sids],
                                  teller_qs)
    codes = gate.codes(sel.by_sid)
    cards = _cards(sel, order, labels, red, on_cards, withheld, codes)
    if not cards:
        raise DataError("the packet would hold no story cards: " + sel.consent.summary()
                        + ("" if include_unknown or not sel.consent.excluded_unknown else
                           " Use --include-unknown-consent to print stories whose consent was"
                           " not recorded."))

    # the wording: values shared by the guide, the exercises and the labels
    axes, ends, axis_values = _axes(sel.questions, [sel.by_sid[c.id] for c in cards], opts.axes)
    values: dict[str, Any] = {
        "n_stories": len(cards), "n_patterns": len(sel.patterns), "n_groups": opts.groups,
        "run": sel.run_id, "date": date.today().isoformat(), **axis_values,
        "answers_note": _answers_note(cards, labels),
    }
    exercises = sorted((_exercise(prompts, n, values, axes, ends) for n in names),
                       key=lambda e: names.index(e.name))
    guide_raw = prompts.load("guide.yaml")
    observations, stale = _observations(db, sel.run_id, gate.min_cell)
    observations = _with_charts(db, gate, sel.run_id,
                                observations[:max(0, opts.max_observations)], labels
                                ) + observations[max(0, opts.max_observations):]
    slots = [*(["patterns_slot"] if sel.patterns or observations else []),
             *(["lenses_slot"] if opts.lenses else [])]
    agenda, total = _agenda(guide_raw, exercises, slots)
    values |= {"total_minutes": total, "n_exercises": len(exercises)}
    guide_raw = fill_all(guide_raw, values)
    labels = {k: fill(v, values) for k, v in labels.items()}

    return Book(
        sel=sel, cards=cards, labels=labels, red=red,
        guide=_guide(guide_raw, agenda, exercises), exercises=exercises,
        capture=_exercise(prompts, "capture", values, axes, ends, file="capture.yaml"),
        lenses=_lenses(lens_raw, opts.lenses),
        reflection=[fill(str(r), values)
                    for r in prompts.load("reflection.yaml").get("prompts", [])],
        privacy=[*_privacy_lines(sel, opts, labels), small_cell_note(settings.min_cell),
                 *([stale] if stale else [])],
        title=opts.title or str(guide_raw.get("title", "Sensemaking packet")),
        subtitle=str(guide_raw.get("subtitle", "")),
        observations=observations, max_observations=opts.max_observations,
        redact=opts.redact, paper=opts.paper,
        groups=opts.groups, teller_question=_teller_group_question(sel.questions),
        min_cell=gate.min_cell, mixes=gate.mixes(sel.run_id),
        voices=_voices(gate, sel, labels),
    ).packets()


def _voices(gate: Gate, sel: Selection, labels: dict[str, str]) -> list[VoiceTable]:
    """Whose stories the run holds, one protected table per teller question, collection and
    source kind (``Gate.run_tables``)."""
    from pni.privacy.cells import shown_count

    names = {"collection": labels.get("collection", "Collection"),
             "source_kind": labels.get("source_kind", "Source kind")}
    out = []
    for facet, table in gate.run_tables(sel.run_id):
        q = sel.questions.get(facet)
        rows = [(r.label, shown_count(r.stories, gate.min_cell, r.why)) for r in table.rows]
        if len(rows) < 2 and not table.withheld:
            continue
        merged = any(r.merged for r in table.rows)
        unit = "stories" if facet in names else "tellers"
        note = (f"Groups of fewer than {gate.min_cell} {unit} are counted together in a row "
                "that says so; every number is the true count." if merged else
                gate.cells_note({r.why for r in table.rows}))
        out.append(VoiceTable(label=q.text if q else names.get(facet, facet), rows=rows,
                              note=table.withheld or note))
    return out


def _check(prompts: Prompts, opts: PacketOptions) -> tuple[list[str], dict[str, Any]]:
    """The exercises to print and the lens texts, every option checked before any work."""
    known = prompts.exercise_names()
    if opts.exercises is None:
        names = [n for n in DEFAULT_EXERCISES if n in known]
    elif opts.exercises == ["all"]:
        names = known
    else:
        bad = [n for n in opts.exercises if n not in known]
        if bad:
            raise UsageError(f"no exercise {', '.join(bad)} (known: {', '.join(known)})",
                             param="exercises")
        names = list(dict.fromkeys(opts.exercises))
    lens_raw = prompts.load("lenses.yaml")
    bad = [n for n in opts.lenses if n not in lens_raw]
    if bad:
        raise UsageError(f"no lens {', '.join(bad)} (known: {', '.join(lens_raw)})",
                         param="lenses")
    if opts.groups < 1:
        raise UsageError(f"must be at least 1 (got {opts.groups})", param="groups")
    if not 1 <= opts.cards <= 500:
        raise UsageError(f"must be between 1 and 500 (got {opts.cards})", param="cards")
    return names, lens_raw


def _select(db: Store, opts: PacketOptions, gate: Gate) -> Selection:
    """The run, its (chosen) patterns, and those of its stories that may be printed (through
    the gate: consent-filtered, redacted)."""
    run_id = runq.resolve_run(db, opts.run_id)
    all_patterns = runq.list_patterns(db, run_id)
    if opts.patterns is not None:
        by_id = {p.id: p for p in all_patterns}
        bad_ids = [str(i) for i in opts.patterns if i not in by_id]
        if bad_ids:
            raise UsageError(f"run {run_id} has no pattern {', '.join(bad_ids)}"
                             f" (its patterns: {', '.join(str(i) for i in by_id)})",
                             param="patterns")
        patterns = [by_id[i] for i in dict.fromkeys(opts.patterns)]
    else:
        patterns = all_patterns
    assignments = runq.list_assignments(db, run_id)
    release = gate.stories(ids=[a.story_id for a in assignments])
    sel = Selection(
        run_id=run_id, patterns=patterns,
        pattern_of={a.story_id: a.pattern_id for a in assignments},
        strength={a.story_id: a.strength or 0.0 for a in assignments},
        by_sid={s.id: s for s in release.stories},
        questions={q.id: q for q in storyq.get_questions(db)},
        printable={s.id for s in release.stories}, consent=release.consent,
        withheld_no=gate.withheld_no_text(release))
    return sel


def _card_order(sel: Selection, opts: PacketOptions) -> list[tuple[int | None, list[str]]]:
    """Story ids in print order: pattern by pattern, exemplars first, then by strength; the
    stories that fit no pattern last (when every pattern is printed)."""
    order: list[tuple[int | None, list[str]]] = []
    for p in sel.patterns:
        members = [sid for sid, pid in sel.pattern_of.items()
                   if pid == p.id and sid in sel.printable]
        ex = {sid: i for i, sid in enumerate(p.exemplars)}
        members.sort(key=lambda sid: (ex.get(sid, 10**6), -sel.strength[sid], sid))
        order.append((p.id, members))
    if opts.patterns is None:
        loose = [sid for sid, pid in sel.pattern_of.items()
                 if pid is None and sid in sel.printable]
        order.append((None, sorted(loose)))
    return order


def _choose(sel: Selection, order: list[tuple[int | None, list[str]]], total: int,
            teller_question: str | None) -> list[tuple[int | None, list[str]]]:
    """At most ``total`` stories of ``order``, chosen for diversity: patterns in turn, and
    within a pattern its teller groups in turn, each in its preferred order (exemplars first,
    then the most typical). Returns ``order``'s shape with the chosen stories only."""
    if sum(len(sids) for _, sids in order) <= total:
        return order
    queues: list[list[list[str]]] = []
    for _, sids in order:
        strata: dict[str, list[str]] = {}
        for sid in sids:
            group = (sel.by_sid[sid].teller_answers or {}).get(teller_question or "", "")
            strata.setdefault(str(group), []).append(sid)
        queues.append(list(strata.values()))
    chosen: set[str] = set()
    turn = [0] * len(queues)
    while len(chosen) < total and any(any(q) for q in queues):
        for i, queue in enumerate(queues):
            live = [q for q in queue if q]
            if not live or len(chosen) >= total:
                continue
            q = live[turn[i] % len(live)]
            chosen.add(q.pop(0))
            turn[i] += 1
    return [(pid, [sid for sid in sids if sid in chosen]) for pid, sids in order]


def _cards(sel: Selection, order: list[tuple[int | None, list[str]]], labels: dict[str, str],
           red: Redactor, on_cards: set[str], withheld: dict[str, set[str]],
           codes: dict[str, str]) -> list[Card]:
    cards: list[Card] = []
    for pid, sids in order:
        for sid in sids:
            s = sel.by_sid[sid]
            cards.append(Card(
                number=len(cards) + 1, id=s.id, code=codes.get(s.id) or s.source_id or s.id,
                title=red.redact(s.title) or "", text=red.redact(s.text) or "",
                prompt=asked(red.redact(s.prompt) or ""),
                answers=_answer_lines(s.answers, sel.questions, on_cards, labels, red),
                teller=_answer_lines(s.teller_answers, sel.questions, on_cards, labels, red,
                                     withheld.get(s.id, set())),
                pattern_id=pid,
                pattern=sel.ptitle[pid] if pid is not None else labels.get("no_pattern", ""),
                consent=s.consent,
            ))
    return cards


def _guide(raw: dict[str, Any], agenda: list[AgendaItem], exercises: list[Exercise]) -> Guide:
    return Guide(
        purpose=[str(p).strip() for p in raw.get("purpose") or []],
        before=[str(p) for p in raw.get("before") or []],
        materials=[str(p) for p in raw.get("materials") or []],
        ground_rules=[str(p) for p in raw.get("ground_rules") or []],
        agenda=agenda, exercises=exercises,
        wrapup_title=str((raw.get("wrapup") or {}).get("title", "")),
        wrapup=[str(p) for p in (raw.get("wrapup") or {}).get("steps") or []],
        after=[str(p).strip() for p in raw.get("after") or []],
    )


def _lenses(raw: dict[str, Any], names: list[str]) -> list[Lens]:
    return [Lens(name=n, title=str(raw[n].get("title", n)),
                 intro=str(raw[n].get("intro", "")).strip(),
                 items=[LensItem.model_validate(i) for i in raw[n].get("items") or []])
            for n in names]


def _privacy_lines(sel: Selection, opts: PacketOptions, labels: dict[str, str]) -> list[str]:
    """What the cover says about consent and redaction."""
    consent, out = sel.consent, []
    if consent.excluded_no:
        out.append(fill(labels.get("consent_no", ""), {"n": sel.withheld_no})
                   if sel.withheld_no is not None else labels.get("consent_no_few", ""))
    if consent.excluded_unknown:
        out.append(fill(labels.get("consent_unknown_out", ""), {"n": consent.excluded_unknown}))
    if consent.included_unknown:
        out.append(fill(labels.get("consent_unknown_in", ""), {"n": consent.included_unknown}))
    if opts.redact:
        out.append(labels.get("redacted", ""))
    return out


def _with_charts(db: Store, gate: Gate, run_id: int, observations: list[dict[str, Any]],
                 labels: dict[str, str]) -> list[dict[str, Any]]:
    """The observations, each with the chart of the numbers behind it (``pni.packet.charts``:
    the report's chart data under its small-cell rule); none where that cannot be made."""
    from pni.errors import PniError
    from pni.packet.charts import observation_charts

    word = labels.get("pattern", "Pattern")
    names = {p.number: f"{word} {p.id}" for p in runq.list_patterns(db, run_id)}
    try:
        charts = observation_charts(db, gate, run_id, observations, names, labels)
    except PniError:  # e.g. a lump of the exploration that no longer applies: no charts
        charts = [None] * len(observations)
    return [{**o, "chart": c} for o, c in zip(observations, charts, strict=True)]


def _curated_tests(db: Store, min_cell: int,
                   shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The catalyst's observations with the id of the test behind each (None: their own), in
    the order ``pni.curate.packet_observations`` gives them."""
    from pni.curate.io import find, load
    from pni.curate.match import printable

    path = find(db)
    if path is None:
        return shown
    kept, _ = printable(load(path), min_cell)
    if len(kept) != len(shown):
        return shown
    return [{**o, "test": c.test} for o, c in zip(shown, kept, strict=True)]


def _observations(db: Store, run_id: int,
                  min_cell: int) -> tuple[list[dict[str, Any]], str | None]:
    """The catalyst's observations (``catalysis.yaml`` beside the store: hidden ones never, in
    perspective order), else those from `pni explore` for this run, when that stage exists and
    has run; none, and the line saying why, when they were made under a weaker small-cell
    rule."""
    from pni.curate import packet_observations
    from pni.privacy.cells import stale_observations

    curated = packet_observations(db, min_cell)
    if curated is not None:
        return _curated_tests(db, min_cell, curated[0]), curated[1]

    try:
        from pni.store.observations import latest_exploration, list_observations
    except ImportError:
        return [], None
    try:
        ex = latest_exploration(db, run_id)
        stale = None if ex is None else stale_observations(ex.params, min_cell)
        if stale:
            return [], stale
        # kind, lens and numbers: what finds the test behind each (``pni.packet.charts``)
        return [{"rank": o.rank, "text": o.text, "story_ids": o.story_ids,
                 "interpretations": o.interpretations, "kind": o.kind, "lens": o.lens,
                 "numbers": o.numbers} for o in list_observations(db, run_id)], None
    except Exception as e:  # the table may be missing in a store from before migration 0003
        import sqlite3

        if isinstance(e, sqlite3.OperationalError):
            return [], None
        raise
