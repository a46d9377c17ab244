"""Perspectives and themes proposed from the catalyst's own words: the interpretations grouped
by meaning (a perspective is a way of reading several observations), the observations grouped
likewise (a theme), each proposal named by its most distinctive words and citing every item it
groups, for the catalyst to accept, rename or undo in ``catalysis.yaml``. NarraFirma leaves
this clustering to the catalyst's hands on a diagram (its own to-do list asks for help).

>>> import numpy as np
>>> from pni.curate.model import Catalysis
>>> cat = Catalysis.model_validate({"observations": [
...     {"id": f"o{i}", "title": t, "interpretations": [{"text": t}, {"text": t + " again"}]}
...     for i, t in enumerate(["buses late", "buses slow", "lunch alone", "lunch quiet"])]})
>>> def fake(texts):  # two directions of meaning: buses and lunch
...     return np.array([[1.0, 0.0] if "bus" in t else [0.0, 1.0] for t in texts])
>>> p = propose(cat, fake, perspectives=2, themes=2)
>>> sorted(sorted(x.items) for x in p.themes)
[['o0', 'o1'], ['o2', 'o3']]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pni.curate.model import Catalysis, Perspective, Theme

#: how a perspective proposed by pni says so in the file (the catalyst renames or removes it)
PROPOSED = "Proposed by pni from "


@dataclass
class Proposal:
    name: str
    items: list[str]            # observation ids (themes) or "o3/2" (interpretation 2 of o3)


@dataclass
class Proposals:
    perspectives: list[Proposal] = field(default_factory=list)
    themes: list[Proposal] = field(default_factory=list)


def _k(n: int, given: int | None, most: int) -> int:
    if given is not None:
        return max(1, min(given, n))
    return max(1, min(most, round((n / 2) ** 0.5), n))


def _groups(vectors: Any, k: int) -> list[int]:
    import numpy as np

    x = np.asarray(vectors, dtype=np.float64)
    if len(x) <= 1 or k <= 1:
        return [0] * len(x)
    from sklearn.cluster import AgglomerativeClustering

    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x = x / np.where(norms == 0, 1.0, norms)
    # Ward on unit vectors (euclidean there is a function of cosine): groups of comparable
    # size, where average linkage leaves one large group and a few strays
    labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
    # numbered in order of first appearance: the same input always gives the same numbers
    seen: dict[int, int] = {}
    return [seen.setdefault(int(v), len(seen)) for v in labels]


def _names(texts: Sequence[str], labels: Sequence[int], k: int) -> list[str]:
    """Each group's three most distinctive words (TF-IDF of the group against the rest)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        tf = TfidfVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{3,}\b")
        m = tf.fit_transform(texts)
    except ValueError:  # no words at all
        return [f"group {g + 1}" for g in range(k)]
    words = tf.get_feature_names_out()
    out = []
    for g in range(k):
        rows = [i for i, lab in enumerate(labels) if lab == g]
        rest = [i for i, lab in enumerate(labels) if lab != g]
        score = m[rows].mean(axis=0).A1 - (m[rest].mean(axis=0).A1 if rest else 0.0)
        top = [words[j] for j in score.argsort()[::-1][:3] if score[j] > 0]
        out.append(" · ".join(top) or f"group {g + 1}")
    return out


def propose(cat: Catalysis, embed: Callable[[list[str]], Any], *,
            perspectives: int | None = None, themes: int | None = None) -> Proposals:
    """Group the file's interpretations into perspectives and its observations into themes
    (hidden observations left out); ``embed`` turns texts into vectors."""
    shown = [o for o in cat.observations if not o.hidden]
    out = Proposals()
    items = [(f"{o.id}/{j}", f"{i.name}. {i.text}".strip(". "))
             for o in shown for j, i in enumerate(o.interpretations, 1) if i.text or i.name]
    if items:
        k = _k(len(items), perspectives, 6)
        texts = [t for _, t in items]
        labels = _groups(embed(texts), k)
        k = max(labels) + 1
        names = _names(texts, labels, k)
        out.perspectives = [Proposal(names[g], [items[i][0] for i, lab in enumerate(labels)
                                                if lab == g]) for g in range(k)]
    if shown:
        k = _k(len(shown), themes, 5)
        texts = [f"{o.title}. {o.text}".strip(". ") for o in shown]
        labels = _groups(embed(texts), k)
        k = max(labels) + 1
        names = _names(texts, labels, k)
        out.themes = [Proposal(names[g], [shown[i].id for i, lab in enumerate(labels)
                                          if lab == g]) for g in range(k)]
    return out


def accept(cat: Catalysis, p: Proposals) -> Catalysis:
    """``cat`` with the proposals added: each perspective and theme named by its words and
    saying what it groups; an observation without a perspective takes the one most of its
    interpretations fall in. Nothing the catalyst wrote is changed."""
    names = {x.name for x in cat.perspectives}
    persp = list(cat.perspectives)
    where: dict[str, Counter[str]] = {}
    for prop in p.perspectives:
        name = prop.name if prop.name not in names else f"{prop.name} (pni)"
        names.add(name)
        persp.append(Perspective(name=name, text=PROPOSED + ", ".join(prop.items)))
        for item in prop.items:
            where.setdefault(item.split("/")[0], Counter())[name] += 1
    obs = [o if o.perspective or o.id not in where else
           o.model_copy(update={"perspective": where[o.id].most_common(1)[0][0]})
           for o in cat.observations]
    known = {t.name for t in cat.themes}
    new_themes = [Theme(name=t.name if t.name not in known else f"{t.name} (pni)",
                        text=PROPOSED + ", ".join(t.items), observations=list(t.items))
                  for t in p.themes]
    return cat.model_copy(update={"perspectives": persp, "observations": obs,
                                  "themes": [*cat.themes, *new_themes]})
