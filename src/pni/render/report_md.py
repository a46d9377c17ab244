"""The catalysis report as Markdown: the same sections as the HTML report, as text and tables.

Story text is escaped so that a Markdown viewer shows it as text (no raw HTML, no table breaks).

>>> md_escape("<b>a|b</b>")
'\\\\<b\\\\>a\\\\|b\\\\</b\\\\>'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pni.privacy.cells import cells_note, shown_count
from pni.render.counts import (
    answered_text,
    answers_text,
    integrity_note,
    unanswered_text,
    voice_note,
)
from pni.render.markdown import md_inline as md_escape

if TYPE_CHECKING:
    from pni.explore.models import ExploreReport


def _q(x: float | None) -> str:
    if x is None or x != x:
        return ""
    return "< 0.001" if x < 0.001 else f"{x:.3f}"


def _n(x: Any) -> str:
    return f"{x:.3g}" if isinstance(x, float) else str(x)


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(md_escape(h) for h in head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(md_escape(c) for c in r) + " |" for r in rows]
    return [*out, ""]


def render(report: ExploreReport) -> str:
    """The report as one Markdown document."""
    r = report
    L: list[str] = ["# Catalysis report", ""]
    meta = f"{r.n_stories} stories"
    if r.run:
        meta += f"; cluster run {r.run['id']} ({r.run['created_at']}), {len(r.patterns)} patterns"
    meta += (f"; {len(r.tests)} tests, {sum(t.notable for t in r.tests)} notable; generated "
             f"{r.generated_at} by pni {r.pni_version}.")
    L += [meta, ""]
    p = r.params
    mc = int(p["min_cell"])
    L += [f"Settings: minimum subset {p['min_subset']} stories (answer lens), minimum pattern "
          f"{p['min_pattern']} stories (pattern lens), q <= {p['q_threshold']}"
          + (f"; lumped: {'; '.join(p['lumps'])}" if p.get("lumps") else "") + ".", ""]
    for n in r.notes:
        L += [f"> {md_escape(n)}", ""]
    L += [f"> **Read with care.** {md_escape(r.caution)}", ""]

    ig = r.integrity
    L += ["## 1. Data integrity", "",
          f"{ig.stories} stories from {ig.tellers} tellers; {ig.stories_without_teller} without a "
          f"known teller; {ig.stories_without_answers} with no answers. Consent: "
          + ", ".join(f"{k} {shown_count(v, mc)}" for k, v in ig.consent.items()) + ".", ""]
    L += [f"- **{md_escape(f)}**" for f in ig.flags] or ["Nothing flagged."]
    L += [""]
    L += _table(["Question", "Kind", "About", "Answered", "Unanswered", "Mean", "Median", "SD",
                 "Answers"],
                [[f"{q.text} ({q.id})", q.kind, q.about, answered_text(q),
                  unanswered_text(q),
                  "" if q.mean is None else _n(q.mean), "" if q.median is None else _n(q.median),
                  "" if q.sd is None else _n(q.sd), answers_text(q, mc)]
                 for q in ig.questions])
    note = integrity_note(ig, mc)
    L += [md_escape(note), ""] if note else []

    if r.patterns:
        L += ["## 2. Patterns", ""]
        L += _table(["#", "Pattern", "Stories", "Loosely held", "Stability", "Keywords"],
                    [[x["number"], x["title"] + _remark(r, x["number"]), x["size"], x.get("n_loose") or "",
                      "" if x.get("stability") is None else f"{x['stability']:.2f}",
                      ", ".join(x.get("keywords", []))] for x in r.patterns])
        L += ["Stability: how often a pattern's stories stayed together across the computer's"
              " seeded re-runs (1.00: always). Loosely held: stories few of whose nearest"
              " stories share their pattern, or that the re-runs put elsewhere.", ""]
        L += ["The story map is in the HTML report (`pni explore --html FILE`).", ""]

    L += ["## 3. Observations", ""]
    if r.curation is not None:
        L += _curated(r)
    else:
        L += [f"Results with q <= {p['q_threshold']} and at least a small effect, in the order "
              "to review them: by q, then effect size, then stories; one that says much the "
              "same as one above it is listed under it. The interpretations are questions for "
              "the group, not conclusions.", ""]
        if not r.observations:
            L += ["No result passed the threshold.", ""]
        L += _queue(r)

    if r.heatmaps:
        L += ["## 4. Patterns x answers", "",
              "Stories per pattern and answer (adjusted residual in brackets).", ""]
        for h in r.heatmaps:
            why = h.why or [[None] * len(h.cols) for _ in h.rows]
            L += [f"**{md_escape(h.label)}**", ""]
            L += _table(["Pattern", *h.cols],
                        [[row, *[shown_count(None, mc, w) if c is None or res is None else
                                 f"{c} ({res:+.1f})" for c, res, w in
                                 zip(h.counts[i], h.residuals[i], why[i], strict=True)]]
                         for i, row in enumerate(h.rows)])
            note = cells_note(mc, {w for wr in why for w in wr})
            L += [md_escape(note), ""] if note else []

    if r.charts is not None:
        from pni.explore.charts import chart_counts

        made = [k if k == "correlation map" else f"{n} {k[:-1] if n == 1 else k}"
                for k, n in chart_counts(r.charts).items() if n]
        if made:
            L += ["NarraFirma's further charts are in the HTML report (`--html`): "
                  + ", ".join(made) + ".", ""]

    v = r.voices
    L += ["## 5. Voices", "",
          f"Declared groups with no stories, or fewer than {v.few}, are flagged.", ""]
    L += [f"- **{md_escape(f)}**" for f in v.flags] + ([""] if v.flags else [])
    for d in v.dimensions:
        L += [f"**{md_escape(d.label)}**", ""]
        L += _table(["Group", "Stories", "Tellers", "Share", "Flag"],
                    [[g.value, shown_count(g.stories, mc, g.why),
                      "" if g.tellers is None else g.tellers,
                      "" if g.share is None else f"{g.share:.0%}", g.flag or ""]
                     for g in d.groups])
        note = voice_note(d, mc)
        L += [md_escape(note), ""] if note else []
    if v.patterns:
        L += ["Each pattern's teller mix (share of its stories; the whole run last):", ""]
        for d in v.dimensions:
            cols = [c["value"] for c in v.patterns[0].mix.get(d.id, [])]
            if len(cols) < 2:
                continue
            rows = [[f"{pm.number}. {pm.title}",
                     *[shown_count(None, mc, c.get("why")) if c["share"] is None
                       else f"{c['share']:.0%}" for c in pm.mix[d.id]]] for pm in v.patterns]
            rows.append(["all stories of the run",
                         *[shown_count(None, mc) if c["whole_share"] is None else
                           f"{c['whole_share']:.0%}" for c in v.patterns[0].mix[d.id]]])
            L += _table([d.label, *cols], rows)
            note = cells_note(mc, {c.get("why") for pm in v.patterns for c in pm.mix[d.id]})
            L += [md_escape(note), ""] if note else []

    if r.sessions:
        from pni.record.returns import ReturnPage
        from pni.render.return_page import sessions_md

        L += ["## What the sessions made", "",
              "What the groups recorded with `pni record`: the stories and patterns that stood "
              "out, what they built, what they found and would do, with card codes.", ""]
        L += sessions_md(ReturnPage.model_validate({"sessions": r.sessions}), level=3)

    L += ["## 6. Every test", "",
          f"{len(r.tests)} tests; Benjamini-Hochberg q-values across all of them; "
          f"{len(r.skipped)} comparisons not tested (groups too small, or a statistic not shown "
          "because a cell is under the small-cell threshold; listed below).", ""]
    L += _table(["Lens", "Comparison", "Test", "Statistic", "p", "q", "Effect", "Magnitude", "n"],
                [[t.lens, f"{t.a_label} x {t.b_label}"
                  + (f" (\"{t.detail['answer_a']}\" vs \"{t.detail['answer_b']}\")"
                     if "answer_a" in t.detail else ""),
                  t.test, f"{t.statistic_name} = {_n(t.statistic)}", _q(t.p), _q(t.q),
                  f"{t.effect_name} {_n(t.effect)}", t.magnitude, t.n] for t in r.tests])
    if r.skipped:
        L += ["**Not tested**", ""]
        L += _table(["Lens", "Comparison", "Why"], [[s.lens, f"{s.a} x {s.b}", s.reason]
                                                    for s in r.skipped])
    return "\n".join(L).rstrip() + "\n"


def write(report: ExploreReport, path: str | Path) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render(report), encoding="utf-8")
    return p


def _behind(r: ExploreReport, ids: list[str]) -> list[str]:
    if not ids:
        return []
    L = [f"Stories behind it ({len(ids)}):", ""]
    def code(sid: str) -> str:
        return str(r.stories.get(sid, {}).get("code") or sid)

    for sid in ids[:8]:
        s = r.stories.get(sid, {})
        L.append(f"- **{md_escape(code(sid))}** {md_escape(s.get('title') or '')}: "
                 f"{md_escape(s.get('first_line', ''))}")
    if len(ids) > 8:
        L.append(f"- also: {', '.join(code(sid) for sid in ids[8:])}")
    return [*L, ""]


def _auto(r: ExploreReport, o: Any) -> list[str]:
    """One of pni's observations: text, numbers, interpretations, stories."""
    L = [f"### {o.rank}. {md_escape(o.text)}", "",
         f"*{o.numbers.get('test')}; q {_q(o.q)}; p {_q(o.numbers.get('p'))}; "
         f"{(o.effect_name or '').replace('_', ' ')} {_n(o.effect)} ({o.magnitude}); "
         f"n {o.numbers.get('n')}; {o.lens} lens"
         + (f"; {o.numbers['note']}" if o.numbers.get("note") else "")
         + (f"; {o.numbers['related_tests']} related test(s)"
            if o.numbers.get("related_tests") else "") + "*", "",
         "What might this mean?", ""]
    L += [f"- {md_escape(i)}" for i in o.interpretations] + [""]
    return L + _behind(r, o.story_ids)


def _curated(r: ExploreReport) -> list[str]:
    """The catalyst's observations (catalysis.yaml), by perspective; new candidates after."""
    from pni.explore.curation import group

    c = r.curation
    assert c is not None
    name = Path(c.path).name
    L = [f"The catalyst's observations, kept in `{name}` and grouped by perspective"
         + (f" ({c.hidden} hidden by the catalyst, not shown)" if c.hidden else "")
         + ". The interpretations are questions for the group, not conclusions.", ""]
    L += [f"- {md_escape(u)}" for u in c.unmatched] + ([""] if c.unmatched else [])
    for persp, items in group(c):
        L += [f"### Perspective: {md_escape(persp)}" if persp else
              "### Not yet in a perspective", ""]
        if persp and c.perspectives.get(persp):
            L += [f"*{md_escape(c.perspectives[persp])}*", ""]
        for o in items:
            L += [f"#### {md_escape(o.title or o.id)}", "", md_escape(o.text), ""]
            nums = [f"strength {o.strength} of 3"] if o.strength else []
            if o.test_id:
                nums.append(f"q {_q(o.q)}; {(o.effect_name or '').replace('_', ' ')} "
                            f"{_n(o.effect)} ({o.magnitude})")
            else:
                nums.append("written by the catalyst")
            L += [f"*{'; '.join(nums)}*", "", "What might this mean?", ""]
            L += [f"- **{md_escape(i.name)}:** {md_escape(i.text)}" if i.name else
                  f"- {md_escape(i.text)}" for i in o.interpretations] + [""]
            L += _behind(r, o.story_ids)
    if c.new:
        L += [f"### New candidates, not yet in `{name}`", ""]
        L += _queue(r, set(c.new))
    return L


def _remark(r: ExploreReport, number: int) -> str:
    rm = r.curation.remarkable.get(number) if r.curation else None
    return f" (remarkable: {rm})" if rm else ""


def _queue(r: ExploreReport, only: set[int] | None = None) -> list[str]:
    """pni's observations in review order (``pni.explore.review``): each lead, the ones that
    say much the same under it, and the pairs of questions that may measure the same thing
    apart, last."""
    by_rank = {o.rank: o for o in r.observations}
    review = r.review or [o.rank for o in r.observations]
    L: list[str] = []
    flagged = False
    for same in (False, True):
        for rank in review:
            o = by_rank[rank]
            if o.same_measure != same or (only is not None and rank not in only):
                continue
            if same and not flagged:
                flagged = True
                L += ["### Questions that may measure the same thing", "",
                      "These pairs of questions go together so strongly (epsilon squared 0.5 "
                      "or more, rho or Cramer's V 0.7 or more, rank-biserial 0.9 or more) that "
                      "they may ask the same thing twice: check what each asks before reading "
                      "them as a finding.", ""]
            L += _auto(r, o)
            more = [d for d in r.observations if d.duplicate_of == rank
                    and (only is None or d.rank in only)]
            for d in more:
                L += [f"*Says much the same as {rank} ({d.duplicate_why}):*", "", *_auto(r, d)]
    return L
