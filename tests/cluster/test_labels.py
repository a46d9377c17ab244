from __future__ import annotations

from pni.cluster.labels import NARRATIVE_STOP_WORDS, class_tfidf, label_patterns, title_from


def test_first_person_and_narrative_words_are_not_keywords() -> None:
    texts = [
        "I was at the lunch table and we really felt like nobody wanted us there. My friends went.",
        "I remember we had lunch table trouble, I just sat alone at the lunch table.",
        "My homework was due and I was up late doing homework, we had so much homework.",
        "I got homework every night and I went to sleep late, homework again.",
    ]
    kw = class_tfidf(texts, [0, 0, 1, 1])
    words = {w for terms in kw.values() for t in terms for w in t.split()}
    for banned in ("i", "me", "my", "we", "was", "had", "just", "really", "like", "got", "went"):
        assert banned not in words
    assert kw[0][0].startswith("lunch") or kw[0][0] == "table"
    assert kw[1][0] == "homework"


def test_redaction_tokens_are_ignored() -> None:
    kw = class_tfidf(["XXXX called XXXX about the mortgage XX/XX/XXXX mortgage",
                      "the credit card bill credit card XXXX"], [0, 1])
    assert all("xx" not in t for terms in kw.values() for t in terms)
    assert kw[0][0] == "mortgage"


def test_titles_are_short_and_not_repetitive() -> None:
    assert title_from(["lunch", "lunch table", "friends"]) == "lunch table · friends"
    assert title_from(["homework", "sleep", "late"]) == "homework · sleep"
    assert title_from([]) == "(untitled)"


def test_noise_gets_no_label() -> None:
    out = label_patterns(["a story of tests", "another about tests", "lost"], [0, 0, -1])
    assert set(out) == {0}
    assert "tests" in out[0][1]


def test_stop_list_has_narrative_words() -> None:
    assert {"i", "we", "was", "were", "had", "just", "really", "like", "got", "went"} <= \
        NARRATIVE_STOP_WORDS


def test_names_never_become_labels() -> None:
    from pni.privacy import name_words

    texts = ["Ms. Okafor helped with the robotics team", "Okafor and the robotics engineers",
             "robotics with Okafor again", "homework late night", "homework on the weekend",
             "late homework night again"]
    labels = [0, 0, 0, 1, 1, 1]
    assert "okafor" in class_tfidf(texts, labels)[0]
    kept_out = class_tfidf(texts, labels, exclude=name_words(["Ms. Okafor", "=Bell"]))
    assert "okafor" not in " ".join(kept_out[0]) and "robotics" in kept_out[0]
    assert name_words(["Ms. Okafor", "=Bell", "Rosa Diaz"]) == {"okafor", "bell", "rosa", "diaz"}


def test_transcript_fillers_are_not_keywords() -> None:
    texts = ["Yeah. Mm-hmm. Um, the bus was late, yeah, okay, the bus again",
             "Mm-hmm <affirmative>. Right. Uh, the bus driver, yeah",
             "Okay. Um, homework, mm-hmm, homework all weekend, yeah",
             "Uh-huh. Right, homework late, okay"]
    kw = class_tfidf(texts, [0, 0, 1, 1])
    words = {w for terms in kw.values() for t in terms for w in t.split()}
    assert not words & {"yeah", "mm", "hmm", "um", "uh", "okay", "right", "affirmative", "huh"}
    assert kw[0][0] == "bus" and kw[1][0] == "homework"


def test_fillers_never_keywords() -> None:
    from pni.cluster.labels import class_tfidf

    texts = ["yeah um the bus was late, mm-hmm, yeah the bus [inaudible] bus driver"] * 3 + \
        ["um yeah so the lunch table, uh, lunch friends, yeah"] * 3
    kw = class_tfidf(texts, [0, 0, 0, 1, 1, 1])
    words = {w for terms in kw.values() for t in terms for w in t.split()}
    assert "bus" in words and "lunch" in words
    assert not words & {"yeah", "um", "uh", "mm", "hmm", "inaudible"}


def test_other_languages_function_words_are_dropped() -> None:
    from pni.cluster.labels import class_tfidf, story_language

    es = ["la maestra dijo que el examen era muy difícil para los niños de la clase"] * 4
    fr = ["le bus était en retard et les enfants attendaient dans le froid avec leurs parents"] * 4
    en = ["the lunch table was where the new kids sat with friends"] * 4
    assert {story_language(t) for t in es + fr + en} == {"es", "fr", "en"}
    assert {story_language(t) for t in en} == {"en"}
    kw = class_tfidf(es + fr + en, [0] * 4 + [1] * 4 + [2] * 4)
    words = {w for terms in kw.values() for t in terms for w in t.split()}
    assert {"maestra", "examen", "retard", "enfants", "lunch"} <= words
    assert not words & {"la", "que", "el", "le", "les", "et", "dans"}


def test_each_story_drops_its_own_languages_function_words() -> None:
    """Two Spanish stories among many English ones (under any share of the collection) lose
    "la" and "en"; English stories keep "die", a German function word, even beside German ones."""
    from pni.cluster.labels import class_tfidf, story_language

    es = ["la familia llegó en septiembre y la escuela no tenía intérprete en la reunión",
          "en la conferencia la maestra habló en inglés y mi hijo tradujo la nota"]
    de = ["die Lehrerin sagte, dass die Kinder mit dem Bus in die Schule kommen"] * 3
    en = [f"my grandmother was afraid she would die before the spring concert {i}"
          for i in range(40)]
    assert [story_language(t) for t in (es[0], de[0], en[0])] == ["es", "de", "en"]
    kw = class_tfidf(es + de + en, [0, 0] + [1] * 3 + [2] * 40)
    assert not {w for t in kw[0] for w in t.split()} & {"la", "en", "y"}
    assert not {w for t in kw[1] for w in t.split()} & {"die", "dass", "mit"}
    assert "die" in {w for t in kw[2] for w in t.split()}
