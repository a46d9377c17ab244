"""Check outcome records and store them: each bad record is rejected with its file, line and
reason; every good record of the same file is kept. Recording a file twice adds nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from pni.record.read import RawRecord, read_records
from pni.store import Store
from pni.store import outcomes as oq
from pni.store.codes import normalize_code
from pni.store.stories import normalize_text

KINDS = ("discovery", "dilemma", "idea", "question", "opportunity", "story", "other")
_PLURALS = {"discoveries": "discovery", "dilemmas": "dilemma", "ideas": "idea",
            "questions": "question", "opportunities": "opportunity", "stories": "story",
            "others": "other", "remindings": "story", "reminding": "story"}


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
    rejects: list[RecordReject] = Field(default_factory=list)
    dry_run: bool = False


def normalize_kind(value: Any) -> str | None:
    k = " ".join(str(value or "").split()).lower()
    k = _PLURALS.get(k, k)
    return k if k in KINDS else None


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
    """The storable outcome for a raw record; raises ValueError with the reason."""
    if rec.problem:
        raise ValueError(rec.problem)
    v = rec.values
    text = " ".join(str(v.get("text") or "").split())
    if not text:
        raise ValueError("empty text")
    kind = normalize_kind(v.get("kind"))
    if kind is None:
        got = v.get("kind")
        raise ValueError(f"unknown kind {got!r} (expected one of {', '.join(KINDS)})" if got
                         else f"no kind (expected one of {', '.join(KINDS)})")
    stories = sorted({res.story(s) for s in _split(v.get("stories") or v.get("cards"))})
    patterns = sorted({res.pattern(p) for p in _split(v.get("patterns"))})
    out: dict[str, Any] = {"session": _opt(v.get("session")), "group": _opt(v.get("group")),
           "exercise": _opt(v.get("exercise")), "kind": kind, "text": text,
           "story_ids": stories, "pattern_ids": patterns, "file": file, "line": rec.line}
    h = hashlib.sha256()
    parts: list[str | None] = [out["session"], out["group"], out["exercise"], kind,
                 normalize_text(text).casefold(), ";".join(stories),
                 ";".join(str(p) for p in patterns)]
    for part in parts:
        h.update((part or "").encode("utf-8") + b"\x1f")
    out["key"] = h.hexdigest()
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
            if rec["key"] in seen or oq.outcome_exists(db, rec["key"]):
                result.duplicates += 1
                continue
            seen.add(rec["key"])
            if not dry_run:
                oq.insert_outcome(db, rec)
            result.stored += 1
    return result
