"""A REFI-QDA project as it comes back from QualCoder: what its project import keeps
(``import_project`` in ``src/qualcoder/refi.py``, ccbogel/QualCoder @ c3204641) and what its
project export then writes (``export_project``). Written for pni's tests from reading that code;
none of it is copied. What it models:

- sources: read from ``sources/`` with Python's universal newlines; when the file's first line
  break is CRLF a space is added after every line break; a leading BOM stays in the text; a
  repeated name gets a number prefix; a name holding ``/`` cannot be copied to ``documents/``;
- codes: codable codes keep their nesting; ``isCodable="false"`` codes are categories (no
  codings); a repeated name is the same code; codings keep their positions;
- variables: Text, Boolean, Date become text, Integer and Float numbers; a variable's
  description is kept; values are trimmed;
- cases: their names, descriptions and variables; their ``SourceRef``s are ignored;
- notes: only those with a ``plainTextPath`` and a name are kept, as journals, text from the file;
- sets: each set with member sources becomes a source variable named by the set, whose value is
  its name;
- the export: new GUIDs, variables ``Text`` or ``Float``, cases without source references, each
  source's text in ``sources/<guid>.txt`` written with a BOM, journals as notes with
  ``plainTextPath``.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

NS = "urn:QDA-XML:project:1.0"


def _t(name: str) -> str:
    return f"{{{NS}}}{name}"


@dataclass
class QcProject:
    """What QualCoder's database holds after the import."""

    codes: list[dict[str, Any]] = field(default_factory=list)   # cid, name, memo, supercid, cat
    categories: list[dict[str, Any]] = field(default_factory=list)
    variables: list[dict[str, Any]] = field(default_factory=list)  # name, type, memo, case|file
    sources: list[dict[str, Any]] = field(default_factory=list)    # id, name, text, memo, attrs
    codings: list[dict[str, Any]] = field(default_factory=list)    # cid, fid, pos0, pos1
    cases: list[dict[str, Any]] = field(default_factory=list)      # name, memo, attrs
    journals: list[tuple[str, str]] = field(default_factory=list)
    description: str = ""
    log: list[str] = field(default_factory=list)


def _read_text(data: bytes) -> str:
    """QualCoder's read of a source file: the first line break decides the extra spaces."""
    first_lf = data.find(b"\n")
    crlf = first_lf > 0 and data[first_lf - 1:first_lf] == b"\r"
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace").read()
    return text.replace("\n", "\n ") if crlf else text


def import_project(path: Path) -> QcProject:
    """The project as QualCoder keeps it after "Import REFI-QDA project"."""
    qc = QcProject()
    z = zipfile.ZipFile(path)
    files = {n.casefold(): n for n in z.namelist()}

    def member(ref: str) -> bytes | None:
        name = "sources" + ref.split("internal:/", 1)[1]
        got = files.get(name.casefold())
        return None if got is None else z.read(got)

    root = ET.fromstring(z.read("project.qde"))
    code_guids: dict[str, int] = {}

    def codes(el: ET.Element, cat: int | None, sup: int | None) -> None:
        desc = el.find(_t("Description"))
        memo = desc.text or "" if desc is not None else ""
        kids = el.findall(_t("Code"))
        if el.get("isCodable") == "false":
            qc.categories.append({"catid": len(qc.categories) + 1, "name": el.get("name"),
                                  "memo": memo, "supercatid": cat})
            for k in kids:
                codes(k, len(qc.categories), None)
            return
        same = next((c for c in qc.codes if c["name"] == el.get("name")), None)
        if same is None:
            same = {"cid": len(qc.codes) + 1, "name": el.get("name"), "memo": memo,
                    "catid": None if sup else cat, "supercid": sup}
            qc.codes.append(same)
        code_guids[el.get("guid", "")] = same["cid"]
        for k in kids:
            codes(k, None, same["cid"])

    for el in root.findall(f"{_t('CodeBook')}/{_t('Codes')}/{_t('Code')}"):
        codes(el, None, None)
    var_names: dict[str, str] = {}
    for v in root.findall(f"{_t('Variables')}/{_t('Variable')}"):
        kids = list(v)
        memo = kids[-1].text or "" if kids else ""
        kind = "numeric" if v.get("typeOfVariable") in ("Integer", "Float") else "character"
        if any(x["name"] == v.get("name") for x in qc.variables):
            qc.log.append(f"variable name already exists: {v.get('name')}")
            continue
        qc.variables.append({"name": v.get("name"), "type": kind, "memo": memo, "of": "file"})
        var_names[v.get("guid", "")] = v.get("name", "")

    def values(el: ET.Element) -> dict[str, str]:
        out = {}
        for vv in el.findall(_t("VariableValue")):
            ref = vv.find(_t("VariableRef"))
            name = var_names.get(ref.get("targetGUID", "") if ref is not None else "", "")
            val = next((c.text for c in vv if c.tag != _t("VariableRef")), None)
            out[name] = (val or "").strip()
        return out

    by_guid: dict[str, dict[str, Any]] = {}
    prefix = 0
    for el in root.findall(f"{_t('Sources')}/{_t('TextSource')}"):
        name = el.get("name", "")
        if any(s["name"] == name for s in qc.sources):
            prefix += 1
            name = f"{prefix}_{name}"
            qc.log.append(f"source name duplicated. Adding prefix: {name}")
        content = el.find(_t("PlainTextContent"))
        if el.get("plainTextPath"):
            data = member(el.get("plainTextPath", ""))
            text = _read_text(data) if data is not None else ""
        else:
            text = content.text or "" if content is not None else ""
        if "/" in name:
            qc.log.append(f"Cannot copy TextSource file to documents/{name}.txt")
        desc = el.find(_t("Description"))
        src = {"id": len(qc.sources) + 1, "name": name, "text": text,
               "memo": desc.text or "" if desc is not None else "", "attrs": values(el)}
        qc.sources.append(src)
        by_guid[el.get("guid", "")] = src
        for sel in el.findall(_t("PlainTextSelection")):
            for coding in sel.findall(_t("Coding")):
                ref = coding.find(_t("CodeRef"))
                cid = code_guids.get(ref.get("targetGUID", "") if ref is not None else "")
                qc.codings.append({"cid": cid, "fid": src["id"], "pos0": int(sel.get(
                    "startPosition", 0)), "pos1": int(sel.get("endPosition", 0))})
    for el in root.findall(f"{_t('Notes')}/{_t('Note')}"):
        if el.get("plainTextPath") and el.get("name"):
            data = member(el.get("plainTextPath", ""))
            qc.journals.append((el.get("name", ""), (data or b"").decode("utf-8")))
    for el in root.findall(f"{_t('Cases')}/{_t('Case')}"):
        if el.get("name") is None:
            continue
        desc = el.find(_t("Description"))
        attrs = values(el)
        qc.cases.append({"name": el.get("name"), "memo": desc.text or "" if desc is not None
                         else "", "attrs": attrs})
        for var in qc.variables:
            if var["name"] in attrs:
                var["of"] = "case"
    for st in root.findall(f"{_t('Sets')}/{_t('Set')}"):
        members = [by_guid[m.get("targetGUID", "")] for m in st.findall(_t("MemberSource"))
                   if m.get("targetGUID", "") in by_guid]
        if not members:
            continue
        if any(v["name"] == st.get("name") for v in qc.variables):
            qc.log.append(f"variable name already exists: {st.get('name')}")
            continue
        desc = st.find(_t("Description"))
        qc.variables.append({"name": st.get("name"), "type": "character", "of": "file",
                             "memo": desc.text or "" if desc is not None else ""})
        for m in members:
            m["attrs"][st.get("name", "")] = st.get("name", "")
    desc = root.find(_t("Description"))
    qc.description = desc.text or "" if desc is not None else ""
    return qc


def export_project(qc: QcProject, path: Path, *, maxqda_line_endings: bool = False) -> Path:
    """Write ``qc`` as QualCoder's "Export REFI-QDA project" does."""
    def guid() -> str:
        return str(uuid.uuid4())

    root = ET.Element(_t("Project"), {"name": path.stem, "origin": "QualCoder"})
    user = guid()
    ET.SubElement(ET.SubElement(root, _t("Users")), _t("User"), {"guid": user, "name": "coder"})
    code_guid = {c["cid"]: guid() for c in qc.codes}

    def code_xml(parent: ET.Element, c: dict[str, Any]) -> None:
        el = ET.SubElement(parent, _t("Code"), {"guid": code_guid[c["cid"]], "name": c["name"],
                                                "isCodable": "true"})
        if c["memo"]:
            ET.SubElement(el, _t("Description")).text = c["memo"]
        for k in qc.codes:
            if k["supercid"] == c["cid"]:
                code_xml(el, k)

    if qc.codes:
        book = ET.SubElement(ET.SubElement(root, _t("CodeBook")), _t("Codes"))
        for c in qc.codes:
            if c["catid"] is None and c["supercid"] is None:
                code_xml(book, c)
        for cat in qc.categories:
            el = ET.SubElement(book, _t("Code"), {"guid": guid(), "name": cat["name"],
                                                  "isCodable": "false"})
            for c in qc.codes:
                if c["catid"] == cat["catid"]:
                    code_xml(el, c)
    var_guid: dict[str, tuple[str, str]] = {}
    if qc.variables:
        box = ET.SubElement(root, _t("Variables"))
        for v in qc.variables:
            g = guid()
            var_guid[v["name"]] = (g, v["type"])
            el = ET.SubElement(box, _t("Variable"), {
                "guid": g, "name": v["name"],
                "typeOfVariable": "Float" if v["type"] == "numeric" else "Text"})
            ET.SubElement(el, _t("Description")).text = v["memo"] or None

    def values(parent: ET.Element, attrs: dict[str, str]) -> None:
        for name, val in attrs.items():
            g, kind = var_guid.get(name, ("", "character"))
            vv = ET.SubElement(parent, _t("VariableValue"))
            ET.SubElement(vv, _t("VariableRef"), {"targetGUID": g})
            if kind == "numeric" and val != "":
                ET.SubElement(vv, _t("FloatValue")).text = val
            elif kind == "character":
                ET.SubElement(vv, _t("TextValue")).text = val

    if qc.cases:
        box = ET.SubElement(root, _t("Cases"))
        for c in qc.cases:
            el = ET.SubElement(box, _t("Case"), {"guid": guid(), "name": c["name"]})
            ET.SubElement(el, _t("Description")).text = c["memo"] or None
            values(el, c["attrs"])   # no SourceRef: no case_text rows came in
    files: dict[str, str] = {}
    box = ET.SubElement(root, _t("Sources"))
    for s in qc.sources:
        g, plain = guid(), guid()
        el = ET.SubElement(box, _t("TextSource"), {
            "plainTextPath": f"internal://{plain}.txt", "creatingUser": user,
            "guid": g, "name": s["name"]})
        if s["memo"]:
            ET.SubElement(el, _t("Description")).text = s["memo"]
        for c in qc.codings:
            if c["fid"] == s["id"] and c["cid"] is not None:
                sel = ET.SubElement(el, _t("PlainTextSelection"), {
                    "guid": guid(), "startPosition": str(c["pos0"]),
                    "endPosition": str(c["pos1"]), "name": s["text"][c["pos0"]:c["pos1"]]})
                coding = ET.SubElement(sel, _t("Coding"), {"guid": guid(), "creatingUser": user})
                ET.SubElement(coding, _t("CodeRef"), {"targetGUID": code_guid[c["cid"]]})
        values(el, s["attrs"])
        text = s["text"].replace("\n", "\r\n") if maxqda_line_endings else s["text"]
        files[f"sources/{plain}.txt"] = text
    if qc.journals:
        box = ET.SubElement(root, _t("Notes"))
        for name, text in qc.journals:
            g = guid()
            el = ET.SubElement(box, _t("Note"), {"guid": g, "creatingUser": user, "name": name,
                                                 "plainTextPath": f"internal://{g}.txt"})
            ET.SubElement(el, _t("Description"))
            files[f"sources/{g}.txt"] = text
    ET.SubElement(root, _t("Description")).text = qc.description
    ET.register_namespace("", NS)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", ET.tostring(root, encoding="utf-8", xml_declaration=True))
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8-sig"))
    return path


def through_qualcoder(src: Path, dst: Path, *, maxqda_line_endings: bool = False
                      ) -> tuple[Path, QcProject]:
    """``src`` imported into QualCoder and exported again as ``dst`` (with QualCoder's option
    of CRLF line endings for MAXQDA, if asked)."""
    qc = import_project(src)
    return export_project(qc, dst, maxqda_line_endings=maxqda_line_endings), qc
