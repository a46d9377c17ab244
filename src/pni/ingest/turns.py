"""Speaker turns from the lines of a text transcript, in the layouts transcription tools write.

Each layout is a :class:`TurnStyle`, one module in :mod:`pni.ingest.readers` that registers it
with :func:`register_style` (``speaker_colon``: ``Name: words`` in any script, with Rev's and
Descript's time stamps and bold; ``otter``: ``Name  0:03``, also bold and in Teams DOCX;
``headings``: ``### Name``; ``qualcoder``: ``[id1] words``). A style recognises the line that
opens a turn; the lines after it, up to the next opening line, continue the turn. Every style
judges every line, and the style that opens the most lines, and whose evidence over the whole
file holds (``accepts``), is the file's style, so a line of an Otter file that happens to read
``Note: ...`` is not taken for a turn, nor chapter headings for speakers.

Markdown headings (Descript's ``## [00:08:52] Chapter``) and lines holding only a time stamp
are nobody's words: they are dropped. Time-stamped lines without names (``[00:01:23] words``)
have no speakers to tell apart. A ``## Debrief`` / ``[Debrief]`` line starts the debrief (see
:mod:`pni.ingest.transcripts`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"  # 0:03, 00:01:09, 00:00:01.240
_STAMPED = re.compile(rf"^\s*[\[(]?{TS}[\])]?\s+(?P<text>\S.*)$")
_STAMP_ONLY = re.compile(rf"^\s*[\[(]?{TS}[\])]?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_EVENT = re.compile(r"^\s*\S.{0,60}\s(?:started|stopped) (?:transcription|recording)\s*$")
_DEBRIEF = re.compile(r"^\s*(?:#{1,6}\s*debrief\b.*|\[\s*debrief\s*\]|debrief\s*:?)\s*$", re.I)

DEFAULT_STYLE = "Name: words"


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


@dataclass(frozen=True)
class TurnStyle:
    """A transcript layout: ``opens(line)`` gives (speaker, words on that line) for a line that
    opens a turn, else None; ``describe(opening lines)`` may name the variant for the notice.
    Styles are tried in ``order`` when counting which one a line opens."""

    name: str
    opens: Callable[[str], tuple[str, str] | None]
    order: int = 50
    describe: Callable[[list[str]], str] | None = None
    #: Evidence over the whole file: given the speakers of every line the style opens, whether
    #: the file is in this layout (Markdown headings are speakers only when names repeat).
    accepts: Callable[[list[str]], bool] | None = None


_STYLES: dict[str, TurnStyle] = {}


def register_style(style: TurnStyle) -> TurnStyle:
    _STYLES[style.name] = style
    return style


def styles() -> list[TurnStyle]:
    """Every registered layout (the reader modules register theirs when first loaded)."""
    from pni.ingest.readers.base import readers

    readers()
    return sorted(_STYLES.values(), key=lambda s: (s.order, s.name))


def style(name: str) -> TurnStyle:
    styles()
    return _STYLES[name]


@dataclass
class Parsed:
    turns: list[Turn] = field(default_factory=list)
    ignored_lines: int = 0
    style: str = DEFAULT_STYLE  # as the notice names it
    opener: str = DEFAULT_STYLE  # the registered style that opens the turns
    #: Turn-opening lines / words lines (after the first turn): how much of the file is turns.
    coverage: float = 0.0
    dropped: int = 0  # headings and time-stamp-only lines


def is_debrief(line: str) -> bool:
    return bool(_DEBRIEF.match(line))


def is_dropped(line: str) -> bool:
    """A chapter heading, a time stamp alone or a meeting event ("Jo Ng started
    transcription"): nobody's words."""
    return bool(_HEADING.match(line) or _STAMP_ONLY.match(line) or _EVENT.match(line))


def is_stamped(line: str) -> bool:
    return bool(_STAMPED.match(line))


def strip_stamp(line: str) -> str:
    m = _STAMPED.match(line)
    return m.group("text") if m else line


def detect_style(lines: list[tuple[int, str]]) -> str:
    """The registered style that opens the most lines and whose evidence over the file holds
    (``Name: words`` when none does). Every style judges every line, so a style that opens
    fewer lines than another is never chosen by the order the styles are tried in."""
    counts: Counter[str] = Counter()
    speakers: dict[str, list[str]] = {}
    known = styles()
    for _, line in lines:
        if not line.strip():
            continue
        for s in known:
            m = s.opens(line)
            if m:
                counts[s.name] += 1
                speakers.setdefault(s.name, []).append(m[0])
    by_name = {s.name: s for s in known}
    for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], by_name[kv[0]].order)):
        st = by_name[name]
        if st.accepts is None or st.accepts(speakers[name]):
            return name
    return DEFAULT_STYLE


def parse_lines(lines: list[tuple[int, str]], unit: str = "line", style_name: str | None = None
                ) -> Parsed:
    """Turns from numbered lines in the file's style (detected unless given)."""
    st = style(style_name or detect_style(lines))
    out = Parsed(style=st.name, opener=st.name)
    debrief = False
    current: Turn | None = None
    words_lines = 0
    for n, line in lines:
        if is_debrief(line):
            debrief, current = True, None
            continue
        m = st.opens(line)
        if m is None and is_dropped(line):
            out.dropped += 1
            continue
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
    if st.describe and out.turns:
        by_n: dict[int, str] = {}
        for n, line in lines:
            by_n.setdefault(n, line)
        out.style = st.describe([by_n[t.at] for t in out.turns])
    return out


def stamped_share(lines: list[tuple[int, str]]) -> float:
    """Share of the words lines that start with a time stamp (a podcast or caption dump)."""
    body = [s for _, s in lines if s.strip()]
    return sum(1 for s in body if _STAMPED.match(s) or _STAMP_ONLY.match(s)) / len(body) if body \
        else 0.0
