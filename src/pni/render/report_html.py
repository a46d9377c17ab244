"""The catalysis report as one self-contained HTML file: inline CSS, inline JS, inline SVG charts,
nothing loaded from the network. Story text is escaped (jinja2 autoescape, markupsafe in SVG).

>>> from markupsafe import Markup
>>> isinstance(svg_bars({"yes": 3, "no": 1}), Markup)
True
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from pni.privacy.cells import cells_note, shown_count
from pni.render.counts import (
    answered_text,
    answers_text,
    integrity_note,
    unanswered_text,
    voice_note,
)
from pni.render.report_charts import residual_colour, selects

if TYPE_CHECKING:
    from pni.explore.models import ExploreReport, Heatmap, MapPoint

#: Okabe-Ito and friends: distinguishable for most colour-blind readers.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#332288", "#117733", "#882255", "#44AA99", "#AA4499", "#999933", "#6699CC"]
NOISE = "#b9b9b9"


def colour(number: int | None) -> str:
    return NOISE if number is None else PALETTE[(number - 1) % len(PALETTE)]


def _f(x: float) -> str:
    return f"{x:.1f}"


def script_json(obj: Any) -> Markup:
    """``obj`` as JSON that is safe inside an inline ``<script>``: ``<``, ``>`` and ``&`` (so no
    ``</script>`` or ``<!--`` in story text can end or change the script) and the line
    separators U+2028/U+2029 are written as ``\\u`` escapes."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch in ("<", ">", "&", "\u2028", "\u2029"):
        s = s.replace(ch, f"\\u{ord(ch):04x}")
    return Markup(s)


def svg_map(points: list[MapPoint], width: int = 760, height: int = 480) -> Markup:
    """The 2-D story map: one circle per story, coloured by pattern; hovering shows the title and
    first line (an SVG <title>, so it works without JS)."""
    if not points:
        return Markup("")
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    pad = 18
    sx = (width - 2 * pad) / ((x1 - x0) or 1)
    sy = (height - 2 * pad) / ((y1 - y0) or 1)
    parts = [f'<svg class="map" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Story map">',
             f'<rect x="0" y="0" width="{width}" height="{height}" class="frame"/>']
    # unclustered first so patterns draw on top
    for p in sorted(points, key=lambda p: p.pattern_number is not None):
        cx = pad + (p.x - x0) * sx
        cy = height - pad - (p.y - y0) * sy
        label = p.pattern if p.pattern else "no pattern"
        tip = f"{p.title or p.story_id}\n{p.first_line}\n[{label}] {p.story_id}"
        group = "none" if p.pattern_number is None else str(p.pattern_number)
        parts.append(dot(p.pattern_number, cx, cy,
                         f' data-pattern="{group}"{selects({"story": p.story_id})}',
                         str(escape(tip))))
    parts.append("</svg>")
    return Markup("".join(parts))


def dot(number: int | None, cx: float, cy: float, attrs: str = "", title: str = "",
        r: float = 5) -> str:
    """A pattern's mark on the story map and in its legend: its colour, and (to read in black
    and white) its shape, circle, square, triangle or diamond, filled for patterns 1-4 and
    hollow for 5-8, then again; a story in no pattern is a small grey circle."""
    from pni.render.report_charts import SHAPES, shape_mark

    if number is None:
        return shape_mark("circle", cx, cy, r * 0.7, f' class="dot" fill="{NOISE}"{attrs}', title)
    k = (number - 1) % 8
    paint = (f' fill="{colour(number)}"' if k < 4 else
             f' style="fill:#fff;stroke:{colour(number)};stroke-width:2"')
    return shape_mark(SHAPES[k % 4], cx, cy, r, f' class="dot{" hollow" if k >= 4 else ""}"'
                      f'{paint}{attrs}', title)


def legend_dot(number: int | None) -> Markup:
    """The legend's swatch of a pattern: its map mark, drawn alone."""
    return Markup('<svg class="swatch" width="14" height="14" viewBox="0 0 14 14" '
                  f'aria-hidden="true">{dot(number, 7, 7, r=5)}</svg>')


def svg_bars(counts: dict[str, int | None], width: int = 460, bar: int = 18,
             hidden: str = "", question: str | None = None,
             answers: Any = ()) -> Markup:
    """Horizontal bars, one per answer, with the count at the end (a hidden one: no bar). A bar
    of one of ``answers`` (real answers of ``question``, not a merged row) selects its stories."""
    if not counts:
        return Markup("")
    label_w = 170
    top = max((v for v in counts.values() if v is not None), default=0) or 1
    h = bar * len(counts) + 6
    parts = [f'<svg class="bars" viewBox="0 0 {width} {h}" width="{width}" height="{h}" '
             '>']
    for i, (k, count) in enumerate(counts.items()):
        y = 3 + i * bar
        w = (width - label_w - 40) * (count or 0) / top
        v = escape(hidden if count is None else str(count))
        short = k if len(k) <= 26 else k[:25] + "…"
        pick = ({"question": question, "answer": k}
                if question and count is not None and k in answers else None)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end">{escape(short)}'
            f'<title>{escape(k)}</title></text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{_f(w)}" height="{bar - 5}" class="bar"'
            f'{selects(pick)}/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar * 0.7:.1f}">{v}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def svg_histogram(distribution: dict[str, int | None], width: int = 360, height: int = 140,
                  hidden: str = "", why: dict[str, str] | None = None,
                  question: str | None = None) -> Markup:
    """Vertical bars for a scale's answers, one per value (a hidden count: no bar, and its mark:
    ``hidden``, or ``why[value]``'s); a shown bin of ``question`` selects its stories."""
    if not distribution:
        return Markup("")
    n = len(distribution)
    top = max((v for v in distribution.values() if v is not None), default=0) or 1
    bw = (width - 20) / n
    base = height - 20
    parts = [f'<svg class="hist" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}">',
             f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" class="axis"/>']
    for i, (k, count) in enumerate(distribution.items()):
        x = 10 + i * bw
        mark = "hidden" if (why or {}).get(k) == "complement" else hidden
        v = escape(mark if count is None else str(count))
        bh = (base - 16) * (count or 0) / top
        pick = None
        if question and count is not None and not (why or {}).get(k):
            try:
                pick = {"question": question, "answer": float(k)}
            except ValueError:
                pick = None
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{base - bh:.1f}" width="{bw - 4:.1f}" height="{bh:.1f}" '
            f'class="bar"{selects(pick)}><title>{escape(k)}: {v}</title></rect>'
            f'<text x="{x + bw / 2:.1f}" y="{base + 14}" text-anchor="middle">{escape(k)}</text>'
            f'<text x="{x + bw / 2:.1f}" y="{base - bh - 3:.1f}" text-anchor="middle" '
            f'class="small">{v}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def svg_heatmap(hm: Heatmap, cell: int = 46, hidden: str = "", question: str | None = None,
                answers: Any = ()) -> Markup:
    """Patterns x answers: counts in the cells, colour by adjusted residual (and, to read in black
    and white, hatching up for a residual of +2 or more, down for -2 or less, dots for a hidden
    cell); a hidden cell is grey and reads ``hidden`` (fewer tellers) or "hidden" (it would
    give such a cell back). A shown
    cell selects its stories (pattern and answer); a hidden one selects nothing: listing its
    stories would give its count back."""
    left = 190
    top = 80
    w = left + cell * len(hm.cols) + 80
    h = top + cell * 0.7 * len(hm.rows) + 10
    ch = cell * 0.7
    parts = [f'<svg class="heat" viewBox="0 0 {w} {h:.0f}" width="{w}" height="{h:.0f}" '
             '>']
    for j, c in enumerate(hm.cols):
        x = left + j * cell + cell / 2
        short = c if len(c) <= 16 else c[:15] + "…"
        parts.append(f'<text transform="translate({x:.1f},{top - 6}) rotate(-40)">'
                     f'{escape(short)}<title>{escape(c)}</title></text>')
    for i, r in enumerate(hm.rows):
        y = top + i * ch
        short = r if len(r) <= 28 else r[:27] + "…"
        parts.append(f'<text x="{left - 6}" y="{y + ch * 0.65:.1f}" text-anchor="end">'
                     f'{escape(short)}<title>{escape(r)}</title></text>')
        for j, _ in enumerate(hm.cols):
            res = hm.residuals[i][j]
            n = hm.counts[i][j]
            x = left + j * cell
            pick = None
            if n is None or res is None:
                fill = "#eee"
                if hm.why and hm.why[i][j] == "complement":
                    shown, what = "hidden", "hidden so that a small group can't be worked out"
                else:
                    shown, what = escape(hidden), "fewer tellers than the small-cell rule"
            else:
                fill, shown = residual_colour(res), escape(str(n))
                what = f"{n} stories, adjusted residual {res:+.1f}"
                if question and hm.numbers and hm.cols[j] in answers:
                    pick = {"pattern": hm.numbers[i], "question": question,
                            "answer": hm.cols[j]}
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{cell - 2}" height="{ch - 2:.1f}" '
                f'fill="{fill}"{selects(pick)}><title>{escape(r)} / {escape(hm.cols[j])}: '
                f'{what}</title></rect>')
            if res is not None and abs(res) >= 2:  # readable in black and white: hatched
                parts.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{cell - 2}" height="{ch - 2:.1f}" '
                    f'fill="url(#hatch-{"up" if res > 0 else "down"})" class="hatch"/>')
            elif n is None or res is None:
                parts.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{cell - 2}" height="{ch - 2:.1f}" '
                    'fill="url(#hatch-dots)" class="hatch"/>')
            parts.append(
                f'<text x="{x + cell / 2 - 1:.1f}" y="{y + ch * 0.62:.1f}" '
                f'text-anchor="middle" class="cell">{shown}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _fmt_q(x: float | None) -> str:
    if x is None or x != x:
        return ""
    if x < 0.001:
        return "< 0.001"
    return f"{x:.3f}"


def _eq_q(x: float | None) -> str:
    """'= 0.012' or '< 0.001', to follow 'q' or 'p'."""
    s = _fmt_q(x)
    return s if s.startswith("<") else f"= {s}"


def _fmt_num(x: Any) -> str:
    if isinstance(x, float):
        if math.isnan(x):
            return ""
        return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def render(report: ExploreReport) -> str:
    """The report as one HTML document (a string)."""
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["q"] = _fmt_q
    env.filters["num"] = _fmt_num
    env.filters["eq"] = _eq_q
    mc = int(report.params["min_cell"])
    from pni.explore.data import column_for

    facets = {f.key: f for f in (report.browser.facets if report.browser else [])}

    def fvals(key: str) -> set[Any]:
        f = facets.get(key)
        return set() if f is None else {v for v in f.values if v is not None}

    browser = None
    if report.browser is not None:
        browser = script_json(report.browser.model_dump(mode="json"))
    from pni.render import report_charts as rc

    env.globals.update(svg_small_hist=rc.svg_small_hist, svg_contingency=rc.svg_contingency,
                       svg_scatter=rc.svg_scatter, svg_correlation=rc.svg_correlation,
                       svg_integrity=rc.svg_integrity, shapes=rc.SHAPES, defs=rc.DEFS,
                       fmt_q=_fmt_q)
    env.globals.update(fkey=column_for, fvals=fvals, selects=selects, svg_map=svg_map, legend_dot=legend_dot, svg_bars=svg_bars, svg_histogram=svg_histogram,
                       svg_heatmap=svg_heatmap, colour=colour, noise=NOISE,
                       answered_text=answered_text, unanswered_text=unanswered_text,
                       answers_text=answers_text, integrity_note=integrity_note,
                       voice_note=voice_note, cells_note=cells_note,
                       shown=lambda v, why=None: shown_count(v, mc, why))
    from pni.record.returns import ReturnPage
    from pni.render.return_page import sessions_html

    env.globals["sessions_html"] = lambda sessions: Markup(sessions_html(
        ReturnPage.model_validate({"sessions": sessions}), level=3))
    tpl = env.get_template("report.html.j2")
    from pni.explore.curation import group

    groups = group(report.curation) if report.curation else []
    by_rank = {o.rank: o for o in report.observations}
    dups: dict[int, list[Any]] = {}
    for o in report.observations:
        if o.duplicate_of is not None:
            dups.setdefault(o.duplicate_of, []).append(o)
    review = report.review or [o.rank for o in report.observations]
    return tpl.render(r=report, mc=mc, hidden=shown_count(None, mc), browser=browser,
                      curated_groups=groups, by_rank=by_rank, dups=dups, review=review,
                      notable=sum(1 for t in report.tests if t.notable))


def write(report: ExploreReport, path: str | Path) -> Path:
    """Write the HTML report to ``path`` (parent folders created)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render(report), encoding="utf-8")
    return p
