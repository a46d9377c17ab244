"""Check outcome records and store them: each bad record is rejected with its file, line and
reason; every good record of the same file is kept. Recording a file twice adds nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from pni.models import Provenance
from pni.record.read import RawRecord, read_records
from pni.store import Store
from pni.store import outcomes as oq
from pni.store.codes import normalize_code
from pni.store.stories import content_hash, normalize_text

#: pni's outcome kinds (the store's ``kind``; older files use them)
KINDS = ("discovery", "dilemma", "idea", "question", "opportunity", "story", "other")
#: NarraFirma's sixteen outcome types, with pni's question and story (a reminding)
OUTCOME_TYPES = ("discovery", "learning", "perspective", "difference", "connection",
                 "curiosity", "dilemma", "concern", "idea", "opportunity", "suggestion", "issue",
                 "recommendation", "discussion", "priority", "question", "story", "other")
#: what each section of a session record holds, and the types it takes (NarraFirma's)
SECTIONS: dict[str, tuple[str, ...]] = {
    "outcome": OUTCOME_TYPES,
    "resonant story": ("pivot", "voice", "discovery", "other"),
    "resonant pattern": ("pivot", "voice", "discovery", "other"),
    "construction": ("timeline", "landscape", "story elements", "composite story", "other"),
    "reflection": ("participants", "facilitator", "project", "interactions", "other"),
    "session": ("name", "date", "place", "participants", "plan", "notes"),
}
_PLURALS = {"discoveries": "discovery", "dilemmas": "dilemma", "ideas": "idea",
            "questions": "question", "opportunities": "opportunity", "stories": "story",
            "others": "other", "remindings": "story", "reminding": "story",
            "learnings": "learning", "perspectives": "perspective", "differences": "difference",
            "connections": "connection", "curiosities": "curiosity", "concerns": "concern",
            "suggestions": "suggestion", "issues": "issue",
            "recommendations": "recommendation", "discussions": "discussion",
            "priorities": "priority", "composite": "composite story",
            "composite stories": "composite story", "elements": "story elements",
            "timelines": "timeline", "landscapes": "landscape", "pivots": "pivot",
            "voices": "voice"}
_SECTION_ALIASES = {"outcomes": "outcome", "resonant stories": "resonant story",
                    "resonant patterns": "resonant pattern", "constructions": "construction",
                    "reflections": "reflection", "resonant": "resonant story"}


class RecordReject(BaseModel):
    file: str
    line: int | None = None
    reason: str
    raw: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


class RecordResult(BaseModel):
    file: str
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    #: composite stories stored as stories (kind "composite", card code C1...)
    composites: int = 0
    rejects: list[RecordReject] = Field(default_factory=list)
    dry_run: bool = False


def normalize_kind(value: Any) -> str | None:
    k = " ".join(str(value or "").split()).lower()
    k = _PLURALS.get(k, k)
    return k if k in KINDS else None


def normalize_section(value: Any) -> str | None:
    k = " ".join(str(value or "outcome").replace("_", " ").split()).lower()
    k = _SECTION_ALIASES.get(k, k)
    return k if k in SECTIONS else None


def normalize_type(section: str, value: Any) -> str | None:
    k = " ".join(str(value or "").replace("_", " ").split()).lower()
    k = _PLURALS.get(k, k)
    return k if k in SECTIONS[section] else None


def _ordered(value: Any) -> list[str]:
    """References in the order written, each once."""
    return list(dict.fromkeys(_split(value)))


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        items = [str(v) for v in value]
    else:
        items = str(value).replace(",", ";").split(";")
    return [i.strip() for i in items if i.strip()]


def _opt(value: Any) -> str | None:
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s or None


class _Resolver:
    def __init__(self, db: Store):
        from pni.store.codes import story_codes
        from pni.store.runs import pattern_ids
        from pni.store.stories import story_refs

        refs = story_refs(db)
        self.ids = {sid for sid, _ in refs}
        self.codes = {code: sid for sid, code in story_codes(db).items()}
        self.by_source: dict[str, list[str]] = {}
        self.exact: dict[str, list[str]] = {}
        for sid, source_id in refs:
            if source_id is not None:
                self.by_source.setdefault(source_id.casefold(), []).append(sid)
                self.exact.setdefault(source_id, []).append(sid)
        self.patterns = pattern_ids(db)

    def story(self, ref: str) -> str:
        if ref in self.ids:
            return ref
        exact = self.exact.get(ref, [])
        if len(exact) == 1:
            return exact[0]
        by_code = self.codes.get(normalize_code(ref) or "")
        if by_code is not None:
            return by_code
        found = self.by_source.get(ref.casefold(), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValueError(f"story {ref!r} names {len(found)} stories: use its pni id")
        raise ValueError(f"unknown story {ref!r} (a card code looks like K12)")

    def pattern(self, ref: str) -> int:
        s = ref.strip().lstrip("#")
        if s.lower().startswith("p") and s[1:].isdigit():
            s = s[1:]
        if not s.isdigit():
            raise ValueError(f"pattern {ref!r} is not a pattern id (a number)")
        if int(s) not in self.patterns:
            raise ValueError(f"unknown pattern {ref!r}")
        return int(s)


def check(rec: RawRecord, file: str, res: _Resolver) -> dict[str, Any]:
    """The storable session record for a raw record; raises ValueError with the reason."""
    if rec.problem:
        raise ValueError(rec.problem)
    v = rec.values
    section = normalize_section(v.get("section"))
    if section is None:
        raise ValueError(f"unknown section {v.get('section')!r} (expected one of "
                         f"{', '.join(SECTIONS)})")
    got = v.get("type") or v.get("kind")
    rtype = normalize_type(section, got)
    if rtype is None:
        what = "kind" if section == "outcome" and not v.get("type") else f"{section} type"
        raise ValueError(f"unknown {what} {got!r} (expected one of {', '.join(SECTIONS[section])})"
                         if got else f"no {what} (expected one of "
                         f"{', '.join(SECTIONS[section])})")
    name, why, said = _opt(v.get("name")), _opt(v.get("why")), _opt(v.get("said"))
    text = " ".join(str(v.get("text") or "").split()) or why or name or ""
    if not text:
        raise ValueError("empty text")
    order = [res.story(x) for x in _ordered(v.get("stories") or v.get("cards"))]
    stories = sorted(set(order))
    patterns = sorted({res.pattern(p) for p in _split(v.get("patterns"))})
    if section == "resonant story" and not stories:
        raise ValueError("a resonant story names its card (cards: K12)")
    if section == "resonant pattern" and not patterns:
        raise ValueError("a resonant pattern names its pattern (patterns: 3)")
    if is_composite(section, rtype) and not order:
        raise ValueError("a composite story names the cards it was made from (cards: K3; F7)")
    detail: dict[str, Any] = {}
    if len(order) > 1:
        detail["order"] = order
    placements = _placements(v.get("place"), res)
    if placements:
        detail["placements"] = placements
    kind = (rtype if rtype in KINDS else "other") if section == "outcome" else (
        "story" if section == "resonant story" else "other")
    out: dict[str, Any] = {"session": _opt(v.get("session")), "group": _opt(v.get("group")),
           "exercise": _opt(v.get("exercise")), "kind": kind, "text": text,
           "section": section, "type": rtype, "name": name, "why": why, "said": said,
           "detail": detail, "story_ids": stories, "pattern_ids": patterns, "file": file,
           "line": rec.line}
    h = hashlib.sha256()
    parts: list[str | None] = [out["session"], out["group"], out["exercise"], kind,
                 normalize_text(text).casefold(), ";".join(stories),
                 ";".join(str(p) for p in patterns)]
    if section != "outcome" or rtype not in KINDS or name or why or said or detail:
        parts += [section, rtype, name, why, said, json.dumps(detail, sort_keys=True)]
    for part in parts:
        h.update((part or "").encode("utf-8") + b"\x1f")
    out["key"] = h.hexdigest()
    if is_composite(section, rtype):
        out["story_text"] = str(v.get("text") or "").strip() or text
        out["order"] = order
    return out


def is_composite(section: str | None, rtype: str | None) -> bool:
    return section == "construction" and rtype == "composite story"


def composite_hash(session: str | None, group: str | None, text: str) -> str:
    """The content hash of the composite story a group wrote: its text, session and group."""
    return content_hash(text, teller_key=f"composite|{session or ''}|{group or ''}")


def store_composite(db: Store, rec: dict[str, Any]) -> bool:
    """Store the composite story of ``rec`` (a construction of type "composite story") with its
    links to its cards; False when stored already. Its identity is its text, session and group,
    so recording the file again finds it."""
    from pni.store.composites import composite_of, insert_composite

    text = rec["story_text"]
    story, cid = composite_of(
        db, text=text, title=rec.get("name"),
        content_hash=composite_hash(rec.get("session"), rec.get("group"), text),
        cards=rec["order"], provenance=Provenance(
            file=rec["file"], locator=f"line {rec['line']}" if rec.get("line") else None))
    return insert_composite(db, story, rec["order"], collection_id=cid)


def _placements(value: Any, res: _Resolver) -> dict[str, str]:
    """``"F3@top left; K7@2,4"`` -> story id -> where the group placed the card."""
    out: dict[str, str] = {}
    for item in str(value or "").split(";"):
        ref, sep, where = item.partition("@")
        if not item.strip():
            continue
        if not sep or not ref.strip() or not where.strip():
            raise ValueError(f"placement {item.strip()!r} is not CARD@PLACE (K12@top left)")
        out[res.story(ref.strip())] = " ".join(where.split())
    return out


def record_file(db: Store, path: Path, *, dry_run: bool = False) -> RecordResult:
    """Read one outcomes file into the store (or only check it, with ``dry_run``)."""
    raws = read_records(path)
    name = str(path)
    result = RecordResult(file=name, read=len(raws), dry_run=dry_run)
    res = _Resolver(db)
    seen: set[str] = set()
    with db.transaction():
        for raw in raws:
            try:
                rec = check(raw, name, res)
            except ValueError as e:
                rej = RecordReject(file=name, line=raw.line, reason=str(e), raw=raw.raw or None)
                result.rejects.append(rej)
                result.rejected += 1
                if not dry_run:
                    oq.add_outcome_reject(db, name, raw.line, rej.reason, rej.raw)
                continue
            composite = is_composite(rec["section"], rec["type"])
            if rec["key"] in seen or oq.outcome_exists(db, rec["key"]):
                result.duplicates += 1
                # a store that recorded this file before composite stories were kept as
                # stories gets its composite now
                if composite and not dry_run and store_composite(db, rec):
                    result.composites += 1
                continue
            seen.add(rec["key"])
            if not dry_run:
                oq.insert_outcome(db, rec)
                if composite and store_composite(db, rec):
                    result.composites += 1
            elif composite:
                result.composites += 1
            result.stored += 1
    return result
