"""The review queue: the order a catalyst reads pni's candidate observations in. By q, then effect
size, then stories; an observation that says much the same as one above it (the same two
questions, or nearly the same stories behind it) is folded under that one, and a test across all
of a question's answers leads the tests of its pairs; and a pair of questions associated so
strongly that they may ask the same thing twice ("happens all the time" and "not surprising") is
flagged and set apart, not read as a finding.

>>> from pni.explore.models import Observation
>>> obs = [Observation(rank=1, lens="answer", kind="scale_choice", text="a", q=0.001,
...                    effect=0.6, effect_name="epsilon_squared", story_ids=["1", "2"],
...                    test_id="answer|surprise|how_common"),
...        Observation(rank=2, lens="answer", kind="scale_scale", text="b", q=0.002,
...                    effect=0.4, effect_name="spearman_rho", story_ids=["3"],
...                    test_id="answer|belonging|surprise")]
>>> order(obs)
[2, 1]
>>> obs[0].same_measure, obs[1].same_measure
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence

from pni.explore.models import Observation

#: effects at which two questions may measure the same thing (far beyond Cohen's "large")
SAME_MEASURE = {"epsilon_squared": 0.5, "spearman_rho": 0.7, "cramers_v": 0.7,
                "rank_biserial": 0.9}
#: stories shared (Jaccard) at which two observations say much the same
SAME_STORIES = 0.8


def questions(o: Observation) -> tuple[str, ...]:
    """The two things an observation compares (a pattern counts as one), order ignored."""
    parts = (o.test_id or "").split("|")
    if len(parts) < 3:
        return ()
    if parts[0] == "pattern":
        a, b = f"pattern {parts[1]}", parts[2]
    else:
        a, b = parts[1], parts[2]
    return tuple(sorted(x.split("=")[0] for x in (a, b)))


def _overall(o: Observation) -> bool:
    """A test across all answers of a question (Kruskal-Wallis), not one pair of them."""
    return len((o.test_id or "").split("|")) == 3


def _jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def order(observations: list[Observation]) -> list[int]:
    """Mark each observation (``duplicate_of``, ``same_measure``) and return the ranks of the
    leads in reading order: the queue. Flagged pairs of questions come last."""
    strong: set[tuple[str, ...]] = set()
    for o in observations:
        limit = SAME_MEASURE.get(o.effect_name or "")
        if (o.lens == "answer" and limit is not None and o.effect is not None
                and abs(o.effect) >= limit and questions(o)):
            strong.add(questions(o))
    queue = sorted(observations, key=lambda o: (o.q if o.q is not None else 1.0,
                                                -abs(o.effect or 0.0), -len(o.story_ids),
                                                o.rank))
    leads: list[Observation] = []
    for o in queue:
        o.same_measure = questions(o) in strong
        lead = next((p for p in leads if questions(p) == questions(o) and questions(o)), None)
        why = "the same questions"
        if lead is None:
            lead = next((p for p in leads if p.same_measure == o.same_measure
                         and _jaccard(p.story_ids, o.story_ids) >= SAME_STORIES), None)
            why = "nearly the same stories"
        if lead is None:
            leads.append(o)
        elif why == "the same questions" and _overall(o) and not _overall(lead):
            # the overall test (Kruskal-Wallis) leads its pairs, whichever has the lower q
            leads[leads.index(lead)] = o
            for d in observations:
                if d is lead or d.duplicate_of == lead.rank:
                    d.duplicate_of, d.duplicate_why = o.rank, "the same questions"
        else:
            o.duplicate_of, o.duplicate_why = lead.rank, why
    return [o.rank for o in leads if not o.same_measure] + [o.rank for o in leads
                                                             if o.same_measure]
