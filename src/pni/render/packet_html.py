"""Packet -> one self-contained HTML file with print CSS (page breaks, cut lines, writing space).
Story text is escaped by jinja2's autoescape; nothing loads from the network. An observation's
chart is drawn as inline SVG (``chart_svg``) beside the table of its numbers."""

from __future__ import annotations

from html import escape
from itertools import count
from math import sqrt
from pathlib import Path

from pni.packet.model import ObsChart, Packet

TEMPLATE = "packet.html.j2"
INK = "#1e1e1e"
#: a series is a fill pattern, as on paper: solid, hatched, dotted (never colour alone)
_FILLS = [
    ("solid", f'<rect width="6" height="6" fill="{INK}"/>'),
    ("up", f'<path d="M0,6 L6,0" stroke="{INK}" stroke-width="1"/>'),
    ("dots", f'<circle cx="2" cy="2" r="1" fill="{INK}"/>'),
    ("down", f'<path d="M0,0 L6,6" stroke="{INK}" stroke-width="1"/>'),
    ("flat", f'<path d="M0,3 L6,3" stroke="{INK}" stroke-width="1"/>'),
    ("empty", '<rect width="6" height="6" fill="#fff"/>'),
    ("tall", f'<path d="M3,0 L3,6" stroke="{INK}" stroke-width="1"/>'),
    ("light", '<rect width="6" height="6" fill="#aaa"/>'),
]
_ids = count(1)


def _t(x: float, y: float, text: str, size: float = 9, anchor: str = "middle",
       bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
            f'{weight}>{escape(text)}</text>')


def _hidden(x: float, y: float, w: float, h: float, label: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="none" '
            f'stroke="{INK}" stroke-dasharray="1.5,1.5"/>' + _t(x + w / 2, y + h / 2 + 3, label, 7))


def chart_svg(c: ObsChart) -> str:
    """The chart as an inline SVG: every label escaped, every count printed, a hidden count a
    dotted box reading its mark ("<5", "hidden")."""
    k = next(_ids)
    defs = "".join(f'<pattern id="f{k}-{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
                   f"{body}</pattern>" for i, (_, body) in enumerate(_FILLS))
    parts, (w, h) = {"bars": _bars, "histograms": _histograms, "grid": _grid}[c.kind](c, k)
    return (f'<svg class="chart" role="img" aria-label="{escape(c.title)}" width="{w:.0f}" '
            f'height="{h:.0f}" viewBox="0 0 {w:.0f} {h:.0f}" font-family="serif">'
            f"<defs>{defs}</defs>{''.join(parts)}</svg>")


def _fill(k: int, i: int) -> str:
    return f"url(#f{k}-{i % len(_FILLS)})"


def _peak(c: ObsChart, with_expected: bool = False) -> float:
    vals = [max(x.count or 0, (x.expected or 0) if with_expected else 0)
            for row in c.cells for x in row]
    return max([1.0, *vals])


def _bars(c: ObsChart, k: int) -> tuple[list[str], tuple[float, float]]:
    H, top, S = 90.0, 16.0, max(1, len(c.series))
    bw = min(24.0, 560.0 / max(1, len(c.groups)) / S)
    gw = bw * S
    peak = _peak(c, with_expected=True)
    out: list[str] = []
    base = top + H
    for g, (name, row) in enumerate(zip(c.groups, c.cells, strict=False)):
        x0 = 10 + g * (gw + 20)
        for s, cell in enumerate(row):
            x = x0 + s * bw + 2
            if cell.count is None:
                out.append(_hidden(x, base - 22, bw - 4, 22, cell.shown))
                continue
            bh = H * cell.count / peak
            eh = H * (cell.expected or 0) / peak
            out.append(f'<rect x="{x:.1f}" y="{base - bh:.1f}" width="{bw - 4:.1f}" '
                       f'height="{bh:.1f}" fill="{_fill(k, s)}" stroke="{INK}"/>')
            if cell.expected is not None:
                out.append(f'<rect x="{x - 2:.1f}" y="{base - eh - 1.5:.1f}" width="{bw:.1f}" '
                           f'height="3" fill="#fff" stroke="{INK}"/>')
            out.append(_t(x + (bw - 4) / 2, base - max(bh, eh) - 4, cell.shown, 8))
        out.append(f'<line x1="{x0}" y1="{base}" x2="{x0 + gw}" y2="{base}" stroke="{INK}"/>')
        out.append(_t(x0 + gw / 2, base + 12, name, 9, bold=g in c.highlight))
    y = base + 30
    x = 10.0
    for s, name in enumerate(c.series):
        out.append(f'<rect x="{x:.1f}" y="{y - 8}" width="16" height="9" fill="{_fill(k, s)}" '
                   f'stroke="{INK}"/>')
        out.append(_t(x + 20, y, name, 8, "start"))
        x += 30 + 5 * len(name)
    width = max(10 + len(c.groups) * (gw + 20), x + 20)
    return out, (width, y + 8)


def _histograms(c: ObsChart, k: int) -> tuple[list[str], tuple[float, float]]:
    cols = min(4, max(1, len(c.groups)))
    pw, H, gap = 150.0, 60.0, 16.0
    nb = max(1, len(c.series))
    bw = pw / nb
    peak = _peak(c)
    out: list[str] = []
    ph = H + 66
    for g, (name, row) in enumerate(zip(c.groups, c.cells, strict=False)):
        x0 = 6 + (g % cols) * (pw + gap)
        y0 = (g // cols) * ph
        base = y0 + 36 + H
        out.append(_t(x0, y0 + 11, name, 9, "start", bold=g in c.highlight))
        note = c.group_notes[g] if g < len(c.group_notes) else ""
        if g < len(c.hidden_groups) and c.hidden_groups[g]:
            out.append(_hidden(x0, base - H * 0.6, pw, H * 0.6, note))
        else:
            out.append(_t(x0, y0 + 22, note, 7, "start"))
            for i, cell in enumerate(row):
                x = x0 + i * bw + 1
                if cell.count is None:
                    out.append(_hidden(x, base - 16, bw - 2, 16, cell.shown))
                    continue
                bh = H * cell.count / peak
                out.append(f'<rect x="{x:.1f}" y="{base - bh:.1f}" width="{bw - 2:.1f}" '
                           f'height="{bh:.1f}" fill="{_fill(k, g)}" stroke="{INK}"/>')
                out.append(_t(x + (bw - 2) / 2, base - bh - 3, cell.shown, 7))
        out.append(f'<line x1="{x0}" y1="{base}" x2="{x0 + pw}" y2="{base}" stroke="{INK}"/>')
        for i, b in enumerate(c.series):
            out.append(_t(x0 + i * bw + bw / 2, base + 10, b, 7))
    rows = (len(c.groups) + cols - 1) // cols
    return out, (6 + cols * (pw + gap), rows * ph)


def _grid(c: ObsChart, k: int) -> tuple[list[str], tuple[float, float]]:
    cw, ch, left = 44.0, 26.0, 30.0
    peak = _peak(c)
    out = [_t(4, 10, f"↑ {c.y_label}", 8, "start")]
    top = 18.0
    for r, (label, row) in enumerate(zip(c.groups, c.cells, strict=False)):
        y = top + r * ch
        out.append(_t(left - 6, y + ch / 2 + 3, label, 8, "end"))
        for i, cell in enumerate(row):
            x = left + i * cw
            out.append(f'<rect x="{x}" y="{y}" width="{cw}" height="{ch}" fill="none" '
                       f'stroke="#ccc"/>')
            if cell.count is None and cell.shown:
                out.append(_hidden(x + 4, y + 4, cw - 8, ch - 8, cell.shown))
            elif cell.count:
                side = (ch - 6) * sqrt(cell.count / peak)
                out.append(f'<rect x="{x + 3 + (ch - 6 - side) / 2:.1f}" '
                           f'y="{y + (ch - side) / 2:.1f}" width="{side:.1f}" '
                           f'height="{side:.1f}" fill="#3c3c3c" stroke="{INK}"/>')
                out.append(_t(x + cw - 4, y + ch / 2 + 3, cell.shown, 8, "end"))
    bottom = top + len(c.groups) * ch
    for i, label in enumerate(c.series):
        out.append(_t(left + i * cw + cw / 2, bottom + 11, label, 8))
    out.append(_t(left, bottom + 24, f"{c.x_label} →", 8, "start"))
    return out, (max(left + len(c.series) * cw + 10, 260), bottom + 30)


def render_html(packet: Packet) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["chart_svg"] = lambda c: Markup(chart_svg(c))  # every label escaped there
    tpl = env.get_template(TEMPLATE)
    return tpl.render(p=packet, L=lambda k: packet.labels.get(k, k))
