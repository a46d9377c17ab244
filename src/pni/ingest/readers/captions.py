"""Readers for captions: WebVTT (speakers from ``<v Name>`` voices or ``Name:`` prefixes) and SRT
(``Name:`` prefixes). Cues by the same speaker in a row are one turn."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pni.errors import DataError
from pni.ingest.detect import read_text
from pni.ingest.readers.base import ReadContext, ReadResult, register
from pni.ingest.transcripts import Turn, is_debrief, match_turn


def _add(turns: list[Turn], speaker: str | None, text: str, cue: int, debrief: bool) -> None:
    if speaker is None:
        if turns and turns[-1].debrief == debrief:
            turns[-1].lines.append(text)
            return
        speaker = "Unknown"
    if turns and turns[-1].speaker == speaker and turns[-1].debrief == debrief:
        turns[-1].lines.append(text)
    else:
        turns.append(Turn(speaker, [text], f"turn {len(turns) + 1} (cue {cue})", debrief))


def _note_meta(text: str) -> dict[str, Any]:
    """``NOTE`` blocks before the first cue may hold YAML keys (title, consent, tellers...)."""
    import yaml

    meta: dict[str, Any] = {}
    for block in re.split(r"\n\s*\n", text):
        if "-->" in block:
            break
        if block.startswith("NOTE"):
            try:
                data = yaml.safe_load(block[4:])
            except yaml.YAMLError:
                continue
            if isinstance(data, dict):
                meta.update({str(k): v for k, v in data.items()})
    return meta


def read_vtt(path: Path) -> tuple[dict[str, Any], list[Turn], list[str]]:
    import webvtt

    text, notice = read_text(path)
    try:
        captions: Any = webvtt.from_string(text)
    except Exception as e:  # webvtt-py raises MalformedFileError / MalformedCaptionError
        raise DataError(f"not valid WebVTT: {e}", file=path) from e
    turns: list[Turn] = []
    debrief = False
    cues: list[Any] = list(captions)
    for n, c in enumerate(cues, 1):
        body = c.text.strip()
        if is_debrief(body):
            debrief = True
            continue
        voice = getattr(c, "voice", None)
        if voice:
            _add(turns, voice.strip(), body, n, debrief)
            continue
        m = match_turn(body.split("\n", 1)[0])
        if m:
            rest = body.split("\n", 1)[1] if "\n" in body else ""
            _add(turns, m[0], (m[1] + "\n" + rest).strip(), n, debrief)
        else:
            _add(turns, None, body, n, debrief)
    return _note_meta(text), turns, [notice] if notice else []


def read_srt(path: Path) -> tuple[dict[str, Any], list[Turn], list[str]]:
    import srt

    text, notice = read_text(path)
    try:
        subs = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as e:
        raise DataError(f"not valid SRT: {e}", file=path) from e
    turns: list[Turn] = []
    debrief = False
    for sub in subs:
        body = sub.content.strip()
        if is_debrief(body):
            debrief = True
            continue
        m = match_turn(body.split("\n", 1)[0])
        if m:
            rest = body.split("\n", 1)[1] if "\n" in body else ""
            _add(turns, m[0], (m[1] + "\n" + rest).strip(), sub.index, debrief)
        else:
            _add(turns, None, body, sub.index, debrief)
    return {}, turns, [notice] if notice else []


# -- registration ---------------------------------------------------------------------------------
class CaptionReader:
    """WebVTT (also a .txt file that starts with ``WEBVTT``) and SRT caption files."""

    container: Literal["text", "zip", "binary"] = "text"
    forms_beside = False

    def __init__(self, name: str, extensions: tuple[str, ...],
                 parse: Callable[[Path], tuple[dict[str, Any], list[Turn], list[str]]],
                 magic: bytes | None = None):
        self.name, self.extensions, self.parse, self.magic = name, extensions, parse, magic
        self.priority = 10 if magic else 0

    def sniff(self, head: bytes, ext: str) -> bool:
        if ext == self.extensions[0] or self.magic is None:
            return True
        return head.lstrip(b"\xef\xbb\xbf").lstrip().startswith(self.magic)

    def read(self, ctx: ReadContext) -> ReadResult:
        from pni.ingest.documents import caption_candidates

        meta, turns, notices = self.parse(ctx.path)
        built = caption_candidates({**ctx.meta, **meta}, turns, notices, ctx.path, ctx.label,
                                   ctx.settings, ctx.form, ctx.known)
        return ReadResult(built.candidates, built.questions, built.inferred, built.notices,
                          built.kind or "other")


register(CaptionReader("vtt", (".vtt", ".txt"), read_vtt, magic=b"WEBVTT"))
register(CaptionReader("srt", (".srt",), read_srt))
