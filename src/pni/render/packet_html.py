"""Packet -> one self-contained HTML file with print CSS (page breaks, cut lines, writing space).
Story text is escaped by jinja2's autoescape; nothing loads from the network."""

from __future__ import annotations

from pathlib import Path

from pni.packet.model import Packet

TEMPLATE = "packet.html.j2"


def render_html(packet: Packet) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    tpl = env.get_template(TEMPLATE)
    return tpl.render(p=packet, L=lambda k: packet.labels.get(k, k))
