"""Speaker turns from the lines of a text transcript, in the layouts transcription tools write.

Each style recognises the line that opens a turn; the lines after it, up to the next opening
line, continue the turn. The style that opens the most lines is the file's style, so a line of
an Otter file that happens to read ``Note: ...`` is not taken for a turn.

- ``Name: words`` (plain; also ``[00:01:09] Name:``, ``(0:54) Name:``, ``00:01:09 Name:``,
  Rev's ``Name (00:05):`` and Descript's ``**Name:**`` / ``[00:01:09] **Name:**``)
- Otter.ai: a ``Name  0:03`` line alone, then the words
- QualCoder: ``[id1] words``
- time stamps without speakers (``[00:01:23] words``): no speakers can be told apart

Markdown headings (Descript's ``## [00:08:52] Chapter``) and lines holding only a time stamp
are not words of anybody: they are dropped. A ``## Debrief`` / ``[Debrief]`` line starts the
debrief (see :mod:`pni.ingest.transcripts`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from pni.fillers import FILLER_WORDS

_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_TURN = re.compile(
    rf"^\s*(?:\[?\(?{_TS}\)?\]?\s*)?"  # optional time stamp
    r"(?:\*\*)?(?P<name>[A-Z][\w.'’\- ]{0,38}?(?:\s*\([^()]{1,40}\))?)(?:\*\*)?\s*:(?:\*\*)?"
    r"(?:\s+(?P<text>.*)|\s*)$"
)
_OTTER = re.compile(rf"^\s*(?P<name>[A-Z][\w.'’\-]*(?: [A-Z0-9][\w.'’\-]*){{0,4}})\s+{_TS}\s*$")
_TAG = re.compile(r"^\s*\[(?P<name>[A-Za-z][A-Za-z_\-]{0,20}\d{0,3})\]\s+(?P<text>\S.*)$")
_STAMPED = re.compile(rf"^\s*[\[(]?{_TS}[\])]?\s+(?P<text>\S.*)$")
_STAMP_ONLY = re.compile(rf"^\s*[\[(]?{_TS}[\])]?\s*$")
_PAREN_TS = re.compile(rf"\s*\(\s*{_TS}\s*\)\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_DEBRIEF = re.compile(r"^\s*(?:#{1,6}\s*debrief\b.*|\[\s*debrief\s*\]|debrief\s*:?)\s*$", re.I)


@dataclass
class Turn:
    speaker: str
    lines: list[str]
    locator: str
    debrief: bool = False
    at: int = 0  # the line (or cue) that opens the turn
    sep: str = "\n"  # between lines; captions join the words of their cues with a space

    @property
    def text(self) -> str:
        return self.sep.join(x.strip() if self.sep == " " else x for x in self.lines).strip()


@dataclass
class Parsed:
    turns: list[Turn] = field(default_factory=list)
    ignored_lines: int = 0
    style: str = "Name: words"  # as the notice names it
    opener: str = "Name: words"  # the key of STYLES that opens the turns
    #: Turn-opening lines / words lines (after the first turn): how much of the file is turns.
    coverage: float = 0.0
    dropped: int = 0  # headings and time-stamp-only lines


def match_turn(line: str) -> tuple[str, str] | None:
    """``Name: words`` in any of its time-stamped or bold forms (None when the line is not)."""
    m = _TURN.match(line)
    if not m:
        return None
    name = _PAREN_TS.sub("", m.group("name")).strip()
    if not name or len(name.split()) > 5:
        return None
    return name, (m.group("text") or "").strip()


def _otter(line: str) -> tuple[str, str] | None:
    m = _OTTER.match(line)
    return (m.group("name"), "") if m else None


def _tag(line: str) -> tuple[str, str] | None:
    m = _TAG.match(line)
    if not m or m.group("name").casefold() in FILLER_WORDS:
        return None  # [inaudible], [laughs]: marks, not speakers
    return m.group("name"), m.group("text").strip()


#: Style name -> what opens a turn in it, tried in this order when counting.
STYLES: dict[str, Callable[[str], tuple[str, str] | None]] = {
    "Name: words": match_turn,
    "Otter.ai (Name  0:03)": _otter,
    "QualCoder ([id1] words)": _tag,
}


def is_debrief(line: str) -> bool:
    return bool(_DEBRIEF.match(line))


def is_dropped(line: str) -> bool:
    """A chapter heading or a time stamp alone: nobody's words."""
    return bool(_HEADING.match(line) or _STAMP_ONLY.match(line))


def strip_stamp(line: str) -> str:
    m = _STAMPED.match(line)
    return m.group("text") if m else line


def detect_style(lines: list[tuple[int, str]]) -> str:
    counts: Counter[str] = Counter()
    for _, line in lines:
        if not line.strip() or is_dropped(line):
            continue
        for name, match in STYLES.items():
            if match(line):
                counts[name] += 1
                break
    if not counts:
        return "Name: words"
    return counts.most_common(1)[0][0]


def parse_lines(lines: list[tuple[int, str]], unit: str = "line", style: str | None = None
                ) -> Parsed:
    """Turns from numbered lines in the file's style (detected unless given)."""
    style = style or detect_style(lines)
    match = STYLES[style]
    out = Parsed(style=style, opener=style)
    lines_by_n = dict(lines)
    debrief = False
    current: Turn | None = None
    words_lines = 0
    for n, line in lines:
        if is_debrief(line):
            debrief, current = True, None
            continue
        if is_dropped(line):
            out.dropped += 1
            continue
        m = match(line)
        if m:
            current = Turn(m[0], [m[1]] if m[1] else [],
                           f"turn {len(out.turns) + 1} ({unit} {n})", debrief, n)
            out.turns.append(current)
            words_lines += 1
        elif current is not None:
            current.lines.append(line)
            words_lines += bool(line.strip())
        elif line.strip():
            out.ignored_lines += 1
    out.coverage = len(out.turns) / words_lines if words_lines else 0.0
    if style == "Name: words" and out.turns:
        opening = [lines_by_n[t.at] for t in out.turns]
        bold = sum("**" in s for s in opening) * 2 > len(opening)
        stamped = sum(bool(_STAMPED.match(s)) for s in opening) * 2 > len(opening)
        out.style = ("[00:01:09] **Name:** (Descript)" if bold and stamped else
                     "**Name:** (Markdown)" if bold else
                     "[00:01:09] Name: (Rev/Descript)" if stamped else style)
    return out


def stamped_share(lines: list[tuple[int, str]]) -> float:
    """Share of the words lines that start with a time stamp (a podcast or caption dump)."""
    body = [s for _, s in lines if s.strip()]
    return sum(1 for s in body if _STAMPED.match(s) or _STAMP_ONLY.match(s)) / len(body) if body \
        else 0.0
