"""Transcripts kept as tables (CSV, TSV, XLSX): one row per utterance, with a speaker column and
a words column, usually a time column too (``timestamp,speaker,words``; ``start,end,speaker,
text``). Rows by the same speaker in a row are one turn; the words of one turn's rows are
joined by a space. A table is read so when it has a ``speaker`` column and a words column, and
either a time column or nothing else (then each speaker heard twice on average); ``--map text=COLUMN`` (or ``--platform``) reads it as a
table of stories instead."""

from __future__ import annotations

from pni.ingest.forms import blank, norm
from pni.ingest.readers.base import Table
from pni.ingest.turns import Turn

SPEAKER = ("speaker", "speaker_name", "speaker_label", "speaker_id", "voice", "who")
WORDS = ("words", "text", "transcript", "utterance", "content", "sentence", "caption",
         "transcription", "what_was_said", "dialogue", "line", "said")
TIME = ("timestamp", "time", "start", "start_time", "begin", "in", "start_timecode", "end",
        "end_time", "out", "stop", "duration", "offset", "time_code", "timecode", "start_ms",
        "end_ms", "seconds")
MAX_SPEAKERS = 12
STYLE = "transcript table"


def columns(table: Table) -> tuple[int, int, list[int]] | None:
    """(speaker, words, time columns) when the table is a transcript, else None."""
    keys = [norm(h) for h in table.header]
    speaker = next((keys.index(k) for k in SPEAKER if k in keys), None)
    words = next((keys.index(k) for k in WORDS if k in keys), None)
    if speaker is None or words is None:
        return None
    times = [i for i, k in enumerate(keys) if k in TIME]
    rest = [i for i in range(len(keys)) if i not in (speaker, words, *times)]
    good = [r for r in table.rows if r.error is None]
    names = {str(r.cells[speaker]).strip() for r in good if not blank(r.cells[speaker])}
    if len(good) < 3 or not 1 <= len(names) <= MAX_SPEAKERS or (not times and rest):
        return None
    if not times and len(good) < 2 * len(names):  # each speaker heard once: a story table
        return None
    return speaker, words, times


def turns(table: Table, speaker: int, words: int) -> tuple[list[Turn], list[tuple[str, str, str]]]:
    """Turns from the rows, and the rows refused (locator, raw, reason)."""
    out: list[Turn] = []
    bad: list[tuple[str, str, str]] = []
    for r in table.rows:
        if r.error is not None:
            bad.append((r.locator, r.raw, r.error))
            continue
        text = "" if blank(r.cells[words]) else str(r.cells[words]).strip()
        if not text:
            continue
        who = "Unknown" if blank(r.cells[speaker]) else str(r.cells[speaker]).strip()
        n = int(r.locator.split()[-1]) if r.locator.split()[-1].isdigit() else len(out) + 1
        if out and out[-1].speaker == who:
            out[-1].lines.append(text)
        else:
            out.append(Turn(who, [text], f"turn {len(out) + 1} ({r.locator})", False, n,
                            sep=" "))
    return out, bad
