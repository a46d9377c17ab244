"""Documents and transcripts -> candidate stories, with front matter as fields and answers."""

from __future__ import annotations

import json
import shlex
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pni.errors import DataError
from pni.ingest.forms import TELLER_COLUMNS, Form, blank, coerce, infer_from_value, norm, slug
from pni.ingest.models import Candidate, FileSettings, InferredQuestion
from pni.ingest.readers.base import Document
from pni.ingest.transcripts import (
    DEFAULT_LISTENERS,
    TRANSCRIPT_KINDS,
    Header,
    Turn,
    choose_listeners,
    guess_kind,
    listening_notices,
    looks_like_transcript,
    one_text,
    parse_lines,
    speakers_of,
    stamped_share,
    stray_askers,
    take_header,
    turns_to_candidates,
    untold,
)
from pni.models import Question

RESERVED = {"title", "teller", "tellers", "date", "prompt", "consent", "id", "kind", "listeners",
            "language", "collection", "form", "map", "name"}


@dataclass
class Built:
    candidates: list[Candidate] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)
    inferred: list[InferredQuestion] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    kind: str | None = None


def _str(v: Any) -> str | None:
    return None if blank(v) else str(v)


def _listeners(settings: FileSettings, meta: dict[str, Any]) -> list[str]:
    extra = meta.get("listeners") or []
    if isinstance(extra, str):
        extra = [x.strip() for x in extra.split(",")]
    return list(dict.fromkeys([*settings.listeners, *map(str, extra)]))


class _Answers:
    """Front-matter keys -> questions (form, store, or inferred from the value's type)."""

    def __init__(self, built: Built, form: Form | None, known: dict[str, Question], label: str):
        self.built, self.form, self.known, self.label = built, form, known, label
        self.by_column = form.by_column() if form else {}

    def question(self, key: str, value: Any) -> Question:
        q = self.by_column.get(norm(key))
        if q is None:
            k = self.known.get(slug(key)) or self.built.questions.get(slug(key))
            if k is not None:
                q = k
        if q is None:
            q, evidence = infer_from_value(key, value)
            self.built.inferred.append(InferredQuestion(file=self.label, column=key, question=q,
                                                        evidence=evidence))
        self.built.questions[q.id] = q
        return q

    def apply(self, c: Candidate, items: dict[str, Any], teller_only: bool = False) -> None:
        for key, value in items.items():
            if blank(value) or (not teller_only and key in RESERVED):
                continue
            if isinstance(value, dict):
                continue
            q = self.question(key, value)
            if teller_only and q.inferred and q.about != "teller":
                q = q.model_copy(update={"about": "teller"})
                self.built.questions[q.id] = q
            try:
                v = coerce(q, value)
            except ValueError as e:  # one answer pni cannot read never costs the story
                c.unread.append(f"{c.locator}, front matter {key!r}: {e}; left unanswered, the"
                                " story is kept")
                continue
            if q.about == "teller" or teller_only:
                c.teller_answers[q.id] = v
            else:
                c.answers[q.id] = v


def _base(c: Candidate, meta: dict[str, Any], settings: FileSettings) -> None:
    c.title = c.title or _str(meta.get("title"))
    c.date = _str(meta.get("date"))
    c.prompt = c.prompt or _str(meta.get("prompt"))
    if c.consent is None:
        c.consent = _str(meta.get("consent"))
    c.language = _str(meta.get("language")) or settings.language
    if c.kind is None:
        c.kind = settings.kind


def _kind(settings: FileSettings, meta: dict[str, Any]) -> str | None:
    k = _str(meta.get("kind")) or settings.kind
    return k


def document_candidates(doc: Document, path: Path, label: str, settings: FileSettings,
                        form: Form | None, known: dict[str, Question]) -> Built:
    built = Built(notices=list(doc.notices))
    meta = doc.meta
    kind = _kind(settings, meta)
    listeners = _listeners(settings, meta)
    parsed = parse_lines(doc.lines, doc.unit)
    header = take_header(parsed, doc.lines) if not settings.split else Header()
    if not settings.split and (kind in TRANSCRIPT_KINDS or (kind is None and (
            looks_like_transcript(parsed, [*DEFAULT_LISTENERS, *listeners, *header.listeners])
            or untold(doc.lines, parsed)))):
        if header.lines:
            built.notices.append(header.notice() or "")
            meta = {**header.meta, **meta}
            if header.listeners and not listeners:
                listeners = list(dict.fromkeys(header.listeners))
                built.notices.append("the header names the interviewer: listener "
                                     + ", ".join(listeners) + ' (if another speaker asks the'
                                     ' questions: --listener "NAME")')
        if parsed.ignored_lines and parsed.turns:
            built.notices.append(f"{parsed.ignored_lines} line(s) before the first turn ignored")
        if parsed.dropped:
            built.notices.append(f"{parsed.dropped} chapter heading(s), time-stamp line(s) and"
                                 " meeting event(s) dropped")
        style = parsed.style if parsed.turns else (
            "time-stamped lines" if stamped_share(doc.lines) >= 0.5 else "text")
        out = _transcript(parsed.turns, meta, kind, listeners, path, label, settings, form,
                          known, built, style, lambda: one_text(doc.lines, parsed))
        for c in out.candidates:
            c.names = list(dict.fromkeys([*c.names, *header.names]))
            c.meta = {**header.provenance, **c.meta}
        return out
    answers = _Answers(built, form, known, label)
    built.kind = kind or "other"
    voices = speakers_of(parsed.turns)
    if not settings.split and len(voices) >= 2 and kind is None:
        built.notices.append(  # never silently one story: say what looked like turns
            f"{len(parsed.turns)} line(s) look like turns ({parsed.style}) by "
            + ", ".join(voices[:6]) + ("..." if len(voices) > 6 else "")
            + ": too few to be a transcript, kept as ONE story; if it is an interview:"
            " --kind empathy-interview --listener NAME")
    body = [(n, line) for n, line in doc.lines]
    title = None
    first = next(((n, s) for n, s in body if s.strip()), None)
    if first and first[1].lstrip().startswith("# ") and not meta.get("title") and not settings.split:
        title = first[1].lstrip()[2:].strip()
        body = [(n, s) for n, s in body if n != first[0]]
    blocks: list[tuple[int, list[str]]] = []
    if settings.split:
        cur: list[str] = []
        start = 0
        for n, line in body:
            if line.strip():
                if not cur:
                    start = n
                cur.append(line)
            elif cur:
                blocks.append((start, cur))
                cur = []
        if cur:
            blocks.append((start, cur))
        if not blocks:
            blocks = [(body[0][0] if body else 1, [])]
    else:
        start = next((n for n, s in body if s.strip()), body[0][0] if body else 1)
        blocks = [(start, [s for _, s in body])]
    sid = _str(meta.get("id"))
    teller = _str(meta.get("teller")) or _str(meta.get("name"))
    for i, (start, lines) in enumerate(blocks, 1):
        text = "\n".join(lines).strip("\n")
        loc = f"{doc.unit} {start}" if settings.split else "body"
        c = Candidate(locator=loc, raw=json.dumps({"meta": meta, "text": text}, ensure_ascii=False,
                                                  default=str),
                      text=text, title=title, teller=teller, kind=built.kind,
                      source_id=(f"{sid}#{i}" if settings.split else sid) if sid else None)
        _base(c, meta, settings)
        answers.apply(c, meta)
        built.candidates.append(c)
    return built


def _transcript(turns: list[Turn], meta: dict[str, Any], kind: str | None,
                given: list[str], path: Path, label: str, settings: FileSettings,
                form: Form | None, known: dict[str, Question], built: Built, style: str,
                whole: Callable[[], str]) -> Built:
    speakers = speakers_of(turns)
    counts = Counter(t.speaker for t in turns)
    built.notices.append(f"transcript: {style}; speakers: " + (", ".join(
        f"{s} ({counts[s]} turn{'s' if counts[s] != 1 else ''})" for s in speakers) or "none"))
    answers = _Answers(built, form, known, label)
    if kind is not None and kind not in TRANSCRIPT_KINDS:
        built.notices.append(f"--kind {kind}: the transcript is ONE story, each turn kept with"
                             " its speaker's name")
        text = "\n\n".join(f"{t.speaker}: {t.text}" if t.speaker != "Unknown" else t.text
                            for t in turns if t.text.strip())
        return _one_story(turns, speakers, meta, kind, settings, answers, built, text,
                          said=False)
    if len(speakers) < 2:
        return _one_story(turns, speakers, meta, kind, settings, answers, built, whole())
    lis = choose_listeners(turns, given)
    if lis.how == "none" and kind is None:
        raise DataError(
            "cannot tell an interview from a conversation: no speaker asks the questions"
            f" ({', '.join(f'{s} ({counts[s]} turns)' for s in speakers)}); choose:"
            " --listener NAME (an interview: NAME asks, each answer is a story),"
            " --kind kiva-panel (each turn is a story by its speaker) or --kind other"
            " (the whole file is one story)", file=path)
    built.notices.extend(listening_notices(lis, speakers))
    guessed = lis.how in ("guessed", "by name")
    stray = stray_askers(turns, lis.listeners) if guessed and lis.listeners else []
    if stray and len(speakers) - len(stray) >= 2:
        lis.listeners = [*lis.listeners, *stray]
        built.notices.append("heard once, asking: " + ", ".join(stray) + " (read as listeners,"
                             " neither a story nor a teller)")
    if not kind or kind not in TRANSCRIPT_KINDS:
        kind = guess_kind(turns, lis.listeners)
        tellers = [s for s in speakers if s not in lis.listeners]
        built.notices.append(f"kind guessed: {kind} ({len(tellers)} teller"
                             f"{'s' if len(tellers) != 1 else ''})")
        guessed = True
    if guessed:
        who = f" --listener {shlex.quote(lis.listeners[0])}" if lis.listeners else ""
        built.notices.append(f"to confirm or correct: pni collect {shlex.quote(label)} --kind"
                             f" {kind}{who} (--listener NAME names the speaker who asks; --kind other"
                             " keeps the file one story)")
    built.kind = kind
    single = _str(meta.get("teller"))
    attrs: dict[str, dict[str, Any]] = {}
    tellers_meta = meta.get("tellers") or {}
    if isinstance(tellers_meta, dict):
        for name, a in tellers_meta.items():
            attrs[str(name)] = a if isinstance(a, dict) else {}
    if single:
        own = {k: v for k, v in meta.items() if norm(k) in TELLER_COLUMNS}
        attrs[single] = {**own, **attrs.get(single, {})}
    story_keys = {k: v for k, v in meta.items()
                  if k not in RESERVED and norm(k) not in TELLER_COLUMNS}
    cands, merged = turns_to_candidates(turns, kind=kind, listeners=lis.listeners,
                                        teller_attrs=attrs, single_teller=single,
                                        source_id=_str(meta.get("id")))
    if merged:
        built.notices.append(f"{merged} backchannel turn(s) (\"Yeah.\", \"Mm-hmm\", \"<laugh>\"...)"
                             " joined the neighbouring answer")
    if not cands:
        raise DataError("the transcript has turns but no stories: every turn is by a listener"
                        f" ({', '.join(sorted({t.speaker for t in turns}))})", file=path)
    for c in cands:
        _base(c, meta, settings)
        ta = c.teller_answers
        c.teller_answers = {}
        answers.apply(c, ta, teller_only=True)
        answers.apply(c, story_keys)
    built.candidates = cands
    return built


def _one_story(turns: list[Turn], speakers: list[str], meta: dict[str, Any], kind: str | None,
               settings: FileSettings, answers: _Answers, built: Built, text: str,
               said: bool = True) -> Built:
    """No speakers can be told apart (or ``--kind`` says the file is not an interview): the
    whole transcript is one story, and the notice says so."""
    why = f"only one speaker ({speakers[0]})" if speakers else "no speaker names"
    if said:
        built.notices.append(f"no speakers could be told apart ({why}): stored as ONE story; if"
                             " it holds several voices, label the turns 'Name: words'")
    built.kind = kind or "other"
    teller = _str(meta.get("teller")) or (speakers[0] if len(speakers) == 1 else None)
    c = Candidate(locator="body", text=text.strip(), teller=teller, kind=built.kind,
                  raw=json.dumps({"meta": meta, "text": text}, ensure_ascii=False, default=str),
                  source_id=_str(meta.get("id")))
    c.names = list(speakers)
    _base(c, meta, settings)
    answers.apply(c, meta)
    built.candidates = [c]
    return built


def caption_candidates(meta: dict[str, Any], turns: list[Turn], notices: list[str], style: str,
                       path: Path, label: str, settings: FileSettings, form: Form | None,
                       known: dict[str, Question]) -> Built:
    built = Built(notices=list(notices))
    if not turns:
        raise DataError("no cues with words found", file=path)
    kind = _kind(settings, meta)
    return _transcript(turns, meta, kind, _listeners(settings, meta), path, label, settings,
                       form, known, built, style,
                       lambda: "\n\n".join(t.text for t in turns if t.text))


def table_transcript_candidates(turns: list[Turn], bad: list[tuple[str, str, str]], path: Path,
                                label: str, settings: FileSettings, form: Form | None,
                                known: dict[str, Question], meta: dict[str, Any],
                                style: str) -> Built:
    """A transcript kept as a table (one row per utterance) as stories, like a caption file;
    rows the table reader refused are candidates with their error, so they are counted."""
    built = Built()
    if not turns:
        raise DataError("the transcript table has no rows with words", file=path)
    kind = _kind(settings, meta)
    out = _transcript(turns, meta, kind, _listeners(settings, meta), path, label, settings,
                      form, known, built, style,
                      lambda: "\n\n".join(t.text for t in turns if t.text))
    out.candidates.extend(Candidate(locator=loc, raw=raw, error=why) for loc, raw, why in bad)
    return out
