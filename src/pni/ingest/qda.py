"""Reading a REFI-QDA project (``.qdpx``, as NVivo, ATLAS.ti, MAXQDA and QualCoder write it): its
code book, variables, cases and sources, with each text source's plain text and the codes applied
to it. Mapping them to stories is the reader's job (:mod:`pni.ingest.readers.qdpx`); the export
is :mod:`pni.interop.qdpx`, and both share :mod:`pni.interop.refi`.

Plain text comes from ``PlainTextContent`` or from ``plainTextPath`` (``internal://`` names a
file in the archive's ``sources/`` folder, whatever its case; a UTF-8 BOM is dropped). Sources
that are not text (PDF, pictures, audio, video), and text kept outside the archive, are listed
with the reason they were skipped.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from pni.errors import DataError
from pni.ingest.detect import decode
from pni.interop.refi import CODE_PATH_SEP
from pni.limits import MAX_FILE_BYTES

_OTHER_SOURCES = {"PDFSource": "PDF", "PictureSource": "picture", "AudioSource": "audio",
                  "VideoSource": "video"}


@dataclass
class QdaVariable:
    guid: str
    name: str
    type: str
    description: str | None = None


@dataclass
class QdaSource:
    guid: str
    name: str
    kind: str                                     # "text", "PDF", "picture", "audio", "video"
    text: str | None = None
    description: str | None = None
    values: dict[str, Any] = field(default_factory=dict)   # variable guid -> value
    codes: list[str] = field(default_factory=list)         # code guids, in order applied
    skip: str | None = None                                # why it cannot become a story
    notice: str | None = None


@dataclass
class QdaCase:
    guid: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)


@dataclass
class QdaProject:
    name: str
    origin: str | None = None
    codes: dict[str, str] = field(default_factory=dict)    # guid -> path, code book order
    variables: dict[str, QdaVariable] = field(default_factory=dict)
    cases: list[QdaCase] = field(default_factory=list)
    sources: list[QdaSource] = field(default_factory=list)
    n_notes: int = 0
    n_sets: int = 0


def _local(el: ET.Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c) == name]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _inside(el: ET.Element, container: str, name: str | None = None) -> list[ET.Element]:
    """The children of ``el``'s ``container`` child (named ``name``, if given); none if absent."""
    box = _child(el, container)
    if box is None:
        return []
    return list(box) if name is None else _children(box, name)


def _text(el: ET.Element | None) -> str | None:
    return None if el is None else (el.text or "")


def _value(vv: ET.Element) -> tuple[str | None, Any]:
    ref = _child(vv, "VariableRef")
    target = ref.get("targetGUID") if ref is not None else None
    for c in vv:
        kind = _local(c)
        raw = (c.text or "").strip()
        if kind == "VariableRef" or not kind.endswith("Value"):
            continue
        if kind == "TextValue":
            return target, c.text or ""
        if raw == "":
            return target, None
        if kind == "BooleanValue":
            return target, raw.casefold() in ("true", "1")
        if kind == "IntegerValue":
            return target, int(raw)
        if kind == "FloatValue":
            f = float(raw)
            return target, int(f) if f.is_integer() and "." not in raw else f
        return target, raw
    return target, None


def _values(el: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for vv in _children(el, "VariableValue"):
        target, v = _value(vv)
        if target is not None and v is not None:
            out[target] = v
    return out


class _Archive:
    def __init__(self, z: zipfile.ZipFile, path: Path):
        self.z, self.path = z, path
        self.names = {n.casefold(): n for n in z.namelist()}

    def member(self, ref: str) -> str | None:
        """The archive member a ``internal://`` path names (``sources/`` in any case)."""
        if not ref.startswith("internal://"):
            return None
        name = ref[len("internal://"):].lstrip("/")
        for cand in (f"sources/{name}", name):
            if cand.casefold() in self.names:
                return self.names[cand.casefold()]
        return None

    def read(self, member: str) -> bytes:
        """A member's bytes, refused when it would unpack past ``MAX_FILE_BYTES``."""
        size = self.z.getinfo(member).file_size
        if size > MAX_FILE_BYTES:
            raise DataError(f"{member} would unpack to {size} bytes (more than"
                            f" {MAX_FILE_BYTES})", file=self.path)
        return self.z.read(member)

    def text(self, member: str) -> tuple[str, str | None]:
        data = self.read(member)
        text, notice = decode(data, self.path)
        return text.replace("\r\n", "\n").replace("\r", "\n"), notice


def _codes(parent: ET.Element, prefix: str, out: dict[str, str]) -> None:
    for code in _children(parent, "Code"):
        path = prefix + (code.get("name") or "(unnamed code)")
        if code.get("guid"):
            out[code.get("guid", "")] = path
        _codes(code, path + CODE_PATH_SEP, out)


def _text_source(el: ET.Element, arc: _Archive, sel_owner: dict[str, str]) -> QdaSource:
    g = el.get("guid", "")
    src = QdaSource(guid=g, name=el.get("name") or g, kind="text",
                    description=_text(_child(el, "Description")), values=_values(el))
    content = _child(el, "PlainTextContent")
    ref = el.get("plainTextPath")
    if content is not None:
        src.text = (content.text or "").replace("\r\n", "\n")
    elif ref:
        member = arc.member(ref)
        if member is None:
            src.skip = (f"its text {ref} is not inside the project file" if "://" in ref
                        and not ref.startswith("internal://") else
                        f"its text {ref} is missing from the project file")
        else:
            try:
                src.text, src.notice = arc.text(member)
            except DataError as e:
                src.skip = f"its text {member} cannot be read: {e.message}"
    else:
        src.skip = "it has no plain text"
    for coding in _children(el, "Coding"):
        _add_code(src, coding)
    for sel in _children(el, "PlainTextSelection"):
        if sel.get("guid"):
            sel_owner[sel.get("guid", "")] = g
        for coding in _children(sel, "Coding"):
            _add_code(src, coding)
    return src


def _add_code(src: QdaSource, coding: ET.Element) -> None:
    ref = _child(coding, "CodeRef")
    target = ref.get("targetGUID") if ref is not None else None
    if target and target not in src.codes:
        src.codes.append(target)


def read_project(path: Path) -> QdaProject:
    """Parse a ``.qdpx`` file; raises ``DataError`` when it is not a REFI-QDA project."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise DataError(f"not a REFI-QDA project (cannot open the zip archive: {e})",
                        file=path) from e
    with z:
        arc = _Archive(z, path)
        qde = [n for n in z.namelist() if n.casefold().endswith(".qde") and "/" not in n]
        if not qde:
            raise DataError("not a REFI-QDA project: no project.qde inside", file=path)
        try:
            root = ET.fromstring(arc.read(qde[0]))
        except ET.ParseError as e:
            raise DataError(f"{qde[0]} is not valid XML: {e}", file=path) from e
        if _local(root) != "Project" or not root.tag.startswith("{urn:QDA-XML:project:"):
            raise DataError(f"{qde[0]} is not a REFI-QDA project (root {root.tag!r})", file=path)
        proj = QdaProject(name=root.get("name") or path.stem, origin=root.get("origin"))
        book = _child(root, "CodeBook")
        codes = _child(book, "Codes") if book is not None else None
        if codes is not None:
            _codes(codes, "", proj.codes)
        for v in _inside(root, "Variables", "Variable"):
            proj.variables[v.get("guid", "")] = QdaVariable(
                guid=v.get("guid", ""), name=v.get("name") or v.get("guid") or "",
                type=v.get("typeOfVariable") or "Text",
                description=_text(_child(v, "Description")))
        sel_owner: dict[str, str] = {}
        for el in _inside(root, "Sources"):
            kind = _local(el)
            if kind == "TextSource":
                proj.sources.append(_text_source(el, arc, sel_owner))
            elif kind in _OTHER_SOURCES:
                g = el.get("guid", "")
                proj.sources.append(QdaSource(
                    guid=g, name=el.get("name") or g, kind=_OTHER_SOURCES[kind],
                    skip=f"{_OTHER_SOURCES[kind]} source: pni collects text stories"
                    + (" (transcribe it, then collect the transcript)"
                       if kind in ("AudioSource", "VideoSource") else "")))
        case_guids: dict[str, QdaCase] = {}
        for el in _inside(root, "Cases", "Case"):
            case = QdaCase(guid=el.get("guid", ""), name=el.get("name") or el.get("guid") or "",
                           values=_values(el))
            for ref in _children(el, "SourceRef"):
                case.sources.append(ref.get("targetGUID", ""))
            for ref in _children(el, "SelectionRef"):
                owner = sel_owner.get(ref.get("targetGUID", ""))
                if owner:
                    case.sources.append(owner)
            proj.cases.append(case)
            case_guids[case.guid] = case
        for src in proj.sources:  # NVivo codes a source with its case's GUID
            for c in [c for c in src.codes if c in case_guids]:
                case_guids[c].sources.append(src.guid)
                src.codes.remove(c)
        proj.n_notes = len(_inside(root, "Notes"))
        proj.n_sets = len(_inside(root, "Sets"))
    return proj
