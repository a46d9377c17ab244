from __future__ import annotations

import pytest

from pni.fillers import FILLER_WORDS, is_backchannel, words


@pytest.mark.parametrize("text", [
    "Yeah.", "Mm-hmm", "Mm-hmm <affirmative>", "<laugh>", "[inaudible]", "Right.", "Okay.",
    "Uh-huh, yeah.", "Oh, I see.", "(laughs) Yeah, totally.", "[crosstalk 00:01:02]", "Mhm. Mhm.",
    "Yeah, makes sense.", "", "Oh really?", "<laugh> That's lovely.", "That's so interesting.",
    "I see.", "That's right.",
])
def test_backchannel(text: str) -> None:
    assert is_backchannel(text)


@pytest.mark.parametrize("text", [
    "Yeah, the bus was late again.", "No, my daughter.", "Right after lunch.",
    "I see her every day.", "Okay so here is what happened", "Tutoring.",
    "That is my sister.", "How so?", "Yeah yeah yeah yeah yeah",  # five words: somebody holding the floor, kept
])
def test_not_backchannel(text: str) -> None:
    assert not is_backchannel(text)


def test_words_drop_marks_and_fold_case() -> None:
    assert words("Mm-hmm <affirmative> That’s IT [laughs]") == ["mm-hmm", "that's", "it"]
    assert {"um", "uh", "yeah", "mm-hmm", "okay"} <= FILLER_WORDS
