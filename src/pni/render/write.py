"""Write packets and reports to files through the renderer registry."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pni.render.base import get_renderer

if TYPE_CHECKING:
    from pni.explore.models import ExploreReport
    from pni.packet.model import Packet


def output_paths(packets: list[Packet], out: Path, suffix: str) -> list[Path]:
    """Where each packet goes. ``out`` ending in the format's suffix is the file (groups add
    ``-facilitator`` / ``-group-N`` to its name); anything else is a folder."""
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


def write_packets(packets: list[Packet], out: str | Path, fmt: str) -> list[Path]:
    """Write each packet as ``fmt`` (pdf, html or md) to ``out`` (a file, or a folder);
    returns the paths written, one per packet."""
    renderer = get_renderer("packet", fmt)
    paths = output_paths(packets, Path(out), renderer.suffix)
    for packet, path in zip(packets, paths, strict=True):
        renderer.write(packet, path)
    return paths


def write_report(report: ExploreReport, out: str | Path, fmt: str) -> list[Path]:
    """Write the explore report as ``fmt``: html or md to the file ``out``, csv as four files
    into the folder ``out``; returns the paths written."""
    return get_renderer("report", fmt).write(report, Path(out))
