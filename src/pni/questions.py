"""The question a listener asked, out of the turn that asked it: transcripts store the whole turn
("Thank you, Brooke, that's an honest answer. Next: tell us about a time...") as a story's
prompt; a story card, a NarraFirma form and a chart label want only the question.

>>> asked("Thank you, [name], that's an honest answer. Next: tell us about a time a test mattered.")
'Tell us about a time a test mattered.'
>>> asked("How did that feel, being told no?")
'How did that feel, being told no?'
>>> [is_follow_up(q) for q in ("What happened next?", "Tell me more about that.",
...                            "Now tell me about a time you didn't feel welcome.")]
[True, True, False]
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


#: how a listener asks a teller to go on with the story just told, rather than for a new one
_FOLLOW_UP = re.compile(
    r"^(?:(?:and|so|okay|ok|mm+|right|yeah|wow)[,.!]?\s+)*(?:"
    r"(?:can|could|would) you (?:tell me|say|talk) (?:a (?:little )?)?more"
    r"|(?:tell|say|talk)(?: (?:me|us))? (?:a (?:little |bit )?)?more"
    r"|(?:and )?what happened (?:next|then|after(?:wards?)?)"
    r"|(?:and )?then what(?: happened)?"
    r"|how did (?:that|it|this) (?:feel|go|end|make you feel|land)"
    r"|how (?:has|did) (?:that|it) stay(?:ed)? with you"
    r"|what did (?:that|it) (?:mean|feel like)"
    r"|what was (?:that|it) like"
    r"|what do you mean"
    r"|why (?:was|did|do you think) (?:that|it)"
    r"|(?:can|could) you give (?:me |us )?an example"
    r"|go on|keep going|and then\??$"
    r"|cu[eé]ntame m[aá]s|¿?y (?:luego|despu[eé]s)|dis[- ]m'en plus|et apr[eè]s"
    r")", re.IGNORECASE)


def is_follow_up(turn: str) -> bool:
    """Whether a listener's turn asks the teller to go on with the story just told ("What
    happened next?", "Tell me more about that.", "How did that feel, being told no?"): the
    answer continues that story instead of starting a new one."""
    text = " ".join(turn.split())
    return len(text.split()) <= 20 and bool(_FOLLOW_UP.match(text))
