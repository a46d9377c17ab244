"""Pattern titles and keywords from class-based TF-IDF (as in BERTopic's c-TF-IDF).

All stories of a pattern are one "class document". A term's weight in pattern c is
``tf(t, c) * log(1 + A / f(t))``: ``tf`` its share of the pattern's words, ``A`` the mean number of
words per pattern, ``f(t)`` its count over all patterns. Stop words are English ones plus the words
every personal story is full of (I, me, my, we, was, had, just, really, went...), transcript
fillers and backchannel (``pni.fillers.FILLER_WORDS``: yeah, um, mm-hmm, inaudible...), the
function words of the other language a story is told in (Spanish, French, German, Portuguese,
Italian, Dutch: each story drops those of the language it reads as, so two Spanish stories among
165 English ones lose their "la" and "en" while the English ones keep "die"), and
redaction tokens like ``XXXX``, so titles name what the stories are about, not how stories are told.
Two refinements over plain c-TF-IDF: a term told in a single story of a pattern ranks below the
terms several of its stories share, and a term's weight is scaled by the square root of the share
of its uses that fall in the pattern, so words every pattern uses ("kids", "school") sink. The
inflections of a word count as one term (``pni.cluster.lemmas``: "wrote", "write" and "writing"
together), shown in the form the pattern's stories use most, so no two keywords share a lemma.

>>> kw = class_tfidf(["the lunch table lunch friends", "homework late night homework"], [0, 1])
>>> kw[0][0], kw[1][0]
('lunch', 'homework')
>>> title_from(["lunch", "lunch table", "friends"])
'lunch table · friends'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pni.fillers import FILLER_WORDS

#: Words of telling, not of topic: first person, narrative verbs, fillers.
_NARRATIVE = """
i me my mine myself we us our ours ourselves im ive id ill i'm i've i'd i'll we're we've
was were be been being had has have having did do does doing done got get gets getting go goes
went going gone come came said say says told tell asked ask felt feel feels know knew think
thought want wanted just really like very also even still lot lots thing things stuff something
anything everything day time times today yesterday remember remembered kind sort way actually
maybe probably pretty quite bit able make made let us oh yeah okay ok well dont didnt doesnt cant
wont wasnt werent isnt arent couldnt wouldnt shouldnt don didn doesn can won wasn weren isn aren
couldn wouldn shouldn ve ll re mr mrs ms miss dr am pm
"""
#: Function words (and the commonest verbs of telling) of languages tellers often use besides
#: English. Small on purpose: a word here is dropped from labels only when its language is found.
_OTHER = {
    "es": """el la los las un una unos unas de del al en y o que se lo le les me mi mis te tu
        su sus es son era fue por para con sin como pero porque muy yo nos ya no si eso esa ese
        esto esta este estaba estoy ella ellos nosotros cuando donde qué más todo todos hay
        había tiene tengo dijo fui ser estar también así solo le ni""",
    "fr": """le la les un une des de du au aux et ou que qui se ce cet cette ces je tu il elle
        nous vous ils elles mon ma mes ton ta tes son sa ses est sont était été avec pour par
        pas ne plus dans sur mais comme très tout tous on y en avait ai suis fait dit quand""",
    "de": """der die das den dem des ein eine einer einem einen und oder aber ich du er sie es
        wir ihr mein meine dein sein seine ist sind war waren hat haben hatte nicht kein keine
        mit von zu im in auf für an auch so wie wenn dann noch nur schon sehr mich mir dass""",
    "pt": """o a os as um uma uns umas de do da dos das em no na nos nas e ou que se eu tu ele
        ela nós eles elas meu minha seu sua é são era foi com por para não mais muito como
        mas quando onde também isso esse essa este esta estava tinha tem ao aos""",
    "it": """il lo la i gli le un uno una di del della dei delle in nel nella e o che se io tu
        lui lei noi voi loro mio mia suo sua è sono era erano con per non più molto come ma
        quando dove anche questo questa quello quella ho ha avevo stato""",
    "nl": """de het een en of dat die dit deze ik jij je hij zij ze wij we mijn zijn haar is
        was waren heeft hebben had niet geen met van voor op aan in uit ook maar als dan nog
        wel zo heel er naar om bij""",
}
NARRATIVE_STOP_WORDS = frozenset(_NARRATIVE.split())
OTHER_STOP_WORDS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in _OTHER.items()}
SPANISH_STOP_WORDS = OTHER_STOP_WORDS["es"]
#: A story's language is read from its first this many characters (a few sentences: enough
#: function words to tell the languages apart, and cheap for thousands of stories).
LANGUAGE_CHARS = 800

_TOKEN = r"(?u)\b[^\W\d_][\w'’]*[^\W_]\b"  # two letters or more
_REDACTION = re.compile(r"^x{2,}$")


def _function_words() -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """The languages (English first) and, for each function word, the languages it belongs to."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    lists = {"en": frozenset(ENGLISH_STOP_WORDS), **OTHER_STOP_WORDS}
    langs_of: dict[str, list[str]] = {}
    for lang, ws in lists.items():
        for w in ws:
            langs_of.setdefault(w, []).append(lang)
    return tuple(lists), langs_of


def story_language(text: str, _words: tuple[tuple[str, ...], dict[str, list[str]]] | None = None
                   ) -> str:
    """The language ``text`` reads as: the one whose function words it uses most (3 at least,
    and more than English ones), else "en".

    >>> story_language("El autobús llegó tarde y yo tenía frío en la parada"), story_language("ok")
    ('es', 'en')
    """
    names, langs_of = _words or _function_words()
    hits = dict.fromkeys(names, 0)
    for w in re.findall(r"[^\W\d_]+", text[:LANGUAGE_CHARS].lower()):
        for lang in langs_of.get(w, ()):
            hits[lang] += 1
    best = max(hits, key=lambda k: (hits[k], k == "en"))
    return best if best != "en" and hits[best] >= 3 else "en"


def stop_words(langs: Iterable[str] = ("es",)) -> list[str]:
    """English, narrative and filler stop words, plus those of ``langs``."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    out = set(ENGLISH_STOP_WORDS) | NARRATIVE_STOP_WORDS | FILLER_WORDS
    for lang in langs:
        out |= OTHER_STOP_WORDS.get(lang, frozenset())
    return sorted(out)


def _analyzer(exclude: Iterable[str] = (), langs: Iterable[str] = (),
              seen: set[str] | None = None) -> Callable[[str], list[str]]:
    """Terms of a document: unigrams and bigrams after stop words. ``seen`` collects every word
    met, stop words included (what the lemmatiser checks its candidates against)."""
    from sklearn.feature_extraction.text import CountVectorizer

    stops = set(stop_words(langs)) | {w.lower() for w in exclude}
    base = CountVectorizer(token_pattern=_TOKEN, lowercase=True).build_tokenizer()

    def keep(w: str) -> str:
        """The token as a term, or "" when it is a stop word or a redaction."""
        w = w.replace("’", "'")
        if (w in stops or _REDACTION.match(w) or w.replace("'", "") in stops
                or w.split("'")[0] in stops):
            return ""
        return w

    memo: dict[str, str] = {}  # each distinct token is judged once

    def analyze(doc: str) -> list[str]:
        words = []
        for tok in base(doc.lower()):
            w = memo.get(tok)
            if w is None:
                w = memo[tok] = keep(tok)
                if seen is not None:
                    seen.add(tok.replace("’", "'"))
            if w:
                words.append(w)
        grams = list(words)
        grams.extend(f"{a} {b}" for a, b in itertools.pairwise(words))
        return grams

    return analyze


#: Above this many patterned stories, labels count the words of a seeded sample of them.
LABEL_SAMPLE = 3000
#: ... in which every finest group (sub-pattern, else pattern) keeps at least this many stories.
LABEL_SAMPLE_MIN = 40


def label_sample(groups: Sequence[int] | np.ndarray, cap: int = LABEL_SAMPLE,
                 floor: int = LABEL_SAMPLE_MIN, seed: int = 0) -> np.ndarray | None:
    """Rows whose words the labels count, or None for all of them. Small collections: all.
    Above ``cap`` stories in groups (>= 0), a seeded sample of about ``cap``: each group its
    share, never fewer than ``floor`` stories (or all it has), so a small group's label rests on
    as many stories as before while a 3,000-story pattern's rests on a few hundred (its top terms
    barely move; counting every word of 10,000 stories took 3 of a cluster's 9 seconds).

    >>> g = np.repeat([0, 1, -1], [9000, 200, 800])
    >>> rows = label_sample(g, cap=1000, floor=150)
    >>> int((g[rows] == 0).sum()), int((g[rows] == 1).sum()), int((g[rows] == -1).sum())
    (978, 150, 0)
    >>> label_sample(g[:100]) is None
    True
    """
    lab = np.asarray(groups)
    inside = np.flatnonzero(lab >= 0)
    if len(inside) <= cap:
        return None
    rng = np.random.default_rng(seed)
    share = cap / len(inside)
    keep = []
    for c in np.unique(lab[inside]):
        rows = np.flatnonzero(lab == c)
        m = min(len(rows), max(floor, round(len(rows) * share)))
        keep.append(rows if m == len(rows) else rng.choice(rows, m, replace=False))
    return np.sort(np.concatenate(keep))


@dataclass
class Terms:
    """The counted terms of a collection, inflections folded (``pni.cluster.lemmas``).

    ``matrix``: stories x terms counts, one column per lemma term (a unigram's key, or a
    bigram's pair of keys); ``terms``: each column's most frequent surface form in all the
    stories; ``surface`` and ``surface_terms``: the same counts per surface form;
    ``forms(j)``: the surface columns of term j, the most used first (to show, per pattern, the
    form its own stories use most); ``key``: word -> its lemma key."""

    matrix: Any
    terms: np.ndarray
    surface: Any
    surface_terms: np.ndarray
    order: np.ndarray  # surface columns grouped by term, the most used first
    bounds: np.ndarray  # term j's surface columns: order[bounds[j]:bounds[j + 1]]
    key: Callable[[str], str]

    def forms(self, j: int) -> np.ndarray:
        return self.order[self.bounds[j]:self.bounds[j + 1]]


def story_terms(texts: Sequence[str], exclude: Iterable[str] = (),
                langs: Iterable[str] | None = None,
                rows: np.ndarray | None = None) -> Terms | None:
    """The stories' unigrams and bigrams after stop words, inflections of a word folded into
    one term (``Terms``), computed once and shared by the labels of every level. None when no
    term is left. ``langs``: the other languages whose function words to drop from every story
    (default: each story drops those of the language it reads as, ``story_language``).
    ``rows`` (``label_sample``): count only these stories' words; the others' rows stay empty."""
    import scipy.sparse as sp

    from pni.cluster.lemmas import Lemmatizer

    picked = list(texts) if rows is None else [texts[int(i)] for i in rows]
    # Each story drops the function words of the language it is told in (a Spanish story its
    # "la", "en"; an English one keeps "die"); ``langs`` given: those for every story.
    seen: set[str] = set()
    shared = None if langs is None else _analyzer(exclude, langs, seen)
    per_lang: dict[str, Callable[[str], list[str]]] = {}
    words = _function_words()

    def analyze(doc: str) -> list[str]:
        if shared is not None:
            return shared(doc)
        lang = story_language(doc, words)
        if lang not in per_lang:
            per_lang[lang] = _analyzer(exclude, [] if lang == "en" else [lang], seen)
        return per_lang[lang](doc)

    # CountVectorizer's counting without its alphabetical re-sort of the vocabulary (a third of
    # its time): terms keep the order they were first met in, which labels never depend on
    vocab: dict[str, int] = {}
    indices: list[int] = []
    indptr = [0]
    for doc in picked:
        indices.extend(vocab.setdefault(term, len(vocab)) for term in analyze(doc))
        indptr.append(len(indices))
    if not vocab:  # nothing left after stop words
        return None
    matrix = sp.csr_matrix((np.ones(len(indices), dtype=np.int64), indices, indptr),
                           shape=(len(picked), len(vocab)))
    matrix.sum_duplicates()
    if rows is not None:
        spread = sp.csr_matrix((np.ones(len(rows)), (np.asarray(rows), np.arange(len(rows)))),
                               shape=(len(texts), len(rows)))
        matrix = (spread @ matrix).tocsr()
    surface_terms = np.asarray(list(vocab), dtype=object)
    # inflections folded: "called", "calls", "call" count as one term, "wrote" with "write"
    lem = Lemmatizer(seen)
    changed = {w: k for w in vocab if " " not in w and (k := lem.key(w)) != w}

    def term_key(t: str) -> str:  # a bigram's words are unigram terms too
        if " " not in t:
            return changed.get(t, t)
        a, b = t.split(" ", 1)
        return f"{changed.get(a, a)} {changed.get(b, b)}" if a in changed or b in changed else t

    keys: dict[str, int] = {}
    col = np.fromiter((keys.setdefault(term_key(t), len(keys)) for t in vocab), dtype=np.int64,
                      count=len(vocab))
    total = np.asarray(matrix.sum(axis=0)).ravel()
    # each term's surface forms, the most used first (ties: the first met)
    order = np.lexsort((-total, col))
    bounds = np.searchsorted(col[order], np.arange(len(keys) + 1))
    display = surface_terms[order[bounds[:-1]]]
    if len(keys) == len(vocab):  # nothing to fold
        lemma_matrix = matrix
    else:
        fold = sp.csr_matrix((np.ones(len(col)), (np.arange(len(col)), col)),
                             shape=(len(col), len(keys)))
        lemma_matrix = (matrix @ fold).tocsr()
        lemma_matrix.data = lemma_matrix.data.astype(np.int64)
    return Terms(lemma_matrix, display, matrix, surface_terms, order, bounds, lem.key)


def class_tfidf(
    texts: Sequence[str], labels: Sequence[int] | np.ndarray, top_n: int = 10,
    exclude: Iterable[str] = (), terms: Terms | None = None,
) -> dict[int, list[str]]:
    """Top ``top_n`` terms (unigrams and bigrams) per label >= 0, best first, one per lemma
    (each shown in the surface form the label's stories use most); words in ``exclude``
    (people's names) never become terms. ``terms``: ``story_terms(texts, exclude)`` when
    already computed."""
    lab = np.asarray(labels)
    classes = sorted(int(c) for c in set(lab.tolist()) if c >= 0)
    if not classes:
        return {}
    members = [np.flatnonzero(lab == c) for c in classes]
    if terms is None:
        terms = story_terms(texts, exclude)
    if terms is None:
        return {c: [] for c in classes}
    # one row per story: class counts are sums of rows, and stories sharing a term count
    picked = np.concatenate(members)
    per_story = terms.matrix[picked]
    terms_ = terms.terms
    rows = np.repeat(np.arange(len(classes)), [len(m) for m in members])
    import scipy.sparse as sp

    to_class = sp.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))),
                             shape=(len(classes), len(rows)))
    counts = (to_class @ per_story).tocsr().astype(np.float64)
    shared = (to_class @ (per_story > 0).astype(np.float64)).tocsr()  # stories with the term
    words_per_class = np.asarray(counts.sum(axis=1)).ravel()
    words_per_class[words_per_class == 0] = 1.0
    freq = np.asarray(counts.sum(axis=0)).ravel()
    avg = float(words_per_class.mean())
    idf = np.log(1.0 + avg / np.maximum(freq, 1.0))
    forms_per_class = (to_class @ terms.surface[picked]).tocsr()
    out: dict[int, list[str]] = {}
    for row, c in enumerate(classes):
        lo, hi = counts.indptr[row], counts.indptr[row + 1]
        cols = counts.indices[lo:hi]
        tf = counts.data[lo:hi]
        w = tf / words_per_class[row] * idf[cols]
        # A label names what the pattern's stories share: a term told in one story only (when
        # the pattern has 3 or more) ranks below every shared one, and a term the other patterns
        # use as much counts for less (weight x sqrt of its share that falls in this pattern).
        w = w * np.sqrt(tf / np.maximum(freq[cols], 1.0))
        if len(members[row]) >= 3:
            n_shared = np.asarray(shared[row, cols].todense()).ravel()
            w = np.where(n_shared >= 2, w, w * 1e-3)
        # best first, ties broken by term, for determinism
        order = np.lexsort((terms_[cols], -w))
        lo, hi = forms_per_class.indptr[row], forms_per_class.indptr[row + 1]
        used = dict(zip(forms_per_class.indices[lo:hi].tolist(),
                        forms_per_class.data[lo:hi].tolist(), strict=True))
        out[c] = [_form(terms, int(cols[j]), used) for j in order[:top_n] if w[j] > 0]
    return out


def _form(terms: Terms, j: int, used: dict[int, float]) -> str:
    """Term ``j`` as the surface form the class's stories use most (ties: the collection's)."""
    forms = terms.forms(j)
    if len(forms) == 1:
        return str(terms.surface_terms[forms[0]])
    best = max(range(len(forms)), key=lambda i: (used.get(int(forms[i]), 0.0), -i))
    return str(terms.surface_terms[forms[best]])


def title_from(keywords: Sequence[str], max_parts: int = 2,
               key: Callable[[str], str] | None = None) -> str:
    """A short title: the best bigram with the next distinct term, else the top terms.

    Terms whose words are already in the title are skipped (no "lunch · lunch table"); ``key``
    (a word's lemma key) makes "lunch tables" count as "lunch table".
    """
    if not keywords:
        return "(untitled)"
    same = key or (lambda w: w)
    parts: list[str] = []
    used: set[str] = set()
    bigrams = [k for k in keywords[:4] if " " in k]
    ordered = ([bigrams[0]] if bigrams else []) + [k for k in keywords if k not in bigrams[:1]]
    for k in ordered:
        words = {same(w) for w in k.split()}
        if words <= used:
            continue
        parts.append(k)
        used |= words
        if len(parts) >= max_parts:
            break
    return " · ".join(parts)


def label_patterns(
    texts: Sequence[str], labels: Sequence[int] | np.ndarray, top_n: int = 10,
    exclude: Iterable[str] = (), terms: Terms | None = None,
) -> dict[int, tuple[str, list[str]]]:
    """``{label: (title, keywords)}`` for every label >= 0 (``exclude``, ``terms``: see
    ``class_tfidf``)."""
    if terms is None:
        terms = story_terms(texts, exclude)
    kw = class_tfidf(texts, labels, top_n=top_n, exclude=exclude, terms=terms)
    key = None if terms is None else terms.key
    return {c: (title_from(k, key=key), k) for c, k in kw.items()}


#: A story title longer than this is cut (with an ellipsis) where it joins a pattern's title.
STORY_TITLE_CHARS = 60


def with_story_title(title: str, story_title: str | None) -> str:
    """A pattern's keyword title with its most typical story's own title, where it has one.

    >>> with_story_title("lunch table · friends", "  Nobody would sit with me ")
    'lunch table · friends: “Nobody would sit with me”'
    >>> with_story_title("lunch table · friends", None)
    'lunch table · friends'
    """
    told = " ".join((story_title or "").split()).strip("\"'“”‘’ ")
    if not told:
        return title
    if len(told) > STORY_TITLE_CHARS:
        told = told[:STORY_TITLE_CHARS - 1].rstrip() + "…"
    return f"{title}: “{told}”"
