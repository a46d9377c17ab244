from __future__ import annotations

import pytest

from pni.ingest.readers.speaker_colon import describe, match_turn


@pytest.mark.parametrize(("line", "turn"), [
    ("Rosa: When we moved here", ("Rosa", "When we moved here")),
    ("[00:01:09] Ben Alfi: Hi.", ("Ben Alfi", "Hi.")),
    ("(0:54) Host: Welcome back", ("Host", "Welcome back")),
    ("00:01:09 Guest: Thanks", ("Guest", "Thanks")),
    ("Speaker 1 (00:05):", ("Speaker 1", "")),
    ("**Grace Kim:** Tell me", ("Grace Kim", "Tell me")),
    ("[00:00:40] **Grace Kim:** Tell me", ("Grace Kim", "Tell me")),
    ("Maria (parent): We came in May", ("Maria (parent)", "We came in May")),
])
def test_turn_openers(line: str, turn: tuple[str, str]) -> None:
    assert match_turn(line) == turn


@pytest.mark.parametrize("line", ["just words", "it was 5:30: late", "One two three four five six: x"])
def test_not_turns(line: str) -> None:
    assert match_turn(line) is None


def test_describe_names_the_variant() -> None:
    assert describe(["[00:00:01] **A:** x", "[00:00:02] **B:** y"]) == \
        "[00:01:09] **Name:** (Descript)"
    assert describe(["**A:** x", "**B:** y"]) == "**Name:** (Markdown)"
    assert describe(["[00:00:01] A: x", "[00:00:02] B: y"]) == "[00:01:09] Name: (Rev/Descript)"
    assert describe(["A: x", "B: y"]) == "Name: words"
