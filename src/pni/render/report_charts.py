"""NarraFirma's chart set in the HTML report as inline SVG (``pni.explore.charts`` computes
them). Readable in black and white: the sign of a residual or a correlation is a hatching as
well as a colour, the mean and the spread are marks (a triangle and a bar), and a hidden bin,
cell or point is an outlined box that reads ``<5`` or ``hidden``, never an empty space.

Every shown mark carries ``data-selects`` (its stories in the story browser); a hidden one
carries none.

>>> from pni.explore.models import Bin, Histogram
>>> "data-selects" in svg_small_hist(Histogram(bins=[Bin(label="1", count=None, why="small")]),
...                                  hidden="<5")
False
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from pni.privacy.cells import COMPLEMENT, COMPLEMENT_TEXT

if TYPE_CHECKING:
    from pni.explore.models import (
        ContingencyHistogram,
        CorrelationMap,
        Histogram,
        IntegrityGraph,
        Scatter,
    )

#: The hatchings every chart may use (one hidden <svg> of <pattern>s): ``up`` for positive
#: (more than expected, a positive rho), ``down`` for negative, ``dots`` for a hidden cell.
DEFS = Markup(
    '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false" '
    'style="position:absolute"><defs>'
    '<pattern id="hatch-up" patternUnits="userSpaceOnUse" width="7" height="7" '
    'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="7" stroke="#000" '
    'stroke-width="1.3" stroke-opacity=".55"/></pattern>'
    '<pattern id="hatch-down" patternUnits="userSpaceOnUse" width="7" height="7" '
    'patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="7" stroke="#000" '
    'stroke-width="1.3" stroke-opacity=".55"/></pattern>'
    '<pattern id="hatch-dots" patternUnits="userSpaceOnUse" width="6" height="6">'
    '<circle cx="3" cy="3" r="1" fill="#777"/></pattern>'
    '</defs></svg>')


def selects(flt: dict[str, Any] | None) -> Markup:
    """The ``data-selects`` attribute of a chart mark: the JSON filter the story browser applies
    when the mark is clicked (``{"pattern": 3}``, ``{"question": "school", "answer": "..."}``);
    nothing for None (a mark that must not select: a cell the small-cell rule hides)."""
    if flt is None:
        return Markup("")
    keys = "" if "story" in flt else ' tabindex="0" role="button"'  # the map's dots: mouse only
    return Markup(' data-selects="{}"' + keys).format(
        json.dumps(flt, ensure_ascii=False, separators=(",", ":")))


def residual_colour(r: float) -> str:
    """Diverging: blue below expectation, red above, white at independence (clipped at |4|)."""
    t = max(-1.0, min(1.0, r / 4))
    if t >= 0:
        g = int(255 - 150 * t)
        return f"rgb(255,{g},{int(255 - 175 * t)})"
    t = -t
    return f"rgb({int(255 - 175 * t)},{int(255 - 110 * t)},255)"


def _sel(flt: dict[str, Any] | None) -> Markup:
    return selects(flt)


def _mark(why: str | None, hidden: str) -> str:
    return COMPLEMENT_TEXT if why == COMPLEMENT else hidden


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def svg_small_hist(h: Histogram, width: int = 220, height: int = 120, hidden: str = "",
                   title: str = "") -> Markup:
    """One group's histogram: a bar per bin with its count; the mean as a triangle under the
    axis and one standard deviation either side as a bar, so it reads without colour."""
    k = len(h.bins) or 1
    base, top = height - 30, 16
    bw = (width - 20) / k
    peak = max((b.count or 0 for b in h.bins), default=0) or 1
    parts = [f'<svg class="hist mh" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title or h.group)}">',
             f'<text x="4" y="11" class="small">{escape(_short(h.group, 40))}'
             f'{"" if h.n is None else f" (n = {h.n})"}<title>{escape(h.group)}</title></text>',
             f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" class="axis"/>']
    if h.suppressed:
        parts.append(f'<rect x="10" y="{top}" width="{width - 20}" height="{base - top}" '
                     f'fill="url(#hatch-dots)" class="hidden-cell"/>'
                     f'<text x="{width / 2}" y="{(base + top) / 2}" text-anchor="middle">'
                     f'{escape(hidden)} tellers: hidden</text></svg>')
        return Markup("".join(parts))
    for i, b in enumerate(h.bins):
        x = 10 + i * bw
        if b.count is None:
            parts.append(f'<rect x="{x + 1.5:.1f}" y="{base - 14}" width="{bw - 3:.1f}" '
                         f'height="14" fill="url(#hatch-dots)" class="hidden-cell" '
                         f'stroke="#999"><title>{escape(b.label)}: '
                         f'{escape(_mark(b.why, hidden))}</title></rect>'
                         f'<text x="{x + bw / 2:.1f}" y="{base - 17}" text-anchor="middle" '
                         f'class="tiny">{escape(_mark(b.why, hidden))}</text>')
        elif b.count:
            bh = (base - top - 10) * b.count / peak
            parts.append(f'<rect x="{x + 1.5:.1f}" y="{base - bh:.1f}" width="{bw - 3:.1f}" '
                         f'height="{bh:.1f}" class="bar"{_sel(b.selects if b.count else None)}>'
                         f'<title>{escape(b.label)}: {b.count}</title></rect>'
                         f'<text x="{x + bw / 2:.1f}" y="{base - bh - 2:.1f}" '
                         f'text-anchor="middle" class="tiny">{b.count}</text>')
        else:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{base - 2}" text-anchor="middle" '
                         'class="tiny">0</text>')
        parts.append(f'<text x="{x + bw / 2:.1f}" y="{base + 11}" text-anchor="middle" '
                     f'class="tiny">{escape(_short(b.label, 7))}</text>')
    pos = _position(h)
    if pos is not None and h.mean is not None:
        mx = 10 + pos(h.mean) * bw
        if h.sd is not None:
            lo, hi = 10 + pos(h.mean - h.sd) * bw, 10 + pos(h.mean + h.sd) * bw
            parts.append(f'<line x1="{lo:.1f}" y1="{base + 19}" x2="{hi:.1f}" y2="{base + 19}" '
                         'class="sd"/>')
        parts.append(f'<path d="M{mx:.1f},{base + 14} l-4,8 h8 z" class="mean">'
                     f'<title>mean {h.mean:g}'
                     f'{"" if h.sd is None else f", SD {h.sd:g}"}</title></path>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _position(h: Histogram) -> Any:
    """value -> position in bins (0 at the first bin's left edge), from the bins' values."""
    pts = [(i, b.lo, b.hi) for i, b in enumerate(h.bins) if b.lo is not None]
    if not pts:
        return None
    labels = [b.label for b in h.bins]
    try:
        vals = [float(x) for x in labels]
    except ValueError:
        vals = [((b.lo or 0) + (b.hi or 0)) / 2 if b.lo is not None else float("nan")
                for b in h.bins]
        known = [(i, v) for i, v in enumerate(vals) if v == v]
        if len(known) < 2:
            return None
        (i0, v0), (i1, v1) = known[0], known[-1]
        step = (v1 - v0) / ((i1 - i0) or 1) or 1.0
        return lambda v: (v - v0) / step + i0 + 0.5
    step = (vals[-1] - vals[0]) / ((len(vals) - 1) or 1) or 1.0
    return lambda v: max(0.0, min(len(vals), (v - vals[0]) / step + 0.5))


def svg_contingency(ch: ContingencyHistogram, hidden: str = "", cell: int = 84) -> Markup:
    """Rows x columns; each shown cell holds a small histogram of the scale (hidden bins as a
    dotted stub) and its count and mean; a hidden cell is dotted and reads its mark."""
    left, top, chh = 170, 86, 58
    w = left + cell * len(ch.cols) + 10
    h = top + chh * len(ch.rows) + 10
    k = len(ch.bins) or 1
    parts = [f'<svg class="ch" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
             f'aria-label="{escape(ch.scale_label)} by {escape(ch.a_label)} and '
             f'{escape(ch.b_label)}">']
    for j, c in enumerate(ch.cols):
        x = left + j * cell + cell / 2
        parts.append(f'<text transform="translate({x:.1f},{top - 6}) rotate(-35)">'
                     f'{escape(_short(c, 18))}<title>{escape(c)}</title></text>')
    for i, r in enumerate(ch.rows):
        y = top + i * chh
        parts.append(f'<text x="{left - 6}" y="{y + chh * 0.55:.1f}" text-anchor="end">'
                     f'{escape(_short(r, 26))}<title>{escape(r)}</title></text>')
        for j, c in enumerate(ch.cols):
            x = left + j * cell
            cl = ch.cells[i][j]
            if cl.count is None:
                m = _mark(cl.why, hidden)
                parts.append(f'<rect x="{x}" y="{y:.1f}" width="{cell - 3}" height="{chh - 3}" '
                             f'fill="url(#hatch-dots)" stroke="#bbb" class="hidden-cell">'
                             f'<title>{escape(r)} / {escape(c)}: {escape(m)}</title></rect>'
                             f'<text x="{x + cell / 2:.1f}" y="{y + chh / 2 + 4:.1f}" '
                             f'text-anchor="middle" class="cell">{escape(m)}</text>')
                continue
            what = (f"{cl.count} stories" + ("" if cl.mean is None else f", mean {cl.mean:g}"))
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{cell - 3}" height="{chh - 3}" '
                         f'class="chcell"{_sel(cl.selects if cl.count else None)}>'
                         f'<title>{escape(r)} / {escape(c)}: {escape(what)}</title></rect>')
            peak = max((b or 0 for b in cl.bins), default=0) or 1
            bw = (cell - 9) / k
            d = []
            for b, v in enumerate(cl.bins):
                bx = x + 3 + b * bw
                if v is None:
                    parts.append(f'<rect x="{bx:.1f}" y="{y + chh - 18:.1f}" '
                                 f'width="{bw - 1:.1f}" height="9" fill="url(#hatch-dots)" '
                                 'class="mini-hidden"/>')
                elif v:
                    bh = 30 * v / peak
                    d.append(f"M{bx:.1f},{y + chh - 9:.1f}v{-bh:.1f}h{bw - 1:.1f}v{bh:.1f}z")
            if d:
                parts.append(f'<path d="{"".join(d)}" class="mini"/>')
            parts.append(f'<text x="{x + 3}" y="{y + 11:.1f}" class="tiny">{cl.count}'
                         f'{"" if cl.mean is None else f" · {cl.mean:.1f}"}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


#: marker shapes, so that panels and series read in black and white: circle, square, triangle,
#: diamond (a path of unit size around 0,0)
SHAPES = ["circle", "square", "triangle", "diamond"]


def shape_mark(kind: str, cx: float, cy: float, r: float, attrs: str, title: str) -> str:
    """A marker of one of ``SHAPES`` centred on (cx, cy), ``attrs`` added, with a tooltip
    (``title``, already escaped; none when empty)."""
    tip = f"<title>{title}</title>" if title else ""
    if kind == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}"{attrs}>{tip}</circle>'
    if kind == "square":
        return (f'<rect x="{cx - r:.1f}" y="{cy - r:.1f}" width="{2 * r:.1f}" '
                f'height="{2 * r:.1f}"{attrs}>{tip}</rect>')
    if kind == "triangle":
        d = f"M{cx:.1f},{cy - r * 1.2:.1f}L{cx + r * 1.1:.1f},{cy + r * .8:.1f}" \
            f"L{cx - r * 1.1:.1f},{cy + r * .8:.1f}Z"
    else:
        d = f"M{cx:.1f},{cy - r * 1.3:.1f}L{cx + r * 1.3:.1f},{cy:.1f}" \
            f"L{cx:.1f},{cy + r * 1.3:.1f}L{cx - r * 1.3:.1f},{cy:.1f}Z"
    return f'<path d="{d}"{attrs}>{tip}</path>'


def svg_scatter(sc: Scatter, hidden: str = "", width: int = 300, height: int = 260,
                shape: str = "circle") -> Markup:
    """Stories placed by two scales, one mark per position sized by its count (area), the
    count beside it; a hidden position is a small dotted box that reads its mark."""
    import math

    left, bottom, pad, inner = 40, 36, 14, 16
    (x0, x1), (y0, y1) = sc.x_range, sc.y_range
    sx = (width - left - pad - 2 * inner) / ((x1 - x0) or 1)
    sy = (height - bottom - pad - 14 - 2 * inner) / ((y1 - y0) or 1)
    head = sc.group or f"{_short(sc.y_label, 30)} × {_short(sc.x_label, 30)}"
    parts = [f'<svg class="scatter" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(head)}">',
             f'<text x="4" y="11" class="small">{escape(_short(head, 46))}'
             f'{"" if sc.n is None else f" (n = {sc.n})"}<title>{escape(head)}</title></text>',
             f'<rect x="{left}" y="{pad + 14}" width="{width - left - pad}" '
             f'height="{height - bottom - pad - 14}" class="plot"/>']
    if sc.suppressed:
        parts.append(f'<text x="{(width + left) / 2}" y="{height / 2}" text-anchor="middle">'
                     f'{escape(hidden)} tellers: hidden</text></svg>')
        return Markup("".join(parts))
    peak = max((p.count or 0 for p in sc.points), default=0) or 1
    for p in sc.points:
        cx = left + inner + (p.x - x0) * sx
        cy = height - bottom - inner - (p.y - y0) * sy
        where = f"{escape(sc.x_label)} {escape(p.x_label)}, {escape(sc.y_label)} {escape(p.y_label)}"
        if p.count is None:
            m = escape(_mark(p.why, hidden))
            parts.append(f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" '
                         f'fill="url(#hatch-dots)" stroke="#999" class="hidden-cell">'
                         f'<title>{where}: {m}</title></rect>'
                         f'<text x="{cx + 7:.1f}" y="{cy + 3:.1f}" class="tiny">{m}</text>')
            continue
        r = 3 + 9 * math.sqrt(p.count / peak)
        parts.append(shape_mark(shape, cx, cy, r, f' class="pt"{_sel(p.selects)}',
                            f"{where}: {p.count} stories"))
        parts.append(f'<text x="{cx + r + 2:.1f}" y="{cy + 3:.1f}" class="tiny">{p.count}</text>')
    parts.append(f'<text x="{(width + left) / 2}" y="{height - 4}" text-anchor="middle" '
                 f'class="small">{escape(_short(sc.x_label, 50))}</text>'
                 f'<text transform="translate(11,{(height - bottom) / 2 + 14}) rotate(-90)" '
                 f'text-anchor="middle" class="small">{escape(_short(sc.y_label, 34))}</text>'
                 f'<text x="{left + inner}" y="{height - bottom + 12}" text-anchor="middle" '
                 f'class="tiny">{x0:g}</text>'
                 f'<text x="{width - pad - inner}" y="{height - bottom + 12}" '
                 f'text-anchor="middle" class="tiny">{x1:g}</text>'
                 f'<text x="{left - 3}" y="{height - bottom - inner + 3}" text-anchor="end" '
                 f'class="tiny">{y0:g}</text>'
                 f'<text x="{left - 3}" y="{pad + 14 + inner + 3}" text-anchor="end" '
                 f'class="tiny">{y1:g}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def rho_colour(r: float) -> str:
    """Diverging like the residuals: red for a positive rho, blue for a negative one."""
    return residual_colour(r * 4)


def svg_correlation(cm: CorrelationMap, fmt_q: Any, cell: int = 76) -> Markup:
    """Spearman's rho for each pair of scale questions: colour and hatching by sign (up for
    positive, down for negative, denser with a larger rho), rho and q printed in the cell."""
    k = len(cm.questions)
    left, top = 200, 100
    w, h = left + cell * k + 10, top + cell * 0.6 * k + 10
    ch = cell * 0.6
    parts = [f'<svg class="corr" viewBox="0 0 {w} {h:.0f}" width="{w}" height="{h:.0f}" '
             'role="img" aria-label="Correlation map">']
    for j, lab in enumerate(cm.labels):
        parts.append(f'<text transform="translate({left + j * cell + cell / 2:.1f},{top - 6}) '
                     f'rotate(-30)">{escape(_short(lab, 24))}<title>{escape(lab)}</title></text>')
    for i, lab in enumerate(cm.labels):
        y = top + i * ch
        parts.append(f'<text x="{left - 6}" y="{y + ch * 0.6:.1f}" text-anchor="end">'
                     f'{escape(_short(lab, 30))}<title>{escape(lab)}</title></text>')
        for j in range(k):
            x = left + j * cell
            r = cm.rho[i][j]
            if i == j:
                parts.append(f'<rect x="{x}" y="{y:.1f}" width="{cell - 2}" height="{ch - 2:.1f}" '
                             'fill="#f3f3f3"/>')
                continue
            if r is None:
                parts.append(f'<rect x="{x}" y="{y:.1f}" width="{cell - 2}" height="{ch - 2:.1f}" '
                             f'fill="url(#hatch-dots)"><title>not computed (n = {cm.n[i][j]})'
                             '</title></rect>')
                continue
            q = cm.q[i][j]
            qs = "not tested" if q is None else f"q {fmt_q(q)}"
            sel = cm.selects[i][j] if cm.selects else None
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{cell - 2}" height="{ch - 2:.1f}" '
                         f'fill="{rho_colour(r)}" class="corrcell"{_sel(sel)}>'
                         f'<title>{escape(cm.labels[i])} × {escape(cm.labels[j])}: rho {r:+.2f}, '
                         f'{escape(qs)}, n = {cm.n[i][j]}</title></rect>')
            if abs(r) >= 0.1:
                parts.append(f'<rect x="{x}" y="{y:.1f}" width="{cell - 2}" '
                             f'height="{ch - 2:.1f}" fill="url(#hatch-{"up" if r > 0 else "down"})" '
                             f'opacity="{min(1.0, 0.3 + abs(r)):.2f}" class="hatch"/>')
            parts.append(f'<text x="{x + cell / 2 - 1:.1f}" y="{y + ch * 0.42:.1f}" '
                         f'text-anchor="middle" class="cell">{r:+.2f}</text>'
                         f'<text x="{x + cell / 2 - 1:.1f}" y="{y + ch * 0.8:.1f}" '
                         f'text-anchor="middle" class="tiny">{escape(qs)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def svg_integrity(g: IntegrityGraph, hidden: str = "", width: int = 460) -> Markup:
    """A data-integrity graph: vertical bins (values) or horizontal bars (questions)."""
    from pni.explore.models import Histogram

    if g.unit != "stories":
        h = Histogram(group=f"{g.name} ({g.unit})", n=g.n, mean=g.mean, sd=g.sd, bins=g.bins)
        return svg_small_hist(h, width=width, height=150, hidden=hidden, title=g.name)
    bar, label_w = 18, 220
    peak = max((b.count or 0 for b in g.bins), default=0) or 1
    hh = bar * len(g.bins) + 6
    parts = [f'<svg class="bars integrity" viewBox="0 0 {width} {hh}" width="{width}" '
             f'height="{hh}" role="img" aria-label="{escape(g.name)}">']
    for i, b in enumerate(g.bins):
        y = 3 + i * bar
        parts.append(f'<text x="{label_w - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end">'
                     f'{escape(_short(b.label, 32))}<title>{escape(b.label)}</title></text>')
        if b.count is None:
            parts.append(f'<rect x="{label_w}" y="{y + 2}" width="24" height="{bar - 5}" '
                         f'fill="url(#hatch-dots)" stroke="#999" class="hidden-cell"/>'
                         f'<text x="{label_w + 28}" y="{y + bar * 0.7:.1f}">'
                         f'{escape(_mark(b.why, hidden))}</text>')
            continue
        w = (width - label_w - 40) * b.count / peak
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{bar - 5}" '
                     f'class="bar"{_sel(b.selects if b.count else None)}>'
                     f'<title>{escape(b.label)}: {b.count}</title></rect>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + bar * 0.7:.1f}">{b.count}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
