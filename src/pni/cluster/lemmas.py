"""English inflections folded into one key, so a pattern's keywords never pair two forms of one
word ("wrote · write", "called · call", "teachers · teacher").

Rule-based and offline on purpose (docs/clustering.md says why not a package): a table of
irregular verbs and plurals, then suffix rules (-s, -es, -ies, -ed, -ied, -ing, a doubled final
consonant, a dropped final e) whose candidates are checked against the words the stories
themselves use: "hoped" folds into "hope" when some story says "hope", "called" into "call" when
some story says "call" (or "calls", "calling"); a candidate no story uses is taken only when it is
the plain suffix strip. Only what labels need: it never has to name a dictionary form, only to
give inflections of one word the same key, and it errs towards leaving words apart.

>>> k = Lemmatizer({"call", "called", "hope", "hoped", "hoping", "stories", "story", "news"})
>>> [k.key(w) for w in ("called", "calling", "wrote", "written", "hoped", "hoping", "stories")]
['call', 'call', 'write', 'write', 'hope', 'hope', 'story']
>>> k.key("news"), k.key("class"), k.key("bus")
('news', 'class', 'bus')
"""

from __future__ import annotations

from collections.abc import Iterable

#: Irregular past tenses and participles (base, past, participle...), and irregular plurals.
_IRREGULAR_VERBS = """
arise arose arisen; awake awoke awoken; be was were been; beat beaten;
become became; begin began begun; bend bent; bet; bid; bite bit bitten; bleed bled;
blow blew blown; break broke broken; breed bred; bring brought; build built; burn burnt;
burst; buy bought; catch caught; choose chose chosen; cling clung; come came; cost; creep crept;
cut; deal dealt; dig dug; do did done does; draw drew drawn; dream dreamt; drink drank drunk;
drive drove driven; eat ate eaten; fall fell fallen; feed fed; feel felt; fight fought;
find found; flee fled; fling flung; fly flew flown flies; forbid forbade forbidden;
forget forgot forgotten; forgive forgave forgiven; freeze froze frozen; get got gotten;
give gave given; go went gone goes; grow grew grown; hang hung; have had has;
hear heard; hide hid hidden; hit; hold held; hurt; keep kept; kneel knelt; know knew known;
lay laid; lead led; lean leant; leap leapt; learn learnt; leave left; lend lent; let; lie lain;
lose lost; make made; mean meant; meet met; mislead misled; mistake mistook mistaken;
overcome overcame; pay paid; prove proven; put; quit; read; rid; ride rode ridden; ring rang rung;
rise rose risen; run ran; say said says; see saw seen; seek sought; sell sold; send sent; set;
sew sewn; shake shook shaken; shine shone; shoot shot; show shown; shrink shrank shrunk; shut;
sing sang sung; sink sank sunk; sit sat; sleep slept; slide slid; speak spoke spoken;
speed sped; spend spent; spin spun; spit spat; split; spread; spring sprang sprung; stand stood;
steal stole stolen; stick stuck; sting stung; stink stank stunk; strike struck; string strung;
strive strove striven; swear swore sworn; sweep swept; swim swam swum; swing swung; take took
taken; teach taught; tear tore torn; tell told; think thought; throw threw thrown; thrust;
tread trod trodden; understand understood; undertake undertook undertaken; upset; wake woke
woken; wear wore worn; weave wove woven; weep wept; win won; withdraw withdrew
withdrawn; write wrote written; rewrite rewrote rewritten; misunderstand misunderstood
"""
_IRREGULAR_NOUNS = """
child children; man men; woman women; person persons; foot feet; tooth teeth; mouse mice;
goose geese; wife wives; knife knives; half halves; shelf shelves;
thief thieves; wolf wolves; self selves; analysis analyses; crisis crises; thesis theses;
diagnosis diagnoses; criterion criteria; phenomenon phenomena
"""
_NOT_INFLECTED = """
news series species means physics mathematics politics economics ethics athletics lens
bus gas yes this his its us thus plus always perhaps sometimes towards afterwards besides
across unless bias campus canvas census chaos virus status bonus focus minus atlas alias
christmas analysis basis crisis thesis diagnosis dress address process access success class
glass grass mass pass boss loss stress business illness kindness sadness wellness fitness
red bed bled fed led wed shed seed need feed speed deed breed greed weed hundred kindred
sacred naked wicked rugged ragged beloved learned aged blessed
thing things nothing something anything everything morning evening ceiling building during
king ring sing bring spring string wing sibling darling duckling wedding pudding
"""
#: Words that end like an inflection but are not one (never folded).
NOT_INFLECTED = frozenset(_NOT_INFLECTED.split())
_VOWELS = set("aeiouy")
_KEEP_DOUBLE = set("lsfz")  # call, pass, stuff, buzz: a doubled l/s/f/z belongs to the word


def _table() -> dict[str, str]:
    out: dict[str, str] = {}
    for block in (_IRREGULAR_VERBS, _IRREGULAR_NOUNS):
        for group in block.replace("\n", " ").split(";"):
            forms = group.split()
            for f in forms[1:]:
                out.setdefault(f, forms[0])
    return out


IRREGULAR: dict[str, str] = _table()
_BASES = frozenset(IRREGULAR.values())


def candidates(word: str) -> list[str]:
    """Possible bases of ``word`` by suffix rules, the plain strip first."""
    w = word
    out: list[str] = []
    if len(w) > 4 and w.endswith("ies"):
        out += [w[:-3] + "y", w[:-1]]
    elif len(w) > 3 and w.endswith("es"):
        out += [w[:-1], w[:-2]]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        out.append(w[:-1])
    elif len(w) > 4 and w.endswith("ied"):
        out += [w[:-3] + "y", w[:-1]]
    elif len(w) > 3 and w.endswith("ed"):
        stem = w[:-2]
        out += _with_e(stem)
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS | _KEEP_DOUBLE:
            out.append(stem[:-1])
    elif len(w) > 5 and w.endswith("ing"):
        stem = w[:-3]
        if stem.endswith("y") and len(stem) > 1:
            out += [stem, stem[:-1] + "ie"]  # lying -> lie
        else:
            out += _with_e(stem)
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS | _KEEP_DOUBLE:
            out.append(stem[:-1])
    return [c for c in out if len(c) >= 3 and any(ch in _VOWELS for ch in c)]


def _with_e(stem: str) -> list[str]:
    """The bases a stem left by -ed or -ing may have, the likelier first: after one vowel and
    one consonant the e was dropped ("toned" from "tone": "ton" would have made "tonned"),
    otherwise the stem is the base ("called", "wanted")."""
    cvc = (len(stem) >= 3 and stem[-1] not in _VOWELS and stem[-1] not in "wx"
           and stem[-2] in _VOWELS and stem[-3] not in _VOWELS)
    return [stem + "e", stem] if cvc else [stem, stem + "e"]


class Lemmatizer:
    """Keys for the words of one collection (``known``: every word its stories use)."""

    def __init__(self, known: Iterable[str] = ()):
        self.known = set(known)
        self._memo: dict[str, str] = {}

    def key(self, word: str) -> str:
        """The key ``word`` shares with its other inflections (the word itself when none)."""
        k = self._memo.get(word)
        if k is None:
            k = self._memo[word] = self._key(word)
        return k

    def _key(self, w: str) -> str:
        if w in IRREGULAR:
            return IRREGULAR[w]
        if w in NOT_INFLECTED or not w.isalpha():
            return w
        cands = candidates(w)
        if not cands:
            return w
        for c in cands:  # the first base some story uses (or an irregular verb's: "running")
            if c in self.known or c in _BASES:
                return IRREGULAR.get(c, c)
        for c in cands:  # ... or that some other inflection of it uses: "called", "calls"
            if any(o in self.known for o in _inflections(c) if o != w):
                return c
        return w

    def term_key(self, term: str) -> str:
        """The key of a unigram or bigram term: the key of each of its words."""
        return " ".join(self.key(p) for p in term.split(" "))


def _inflections(base: str) -> list[str]:
    """The regular inflections of ``base`` (for telling that two surface forms share it)."""
    out = [base + "s", base + "es", base + "ed", base + "ing"]
    if base.endswith("e"):
        out += [base + "d", base[:-1] + "ing"]
    if base.endswith("y"):
        out += [base[:-1] + "ies", base[:-1] + "ied"]
    return out
