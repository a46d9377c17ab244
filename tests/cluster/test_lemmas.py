"""Labels: no two keywords of a pattern are inflections of one word; each is shown in the form
the pattern's stories use most; a pattern's title carries its most typical story's own title."""

from __future__ import annotations

import numpy as np
import pytest

from pni.cluster import cluster_stories, cluster_vectors
from pni.cluster import lemmas as lm
from pni.cluster.labels import class_tfidf, label_patterns, story_terms, with_story_title
from pni.embed import FakeEmbedder
from pni.store import Store
from tests.helpers import populate

# Two patterns; in the first, "wrote"/"write"/"writing" and "called"/"calls"/"call" are what
# its stories share, so c-TF-IDF over surface forms puts two forms of each in its keywords.
WRITING = [
    "She wrote to the principal and I called the office twice.",
    "I had to write a letter; I wrote it at night and called again.",
    "He wrote the email, then she called, and we kept writing letters.",
    "They said write it down, so I wrote it, and the office calls never came.",
    "I wrote and wrote; the counselor called me back about the letter.",
    "Writing to them did nothing until somebody called; I will call again and write again.",
]
BUSES = [
    "The buses were late every morning and the driver stopped at the wrong corner.",
    "Our bus stopped twice; the buses in winter are always late.",
    "The bus driver stopping at the corner made the kids late again.",
    "Late buses, cold mornings, a driver who never stops at our corner.",
]
LABELS = [0] * len(WRITING) + [1] * len(BUSES)


def test_inflections_would_pair_without_folding(monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: with the lemmatiser switched off the fixture pairs inflections."""
    monkeypatch.setattr(lm.Lemmatizer, "key", lambda self, w: w)
    kw = class_tfidf(WRITING + BUSES, LABELS)
    assert {"wrote", "write"} <= set(kw[0]) or {"called", "call"} <= set(kw[0])


def test_no_two_keywords_share_a_lemma() -> None:
    texts = WRITING + BUSES
    kw = class_tfidf(texts, LABELS)
    terms = story_terms(texts)
    assert terms is not None
    for words in kw.values():
        keys = [" ".join(terms.key(w) for w in k.split()) for k in words]
        assert len(keys) == len(set(keys)), words
    # each shown in the form the pattern's stories use most
    assert "wrote" in kw[0] and "write" not in kw[0] and "writing" not in kw[0]
    assert "called" in kw[0] and "call" not in kw[0] and "calls" not in kw[0]
    assert "buses" in kw[1] and "bus" not in kw[1]
    title, _ = label_patterns(texts, LABELS)[0]
    assert len({terms.key(w) for w in title.replace("·", " ").split()}) == len(title.split(" · "))


@pytest.mark.parametrize(("word", "key"), [
    ("wrote", "write"), ("written", "write"), ("called", "call"), ("calling", "call"),
    ("stories", "story"), ("classes", "class"), ("hoped", "hope"), ("stopped", "stop"),
    ("ran", "run"), ("running", "run"), ("children", "child"), ("used", "use"),
    ("news", "news"), ("morning", "morning"), ("class", "class"), ("bus", "bus"),
    ("toned", "tone"), ("toning", "tone"), ("tons", "ton"), ("visited", "visit"),
])
def test_lemma_keys(word: str, key: str) -> None:
    known = {"write", "call", "story", "class", "hope", "hop", "stop", "use", "new", "morn",
             "ton", "tone", "visit"}
    assert lm.Lemmatizer(known).key(word) == key


def test_forms_that_never_meet_stay_apart() -> None:
    """Without the base in the stories, only forms that imply one another fold."""
    k = lm.Lemmatizer({"called", "calls", "bored"})
    assert k.key("called") == k.key("calls") == "call"
    assert k.key("bored") == "bored"


def test_story_title_joins_the_pattern_title() -> None:
    assert with_story_title("bus · late", "  The  bus that never came ") == \
        "bus · late: “The bus that never came”"
    assert with_story_title("bus · late", None) == "bus · late"
    assert with_story_title("bus · late", "x" * 80).endswith("…”")
    rng = np.random.default_rng(0)
    c = rng.standard_normal((2, 16))
    v = np.vstack([c[i] + rng.normal(0, .05, (10, 16)) for i in range(2)])
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    texts = WRITING[:5] * 2 + BUSES[:2] * 5
    titles: list[str | None] = [None] * 20
    titles[:10] = [f"Letter {i}" for i in range(10)]
    cl = cluster_vectors(v, texts, min_size=3, titles=titles)
    typical = {p.number: p.exemplars[0] for p in cl.patterns}
    for p in cl.patterns:
        told = titles[typical[p.number]]
        assert p.title.endswith(f"“{told}”") if told else "“" not in p.title
    # a story that may not be shown never lends its title
    cl = cluster_vectors(v, texts, min_size=3, titles=titles, eligible=[False] * 20)
    assert all("“" not in p.title for p in cl.patterns)


def test_only_consented_titles_are_used(store: Store) -> None:
    populate(store, 60)  # titles "Belonging story 3"...; every 10th story's consent is "no"
    res = cluster_stories(store, FakeEmbedder())
    from pni.store import stories as sq

    by_id = {s.id: s for s in sq.list_stories(store)}
    for p in res.clustering.patterns:
        first = by_id[res.story_ids[p.exemplars[0]]]
        if first.consent == "yes" and first.title:
            assert p.title.endswith(f"“{first.title}”")
        else:
            assert "“" not in p.title


def test_a_title_several_stories_share_is_not_a_story_s_own(store: Store) -> None:
    """A kiva panel's or an interview's title is the same on every turn of it: it names the
    session, not what one story is about, so it never ends a pattern's title."""
    populate(store, 60)
    shared = "Kiva panel with Grade 7 and 8 students, Alder Middle School"
    store.execute("UPDATE stories SET title = ? WHERE consent = 'yes'", (shared,))
    res = cluster_stories(store, FakeEmbedder())
    assert res.clustering.patterns and all(shared not in p.title
                                           for p in res.clustering.patterns)
