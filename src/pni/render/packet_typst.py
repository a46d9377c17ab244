"""Packet -> PDF through typst. The packet travels as JSON in ``sys.inputs``: story text is data,
never markup, so ``#``, ``*``, ``]``, ``$``, ``<`` or ``@`` in a story print as written."""

from __future__ import annotations

import json
from pathlib import Path

from pni.errors import DependencyError, PniError
from pni.packet.model import Packet

TEMPLATE = "packet.typ"


def template_path() -> Path:
    return Path(__file__).parent / "typst" / TEMPLATE


def render_pdf(packet: Packet) -> bytes:
    """The packet as PDF bytes (fonts embedded in typst; nothing loads from the network)."""
    try:
        import typst
    except ImportError as e:  # pragma: no cover - typst is a dependency
        raise DependencyError("PDF output needs the typst package: pip install typst") from e
    data = json.dumps(packet.model_dump(mode="json"), ensure_ascii=False)
    path = template_path()
    try:
        out = typst.compile(str(path), root=str(path.parent), sys_inputs={"data": data},
                            ignore_system_fonts=True)
    except RuntimeError as e:
        raise PniError(f"typst could not lay out the packet: {e}", file=path) from e
    assert isinstance(out, bytes)
    return out
