"""Packet -> Markdown: for screens, e-mail to co-facilitators, or editing before printing.
Story text is escaped so Markdown and HTML in a story show as written."""

from __future__ import annotations

from pni.packet.model import Block, Card, Exercise, ObsChart, Packet
from pni.render.markdown import md_escape, md_inline

esc = md_escape


def _lines(n: int) -> list[str]:
    return ["", *(["\\_" * 60 + "  "] * n), ""]


def _card(c: Card, L: dict[str, str]) -> list[str]:
    title = f" · {esc(c.title)}" if c.title else ""
    out = [f"#### {esc(c.code)}{title}", ""]
    if c.pattern:
        out += [f"*{esc(c.pattern)}*", ""]
    for para in c.text.split("\n"):
        if para.strip():
            out += ["> " + esc(para), ">"]
    if out[-1] == ">":
        out.pop()
    out.append("")
    if c.prompt:
        out += [f"*{esc(L.get('prompt', 'Asked'))}: {esc(c.prompt)}*", ""]
    for a in c.answers + c.teller:
        out.append(f"- {esc(a.question)}: **{esc(a.value)}**")
    out.append("")
    return out


def _chart(c: ObsChart, L: dict[str, str]) -> list[str]:
    """An observation's chart as a table of the same numbers, indented into its list item."""
    head, rows = c.table(L.get("chart_expected_short", "expected"))
    out = [f"   *{md_inline(c.title)}*", "",
           "   | " + " | ".join(md_inline(h) for h in head) + " |",
           "   |" + "---|" * len(head)]
    out += ["   | " + " | ".join(md_inline(x) for x in row) + " |" for row in rows]
    out.append("")
    if c.note:
        out += [f"   {md_inline(c.note)}", ""]
    return out


def _block(b: Block, L: dict[str, str]) -> list[str]:
    out: list[str] = []
    if b.kind == "table" and b.label:
        out += [f"**{esc(b.label)}**", ""]
    if b.kind in ("table", "boxes", "criteria"):
        cols = b.columns if b.kind == "table" else b.items if b.kind == "boxes" else (
            [b.label] + [" "] * max(1, b.count))
        rows = b.rows if b.kind == "table" else max(1, b.count) if b.kind == "boxes" else 0
        out += ["| " + " | ".join(esc(c) for c in cols) + " |",
                "|" + "---|" * len(cols)]
        if b.kind == "criteria":
            out += ["| " + esc(it) + " |" + "   |" * max(1, b.count) for it in b.items]
        else:
            out += ["|" + "   |" * len(cols)] * rows
        out.append("")
    elif b.kind == "fields":
        for r in range(max(1, b.repeat)):
            if b.repeat > 1:
                out += [f"**{r + 1}.**", ""]
            for it in b.items:
                out += [f"**{esc(it)}**", *_lines(max(1, b.lines))]
    elif b.kind == "scale":
        lo, hi = ([*b.ends, "", ""])[:2]
        out += [f"**{esc(lo)}** " + " ▢" * max(2, b.count) + f" **{esc(hi)}**", ""]
    elif b.kind == "strip":
        lo, hi = ([*b.ends, "", ""])[:2]
        out += [f"{esc(lo)} |" + "—|" * 12 + f" {esc(hi)}", ""]
        for i in range(max(1, b.count)):
            out += [f"◯ {esc(b.label)} {i + 1}:", *_lines(2)]
    elif b.kind == "grid":
        ax, ay = ([*b.axes, "", ""])[:2]
        e = ([*b.ends, "", "", "", ""])[:4]
        blank = "\\_" * 12
        out += [f"- Across: **{esc(ax) or blank}** ({esc(e[0])} → {esc(e[1])})",
                f"- Up: **{esc(ay) or blank}** ({esc(e[2])} → {esc(e[3])})",
                f"- {esc(b.label)}: top left \\_\\_\\_\\_, top right \\_\\_\\_\\_,"
                f" bottom left \\_\\_\\_\\_, bottom right \\_\\_\\_\\_", ""]
    elif b.kind == "clusters":
        for i in range(max(1, b.count)):
            out += [f"{esc(b.label)} {i + 1}:", *_lines(2)]
    elif b.kind == "lines":
        if b.label:
            out.append(f"**{esc(b.label)}**")
        out += _lines(max(1, b.lines))
    elif b.kind == "note":
        out += [esc(b.text), ""]
    return out


def _exercise(ex: Exercise, L: dict[str, str]) -> list[str]:
    out = [f"## {esc(ex.title)}", ""]
    if ex.purpose:
        out += [f"*{esc(ex.purpose)}*", ""]
    out += [f"{esc(L.get('group', 'Group'))}: \\_\\_\\_\\_  {esc(L.get('session', 'Session'))}:"
            " \\_\\_\\_\\_", ""]
    out += [f"{i}. {esc(s)}" for i, s in enumerate(ex.instructions, 1)] + [""]
    for b in ex.worksheet:
        out += _block(b, L)
    return out


def render_md(p: Packet) -> str:
    L = p.labels
    c = p.cover
    out = [f"# {esc(c.title)}", "", esc(c.subtitle), ""]
    if c.group:
        out += [f"**{esc(c.group)}**", ""]
    if c.warning:
        out += [f"> **{esc(c.warning)}**", ""]
    out += [f"- {esc(f)}" for f in c.facts] + [""]
    out += [f"**{esc(L.get('privacy', 'Privacy'))}**", ""]
    out += [f"- {esc(f)}" for f in c.privacy] + ["", f"*{esc(c.generated)}*", ""]
    if p.guide:
        g = p.guide
        out += [f"# {esc(L.get('facilitator_guide', 'Facilitator guide'))}", "",
                f"## {esc(L.get('purpose', 'Purpose'))}", ""]
        for x in g.purpose:
            out += [esc(x), ""]
        out += [f"## {esc(L.get('agenda', 'Agenda'))}", "",
                f"| {esc(L.get('start', 'Start'))} | {esc(L.get('minutes', 'min'))} |"
                f" {esc(L.get('activity', 'Activity'))} |", "|---|---|---|"]
        out += [f"| {a.start} | {a.minutes or ''} | {esc(a.title)} |" for a in g.agenda] + [""]
        for key, items in (("before", g.before), ("materials", g.materials),
                           ("ground_rules", g.ground_rules)):
            out += [f"## {esc(L.get(key, key))}", ""] + [f"- {esc(x)}" for x in items] + [""]
        out += [f"## {esc(L.get('how_to_run', 'How to run each exercise'))}", ""]
        for ex in g.exercises:
            out += [f"### {esc(ex.title)} ({ex.minutes} {esc(L.get('minutes', 'min'))})", ""]
            if ex.purpose:
                out += [f"*{esc(ex.purpose)}*", ""]
            out += [f"{i}. {esc(s)}" for i, s in enumerate(ex.facilitator_steps, 1)] + [""]
        if g.wrapup:
            out += [f"### {esc(g.wrapup_title)}", ""]
            out += [f"{i}. {esc(s)}" for i, s in enumerate(g.wrapup, 1)] + [""]
        out += [f"## {esc(L.get('after', 'After'))}", ""] + [f"- {esc(x)}" for x in g.after]
        out.append("")
    if p.voices:
        out += [f"# {esc(L.get('whose', 'Whose stories these are'))}", "",
                f"*{esc(L.get('whose_intro', ''))}*", ""]
        for vt in p.voices:
            out += [f"**{esc(vt.label)}**", "", "| | |", "|---|---|"]
            out += [f"| {esc(g)} | {esc(n)} |" for g, n in vt.rows] + [""]
            out += [esc(vt.note), ""] if vt.note else []
    if p.allocation:
        out += [f"# {esc(L.get('allocation', 'Stories per group'))}", ""]
        for a in p.allocation:
            out += [f"- **{esc(L.get('group', 'Group'))} {a.group}** ({a.cards}): "
                    + esc(", ".join(a.codes))]
            if a.tellers:
                out += [f"  {esc(L.get('teller_mix', 'Who told them'))}: "
                        + esc(", ".join(f"{k or '?'} × {v}" for k, v in a.tellers.items()))]
        out.append("")
        out += [esc(p.allocation_note), ""] if p.allocation_note else []
    if p.observations:
        out += [f"# {esc(L.get('observations', 'Observations'))}", "",
                f"*{esc(L.get('observations_intro', ''))}*", ""]
        if p.observations_note:
            out += [esc(p.observations_note), ""]
        if p.charts_note:
            out += [esc(p.charts_note), ""]
        for o in p.observations:
            out += [f"{o.rank}. {esc(o.text)}", ""]
            if o.chart is not None:
                out += _chart(o.chart, L)
            out += [f"   {esc(L.get('interpretations', ''))}", ""]
            out += [f"   - [ ] {esc(i)}" for i in o.interpretations] + [""]
            if o.cards or o.others:
                more = f" (+{o.others})" if o.others else ""
                out += [f"   *{esc(L.get('behind', ''))} {esc(', '.join(o.cards))}{more}*", ""]
    for s in p.patterns:
        out += [f"# {esc(s.title)}", "",
                f"- {esc(L.get('keywords', 'Keywords'))}: {esc(', '.join(s.keywords))}",
                f"- {esc(L.get('size', 'Size'))}: {s.size} ({s.printed}"
                f" {esc(L.get('printed', 'printed'))})"]
        if s.firmness:
            out += [f"- {esc(L.get('stability', 'How firm'))}: {esc(s.firmness)}"]
        out += [f"- {esc(m)}" for m in s.teller_mix]
        out += [f"- {esc(L.get('pattern_cards', 'Its cards in this packet'))}: "
                f"{esc(', '.join(s.codes))}", ""]
        out += [f"## {esc(L.get('reflection', 'Talk about it'))}", ""]
        for r in s.reflection:
            out += [esc(r), *_lines(2)]
    if p.exercises:
        out += [f"# {esc(L.get('exercises', 'Exercise worksheets'))}", ""]
        for ex in p.exercises:
            out += _exercise(ex, L)
    for lens in p.lenses:
        out += [f"# {esc(lens.title)}", ""]
        if lens.intro:
            out += [f"*{esc(lens.intro)}*", ""]
        for it in lens.items:
            out += [f"- **{esc(it.name)}**: {esc(it.text)}"
                    + (f" *{esc(it.question)}*" if it.question else "")]
        out.append("")
    if p.cards:
        out += [f"# {esc(L.get('cards', 'Story cards'))}", "", esc(p.cards_intro), ""]
        for card in p.cards:
            out += ["---", "", *_card(card, L)]
    return "\n".join(out).rstrip() + "\n"
