"""`pni export qdpx`: a REFI-QDA project (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA and QualCoder.

What lands where (docs/interop.md):

- each story: a ``TextSource`` named by its title, unique and safe as a file name (QualCoder
  copies each source to a file of that name), whose plain text is ``sources/<guid>.txt``
  (UTF-8 without BOM, line breaks written as LF: QualCoder shifts every line after a CRLF;
  positions are counted in characters of the text as written); its answers are variables on
  the source, and its title, prompt, date, consent, language, kind, collection, source id and
  teller are variables named ``pni:...``;
- each teller: a ``Case`` (named by the teller's pseudonym) with the teller's answers as
  variables and a reference to each of their stories (QualCoder's import ignores these
  references: the ``pni:teller`` variable keeps the link there);
- each pattern of the run: a code coding the whole story (nested codes when the run has a
  hierarchy), its keywords in the code's description, its exemplars in a note and a set;
- the ``codes`` answers of stories collected from a QDA project: codes again (one code per
  answer, whether the question is a choice or a multi-choice);
- observations from `pni explore` and outcomes from `pni record`: notes (and sets of the stories
  and patterns they name); a note's text is a file ``sources/<guid>.txt`` named by its
  ``plainTextPath``, as QualCoder and NVivo read notes;
- the consent and redaction policy: the project's description.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from pni import __version__
from pni.interop.refi import (
    CODE_PATH_SEP,
    CODES_QUESTION,
    META_PREFIX,
    NS,
    describe,
    guid,
    tag,
    value_text,
    variable_type,
)
from pni.interop.scope import Scope
from pni.models import Question, Story


@dataclass
class QdpxResult:
    path: Path
    sources: int
    cases: int
    codes: int
    notes: int
    sets: int
    policy: list[str]


#: Characters XML 1.0 cannot hold (they would make the project unreadable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Characters a file name may not hold on Windows, macOS or Linux.
_NOT_PATH = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
MAX_NAME = 100


def xml_safe(v: Any) -> str:
    """A value as XML text: characters XML 1.0 cannot hold are dropped (the story text itself
    travels in its own file, untouched)."""
    return _NOT_XML.sub("", str(v))


def plain_text(text: str) -> str:
    """A story's text as written to its source file: line breaks as LF (QualCoder adds a space
    after every line break of a CRLF file, and reads a lone CR as a line break too) and no
    leading byte-order mark."""
    return text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")


def source_names(stories: Sequence[Story]) -> dict[str, str]:
    """Each story's source name: its title (else source id), safe as a file name and unique
    (case-insensitively), since QualCoder copies each source to ``documents/<name>.txt`` and
    numbers a repeated name."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for s in stories:
        base = _NOT_PATH.sub("-", xml_safe(s.title or s.source_id or s.id))
        base = " ".join(base.split()).strip(" .-") or _NOT_PATH.sub("-", s.source_id or s.id)
        if len(base) > MAX_NAME:
            base = base[:MAX_NAME].rstrip(" .-")
        name = base
        if name.casefold() in taken:
            name = f"{base} ({_NOT_PATH.sub('-', s.source_id or s.id)})"
        n = 2
        while name.casefold() in taken:
            name, n = f"{base} ({n})", n + 1
        taken.add(name.casefold())
        out[s.id] = name
    return out


def code_values(v: Any) -> list[str]:
    """The codes of a ``codes`` answer: one per item of a list, one for a single value (never one
    per character of it)."""
    if v is None or v == "":
        return []
    if isinstance(v, list | tuple):
        return [str(x) for x in v if x is not None and str(x).strip()]
    return [str(v)]


def _el(parent: ET.Element, name: str, attrs: dict[str, Any] | None = None,
        text: str | None = None) -> ET.Element:
    e = ET.SubElement(parent, tag(name), {k: xml_safe(v) for k, v in (attrs or {}).items()
                                          if v is not None})
    if text is not None:
        e.text = xml_safe(text)
    return e


def _story_meta(s: Story) -> dict[str, Any]:
    return {"source id": s.source_id or s.id, "title": s.title, "prompt": s.prompt,
            "date": s.date, "consent": s.consent, "language": s.language,
            "kind": s.source_kind, "collection": s.collection, "teller": s.teller_id}


class _Builder:
    def __init__(self, scope: Scope, name: str, now: str):
        self.scope, self.now = scope, now
        self.user = guid("user", "pni")
        self.root = ET.Element(tag("Project"), {
            "name": name, "origin": f"pni {__version__}", "creatingUserGUID": self.user,
            "creationDateTime": now})
        self.sources = {s.id: guid("source", s.id) for s in scope.stories}
        self.names = source_names(scope.stories)
        self.by_id = {s.id: s for s in scope.stories}
        self.files: dict[str, str] = {}
        self.code_of_path: dict[str, str] = {}
        self.notes: list[ET.Element] = []
        self.sets: list[ET.Element] = []
        self.project_notes: list[str] = []

    # -- code book -------------------------------------------------------------------------
    def codebook(self) -> dict[str, list[str]]:
        """Write the code book; returns each story's code GUIDs."""
        s = self.scope
        by_id = {p.id: p for p in s.patterns}
        coded: dict[str, list[str]] = {sid: [] for sid in self.sources}
        tree: dict[str, dict[str, Any]] = {}

        def path_of(pid: int) -> list[str]:
            out: list[str] = []
            seen: set[int] = set()
            while pid in by_id and pid not in seen:
                seen.add(pid)
                out.insert(0, by_id[pid].name)
                if pid not in s.parent_of:
                    break
                pid = s.parent_of[pid]
            return out

        def add(path: list[str], info: dict[str, Any] | None = None) -> str:
            node = tree
            for i, part in enumerate(path):
                key = CODE_PATH_SEP.join(path[:i + 1])
                if part not in node:
                    node[part] = {"guid": guid("code", key), "children": {}, "info": None}
                    self.code_of_path[key] = node[part]["guid"]
                if i == len(path) - 1 and info:
                    node[part]["info"] = info
                node = node[part]["children"]
            return self.code_of_path[CODE_PATH_SEP.join(path)]

        for p in s.patterns:
            add(path_of(p.id), {"pattern": p})
        for sid, pid in s.pattern_of.items():
            if pid in by_id:
                coded[sid].append(self.code_of_path[CODE_PATH_SEP.join(path_of(pid))])
        for story in s.stories:
            for code in code_values(story.answers.get(CODES_QUESTION)):
                g = add(code.split(CODE_PATH_SEP))
                if g not in coded[story.id]:
                    coded[story.id].append(g)
        if tree:
            codes = _el(_el(self.root, "CodeBook"), "Codes")
            self._codes(codes, tree)
        return coded

    def _codes(self, parent: ET.Element, tree: dict[str, dict[str, Any]]) -> None:
        for name, node in tree.items():
            code = _el(parent, "Code", {"guid": node["guid"], "name": name, "isCodable": "true"})
            p = (node["info"] or {}).get("pattern")
            if p is not None:
                _el(code, "Description", text=(
                    f"Candidate pattern {p.number} of pni run {self.scope.run_id}: {p.size}"
                    f" stories. Keywords: {', '.join(p.keywords)}."))
                if p.exemplars:
                    note = self.note(f"{p.name}: exemplars", "\n".join(
                        f"- {self.label(sid)}" for sid in p.exemplars), ("exemplars", p.id))
                    _el(code, "NoteRef", {"targetGUID": note})
                    self.set(f"{p.name}: exemplars", "The pattern's most typical stories.",
                             sources=p.exemplars, notes=[note], key=("exemplars", p.id))
            self._codes(code, node["children"])

    def label(self, story_id: str) -> str:
        st = self.by_id[story_id]
        return f"{st.title or st.source_id or st.id} ({st.source_id or st.id})"

    # -- notes and sets --------------------------------------------------------------------
    def note(self, name: str, text: str, key: tuple[Any, ...]) -> str:
        g = guid("note", *key)
        n = ET.Element(tag("Note"), {"guid": g, "name": xml_safe(name), "creatingUser": self.user,
                                     "creationDateTime": self.now,
                                     "plainTextPath": f"internal://{g}.txt"})
        self.files[f"sources/{g}.txt"] = plain_text(text)
        self.notes.append(n)
        return g

    def set(self, name: str, description: str, *, sources: Sequence[str] = (),
            codes: Sequence[str] = (), notes: Sequence[str] = (), key: tuple[Any, ...]) -> None:
        st = ET.Element(tag("Set"), {"guid": guid("set", *key), "name": xml_safe(name)})
        _el(st, "Description", text=description)
        for c in codes:
            _el(st, "MemberCode", {"targetGUID": c})
        for sid in sources:
            _el(st, "MemberSource", {"targetGUID": self.sources[sid]})
        for n in notes:
            _el(st, "MemberNote", {"targetGUID": n})
        self.sets.append(st)

    def findings(self) -> None:
        """Observations and outcomes as notes, with sets of what they name."""
        s = self.scope
        for ob in s.observations:
            text = ob.text
            if ob.interpretations:
                text += "\n\nCompeting interpretations:" + "".join(
                    f"\n- {i}" for i in ob.interpretations)
            g = self.note(f"Observation {ob.rank} ({ob.lens} lens)", text,
                          ("observation", s.run_id, ob.rank))
            self.project_notes.append(g)
            if ob.story_ids:
                self.set(f"Observation {ob.rank}: stories", "The stories behind the"
                         " observation.", sources=ob.story_ids, notes=[g],
                         key=("observation", s.run_id, ob.rank))
        pname = {p.id: self.code_of_path.get(p.name) for p in s.patterns}
        for o in s.outcomes:
            where = ", ".join(f"{k} {v}" for k, v in
                              (("session", o.session), ("group", o.group),
                               ("exercise", o.exercise)) if v)
            g = self.note(f"Outcome {o.id} ({o.kind})",
                          o.text + (f"\n\n({where})" if where else ""), ("outcome", o.id))
            self.project_notes.append(g)
            codes = [c for c in (pname.get(pid) for pid in o.patterns) if c]
            if o.stories or codes:
                self.set(f"Outcome {o.id} ({o.kind})", o.text, sources=o.stories,
                         codes=codes, notes=[g], key=("outcome", o.id))

    # -- variables, cases, sources ---------------------------------------------------------
    def variables(self) -> dict[str, tuple[str, str]]:
        """Declare the variables; returns name -> (guid, type)."""
        s = self.scope
        qs: dict[str, Question] = {q.id: q for q in s.questions if q.id != CODES_QUESTION}
        values: dict[str, list[Any]] = {}
        for st in s.stories:
            for k, v in _story_meta(st).items():
                values.setdefault(META_PREFIX + k, []).append(v)
            for k, v in (*st.answers.items(), *st.teller_answers.items()):
                if k in qs:
                    values.setdefault(k, []).append(v)
        out: dict[str, tuple[str, str]] = {}
        parent = ET.Element(tag("Variables"))
        for name, vals in values.items():
            if all(v is None or v == "" or v == [] for v in vals):
                continue
            q = qs.get(name)
            vtype = variable_type(q, vals)
            g = guid("variable", name)
            v = _el(parent, "Variable", {"guid": g, "name": name, "typeOfVariable": vtype})
            _el(v, "Description", text=describe(q) if q else
                f"The story's {name[len(META_PREFIX):]} in pni.")
            out[name] = (g, vtype)
        if out:
            self.root.append(parent)
        return out

    def values(self, parent: ET.Element, items: list[tuple[str, Any]],
               variables: dict[str, tuple[str, str]]) -> None:
        for name, v in items:
            if v is None or name not in variables or v == [] or v == "":
                continue
            g, vtype = variables[name]
            vv = _el(parent, "VariableValue")
            _el(vv, "VariableRef", {"targetGUID": g})
            _el(vv, f"{vtype}Value", text=value_text(vtype, v))

    def cases(self, variables: dict[str, tuple[str, str]]) -> int:
        tellers: dict[str, list[Story]] = {}
        for st in self.scope.stories:
            if st.teller_id:
                tellers.setdefault(st.teller_id, []).append(st)
        if not tellers:
            return 0
        parent = _el(self.root, "Cases")
        for tid, stories in tellers.items():
            case = _el(parent, "Case", {"guid": guid("case", tid), "name": tid})
            _el(case, "Description", text="A teller, by pni pseudonym.")
            answers: dict[str, Any] = {}
            for st in stories:
                answers.update(st.teller_answers)
            self.values(case, list(answers.items()), variables)
            for st in stories:
                _el(case, "SourceRef", {"targetGUID": self.sources[st.id]})
        return len(tellers)

    def sources_xml(self, coded: dict[str, list[str]], variables: dict[str, tuple[str, str]]
                    ) -> dict[str, str]:
        files: dict[str, str] = {}
        parent = _el(self.root, "Sources")
        for st in self.scope.stories:
            g = self.sources[st.id]
            text = plain_text(st.text)
            src = _el(parent, "TextSource", {
                "guid": g, "name": self.names[st.id],
                "plainTextPath": f"internal://{g}.txt", "creatingUser": self.user,
                "creationDateTime": self.now})
            if st.prompt:
                _el(src, "Description", text=st.prompt)
            for c in coded.get(st.id, []):
                sel = _el(src, "PlainTextSelection", {
                    "guid": guid("selection", st.id, c), "name": "whole story",
                    "startPosition": 0, "endPosition": len(text),
                    "creatingUser": self.user, "creationDateTime": self.now})
                coding = _el(sel, "Coding", {"guid": guid("coding", st.id, c),
                                             "creatingUser": self.user})
                _el(coding, "CodeRef", {"targetGUID": c})
            meta = [(META_PREFIX + k, v) for k, v in _story_meta(st).items()]
            self.values(src, meta + list(st.answers.items()), variables)
            files[f"sources/{g}.txt"] = text
        return files


def build_project(scope: Scope, name: str, now: str | None = None
                  ) -> tuple[bytes, dict[str, str], dict[str, int]]:
    """The ``project.qde`` XML, the plain-text source files (path -> text) and counts."""
    now = now or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    b = _Builder(scope, name, now)
    users = _el(b.root, "Users")
    _el(users, "User", {"guid": b.user, "name": "pni"})
    coded = b.codebook()
    variables = b.variables()
    n_cases = b.cases(variables)
    files = b.sources_xml(coded, variables) if scope.stories else {}
    b.findings()
    files.update(b.files)
    if b.notes:
        notes = _el(b.root, "Notes")
        notes.extend(b.notes)
    if b.sets:
        sets = _el(b.root, "Sets")
        sets.extend(b.sets)
    desc = list(scope.policy())
    if scope.run_id is not None:
        desc.append(f"Stories are coded by their candidate pattern from pni run {scope.run_id}"
                    f" ({len(scope.patterns)} patterns); patterns are candidates for"
                    " sensemaking, not conclusions.")
    _el(b.root, "Description", text="\n".join(desc))
    for g in b.project_notes:
        _el(b.root, "NoteRef", {"targetGUID": g})
    ET.register_namespace("", NS)
    ET.indent(b.root)
    xml = ET.tostring(b.root, encoding="utf-8", xml_declaration=True)
    return xml, files, {"sources": len(scope.stories), "cases": n_cases,
                        "codes": len(b.code_of_path),
                        "notes": len(b.notes), "sets": len(b.sets)}


def write_qdpx(scope: Scope, path: Path, *, name: str | None = None,
               now: str | None = None) -> QdpxResult:
    """Write ``scope`` as a REFI-QDA project file (a zip of ``project.qde`` and ``sources/``)."""
    xml, files, counts = build_project(scope, name or path.stem, now)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        for p, text in files.items():
            z.writestr(p, text.encode("utf-8"))
    tmp.replace(path)
    return QdpxResult(path=path, policy=scope.policy(), **counts)
