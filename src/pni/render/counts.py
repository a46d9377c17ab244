"""How counts under the small-cell rule read in the report's text formats (Markdown, HTML):
the same words in both, so that a hidden cell always says what it is.

>>> from pni.explore.models import QuestionIntegrity
>>> q = QuestionIntegrity(id="school", text="School", kind="choice", about="teller",
...                       answered=None, unanswered=None, unanswered_rate=None,
...                       answered_at_least=95, unanswered_at_most=5,
...                       counts={"A": 40, "B": 30, "C": 25,
...                               "other answers (fewer than 5 tellers each) or no answer": 5})
>>> (answered_text(q), unanswered_text(q))
('at least 95', 'at most 5')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pni.privacy.cells import cells_note, shown_count

if TYPE_CHECKING:
    from pni.explore.models import Integrity, QuestionIntegrity, VoiceDimension


def answered_text(q: QuestionIntegrity) -> str:
    """A question's answered stories: the count, or a bound when a merged row holds some."""
    return str(q.answered) if q.answered is not None else f"at least {q.answered_at_least}"


def unanswered_text(q: QuestionIntegrity) -> str:
    """A question's unanswered stories with their share, or a bound (see ``answered_text``)."""
    if q.unanswered is None:
        return f"at most {q.unanswered_at_most}"
    rate = "" if q.unanswered_rate is None else f" ({q.unanswered_rate:.0%})"
    return f"{q.unanswered}{rate}"


def answers_text(q: QuestionIntegrity, min_cell: int) -> str:
    """The answers column: why no statistic is shown, or each answer (scale value) and count."""
    if q.suppressed:
        return q.suppressed
    if q.kind == "scale":
        return ", ".join(f"{k}: {shown_count(v, min_cell, q.distribution_why.get(k))}"
                         for k, v in q.distribution.items())
    return ", ".join(f"{k}: {shown_count(v, min_cell)}" for k, v in q.counts.items())


def integrity_note(ig: Integrity, min_cell: int) -> str:
    """What the integrity table's merged rows, bounds and hidden values mean (empty: none)."""
    parts = []
    if any(k.startswith("other ") or ", or another" in k for q in ig.questions for k in q.counts):
        parts.append(f"Answers given by fewer than {min_cell} tellers are counted together in "
                     "a row that says so; every number shown is the true count.")
    if any(q.answered is None and q.answered_at_least is not None for q in ig.questions):
        parts.append("\"at least\" / \"at most\": a merged row holds both answers and stories "
                     "with no answer, so the exact split is not shown.")
    why = {w for q in ig.questions for w in q.distribution_why.values()}
    why |= {"small" for q in ig.questions for v in q.counts.values() if v is None}
    note = cells_note(min_cell, why)
    return " ".join([*parts, *([note] if note else [])])


def voice_note(d: VoiceDimension, min_cell: int) -> str:
    """What a voices table's merged rows mean (empty: it merges nothing)."""
    if d.withheld:
        return f"{d.withheld[:1].upper()}{d.withheld[1:]}."
    if any(g.merged for g in d.groups):
        return (f"Groups of fewer than {min_cell} {d.unit} are counted together in a row that "
                "says so; every number shown is the true count.")
    return cells_note(min_cell, {g.why for g in d.groups})
