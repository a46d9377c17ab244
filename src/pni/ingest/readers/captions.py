"""Readers for captions: WebVTT (speakers from Teams' ``<v Name>`` voices or Zoom's ``Name:``
prefixes) and SRT (``Name:`` prefixes, or none). Cues by the same speaker in a row are one turn;
a cue without a name continues the turn before it (Zoom splits long turns so); the words of the
cues of one turn are joined by a space."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pni.errors import DataError
from pni.ingest.detect import read_text
from pni.ingest.readers.base import ReadContext, ReadResult, register
from pni.ingest.readers.speaker_colon import match_turn
from pni.ingest.turns import Turn, is_debrief


def _add(turns: list[Turn], speaker: str | None, text: str, cue: int, debrief: bool) -> None:
    if speaker is None:
        if turns and turns[-1].debrief == debrief:
            turns[-1].lines.append(text)
            return
        speaker = "Unknown"
    if turns and turns[-1].speaker == speaker and turns[-1].debrief == debrief:
        turns[-1].lines.append(text)
    else:
        turns.append(Turn(speaker, [text], f"turn {len(turns) + 1} (cue {cue})", debrief, cue,
                          sep=" "))


def _note_meta(text: str, path: Path) -> dict[str, Any]:
    """``NOTE`` blocks before the first cue may hold YAML keys (title, consent, tellers...).
    A NOTE that is prose, not YAML, is skipped; YAML over a limit stops the file."""
    from pni.limits import YamlSyntaxError, load_yaml

    meta: dict[str, Any] = {}
    for block in re.split(r"\n\s*\n", text):
        if "-->" in block:
            break
        if block.startswith("NOTE"):
            first = text[:text.find(block)].count("\n") + 1
            try:
                data = load_yaml(block[4:], file=path, first_line=first)
            except YamlSyntaxError:
                continue
            if isinstance(data, dict):
                meta.update({str(k): v for k, v in data.items()})
    return meta


def _style(fmt: str, voices: int, named: int) -> str:
    if voices:
        return "Teams VTT (<v Name> voices)"
    if named:
        return "Zoom VTT (Name: words cues)" if fmt == "vtt" else "SRT (Name: words cues)"
    return "WebVTT without speaker names" if fmt == "vtt" else "SRT without speaker names"


def read_vtt(path: Path) -> tuple[dict[str, Any], list[Turn], list[str], str]:
    import webvtt

    text, notice = read_text(path)
    try:
        captions: Any = webvtt.from_string(text)
    except Exception as e:  # webvtt-py raises MalformedFileError / MalformedCaptionError
        raise DataError(f"not valid WebVTT: {e}", file=path) from e
    turns: list[Turn] = []
    debrief = False
    cues: list[Any] = list(captions)
    voices = named = 0
    for n, c in enumerate(cues, 1):
        body = html.unescape(c.text).strip()
        if is_debrief(body):
            debrief = True
            continue
        voice = getattr(c, "voice", None)
        if voice:
            voices += 1
            _add(turns, voice.strip(), body, n, debrief)
            continue
        named += _named_cue(turns, body, n, debrief)
    return _note_meta(text, path), turns, [notice] if notice else [], _style("vtt", voices, named)


def _named_cue(turns: list[Turn], body: str, cue: int, debrief: bool) -> bool:
    m = match_turn(body.split("\n", 1)[0])
    if m:
        rest = body.split("\n", 1)[1] if "\n" in body else ""
        _add(turns, m[0], (m[1] + " " + rest).strip(), cue, debrief)
    else:
        _add(turns, None, body.replace("\n", " "), cue, debrief)
    return m is not None


def read_srt(path: Path) -> tuple[dict[str, Any], list[Turn], list[str], str]:
    import srt

    text, notice = read_text(path)
    try:
        subs = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as e:
        raise DataError(f"not valid SRT: {e}", file=path) from e
    turns: list[Turn] = []
    debrief = False
    named = 0
    for sub in subs:
        body = html.unescape(sub.content).strip()
        if is_debrief(body):
            debrief = True
            continue
        named += _named_cue(turns, body, sub.index, debrief)
    return {}, turns, [notice] if notice else [], _style("srt", 0, named)


# -- registration ---------------------------------------------------------------------------------
class CaptionReader:
    """WebVTT (also a .txt file that starts with ``WEBVTT``) and SRT caption files."""

    container: Literal["text", "zip", "binary"] = "text"
    forms_beside = False

    def __init__(self, name: str, extensions: tuple[str, ...],
                 parse: Callable[[Path], tuple[dict[str, Any], list[Turn], list[str], str]],
                 magic: bytes | None = None):
        self.name, self.extensions, self.parse, self.magic = name, extensions, parse, magic
        self.priority = 10 if magic else 0

    def sniff(self, head: bytes, ext: str) -> bool:
        if ext == self.extensions[0] or self.magic is None:
            return True
        return head.lstrip(b"\xef\xbb\xbf").lstrip().startswith(self.magic)

    def read(self, ctx: ReadContext) -> ReadResult:
        from pni.ingest.documents import caption_candidates

        meta, turns, notices, style = self.parse(ctx.path)
        built = caption_candidates({**ctx.meta, **meta}, turns, notices, style, ctx.path,
                                   ctx.label, ctx.settings, ctx.form, ctx.known)
        return ReadResult(built.candidates, built.questions, built.inferred, built.notices,
                          built.kind or "other")


register(CaptionReader("vtt", (".vtt", ".txt"), read_vtt, magic=b"WEBVTT"))
register(CaptionReader("srt", (".srt",), read_srt))
