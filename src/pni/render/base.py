"""One protocol and one registry for every output document: packets (pdf, html, md) and the
explore report (html, md, csv). A new format is one module with a render function and one line
in :data:`RENDERERS`; ``write_packets`` and ``write_report`` find it here.

>>> from pni.render.base import formats
>>> formats("packet"), formats("report")
(['pdf', 'html', 'md'], ['html', 'md', 'csv'])
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol

from pni.errors import UsageError


class Renderer(Protocol):
    """Writes one document (a ``Packet`` or an ``ExploreReport``) in one format."""

    @property
    def kind(self) -> str:
        """"packet" or "report": which documents it takes."""
        ...

    @property
    def name(self) -> str:
        """The format: "pdf", "html", "md", "csv"."""
        ...

    @property
    def suffix(self) -> str:
        """The file suffix; "" when it writes a folder."""
        ...

    def write(self, doc: Any, path: Path) -> list[Path]:
        """Write ``doc`` to ``path`` (parent folders created); the files written."""
        ...


@dataclass(frozen=True)
class FunctionRenderer:
    """A renderer whose module exposes ``function(doc) -> str | bytes`` (a file) or
    ``function(doc, folder) -> list[Path]`` (a folder, ``suffix`` empty). The module is imported
    on first use, so listing formats costs nothing."""

    kind: str
    name: str
    suffix: str
    module: str
    function: str

    def write(self, doc: Any, path: Path) -> list[Path]:
        fn = getattr(import_module(self.module), self.function)
        if not self.suffix:
            return list(fn(doc, path))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = fn(doc)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return [path]


RENDERERS: dict[tuple[str, str], Renderer] = {
    (r.kind, r.name): r for r in (
        FunctionRenderer("packet", "pdf", ".pdf", "pni.render.packet_typst", "render_pdf"),
        FunctionRenderer("packet", "html", ".html", "pni.render.packet_html", "render_html"),
        FunctionRenderer("packet", "md", ".md", "pni.render.packet_md", "render_md"),
        FunctionRenderer("report", "html", ".html", "pni.render.report_html", "render"),
        FunctionRenderer("report", "md", ".md", "pni.render.report_md", "render"),
        FunctionRenderer("report", "csv", "", "pni.render.report_csv", "write"),
        FunctionRenderer("return", "html", ".html", "pni.render.return_page", "render_html"),
        FunctionRenderer("return", "md", ".md", "pni.render.return_page", "render_md"),
    )
}


def formats(kind: str) -> list[str]:
    """The formats a kind of document can be written in, in registry order."""
    return [name for k, name in RENDERERS if k == kind]


def get_renderer(kind: str, fmt: str) -> Renderer:
    """The renderer for ``fmt``; a usage error naming the parameter ``fmt`` when there is none."""
    r = RENDERERS.get((kind, fmt))
    if r is None:
        raise UsageError(f"{fmt!r}: a {kind} is written as {', '.join(formats(kind))}",
                         param="fmt")
    return r
