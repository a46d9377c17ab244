"""Transcripts: "Name: words" turns -> stories.

- empathy-interview: each listener turn is a prompt; the interviewee's following turns, up to the
  next listener turn, are one story answering it.
- kiva-panel: each moderator (listener) turn is a question; each panelist's answer to it is one
  story told by that panelist.
- After a ``## Debrief`` / ``[Debrief]`` line, listeners' questions (turns ending in ``?``) are
  prompts and every other turn is a ``reflection`` story by its speaker.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pni.ingest.forms import norm
from pni.ingest.models import Candidate

DEFAULT_LISTENERS = ("Interviewer", "Facilitator", "Moderator", "Q")
TRANSCRIPT_KINDS = ("empathy-interview", "kiva-panel")

_TURN = re.compile(
    r"^\s*(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?\s*)?"  # optional time stamp
    r"(?:\*\*)?(?P<name>[A-Z][\w.'’\- ]{0,38}?(?:\s*\([^()]{1,40}\))?)(?:\*\*)?\s*:(?:\*\*)?"
    r"(?:\s+(?P<text>.*)|\s*)$"
)
_DEBRIEF = re.compile(r"^\s*(?:#{1,6}\s*debrief\b.*|\[\s*debrief\s*\]|debrief\s*:?)\s*$", re.I)


@dataclass
class Turn:
    speaker: str
    lines: list[str]
    locator: str
    debrief: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


@dataclass
class Parsed:
    turns: list[Turn] = field(default_factory=list)
    ignored_lines: int = 0


def match_turn(line: str) -> tuple[str, str] | None:
    m = _TURN.match(line)
    if not m:
        return None
    name = m.group("name").strip()
    if len(name.split()) > 5:
        return None
    return name, (m.group("text") or "").strip()


def is_debrief(line: str) -> bool:
    return bool(_DEBRIEF.match(line))


def parse_lines(lines: list[tuple[int, str]], unit: str = "line") -> Parsed:
    """Turns from numbered lines: ``Name: words``, continued by following lines until the next."""
    out = Parsed()
    debrief = False
    current: Turn | None = None
    for n, line in lines:
        if is_debrief(line):
            debrief = True
            current = None
            continue
        m = match_turn(line)
        if m:
            current = Turn(m[0], [m[1]] if m[1] else [],
                           f"turn {len(out.turns) + 1} ({unit} {n})", debrief)
            out.turns.append(current)
        elif current is not None:
            current.lines.append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            out.ignored_lines += 1
    return out


def looks_like_transcript(parsed: Parsed, listeners: list[str]) -> bool:
    speakers = {t.speaker for t in parsed.turns}
    return (len(parsed.turns) >= 2 and len(speakers) >= 2
            and any(is_listener(s, listeners) for s in speakers))


def is_listener(speaker: str, listeners: list[str]) -> bool:
    s = norm(speaker)
    return any(s == norm(x) or s.startswith(norm(x) + "_") for x in listeners)


def guess_kind(turns: list[Turn], listeners: list[str]) -> str:
    tellers = {t.speaker for t in turns if not t.debrief and not is_listener(t.speaker, listeners)}
    return "empathy-interview" if len(tellers) <= 1 else "kiva-panel"


def turns_to_candidates(
    turns: list[Turn], *, kind: str, listeners: list[str], meta: dict[str, Any],
    teller_attrs: dict[str, dict[str, Any]], single_teller: str | None,
    source_id: str | None,
) -> list[Candidate]:
    """One candidate per teller per prompt (see the module doc).

    ``single_teller`` names the one interviewee when the front matter gives ``teller:``;
    ``teller_attrs`` maps speaker names to answers about them (role, school, grade band...).
    """
    out: list[Candidate] = []
    tellers = {t.speaker for t in turns if not t.debrief and not is_listener(t.speaker, listeners)}
    prompt: str | None = None
    pending: dict[str, list[Turn]] = {}

    def flush(story_kind: str) -> None:
        for speaker, ts in pending.items():
            text = "\n\n".join(t.text for t in ts if t.text)
            name = single_teller if (single_teller and len(tellers) == 1
                                     and speaker in tellers) else speaker
            first = ts[0].locator.split(" (")[0]
            c = Candidate(
                locator=ts[0].locator, text=text, prompt=prompt, teller=name, kind=story_kind,
                raw=json.dumps([{"speaker": t.speaker, "text": t.text, "at": t.locator}
                                for t in ts], ensure_ascii=False),
                source_id=f"{source_id}/{first.replace(' ', '-')}" if source_id else None,
            )
            attrs = teller_attrs.get(speaker) or teller_attrs.get(name) or {}
            c.teller_answers = dict(attrs)
            if "consent" in c.teller_answers:
                c.consent = str(c.teller_answers.pop("consent"))
            out.append(c)
        pending.clear()

    in_debrief = False
    for t in turns:
        if t.debrief and not in_debrief:
            flush(kind)
            in_debrief, prompt = True, None
        listener = is_listener(t.speaker, listeners)
        if in_debrief:
            if listener and t.text.rstrip().endswith("?"):
                flush("reflection")
                prompt = t.text
            else:
                pending.setdefault(t.speaker, []).append(t)
        elif listener:
            flush(kind)
            prompt = t.text
        else:
            pending.setdefault(t.speaker, []).append(t)
    flush("reflection" if in_debrief else kind)
    return out
