"""Transcripts: speaker turns -> stories.

- The listener (who asks) is given (``--listener``, ``listeners:`` in front matter or pni.yaml),
  known by a role name (Interviewer, Facilitator, Moderator, Host...), or guessed from evidence:
  the speaker whose turns are most often questions, and short. Without one, each turn is a story.
- empathy-interview: each listener turn is a prompt; the interviewee's following turns, up to the
  next listener turn, are one story answering it.
- kiva-panel: each moderator (listener) turn is a question; each panelist's answer to it is one
  story told by that panelist.
- A turn that is only backchannel ("Yeah.", "Mm-hmm", "<laugh>": :func:`pni.fillers.is_backchannel`)
  is no prompt and no story: it joins the neighbouring answer (a listener's only in its record).
- After a ``## Debrief`` / ``[Debrief]`` line, listeners' questions (turns ending in ``?``) are
  prompts and every other turn is a ``reflection`` story by its speaker.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field

from pni.fillers import is_backchannel, is_mark_only
from pni.ingest.forms import norm
from pni.ingest.models import Candidate
from pni.ingest.readers.speaker_colon import match_turn
from pni.ingest.turns import (
    Parsed,
    Turn,
    is_debrief,
    is_dropped,
    parse_lines,
    stamped_share,
    strip_stamp,
    style,
)

__all__ = ["DEFAULT_LISTENERS", "TRANSCRIPT_KINDS", "Listening", "Parsed", "Turn",
           "choose_listeners", "guess_kind", "is_debrief", "is_listener", "listening_notices",
           "looks_like_transcript", "match_turn", "one_text", "parse_lines", "speakers_of",
           "stamped_share", "turns_to_candidates", "untold"]

DEFAULT_LISTENERS = ("Interviewer", "Facilitator", "Moderator", "Q", "Host", "Researcher")
TRANSCRIPT_KINDS = ("empathy-interview", "kiva-panel")


def is_listener(speaker: str, listeners: list[str]) -> bool:
    s = norm(speaker)
    return any(s == norm(x) or s.startswith(norm(x) + "_") for x in listeners)


def speakers_of(turns: list[Turn]) -> list[str]:
    """Speakers in order of their first turn (``Unknown``, a cue without a name, left out)."""
    return list(dict.fromkeys(t.speaker for t in turns if t.speaker != "Unknown"))


def looks_like_transcript(parsed: Parsed, listeners: list[str]) -> bool:
    """Turns by two speakers or more that are a real part of the text (a story quoting one
    ``Mom: ...`` line is not a transcript), or by a listener known by name."""
    speakers = speakers_of(parsed.turns)
    if len(parsed.turns) < 2 or len(speakers) < 2:
        return False
    return any(is_listener(s, listeners) for s in speakers) or (
        len(parsed.turns) >= 3 and parsed.coverage >= 0.2)


def untold(lines: list[tuple[int, str]], parsed: Parsed) -> bool:
    """A transcript in which no speakers can be told apart: time-stamped lines without names
    (a podcast dump), or the turns of one speaker only."""
    if len(speakers_of(parsed.turns)) >= 2:
        return False
    stamped = stamped_share(lines)
    return (stamped >= 0.5 and sum(1 for _, s in lines if s.strip()) >= 3) or (
        len(parsed.turns) >= 3 and parsed.coverage >= 0.5)


def one_text(lines: list[tuple[int, str]], parsed: Parsed) -> str:
    """The words of a transcript read as one story: headings, time stamps and names dropped."""
    match = style(parsed.opener).opens
    out: list[str] = []
    for _, line in lines:
        if is_dropped(line) or is_debrief(line):
            continue
        m = match(line)
        text = m[1] if m else strip_stamp(line)
        if text.strip() or (out and out[-1]):
            out.append(text)
    return "\n".join(out).strip()


@dataclass
class Listening:
    """Who listens in a transcript, and how pni knows: ``given``, ``by name``, ``guessed`` or
    ``none`` (nobody asks: each turn is a story)."""

    listeners: list[str]
    how: str
    evidence: str = ""
    unmatched: list[str] = field(default_factory=list)  # given names that are no speaker


def _stats(turns: list[Turn], speaker: str) -> tuple[int, int, float]:
    own = [t for t in turns if t.speaker == speaker and not is_backchannel(t.text)]
    asks = sum(1 for t in own if "?" in t.text[-120:])  # the turn ends on a question
    words = statistics.median(len(t.text.split()) for t in own) if own else 0.0
    return len(own), asks, words


def choose_listeners(turns: list[Turn], given: list[str]) -> Listening:
    """The listeners of ``turns``: the given names found among the speakers, else role names,
    else the speaker who asks: whose turns end on a question most often (in a tenth of their
    turns or more, and half again as often as anyone else's, or more often with turns shorter
    by 40%). Backchannel turns are not counted."""
    body = [t for t in turns if not t.debrief]
    speakers = speakers_of(body)
    everyone = speakers_of(turns)
    unmatched = [g for g in given if not any(is_listener(s, [g]) for s in everyone)]
    named = [s for s in everyone if is_listener(s, [*given, *DEFAULT_LISTENERS])]
    if any(is_listener(s, given) for s in named):
        return Listening(named, "given", unmatched=unmatched)
    if named:
        return Listening(named, "by name", unmatched=unmatched)
    if len(speakers) < 2:
        return Listening([], "none", unmatched=unmatched)
    stats = {s: _stats(body, s) for s in speakers}
    ratio = {s: (a / n if n else 0.0) for s, (n, a, _) in stats.items()}
    best = max(speakers, key=lambda s: (ratio[s], -stats[s][2]))
    if sum(1 for s in speakers if ratio[s] == ratio[best] and stats[s][2] == stats[best][2]) > 1:
        return Listening([], "none", unmatched=unmatched)
    others = [s for s in speakers if s != best]
    n, asks, words = stats[best]
    other_words = statistics.median(stats[s][2] for s in others)
    most = max(ratio[s] for s in others)
    if asks == 0 or ratio[best] < 0.1 or not (
            ratio[best] >= 1.5 * most or (ratio[best] > most and words <= 0.6 * other_words)):
        return Listening([], "none", unmatched=unmatched)
    other_n = sum(stats[s][0] for s in others)
    other_asks = sum(stats[s][1] for s in others)
    evidence = (f"turns ending on a question: {asks} of {n}, median {words:g} words a turn;"
                f" the others: {other_asks} of {other_n}, {other_words:g} words")
    return Listening([best], "guessed", evidence, unmatched)


def listening_notices(lis: Listening, speakers: list[str]) -> list[str]:
    """What a collect says about who listens, and how to correct it."""
    out = [f"--listener {u!r} is none of the speakers ({', '.join(speakers)})"
           for u in lis.unmatched]
    names = ", ".join(lis.listeners)
    if lis.how == "given":
        out.append(f"listener: {names} (given)")
    elif lis.how == "by name":
        out.append(f"listener: {names} (known by the name; if another speaker asks the"
                   ' questions: --listener "NAME")')
    elif lis.how == "guessed":
        out.append(f"listener guessed: {names} ({lis.evidence})")
    else:
        out.append("no speaker asks the questions: each turn is a story by its speaker, with no"
                   ' prompt (if one of them is the interviewer: --listener "NAME")')
    return out


def guess_kind(turns: list[Turn], listeners: list[str]) -> str:
    tellers = {t.speaker for t in turns if not t.debrief and not is_listener(t.speaker, listeners)}
    return "empathy-interview" if len(tellers) <= 1 else "kiva-panel"


@dataclass
class _Group:
    """The turns of one would-be story: the teller's own and the listeners' backchannel."""

    speaker: str
    prompt: str | None
    asked_by: str | None
    kind: str
    turns: list[Turn] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(t.text for t in self.turns
                           if t.speaker == self.speaker and not is_mark_only(t.text))


def _group(turns: list[Turn], kind: str, listeners: list[str]) -> tuple[list[_Group], int]:
    """Turns -> story groups (see the module doc) and the number of backchannel turns merged."""
    groups: list[_Group] = []
    open_: dict[str, _Group] = {}
    last: dict[str, _Group] = {}
    carry: dict[str | None, list[Turn]] = {}
    prompt: str | None = None
    asked_by: str | None = None
    seg_kind, in_debrief, merged = kind, False, 0
    for t in turns:
        if t.debrief and not in_debrief:
            open_.clear()
            last.clear()
            in_debrief, prompt, asked_by, seg_kind = True, None, None, "reflection"
        listener = is_listener(t.speaker, listeners)
        if is_backchannel(t.text):
            merged += 1
            target = (groups[-1] if groups else None) if listener else (
                open_.get(t.speaker) or last.get(t.speaker))
            if target is not None:
                target.turns.append(t)
            else:
                carry.setdefault(None if listener else t.speaker, []).append(t)
            continue
        if listener and (not in_debrief or t.text.rstrip().endswith("?")):
            open_.clear()
            prompt, asked_by = t.text, t.speaker
            continue
        if not listeners and open_ and t.speaker not in open_:
            open_.clear()  # nobody asks: each turn (a speaker's run of turns) is a story
        g = open_.get(t.speaker)
        if g is None:
            g = _Group(t.speaker, prompt, asked_by, seg_kind,
                       [*carry.pop(None, []), *carry.pop(t.speaker, [])])
            open_[t.speaker] = g
            groups.append(g)
        g.turns.append(t)
        last[t.speaker] = g
    leftover = [t for ts in carry.values() for t in ts]
    if leftover:
        if groups:
            groups[-1].turns.extend(leftover)
        else:
            groups.append(_Group(leftover[0].speaker, None, None, kind, leftover))
    return groups, merged


def turns_to_candidates(
    turns: list[Turn], *, kind: str, listeners: list[str],
    teller_attrs: dict[str, dict[str, object]], single_teller: str | None,
    source_id: str | None,
) -> tuple[list[Candidate], int]:
    """One candidate per teller per prompt (see the module doc), and the number of backchannel
    turns merged into neighbouring answers.

    ``single_teller`` names the one interviewee when the front matter gives ``teller:``;
    ``teller_attrs`` maps speaker names to answers about them (role, school, grade band...).
    Every speaker name met (teller, listener, backchannel) is kept on ``Candidate.names``.
    """
    groups, merged = _group(turns, kind, listeners)
    tellers = {g.speaker for g in groups if g.kind != "reflection"}
    out: list[Candidate] = []
    for g in groups:
        name: str | None = single_teller if (single_teller and len(tellers) == 1
                                             and g.speaker in tellers) else g.speaker
        name = None if name == "Unknown" else name
        own = next((t for t in g.turns if t.speaker == g.speaker), g.turns[0])
        first = own.locator.split(" (")[0]
        c = Candidate(
            locator=own.locator, text=g.text, prompt=g.prompt, teller=name, kind=g.kind,
            raw=json.dumps([{"speaker": t.speaker, "text": t.text, "at": t.locator}
                            for t in g.turns], ensure_ascii=False),
            source_id=f"{source_id}/{first.replace(' ', '-')}" if source_id else None,
        )
        c.names = list(dict.fromkeys(
            n for n in (name, g.speaker, g.asked_by, *(t.speaker for t in g.turns))
            if n and n != "Unknown"))
        attrs = teller_attrs.get(g.speaker) or teller_attrs.get(name or "") or {}
        c.teller_answers = dict(attrs)
        if "consent" in c.teller_answers:
            c.consent = str(c.teller_answers.pop("consent"))
        out.append(c)
    return out, merged
