"""Short names for questions, so an observation can say "belonging" where the form asked "In this
story, how much did you feel you belonged?" and print the whole question only once.

The names come from a small, deterministic heuristic on the question's text (English forms: strip
the framing, "In this story,", "How much did you feel ...", then keep what the question is
about), else from the question's id; a project overrides any of them in the interpretation
templates' ``labels:`` mapping (``prompts/explore/interpretations.yaml``). A yes/no question
also gets the two clauses its answers stand for, so a sentence can say "where someone listened"
and "where someone did not listen".

>>> short_name("In this story, did someone listen to you?", "listened_to")
'someone listened'
>>> short_name("In this story, how much did you feel you belonged?", "belonging")
'belonging'
>>> short_name("Which school is this story about?", "school")
'school'
>>> clauses("In this story, did someone listen to you?")
('someone listened', 'no one listened')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: Framing that leads up to what a question asks ("In this story,", "Thinking about it,").
_FRAME = re.compile(
    r"^(?:(?:in|within|during|thinking (?:back )?(?:about|of)|looking back (?:at|on)|about|for)"
    r" (?:this|the|your|that) (?:story|experience|situation|moment|event|time)s?,?\s*"
    r"|on a scale (?:of|from) \w+ to \w+,?\s*"
    r"|(?:please|now|so|overall|and|finally|lastly|generally|in general),?\s+)+", re.IGNORECASE)
_PRONOUN = r"(?:you|they|he|she|we|i|the teller|people|your child)"
_AUX = {"is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "can", "could",
        "would", "will", "should", "best"}
_STOP = {"a", "an", "the", "this", "that", "these", "those", "of", "to", "in", "on", "at", "for",
         "with", "about", "by", "from", "and", "or", "but", "if", "when", "what", "which", "who",
         "how", "why", "where", "is", "are", "was", "were", "do", "does", "did", "you", "your",
         "yours", "i", "me", "my", "we", "our", "they", "their", "it", "its", "story", "much",
         "many", "pick", "as", "fit", "be", "been", "any", "some", "there", "here", "so", "very",
         "describes", "describe", "would", "could", "should", "can", "will", "has", "have", "had",
         "happened", "happen"}
#: "How surprising was ..." -> "surprise": adjectives a scale question asks about, as nouns
_NOUNS = {"surprising": "surprise", "important": "importance", "difficult": "difficulty",
          "hard": "difficulty", "easy": "ease", "typical": "how typical", "safe": "safety",
          "fair": "fairness", "helpful": "helpfulness", "welcome": "welcome",
          "welcoming": "welcome", "satisfied": "satisfaction", "happy": "happiness",
          "confident": "confidence", "supported": "support", "respected": "respect",
          "stressful": "stress", "stressed": "stress", "hopeful": "hope", "useful": "usefulness",
          "likely": "likelihood", "positive": "how positive", "negative": "how negative"}
_IRREGULAR = {"feel": "felt", "get": "got", "have": "had", "make": "made", "go": "went",
              "find": "found", "know": "knew", "tell": "told", "give": "gave", "take": "took",
              "come": "came", "see": "saw", "say": "said", "think": "thought", "hear": "heard",
              "leave": "left", "keep": "kept", "understand": "understood", "stand": "stood",
              "speak": "spoke", "teach": "taught", "meet": "met", "lose": "lost", "win": "won",
              "do": "did", "be": "was", "pay": "paid", "let": "let", "put": "put",
              "hold": "held", "bring": "brought", "buy": "bought", "catch": "caught",
              "fight": "fought", "run": "ran", "sit": "sat", "stop": "stopped",
              "begin": "began", "grow": "grew", "show": "showed", "read": "read"}
#: who a yes/no question asks about, as the clause names them ("you" -> "the teller")
_SUBJECTS = {"you": "the teller", "anyone": "someone", "anybody": "someone",
             "somebody": "someone", "i": "the teller", "your child": "your child"}
MAX_WORDS = 4
_ASKING = {"how", "what", "which", "who", "whom", "whose", "why", "when", "where", "did", "do",
           "does", "is", "are", "was", "were", "has", "have", "had", "can", "could", "would",
           "will", "should", "tell", "describe", "pick", "choose"}


def _first_question(text: str) -> str:
    """The sentence that asks: the first one ending in "?", else the first sentence."""
    parts = re.split(r"(?<=[.?!])\s+", " ".join(text.split()))
    for p in parts:
        if p.endswith("?"):
            return p
    return parts[0] if parts else ""


def _core(text: str) -> str:
    """The question without framing, lower case, without its end mark."""
    s = _FRAME.sub("", _first_question(text).strip())
    return s.rstrip("?.!: ").strip().casefold()


def _gerund(word: str) -> str:
    """belonged -> belonging, worried -> worrying, belong -> belonging, welcome -> welcoming."""
    w = word
    if w.endswith("ied"):
        w = w[:-3] + "y"
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
        if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "ls":
            w = w[:-1]
    elif w.endswith("e") and not w.endswith("ee"):
        w = w[:-1]
    return w + "ing"


def past(verb: str) -> str:
    """listen -> listened, help -> helped, feel -> felt, try -> tried, care -> cared."""
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def _content(words: list[str]) -> list[str]:
    return [w for w in words if w not in _STOP and not w.isdigit()]


def _tail(words: list[str], *, articles: bool = False) -> str:
    """What follows a verb, cut before a pronoun or a clause ("the help you needed" -> "help";
    with ``articles``, "the decision" stays)."""
    out: list[str] = []
    for w in words:
        if w in ("you", "me", "us", "them", "him", "her", "it", "that", "when", "who", "which",
                 "because", "if", "at", "in", "to", "with", "for", "about", "on", "from", "by"):
            break
        if w in ("the", "a", "an", "your", "any", "some") and (not articles or len(out)):
            continue
        out.append(w)
        if len(out) == 2 + (articles and out[0] in ("the", "a", "an", "your", "any", "some")):
            break
    return " ".join(out)


_YES_NO = re.compile(r"^(did|does|do|was|were|is|are|has|have|had) (.+)$")


def clauses(text: str) -> tuple[str, str] | None:
    """The two clauses a yes/no question's answers stand for, or None where the question is not
    one the heuristic can read ("Did a teacher help?" -> ("a teacher helped", "a teacher did not
    help"); "Was the problem solved?" -> ("the problem was solved", "the problem was not
    solved")).

    >>> clauses("Did you feel safe?")
    ('the teller felt safe', 'the teller did not feel safe')
    >>> clauses("Which school?") is None
    True
    """
    core = _core(text)
    m = _YES_NO.match(core)
    if not m or re.search(r"\bor\b", core):  # "Was it positive or negative?" asks to choose
        return None
    aux, rest = m.group(1), m.group(2).split()
    if not rest:
        return None
    # the subject: a pronoun, someone..., or a determiner and a noun ("a teacher", "the problem")
    if rest[0] in ("a", "an", "the", "your", "my", "this", "that", "any", "another", "someone's"):
        n = 2
    else:
        n = 1
    if len(rest) <= n:
        return None
    subj_words, after = rest[:n], rest[n:]
    subj = " ".join(subj_words)
    subj = _SUBJECTS.get(subj, subj)
    if aux in ("did", "does", "do"):
        verb = after[0]
        obj = _tail(after[1:])
        pos = " ".join(x for x in (subj, past(verb), obj) if x)
        neg = " ".join(x for x in (subj, "did not", verb, obj) if x)
        if subj == "someone":
            neg = " ".join(x for x in ("no one", past(verb), obj) if x)
        return pos, neg
    be = {"is": "was", "are": "were", "was": "was", "were": "were", "has": "had", "have": "had",
          "had": "had"}[aux]
    if subj == "the teller" and be == "were":
        be = "was"
    obj = _tail(after)
    if not obj:
        return None
    return f"{subj} {be} {obj}", f"{subj} {be} not {obj}"


def _readable_id(qid: str) -> str | None:
    """A question id people can read ("grade_band" -> "grade band"; "q7", "col_3" -> None)."""
    words = [w for w in re.split(r"[_\-\s.]+", qid.strip()) if w]
    if not words or not all(re.fullmatch(r"[A-Za-z][A-Za-z']*", w) for w in words):
        return None
    if len(words) == 1 and re.fullmatch(r"(?:q|col|column|question|var|field|item)",
                                          words[0], re.IGNORECASE):
        return None
    return " ".join(w.casefold() for w in words)


def short_name(text: str, qid: str = "") -> str:
    """A short name for a question, from its text (else its id): what a catalyst would call it.

    >>> [short_name(t) for t in ("How did you feel when this happened?", "In this story, who helped?",
    ...  "How surprising was what happened?", "What is this story about? Pick as many as fit.",
    ...  "How often does something like this happen?")]
    ['feeling', 'who helped', 'surprise', 'topic', 'how often it happens']
    >>> short_name("Which describes you?", "role")
    'role'
    """
    core = _core(text)
    words = re.findall(r"[\w'’-]+", core)
    got = _by_rule(core, words)
    if got:
        return got
    asking = text.rstrip().endswith("?") or bool(words and words[0] in _ASKING)
    if 0 < len(words) < MAX_WORDS and not asking:
        return core  # already a name: "Role", "Grade band"
    rid = _readable_id(qid) if qid else None
    if rid:
        return rid
    if 0 < len(words) <= MAX_WORDS + 1:
        return core  # a short question the rules don't know: "Where did this happen"
    return qid or " ".join(_content(words)[:3]) or text.strip()


def _by_rule(core: str, words: list[str]) -> str | None:
    core = re.sub(r"^to what (?:extent|degree)\b", "how much", core)
    m = re.match(r"^how would (?:you|they) (?:rate|describe|score) (?:the |your |this |their )?"
                 r"([\w'-]+(?: [\w'-]+)?)", core)
    if m:  # "how would you rate the support you got" -> "support"
        words = [w for w in m.group(1).split() if w not in _STOP]
        if words:
            return " ".join(words)
    m = re.match(rf"^how (?:much|strongly|well|far|deeply) (?:did|do|does) {_PRONOUN} feel"
                 rf"(?: that)? {_PRONOUN} (?:(was|were) )?([\w'-]+)", core)
    if m:  # "how much did you feel you belonged" -> "belonging"
        word = m.group(2)
        if m.group(1):
            return _NOUNS.get(word, f"being {word}")
        return _gerund(word)
    m = re.match(rf"^how (?:much|strongly|well|far|deeply|safe|supported|welcome) (?:did|do|does)"
                 rf" {_PRONOUN} feel ([\w'-]+)", core)
    if m:  # "how much did you feel supported" -> "support"
        return _NOUNS.get(m.group(1), f"feeling {m.group(1)}")
    m = re.match(rf"^how (?:much|strongly|well|far|deeply) (?:did|do|does) {_PRONOUN}"
                 rf" ([\w'-]+)", core)
    if m and m.group(1) not in ("feel", "think", "say", "rate"):  # "how much did you belong"
        return _gerund(m.group(1))
    m = re.match(rf"^how (?:did|do|does|were|was) {_PRONOUN} feel\b", core)
    if m:
        return "feeling"
    m = re.match(r"^how (often|long|many \w+|much \w+)\b(.*)$", core)
    if m:
        head = f"how {m.group(1)}"
        if m.group(1) == "often" and re.search(r"\bhappen", m.group(2)):
            return "how often it happens"
        return head
    m = re.match(r"^how (\w+) (?:was|is|were|are|did|does|do|would|will)\b", core)
    if m and m.group(1) not in _AUX:
        return _NOUNS.get(m.group(1), f"how {m.group(1)}")
    if re.match(r"^what (?:is|was) (?:this|the|your) (?:story|experience) (?:mostly )?about\b",
                core):
        return "topic"
    m = re.match(r"^(?:which|what) (?:kind of |type of |sort of |kinds of |types of )?"
                 r"([\w'-]+(?: [\w'-]+)?) (?:is|are|was|were|do|does|did|best|has|have)\b", core)
    if m:
        noun = m.group(1).split()
        if noun[-1] in _AUX:
            noun = noun[:-1]
        if noun and not any(w in _STOP for w in noun):
            return " ".join(noun)
    m = re.match(r"^who (\w+)(.*)$", core)
    if m and m.group(1) not in _AUX:
        obj = _tail(m.group(2).split(), articles=True)
        return " ".join(x for x in ("who", m.group(1), obj) if x)
    c = clauses(core)
    if c:
        return c[0].removeprefix("the teller ")
    return None


@dataclass(frozen=True)
class Label:
    """What a question is called in an observation: a short name, and for a yes/no question
    the clauses its two answers stand for (None where the heuristic can't say)."""

    name: str
    yes: str | None = None
    no: str | None = None


class Labels:
    """Short names of a set of questions, made unique, with a project's overrides.

    ``overrides``: question id -> a name, or a mapping ``{name, yes, no}``.
    """

    def __init__(self, overrides: dict[str, Any] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._cache: dict[str, Label] = {}
        self._taken: dict[str, str] = {}

    def of(self, qid: str, text: str, *, boolean: bool = False) -> Label:
        if qid in self._cache:
            return self._cache[qid]
        o = self.overrides.get(qid)
        yes = no = None
        if isinstance(o, dict):
            name = str(o.get("name") or "") or short_name(text, qid)
            yes, no = o.get("yes"), o.get("no")
        elif o:
            name = str(o)
        else:
            name = short_name(text, qid)
        if boolean and (yes is None or no is None) and not o:
            c = clauses(text)
            if c:
                yes, no = c
        key = name.casefold()
        if key in self._taken and self._taken[key] != qid:
            name = f"{name} ({qid})"
        self._taken[name.casefold()] = qid
        lab = Label(name, str(yes) if yes else None, str(no) if no else None)
        self._cache[qid] = lab
        return lab
