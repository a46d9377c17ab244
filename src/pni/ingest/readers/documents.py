"""Readers for documents: Markdown and plain text (optional YAML front matter) and DOCX.
Each returns the front matter and the body as numbered lines; deciding whether the body is one
story, blank-line blocks or a transcript happens in :mod:`pni.ingest.documents`."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pni.errors import DataError
from pni.ingest.detect import read_text
from pni.ingest.documents import document_candidates
from pni.ingest.readers.base import Document, ReadContext, ReadResult, register

_TIME_CELL = re.compile(r"^[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?$")
_FM = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str, path: Path, unit: str = "line") -> tuple[dict[str, Any], int]:
    """YAML front matter (``---`` ... ``---``) and the number of lines it takes."""
    m = _FM.match(text)
    if not m:
        return {}, 0
    from pni.limits import load_yaml

    try:
        meta = load_yaml(m.group(1) or "", file=path, first_line=2, unit=unit) or {}
    except DataError as e:
        raise DataError(f"front matter: {e.message}", file=path, locator=e.locator) from e
    if not isinstance(meta, dict):
        raise DataError("front matter must be YAML keys and values", file=path,
                        locator="front matter")
    return {str(k): _plain(v) for k, v in meta.items()}, m.group(0).count("\n")


def _plain(v: Any) -> Any:
    """YAML dates become ISO strings; nested values are kept."""
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def read_text_document(path: Path) -> Document:
    text, notice = read_text(path)
    meta, skip = split_front_matter(text, path)
    lines = list(enumerate(text.split("\n"), 1))[skip:]
    return Document(meta, lines, "line", [notice] if notice else [])


def read_docx(path: Path) -> Document:
    import zipfile

    import docx

    try:
        d = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise DataError(f"cannot open as DOCX: {e}", file=path) from e
    except Exception as e:  # python-docx raises its own PackageNotFoundError and others
        raise DataError(f"cannot open as DOCX: {type(e).__name__}: {e}", file=path) from e
    paras = [p.text for p in d.paragraphs]
    for t in d.tables:  # transcripts laid out as a speaker | words (or time | speaker | words)
        for row in t.rows:
            cells = [c.text.strip() for c in row.cells]
            if len(cells) >= 3 and _TIME_CELL.match(cells[0]):
                cells = cells[1:]
            if len(cells) >= 2 and cells[0] and cells[1]:
                paras.append(f"{cells[0]}: {cells[1]}")
    text = "\n".join(paras)
    meta, skip = split_front_matter(text, path, "paragraph")
    # a paragraph may hold line breaks (Teams writes "Name   0:03" and the words in one)
    lines = [(n, line) for n, p in enumerate(paras, 1) for line in p.split("\n")][skip:]
    return Document(meta, lines, "paragraph")


# -- registration ---------------------------------------------------------------------------------
class DocumentReader:
    """Markdown, plain text and DOCX: one story, blank-line blocks, or a transcript."""

    priority = 0
    forms_beside = False

    def __init__(self, name: str, extensions: tuple[str, ...],
                 container: Literal["text", "zip", "binary"] = "text",
                 forms_beside: bool = False):
        self.name, self.extensions, self.container = name, extensions, container
        self.forms_beside = forms_beside

    def sniff(self, head: bytes, ext: str) -> bool:
        return True

    def read(self, ctx: ReadContext) -> ReadResult:
        doc = read_docx(ctx.path) if self.container == "zip" else read_text_document(ctx.path)
        doc.meta = {**ctx.meta, **doc.meta}
        built = document_candidates(doc, ctx.path, ctx.label, ctx.settings, ctx.form, ctx.known)
        return ReadResult(built.candidates, built.questions, built.inferred, built.notices,
                          built.kind or "other")


register(DocumentReader("markdown", (".md", ".markdown"), forms_beside=True))
register(DocumentReader("text", (".txt", ".text")))
register(DocumentReader("docx", (".docx",), container="zip"))
