"""Transcripts: speaker turns -> stories.

- The listener (who asks) is given (``--listener``, ``listeners:`` in front matter or pni.yaml),
  known by a role name (Interviewer, Facilitator, Moderator, Host...), or guessed from evidence:
  the speaker whose turns are most often questions, and short. Without one, each turn is a story.
- empathy-interview: each listener turn is a prompt; the interviewee's following turns, up to the
  next listener turn, are one story answering it. A follow-up ("What happened next?", "Tell me
  more about that.", "How did that feel?": :func:`pni.questions.is_follow_up`) is no new prompt:
  the answer goes on with the story just told (the follow-up stays in the story's record).
- kiva-panel: each moderator (listener) turn is a question; each panelist's answer to it is one
  story told by that panelist.
- A turn that is only backchannel ("Yeah.", "Mm-hmm", "<laugh>": :func:`pni.fillers.is_backchannel`)
  is no prompt and no story: it joins the neighbouring answer (a listener's only in its record).
- After a ``## Debrief`` / ``[Debrief]`` line, listeners' questions (turns ending in ``?``) are
  prompts and every other turn is a ``reflection`` story by its speaker.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from pni.fillers import is_backchannel, is_mark_only
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
from pni.questions import is_follow_up

__all__ = ["DEFAULT_LISTENERS", "TRANSCRIPT_KINDS", "Header", "Listening", "Parsed", "Turn",
           "choose_listeners", "guess_kind", "is_debrief", "is_listener", "listening_notices",
           "looks_like_transcript", "match_turn", "one_text", "parse_lines", "speakers_of",
           "stamped_share", "stray_askers", "take_header", "turns_to_candidates", "untold"]

DEFAULT_LISTENERS = ("Interviewer", "Facilitator", "Moderator", "Q", "Host", "Researcher",
                     "Entrevistador", "Entrevistadora", "Intervieweur", "Intervieweuse",
                     "Intervistatore", "Intervistatrice", "Interviewerin", "Entrevistador(a)",
                     "인터뷰어", "면접자", "질문자", "采访者", "访谈者", "访问者", "主持人",
                     "インタビュアー", "聞き手", "Интервьюер")
TRANSCRIPT_KINDS = ("empathy-interview", "kiva-panel")
MIN_LISTENER_SHARE = 0.25  # a listener has at least this share of the busiest other's turns
MAX_TELLER_ASKS = 0.3  # tellers end at most this share of their turns on a question


def speaker_key(name: str) -> str:
    """A speaker name compared loosely in any script: case, spaces and punctuation ignored."""
    return re.sub(r"[\W_]+", "_", str(name).casefold()).strip("_")


def is_listener(speaker: str, listeners: list[str]) -> bool:
    s = speaker_key(speaker)
    return any(s == k or s.startswith(k + "_") for k in map(speaker_key, listeners) if k)


def speakers_of(turns: list[Turn]) -> list[str]:
    """Speakers in order of their first turn (``Unknown``, a cue without a name, left out)."""
    return list(dict.fromkeys(t.speaker for t in turns if t.speaker != "Unknown"))


def looks_like_transcript(parsed: Parsed, listeners: list[str]) -> bool:
    """Turns by two speakers or more that are a real part of the text (a story quoting one
    ``Mom: ...`` line is not a transcript), or by a listener known by name."""
    speakers = speakers_of(parsed.turns)
    if len(parsed.turns) < 2 or len(speakers) < 2:
        return False
    counts = Counter(t.speaker for t in parsed.turns)
    return any(is_listener(s, listeners) for s in speakers) or (
        len(parsed.turns) >= 3 and parsed.coverage >= 0.2) or (
        sum(1 for n in counts.values() if n >= MANY_TURNS) >= 2)  # long answers, many turns


MANY_TURNS = 5  # two speakers with this many turns each: a transcript, however long the turns


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
    asks = sum(1 for t in own if "?" in t.text[-120:] or "？" in t.text[-120:])
    words = statistics.median(_words(t.text) for t in own) if own else 0.0
    return len(own), asks, words


def _words(text: str) -> int:
    """Words of a turn (characters / 2 for scripts written without spaces)."""
    n = len(text.split())
    return max(n, len(text) // 4) if n <= 2 and len(text) > 12 else n


def _following(turns: list[Turn], speaker: str) -> float:
    """Median words of the turns that follow this speaker's turns (by someone else)."""
    body = [t for t in turns if not is_backchannel(t.text)]
    after = [_words(b.text) for a, b in pairwise(body)
             if a.speaker == speaker and b.speaker != speaker]
    return statistics.median(after) if after else 0.0


def choose_listeners(turns: list[Turn], given: list[str]) -> Listening:
    """The listeners of ``turns``: the given names found among the speakers, else role names,
    else the speaker who asks, guessed among those with at least two turns and a quarter of
    the turns of the busiest other speaker (never a speaker heard once): whose turns end on a
    question most often (in a tenth of their turns or more, and half again as often as anyone
    else's, or more often with turns shorter by 40%), else whose short turns are followed by
    answers at least three times as long (questions transcribed without ``?``). Backchannel
    turns are not counted. Nobody found: ``how == "none"``."""
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
    busiest = {s: max(stats[o][0] for o in speakers if o != s) for s in speakers}
    able = [s for s in speakers
            if stats[s][0] >= 2 and stats[s][0] >= MIN_LISTENER_SHARE * busiest[s]]
    if not able:
        return Listening([], "none", unmatched=unmatched)
    ratio = {s: (a / n if n else 0.0) for s, (n, a, _) in stats.items()}
    best = max(able, key=lambda s: (ratio[s], -stats[s][2]))
    others = [s for s in speakers if s != best]
    n, asks, words = stats[best]
    other_words = statistics.median(stats[s][2] for s in others)
    most = max(ratio[s] for s in others)
    tied = sum(1 for s in able if ratio[s] == ratio[best] and stats[s][2] == stats[best][2]) > 1
    other_n = sum(stats[s][0] for s in others)
    other_asks = sum(stats[s][1] for s in others)
    if not tied and asks and ratio[best] >= 0.1 and most <= MAX_TELLER_ASKS and (
            ratio[best] >= 1.5 * most or (ratio[best] > most and words <= 0.6 * other_words)):
        evidence = (f"turns ending on a question: {asks} of {n}, median {words:g} words a turn;"
                    f" the others: {other_asks} of {other_n}, {other_words:g} words")
        return Listening([best], "guessed", evidence, unmatched)
    follow = {s: _following(body, s) for s in able}
    short = [s for s in able if stats[s][2] and follow[s] >= 3 * stats[s][2]]
    if len(short) == 1:
        s = short[0]
        evidence = (f"short turns before long ones: median {stats[s][2]:g} words a turn,"
                    f" the answers after them {follow[s]:g}")
        return Listening([s], "guessed", evidence, unmatched)
    return Listening([], "none", unmatched=unmatched)


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
    """One teller: an empathy interview; several: a kiva panel."""
    tellers = {t.speaker for t in turns if not t.debrief and not is_listener(t.speaker, listeners)}
    return "empathy-interview" if len(tellers) <= 1 else "kiva-panel"


def stray_askers(turns: list[Turn], listeners: list[str]) -> list[str]:
    """Speakers heard once, asking ("Can everyone hear me?"): read as listeners when the
    listener was guessed, so a sound check is neither a story nor a second teller."""
    counts = Counter(t.speaker for t in turns if not is_backchannel(t.text))
    return [s for s, n in counts.items() if n == 1 and s != "Unknown"
            and not is_listener(s, listeners)
            and any(t.speaker == s and t.text.rstrip().endswith(("?", "？")) for t in turns)]


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
            if is_follow_up(t.text) and groups and groups[-1] is open_.get(groups[-1].speaker):
                groups[-1].turns.append(t)  # "what happened next?": the story goes on
                continue
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


# -- the header of a transcript: title, interviewee, interviewer, date, place, copyright ---------
HEADER_KEYS = {
    "title", "interviewee", "interviewees", "narrator", "informant", "interviewer",
    "interviewers", "date", "interview_date", "date_of_interview", "recorded", "recording_date",
    "date_recorded", "place", "location", "venue", "place_of_interview", "interview_location",
    "copyright", "rights", "transcriber", "transcribed_by", "transcription", "duration",
    "length", "project", "collection", "series", "subject", "subjects", "topic", "topics",
    "language", "source", "audio", "file", "keywords", "summary", "abstract", "participants",
    "present", "time", "restrictions", "accession", "identifier", "editor", "edited_by",
    "interview", "session",
}
TELLER_KEYS = {"interviewee", "interviewees", "narrator", "informant"}
LISTENER_KEYS = {"interviewer", "interviewers"}
DATE_KEYS = {"date", "interview_date", "date_of_interview", "recorded", "recording_date",
             "date_recorded"}
_COPYRIGHT = re.compile(r"^\s*(?:©|\(c\)\s*\d{4}|copyright\b)", re.I)
HEADER_MAX_WORDS = 15


@dataclass
class Header:
    """What the lines at the top of a transcript said about it, as front matter would."""

    meta: dict[str, object] = field(default_factory=dict)  # title, date, teller
    listeners: list[str] = field(default_factory=list)      # speakers the header names
    names: list[str] = field(default_factory=list)          # people it names
    provenance: dict[str, str] = field(default_factory=dict)  # place, copyright...
    lines: int = 0

    def notice(self) -> str | None:
        if not self.lines:
            return None
        got = [f"{k}: {v}" for k, v in {**self.meta, **self.provenance}.items()]
        return (f"{self.lines} header line(s) read as the transcript's details, not turns ("
                + "; ".join(got) + ")")


def _STAMP_OR_EVENT(line: str) -> bool:
    return is_dropped(line) and not line.lstrip().startswith("#")


def _header_turn(t: Turn, counts: Counter[str]) -> bool:
    text = t.text
    if "?" in text or "\n" in text.strip() or len(text.split()) > HEADER_MAX_WORDS:
        return False
    key = speaker_key(t.speaker)
    if key in LISTENER_KEYS | TELLER_KEYS and counts[t.speaker] > 1:
        return _names_only(text)  # "Interviewer: Jane Roe" above "Interviewer: So, ..."
    return key in HEADER_KEYS or counts[t.speaker] == 1


def _names_only(text: str) -> bool:
    """Whether a header value is people's names (each word capitalised, or in a script
    without case), not words someone said."""
    words = [w for w in re.split(r"[\s,;&]+", text) if w and w.casefold() not in
             ("and", "y", "und", "et", "de", "van", "von", "da", "del", "la")]
    return 0 < len(words) <= 8 and not re.search(r"[.!?]$", text.strip()) and all(
        not w[0].islower() for w in words)


def _matches(speaker: str, person: str) -> bool:
    """A speaker label that stands for a person the header names: the name, one of its
    words (a surname in capitals) or its initials."""
    s, words = speaker_key(speaker), [speaker_key(w) for w in person.split()]
    initials = "".join(w[:1] for w in words if w)
    return bool(s) and (s == speaker_key(person) or s in words or (len(s) >= 2 and s == initials))


def take_header(parsed: Parsed, lines: list[tuple[int, str]]) -> Header:
    """Take the header of a transcript out of its turns: a title line before the first turn,
    then ``Key: value`` lines at the top (title, interviewee, interviewer, date, place...,
    or any one-off short label) and copyright lines anywhere. They become the story's title,
    date and teller, the listener's name, and provenance: never turns."""
    h = Header()
    turns = parsed.turns
    if not turns:
        return h
    counts = Counter(t.speaker for t in turns)
    first_at = turns[0].at
    before = [s.strip().lstrip("#").strip() for n, s in lines if n < first_at and s.strip()
              and not _STAMP_OR_EVENT(s)]
    used = 0
    if before and len(before) <= 3 and before[0][:1].isalpha() and \
            len(before[0].split()) <= HEADER_MAX_WORDS and not _COPYRIGHT.match(before[0]):
        h.meta["title"] = before[0]
        used += 1
    for s in before:
        if _COPYRIGHT.match(s):
            h.provenance["copyright"] = s
            used += 1
        elif s is not before[0] and "date" not in h.meta and header_date(s):
            h.meta["date"] = header_date(s)  # Teams: the meeting's date under its title
            used += 1
    parsed.ignored_lines = max(0, parsed.ignored_lines - used)
    h.lines += used
    k = 0
    while k < len(turns) - 2 and _header_turn(turns[k], counts):
        k += 1
    while k and speaker_key(turns[k - 1].speaker) not in HEADER_KEYS:
        k -= 1  # a one-off label belongs to the header only above a known key
    header, rest = turns[:k], turns[k:]
    kept: list[Turn] = []
    for t in rest:
        if speaker_key(t.speaker) == "copyright" and "?" not in t.text:
            header.append(t)
            continue
        body = [x for x in t.lines if not _COPYRIGHT.match(x)]
        if len(body) != len(t.lines):
            h.provenance["copyright"] = next(x.strip() for x in t.lines if _COPYRIGHT.match(x))
            h.lines += len(t.lines) - len(body)
            t.lines = body
        kept.append(t)
    speakers = {t.speaker for t in kept}
    for t in header:
        key, value = speaker_key(t.speaker), t.text.strip()
        h.lines += 1
        if not value:
            continue
        if key in TELLER_KEYS:
            h.meta.setdefault("teller", value)
            h.names.append(value)
        elif key in LISTENER_KEYS:
            for person in re.split(r"\s*(?:,|;|&|\band\b|\by\b|\bund\b|\bet\b)\s*", value):
                if person:
                    h.names.append(person)
                    h.listeners += [s for s in speakers if _matches(s, person)]
        elif key in DATE_KEYS:
            h.meta.setdefault("date", header_date(value) or value)
        elif key == "title":
            h.meta["title"] = value
        elif key in HEADER_KEYS:
            h.provenance[t.speaker] = value
        elif "title" not in h.meta and t is header[0]:
            h.meta["title"] = f"{t.speaker}: {value}"
        else:
            h.provenance[t.speaker] = value
    parsed.turns = [t for t in kept if t.text.strip()]
    for i, t in enumerate(parsed.turns, 1):
        t.locator = f"turn {i} ({t.locator.split('(', 1)[1]}" if "(" in t.locator else t.locator
    return h


_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), 1)}


def header_date(value: str) -> str | None:
    """A header's date as ISO: 2003-05-14, 5/14/2003, May 14, 2003 or 14 May 2003."""
    from pni.ingest.readers.survey import iso_date

    got = iso_date(value)
    if got:
        return got
    words = re.findall(r"[A-Za-z]+|\d+", value)
    month = next((_MONTHS[w.casefold()] for w in words if w.casefold() in _MONTHS), None)
    if month is None:
        month = next((i for m, i in _MONTHS.items() for w in words
                      if len(w) >= 3 and m.startswith(w.casefold())), None)
    nums = [int(w) for w in words if w.isdigit()]
    year = next((n for n in nums if 1800 <= n <= 2200), None)
    day = next((n for n in nums if 1 <= n <= 31), None)
    if month is None or year is None or day is None:
        return None
    try:
        import datetime as _dt

        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None
