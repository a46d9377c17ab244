"""Output documents: packets and the explore report, through one renderer registry
(:mod:`pni.render.base`). ``write_packets`` and ``write_report`` are the entry points."""

from pni.render.base import Renderer, formats, get_renderer
from pni.render.write import write_packets, write_report

__all__ = ["Renderer", "formats", "get_renderer", "write_packets", "write_report"]
