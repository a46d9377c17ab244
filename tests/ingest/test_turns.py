from __future__ import annotations

import re

import pytest

from pni.ingest import turns
from pni.ingest.turns import TurnStyle, detect_style, parse_lines, register_style


def _lines(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), 1))


def test_the_style_that_opens_most_lines_wins() -> None:
    text = "Ana Ruiz  0:01\nWhat happened?\n\nLi  0:04\nNote: the bus was late.\n"
    assert detect_style(_lines(text)) == "Otter.ai (Name  0:03)"
    p = parse_lines(_lines(text))
    assert [(t.speaker, t.text) for t in p.turns] == [
        ("Ana Ruiz", "What happened?"), ("Li", "Note: the bus was late.")]


def test_headings_and_bare_stamps_are_dropped() -> None:
    p = parse_lines(_lines("## [00:08:52] Chapter\nA: one\n00:01:02\ntwo\n# Title\nB: three"))
    assert [(t.speaker, t.text) for t in p.turns] == [("A", "one\ntwo"), ("B", "three")]
    assert p.dropped == 3


def test_a_new_layout_is_one_registered_style(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(turns, "_STYLES", dict(turns._STYLES))
    arrow = re.compile(r"^(?P<name>\w+) >> (?P<text>.*)$")

    def opens(line: str) -> tuple[str, str] | None:
        m = arrow.match(line)
        return (m["name"], m["text"]) if m else None

    register_style(TurnStyle("arrows", opens, order=5))
    p = parse_lines(_lines("Kim >> Why?\nLee >> Because.\nand more"))
    assert p.style == "arrows"
    assert [(t.speaker, t.text) for t in p.turns] == [("Kim", "Why?"), ("Lee", "Because.\nand more")]
