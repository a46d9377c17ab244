"""The return page as Markdown and as printable HTML (``pni return``). The groups' words and the
story titles are data: escaped in both."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from pni.render.markdown import md_inline

if TYPE_CHECKING:
    from pni.record.returns import ReturnItem, ReturnPage


def _cards(item: ReturnItem) -> str:
    return ", ".join(c.code + (f" ({c.title})" if c.title else "") for c in item.cards)


def _detail(item: ReturnItem) -> list[str]:
    """The lines under an item: type and group, why, what people said, its cards."""
    out = [f"{item.type}" + (f", {item.group}" if item.group else "")]
    if item.why and item.why != item.text:
        out.append(f"Why it stood out: {item.why}")
    if item.said:
        out.append(f"What people said: {item.said}")
    if item.placements:
        out.append("Where the cards went: " + "; ".join(f"{c} {w}"
                                                       for c, w in item.placements.items()))
    elif item.cards:
        label = ("Cards, in order" if item.type == "timeline" else
                 "Made from cards" if item.story else "Cards")
        out.append(f"{label}: {_cards(item)}")
    if item.story:
        out.append(f"Kept as story {item.story.code}")
    if item.patterns:
        out.append("Patterns: " + ", ".join(str(p) for p in item.patterns))
    return out


def render_md(page: ReturnPage) -> str:
    L = [f"# {md_inline(page.title)}", ""]
    L += [f"*{md_inline(p)}*" for p in page.privacy] + [""]
    if not page.sessions:
        L += ["Nothing recorded yet: after a session, `pni record capture.csv`.", ""]
    L += sessions_md(page, level=2)
    return "\n".join(L).rstrip() + "\n"


def sessions_md(page: ReturnPage, level: int = 2) -> list[str]:
    """The sessions as Markdown lines, each under a heading of ``level`` (the report nests them
    under its own section)."""
    h = "#" * level
    L: list[str] = []
    for s in page.sessions:
        L += [f"{h} {md_inline(s.session)}", ""]
        if s.groups:
            L += [f"{len(s.groups)} group(s): {md_inline(', '.join(s.groups))}", ""]
        for note in s.notes:
            L += [f"- {md_inline(note.type)}: {md_inline(note.text)}"]
        L += [""] if s.notes else []
        L += [f"{h}# What we heard", ""]
        for heading, items in s.heard.items():
            L += [f"{h}## {md_inline(heading)}", ""]
            for it in items:
                title = f"**{md_inline(it.name)}**: " if it.name else ""
                L += [f"- {title}{md_inline(it.text)}"]
                L += [f"  - {md_inline(x)}" for x in _detail(it)]
            L += [""]
        L += [f"{h}# What we will do", ""]
        L += [f"- {md_inline(it.text)} ({md_inline(', '.join(_detail(it)))})"
              for it in s.to_do] or ["Nothing proposed yet."]
        L += [""]
        if s.reflections:
            L += [f"{h}# What changed, as the facilitators saw it", ""]
            L += [f"- {md_inline(it.type)}: {md_inline(it.text)}" for it in s.reflections]
            L += [""]
    return L


def render_html(page: ReturnPage) -> str:
    e = escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
             'style-src \'unsafe-inline\'">',
             f"<title>{e(page.title)}</title>",
             "<style>body{font-family:Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;"
             "line-height:1.45}h2{border-bottom:2px solid #333;margin-top:2em}"
             ".meta{color:#555;font-size:.9em}li{margin:.5em 0}"
             "@media print{body{margin:0}h2{break-before:page}}</style></head><body>",
             f"<h1>{e(page.title)}</h1>"]
    parts += [f'<p class="meta">{e(p)}</p>' for p in page.privacy]
    if not page.sessions:
        parts.append("<p>Nothing recorded yet.</p>")
    parts.append(sessions_html(page, level=2))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def sessions_html(page: ReturnPage, level: int = 2) -> str:
    """The sessions as an HTML fragment, each under an ``h{level}``."""
    e = escape
    h = [f"h{min(6, level + i)}" for i in range(3)]
    parts: list[str] = []
    for s in page.sessions:
        parts.append(f'<section class="session"><{h[0]}>{e(s.session)}</{h[0]}>')
        if s.groups:
            parts.append(f'<p class="meta">{len(s.groups)} group(s): {e(", ".join(s.groups))}</p>')
        if s.notes:
            parts.append("<ul>" + "".join(f"<li>{e(n.type)}: {e(n.text)}</li>" for n in s.notes)
                         + "</ul>")
        parts.append(f"<{h[1]}>What we heard</{h[1]}>")
        for heading, items in s.heard.items():
            parts.append(f"<{h[2]}>{e(heading)}</{h[2]}><ul>")
            for it in items:
                name = f"<strong>{e(it.name)}</strong>: " if it.name else ""
                parts.append(f"<li>{name}{e(it.text)}" + "".join(
                    f'<div class="meta">{e(x)}</div>' for x in _detail(it)) + "</li>")
            parts.append("</ul>")
        parts.append(f"<{h[1]}>What we will do</{h[1]}><ul>")
        parts += [f"<li>{e(it.text)}" + "".join(f'<div class="meta">{e(x)}</div>'
                                               for x in _detail(it)) + "</li>"
                  for it in s.to_do] or ["<li>Nothing proposed yet.</li>"]
        parts.append("</ul>")
        if s.reflections:
            parts.append(f"<{h[1]}>What changed, as the facilitators saw it</{h[1]}><ul>")
            parts += [f"<li>{e(it.type)}: {e(it.text)}</li>" for it in s.reflections]
            parts.append("</ul>")
        parts.append("</section>")
    return "\n".join(parts)
