"""Pattern titles and keywords from class-based TF-IDF (as in BERTopic's c-TF-IDF).

All stories of a pattern are one "class document". A term's weight in pattern c is
``tf(t, c) * log(1 + A / f(t))``: ``tf`` its share of the pattern's words, ``A`` the mean number of
words per pattern, ``f(t)`` its count over all patterns. Stop words are English ones plus the words
every personal story is full of (I, me, my, we, was, had, just, really, went...), and redaction
tokens like ``XXXX``, so titles name what the stories are about, not how stories are told.
Two refinements over plain c-TF-IDF: a term told in a single story of a pattern ranks below the
terms several of its stories share, and a term's weight is scaled by the square root of the share
of its uses that fall in the pattern, so words every pattern uses ("kids", "school") sink.

>>> kw = class_tfidf(["the lunch table lunch friends", "homework late night homework"], [0, 1])
>>> kw[0][0], kw[1][0]
('lunch', 'homework')
>>> title_from(["lunch", "lunch table", "friends"])
'lunch table · friends'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

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
#: Function words of Spanish, the most common second language of tellers in US schools.
_SPANISH = """
el la los las un una unos unas de del al en y o que se lo le les me mi mis te tu su sus es
son era fue por para con sin como pero porque muy yo nos ya no si eso esa ese esto esta este
"""
NARRATIVE_STOP_WORDS = frozenset(_NARRATIVE.split())
SPANISH_STOP_WORDS = frozenset(_SPANISH.split())

_TOKEN = r"(?u)\b[^\W\d_][\w'’]*[^\W_]\b"  # two letters or more
_REDACTION = re.compile(r"^x{2,}$")


def stop_words() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(set(ENGLISH_STOP_WORDS) | NARRATIVE_STOP_WORDS | SPANISH_STOP_WORDS
                  | FILLER_WORDS)


def _analyzer(exclude: Iterable[str] = ()) -> object:
    from sklearn.feature_extraction.text import CountVectorizer

    stops = set(stop_words()) | {w.lower() for w in exclude}
    base = CountVectorizer(token_pattern=_TOKEN, lowercase=True).build_tokenizer()

    def analyze(doc: str) -> list[str]:
        words = [w.replace("’", "'") for w in base(doc.lower())]
        words = [w for w in words if w not in stops and not _REDACTION.match(w)
                 and w.replace("'", "") not in stops and w.split("'")[0] not in stops]
        grams = list(words)
        grams.extend(f"{a} {b}" for a, b in itertools.pairwise(words))
        return grams

    return analyze


def class_tfidf(
    texts: Sequence[str], labels: Sequence[int] | np.ndarray, top_n: int = 10,
    exclude: Iterable[str] = (),
) -> dict[int, list[str]]:
    """Top ``top_n`` terms (unigrams and bigrams) per label >= 0, best first; words in
    ``exclude`` (people's names) never become terms."""
    from sklearn.feature_extraction.text import CountVectorizer

    lab = np.asarray(labels)
    classes = sorted(int(c) for c in set(lab.tolist()) if c >= 0)
    if not classes:
        return {}
    members = [np.flatnonzero(lab == c) for c in classes]
    vec = CountVectorizer(analyzer=_analyzer(exclude))
    try:  # one row per story: class counts are sums of rows, and stories sharing a term count
        per_story = vec.fit_transform([texts[int(i)] for m in members for i in m]).tocsr()
    except ValueError:  # nothing left after stop words
        return {c: [] for c in classes}
    terms = np.asarray(vec.get_feature_names_out())
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
        order = np.lexsort((terms[cols], -w))
        out[c] = [str(terms[cols[j]]) for j in order[:top_n] if w[j] > 0]
    return out


def title_from(keywords: Sequence[str], max_parts: int = 2) -> str:
    """A short title: the best bigram with the next distinct term, else the top terms.

    Terms whose words are already in the title are skipped (no "lunch · lunch table").
    """
    if not keywords:
        return "(untitled)"
    parts: list[str] = []
    used: set[str] = set()
    bigrams = [k for k in keywords[:4] if " " in k]
    ordered = ([bigrams[0]] if bigrams else []) + [k for k in keywords if k not in bigrams[:1]]
    for k in ordered:
        words = set(k.split())
        if words <= used:
            continue
        parts.append(k)
        used |= words
        if len(parts) >= max_parts:
            break
    return " · ".join(parts)


def label_patterns(
    texts: Sequence[str], labels: Sequence[int] | np.ndarray, top_n: int = 10,
    exclude: Iterable[str] = (),
) -> dict[int, tuple[str, list[str]]]:
    """``{label: (title, keywords)}`` for every label >= 0 (``exclude``: see ``class_tfidf``)."""
    kw = class_tfidf(texts, labels, top_n=top_n, exclude=exclude)
    return {c: (title_from(k), k) for c, k in kw.items()}
