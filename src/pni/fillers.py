"""The words people say while listening or holding the floor, not about anything.

One vocabulary, used in two places: transcript readers merge a turn that is only backchannel
("Yeah.", "Mm-hmm <affirmative>", "<laugh>", "[inaudible]") into the neighbouring answer instead
of making it a story, and pattern labels never pick these words as keywords.

>>> is_backchannel("Mm-hmm <affirmative>.")
True
>>> is_backchannel("Yeah, the bus was late again.")
False
"""

from __future__ import annotations

import re

_FILLERS = """
uh uhh uhm um umm hmm hm mm mmm mhm mmhmm mmhm huh ah ahh aha eh er erm oh ooh ow wow whoa
yeah yea yep yup yes yah ya no nope nah okay ok kay alright right sure true exactly totally
absolutely definitely cool nice great wow gotcha uhhuh uh-huh mm-hmm mhmm hmm-mm huh-uh
like um-hum uh-hum mm-hm um-hm affirmative negative crosstalk inaudible laughs laugh laughter
laughing chuckles chuckle sighs sigh pause silence indiscernible unintelligible
"""
#: Single words that carry no topic in speech: fillers, backchannel, hedges (lower case).
FILLER_WORDS: frozenset[str] = frozenset(_FILLERS.split())

#: Short phrases that are backchannel as a whole, though their words are not fillers.
BACKCHANNEL_PHRASES: frozenset[str] = frozenset({
    "i see", "me too", "got it", "i know", "you know", "makes sense", "of course", "for sure",
    "that's right", "that's true", "i agree", "thank you", "i bet", "no way", "oh my god",
    "go on", "fair enough", "that's fair", "i get it",
})
#: A listener's one-word reactions ("That's lovely.", "Fascinating!").
REACTIONS: frozenset[str] = frozenset({
    "lovely", "wonderful", "amazing", "fascinating", "awesome", "perfect", "beautiful",
    "interesting", "good", "really", "thanks", "funny", "incredible"})
_GLUE = frozenset(w for p in BACKCHANNEL_PHRASES for w in p.split()) | REACTIONS | frozenset(
    {"that's", "thats", "that", "is", "so", "very", "how"})

#: Bracketed non-speech marks: <laugh>, [inaudible], (laughs), [crosstalk 00:01:02].
_MARK = re.compile(r"[<\[(][^<>\[\]()]{0,40}[>\])]")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def is_mark_only(text: str) -> bool:
    """True when ``text`` holds only non-speech marks ("[inaudible]", "<laugh>") and punctuation."""
    return not _MARK.sub(" ", text).strip(" \t\n.,;:!?…-—")


def words(text: str) -> list[str]:
    """The spoken words of ``text``, lower case, bracketed marks removed."""
    return [w.casefold().replace("’", "'") for w in _WORD.findall(_MARK.sub(" ", text))]


def is_backchannel(text: str, max_words: int = 4) -> bool:
    """True when ``text`` says nothing but listening noises: fillers, "I see", "<laugh>",
    "[inaudible]", or nothing at all once marks are removed (at most ``max_words`` words)."""
    ws = words(text)
    if len(ws) > max_words or not all(w in FILLER_WORDS or w in _GLUE for w in ws):
        return False
    rest = " ".join(w for w in ws if w not in FILLER_WORDS)
    return (not rest or rest in BACKCHANNEL_PHRASES or len(rest.split()) < len(ws)
            or any(w in REACTIONS for w in ws))
