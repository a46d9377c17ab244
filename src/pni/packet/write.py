"""Render packets to files: PDF (typst), HTML (print CSS) or Markdown."""

from __future__ import annotations

from pathlib import Path

from pni.errors import UsageError
from pni.packet.model import Packet

FORMATS = {"pdf": ".pdf", "html": ".html", "md": ".md"}


def render(packet: Packet, fmt: str) -> bytes:
    """One packet as the bytes of a file in ``fmt`` (pdf, html or md)."""
    if fmt == "pdf":
        from pni.render.packet_typst import render_pdf

        return render_pdf(packet)
    if fmt == "html":
        from pni.render.packet_html import render_html

        return render_html(packet).encode("utf-8")
    if fmt == "md":
        from pni.render.packet_md import render_md

        return render_md(packet).encode("utf-8")
    raise UsageError(f"must be one of {', '.join(FORMATS)} (got {fmt!r})", param="fmt")


def output_paths(packets: list[Packet], out: Path, fmt: str) -> list[Path]:
    """Where each packet goes. ``out`` ending in the format's suffix is the file (groups add
    ``-facilitator`` / ``-group-N`` to its name); anything else is a folder."""
    suffix = FORMATS[fmt]
    if out.suffix.lower() == suffix:
        folder, stem = out.parent, out.stem
    else:
        folder, stem = out, "packet"
    paths = []
    for p in packets:
        if p.kind == "full":
            name = stem
        elif p.kind == "facilitator":
            name = f"{stem}-facilitator"
        else:
            name = f"{stem}-group-{p.group}"
        paths.append(folder / f"{name}{suffix}")
    return paths


def write_packets(packets: list[Packet], out: Path, fmt: str) -> list[Path]:
    if fmt not in FORMATS:
        raise UsageError(f"must be one of {', '.join(FORMATS)} (got {fmt!r})", param="fmt")
    paths = output_paths(packets, out, fmt)
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    for packet, path in zip(packets, paths, strict=True):
        path.write_bytes(render(packet, fmt))
    return paths
