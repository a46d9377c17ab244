"""The question a listener asked, out of the turn that asked it: transcripts store the whole turn
("Thank you, Brooke, that's an honest answer. Next: tell us about a time...") as a story's
prompt; a story card, a NarraFirma form and a chart label want only the question.

>>> asked("Thank you, [name], that's an honest answer. Next: tell us about a time a test mattered.")
'Tell us about a time a test mattered.'
>>> asked("How did that feel, being told no?")
'How did that feel, being told no?'
"""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"(?<=[.?!])\s+(?=\S)")
_LEAD = re.compile(r"^(?:(?:and|so|now|okay|ok|well|then|next|first|finally|lastly|last"
                   r"|one more|also)\b[\s,:]*)+", re.IGNORECASE)
_ASKING = {"tell", "describe", "share", "talk", "think", "remember", "say", "explain", "give",
           "name", "imagine", "recall", "write", "pick", "choose", "show", "please", "what",
           "how", "why", "when", "where", "who", "which", "if", "can", "could", "would", "do",
           "did", "is", "are", "have", "has"}


def asks(sentence: str) -> bool:
    """Whether a sentence asks: it ends with ``?`` or opens with tell, describe, what..."""
    words = re.findall(r"[\w']+", sentence.casefold())
    return sentence.rstrip().endswith("?") or bool(words and words[0] in _ASKING)


def asked(prompt: str) -> str:
    """The question the listener asked in a turn: from the last sentence that asks (ends with
    ``?`` or opens with tell, describe, what...) to the end, without the address before it
    ("Thank you, Brooke. Next: tell us about a time..." -> "Tell us about a time...")."""
    text = " ".join(prompt.split())
    sentences = _SENTENCE.split(text)
    start = max((i for i, s in enumerate(sentences) if asks(_strip_lead(s))), default=0)
    first = _strip_lead(sentences[start])
    out = " ".join([first, *sentences[start + 1:]]).strip()
    return (out[:1].upper() + out[1:]) if out else text


def _strip_lead(sentence: str) -> str:
    """A sentence without what leads up to its request: "Next: tell us..." -> "tell us...",
    "To start, tell me..." -> "tell me..." (a lead that asks itself, "How did that feel,
    being told no?", stays)."""
    s = sentence.strip()
    for _ in range(3):
        if ": " in s:
            head, _, tail = s.rpartition(": ")
            if asks(tail) and len(head.split()) <= 8:
                s = tail.strip()
        if ", " in s:
            head, _, tail = s.partition(", ")
            if len(head.split()) <= 4 and not asks(head) and asks(tail):
                s = tail.strip()
        s = _LEAD.sub("", s).strip()
    return s
