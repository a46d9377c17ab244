"""Small-cell suppression: no count, share or chart may describe fewer than ``min_cell`` tellers
(default 5, as education data offices publish), so that no output singles out the one student
of a group; and every number that is shown is the true one.

Two kinds of hidden cell, marked apart in every output, as statistical offices publish tables:

- **primary**: a group of 1 to ``min_cell - 1`` tellers reads ``<5`` (``hidden_text``);
- **secondary** (complement): a cell hidden only so that a primary one cannot be worked out from a
  total shown elsewhere reads ``hidden`` (``COMPLEMENT_TEXT``), explained once per table.

A one-way table (stories per answer of one question, with the total shown) loses as little as
possible (``protect_distribution``): small answers are merged into a labelled row "other answers
(fewer than 5 tellers each)"; when that row is itself too small it takes the "no answer" stories
with it, and only then the smallest answer beside it, in a row that names what it holds. No
answer of 5 tellers or more is ever hidden or written as small.

>>> d = protect_distribution({"A": (40, 40), "B": (30, 30), "C": (25, 25), "D": (3, 3)}, (2, 2), 5)
>>> [(r.label, r.stories) for r in d.rows]
[('A', 40), ('B', 30), ('C', 25), ('other answers (fewer than 5 tellers each) or no answer', 5)]
>>> (d.answered, d.answered_at_least, d.unanswered, d.unanswered_at_most)
(None, 95, None, 5)

Cross-tables (a pattern x an answer) cannot be merged cell by cell: a cell held by 1 to
``min_cell - 1`` tellers is hidden (primary), and, since the margins are shown elsewhere, the
smallest other cell of any row or column left with exactly one hidden cell is hidden too
(secondary), until no line has one (``table_reasons``). The one convention, in every output:

- JSON: a hidden count (and any share, residual or statistic that would give it back) is
  ``null``, and the record holding it says ``"suppressed"`` (``true``, or a matrix/list of
  booleans for a table), and why (``"small"`` or ``"complement"``) where it is a table;
- CSV: the cell is empty and the row's ``suppressed`` column is ``true``;
- text, Markdown, HTML, PDF: ``<5`` or ``hidden``, with the table's note saying what each means.

>>> table_reasons([[40, 3, 9], [20, 7, 8]], [[30, 3, 6], [15, 6, 7]], 5)
[[None, 'small', 'complement'], [None, 'complement', 'complement']]
>>> [hidden_text(5), shown_count(None, 5), shown_count(None, 5, COMPLEMENT), shown_count(12, 5)]
['<5', '<5', 'hidden', '12']
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_MIN_CELL = 5
OTHER = "other"
#: Why a cell is hidden: it describes fewer than ``min_cell`` tellers (primary), or it would
#: give such a cell back from a total shown elsewhere (secondary, its complement).
SMALL, COMPLEMENT = "small", "complement"
#: How a secondary (complement) cell reads in text, Markdown, HTML and PDF outputs.
COMPLEMENT_TEXT = "hidden"
#: The rule's version, stored with each exploration (``small_cell_rule``): 2 hides cross-table
#: cells, small patterns and scale statistics; 3 also withholds the test of a table with a
#: hidden cell. Observations saved under an older rule may quote them.
RULE_VERSION = 3


def merge_small(counts: Mapping[str, int], min_cell: int = DEFAULT_MIN_CELL,
                tellers: Mapping[str, int] | None = None) -> dict[str, int]:
    """``counts`` with every group of fewer than ``min_cell`` tellers (``tellers[group]``, else
    the count itself) merged into "other", which is dropped when it is itself too small."""
    size = tellers if tellers is not None else counts
    out: dict[str, int] = {}
    other = other_tellers = 0
    for k, v in counts.items():
        if size.get(k, 0) >= min_cell and k != OTHER:
            out[k] = v
        else:
            other += v
            other_tellers += size.get(k, 0)
    if other and other_tellers >= min_cell:
        out[OTHER] = other
    return out


def hidden_text(min_cell: int, why: str | None = SMALL) -> str:
    """How a hidden count reads in text, Markdown, HTML and PDF outputs: ``<5`` for a group of
    fewer tellers, ``hidden`` for a cell hidden to protect another."""
    return COMPLEMENT_TEXT if why == COMPLEMENT else f"<{min_cell}"


def shown_count(value: int | None, min_cell: int, why: str | None = SMALL) -> str:
    """A count as text: the number, or its mark when it is hidden (``None``)."""
    return hidden_text(min_cell, why) if value is None else str(value)


def cells_note(min_cell: int, reasons: Collection[str | None] = (SMALL, COMPLEMENT)) -> str:
    """The note a table carries for the marks it uses (``reasons``); empty when it hides
    nothing."""
    parts = []
    if SMALL in reasons:
        parts.append(f"{hidden_text(min_cell)}: fewer than {min_cell} tellers")
    if COMPLEMENT in reasons:
        parts.append(f"{COMPLEMENT_TEXT}: hidden so that a group under {min_cell} tellers "
                     "can't be worked out from the totals")
    return "; ".join(parts) + "." if parts else ""


def is_small(tellers: int, min_cell: int) -> bool:
    """A group held by at least one and fewer than ``min_cell`` tellers (an empty one is not)."""
    return 0 < tellers < min_cell


def hide_table(counts: Sequence[Sequence[float]], tellers: Sequence[Sequence[int]],
               min_cell: int, *, hide_rows: Sequence[bool] = ()) -> list[list[bool]]:
    """Which cells of a table to hide (``table_reasons``, as booleans)."""
    return [[r is not None for r in row]
            for row in table_reasons(counts, tellers, min_cell, hide_rows=hide_rows)]


def table_reasons(counts: Sequence[Sequence[float]], tellers: Sequence[Sequence[int]],
                  min_cell: int, *, hide_rows: Sequence[bool] = ()) -> list[list[str | None]]:
    """Why each cell of a table is hidden (None: shown): ``SMALL`` for cells held by 1 to
    ``min_cell - 1`` tellers and every cell of a row flagged in ``hide_rows`` (a group too
    small to be broken down at all); then ``COMPLEMENT`` for the smallest other cell of each
    row or column that has exactly one hidden cell (its margin is shown elsewhere, so one hidden
    cell could be recovered by subtraction), until none is left. A line with nothing else to
    hide keeps its single hidden cell only when that cell is its whole margin, which gives
    nothing away that the margin does not. ``min_cell <= 1`` hides nothing."""
    n_rows = len(counts)
    n_cols = len(counts[0]) if n_rows else 0
    why: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
    if min_cell <= 1:
        return why
    for i in range(n_rows):
        for j in range(n_cols):
            if is_small(tellers[i][j], min_cell) or (i < len(hide_rows) and hide_rows[i]):
                why[i][j] = SMALL
    hide = [[w is not None for w in row] for row in why]
    changed = True
    while changed:
        changed = False
        lines = [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
        lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
        for line in lines:
            hidden = [c for c in line if hide[c[0]][c[1]]]
            if len(hidden) != 1:
                continue
            rest = [c for c in line if not hide[c[0]][c[1]]]
            if not rest:
                continue
            i, j = min(rest, key=lambda c: (counts[c[0]][c[1]] == 0, counts[c[0]][c[1]], c))
            hide[i][j] = changed = True
            why[i][j] = COMPLEMENT
    return why


def hide_count(count: int, tellers: int, min_cell: int) -> int | None:
    """A lone count of a group of tellers defined by what they answered (tellers who answered a
    scale out of its range, who answered every scale the same): ``None`` when 1 to
    ``min_cell - 1`` tellers hold it. For a count beside others under a shown total, use
    ``hide_counts``.

    >>> [hide_count(7, 3, 5), hide_count(7, 5, 5), hide_count(7, 3, 1)]
    [None, 7, 7]
    """
    return None if is_small(tellers, min_cell) else count


NO_ANSWER = "(no answer)"


@dataclass
class Row:
    """One row of a protected one-way table: a group, or a labelled merge of several."""

    label: str
    stories: int | None          # None only for a pool of a non-partition held by too few
    tellers: int | None
    members: tuple[str, ...] = ()   # the answers the row holds (one for a plain group)
    no_answer: bool = False         # it holds the stories with no answer
    why: str | None = None          # SMALL where ``stories`` is hidden

    @property
    def merged(self) -> bool:
        return len(self.members) + self.no_answer > 1


@dataclass
class Distribution:
    """A one-way table as it may be shown: every row a true count (``protect_distribution``).
    ``answered``/``unanswered`` are None when a merged row holds both answers and "no answer";
    the bounds then say what is true of them."""

    rows: list[Row] = field(default_factory=list)
    answered: int | None = 0
    unanswered: int | None = 0
    answered_at_least: int | None = None
    unanswered_at_most: int | None = None
    #: None, or why nothing of the table can be shown (fewer than min_cell tellers answered)
    withheld: str | None = None

    def counts(self) -> dict[str, int | None]:
        """Row label -> stories, the "(no answer)" row included."""
        return {r.label: r.stories for r in self.rows}

    def row_of(self, value: str | None) -> Row | None:
        """The row that holds an answer (None: the stories with no answer)."""
        for r in self.rows:
            if (r.no_answer if value is None else value in r.members):
                return r
        return None

    def answered_text(self) -> str:
        return (str(self.answered) if self.answered is not None
                else f"at least {self.answered_at_least}")

    def unanswered_text(self) -> str:
        return (str(self.unanswered) if self.unanswered is not None
                else f"at most {self.unanswered_at_most}")


def _size(tellers: int | Collection[str]) -> int:
    return tellers if isinstance(tellers, int) else len(tellers)


def _union(parts: Sequence[int | Collection[str]]) -> int:
    """How many tellers the parts hold together: sets are joined (a teller in two groups counts
    once), counts (groups known to be apart) are added."""
    joined: set[str] = set()
    for t in parts:
        if not isinstance(t, int):
            joined |= set(t)
    return len(joined) + sum(t for t in parts if isinstance(t, int))


def protect_distribution(groups: Mapping[str, tuple[int, int | Collection[str]]],
                         no_answer: tuple[int, int | Collection[str]], min_cell: int, *,
                         partition: bool = True, noun: str = "answers",
                         unit: str = "tellers") -> Distribution:
    """Stories per group of one question (``groups``: answer -> (stories, tellers), tellers as
    a count or as the set of who told them; ``no_answer`` likewise), with the total of stories
    shown elsewhere, as rows that are each true and single out no group of fewer than
    ``min_cell`` tellers, losing as little as possible:

    1. groups of ``min_cell`` tellers or more (and declared groups of none) are shown as they are;
    2. smaller ones are merged into a row "other answers (fewer than 5 tellers each)";
    3. when that row is itself too small (its count would follow from the total), it takes the
       stories with no answer with it ("... or no answer"), then, if still too small, the
       smallest group beside it ("parent, or another answer ..."): a merged row says what it
       holds, and "answered"/"unanswered" then read as bounds ("at least 95", "at most 5");
    4. where the answers do not add up to the total (``partition=False``: a multi-choice
       question), a small "other" row reads ``<5`` and nothing else is touched.

    ``unit`` names what ``min_cell`` counts ("stories" for groups that are not about what
    tellers answered: collections, source kinds).

    >>> d = protect_distribution({"student": (50, 50), "teacher": (25, 25), "parent": (22, 22),
    ...                           "coach": (3, 3)}, (0, 0), 5)
    >>> [(r.label, r.stories) for r in d.rows]
    [('student', 50), ('teacher', 25), ('parent, or another answer held by fewer than 5 tellers', 25)]
    """
    order = list(groups)
    n_answered = sum(groups[k][0] for k in order)
    out = Distribution(answered=n_answered, unanswered=no_answer[0])

    def plain(k: str) -> Row:
        return Row(k, groups[k][0], _size(groups[k][1]), (k,))

    if min_cell <= 1:
        out.rows = [plain(k) for k in order]
    else:
        small = [k for k in order if is_small(_size(groups[k][1]), min_cell)]
        large = [k for k in order if k not in small]
        out.rows = [plain(k) for k in large]
        if small:
            pool = [groups[k][1] for k in small]
            stories = sum(groups[k][0] for k in small)
            label = f"other {noun} (fewer than {min_cell} {unit} each)"
            held = _union(pool)
            members = tuple(small)
            with_none = False
            if held < min_cell and partition and no_answer[0]:
                pool.append(no_answer[1])
                stories += no_answer[0]
                held, with_none, label = _union(pool), True, label + " or no answer"
            if held < min_cell and partition:
                shown = [k for k in large if groups[k][0]]
                if not shown:
                    out.rows = [plain(k) for k in large]
                    out.withheld = (f"not shown: its answers come from fewer than {min_cell} "
                                    f"{unit} (a count of them would single them out)")
                    out.answered = out.unanswered = None
                    return _with_unanswered(out, no_answer, with_none=True)
                big = min(shown, key=lambda k: (groups[k][0], order.index(k)))
                pool.append(groups[big][1])
                stories += groups[big][0]
                held = _union(pool)
                members = (big, *members)
                label = (f"{big}, or another {noun.rstrip('s')} held by fewer than "
                         f"{min_cell} {unit}" + (", or no answer" if with_none else ""))
                out.rows = [r for r in out.rows if r.label != big]
            if held < min_cell:  # a non-partition: the pool reads <N, nothing follows from it
                out.rows.append(Row(label, None, None, members, why=SMALL))
            else:
                out.rows.append(Row(label, stories, held, members, no_answer=with_none))
            if with_none:
                out.answered = out.unanswered = None
                out.answered_at_least = sum(r.stories or 0 for r in out.rows
                                            if not r.no_answer)
                out.unanswered_at_most = stories
                return out
    return _with_unanswered(out, no_answer, with_none=False)


def _with_unanswered(out: Distribution, no_answer: tuple[int, int | Collection[str]], *,
                     with_none: bool) -> Distribution:
    if no_answer[0] and not with_none:
        out.rows.append(Row(NO_ANSWER, no_answer[0], _size(no_answer[1]), (), no_answer=True))
    return out


def hide_counts(counts: Mapping[str, int], tellers: Mapping[str, int],
                min_cell: int) -> dict[str, int | None]:
    """``counts`` (one row whose total is shown) with its small groups hidden (``None``), and a
    second one when a single hidden group could be recovered from the total.

    >>> hide_counts({"a": 9, "b": 3, "c": 6}, {"a": 9, "b": 3, "c": 6}, 5)
    {'a': 9, 'b': None, 'c': None}
    """
    keys = list(counts)
    mask = hide_table([[counts[k] for k in keys]], [[tellers.get(k, 0) for k in keys]],
                      min_cell)[0]
    return {k: None if h else counts[k] for k, h in zip(keys, mask, strict=True)}


def stale_observations(params: Mapping[str, Any], min_cell: int) -> str | None:
    """Why observations stored by an exploration (its ``params``) may not be printed under
    ``min_cell``: made with a lower threshold, or under an older rule. None: they may.

    >>> stale_observations({"min_cell": 5, "small_cell_rule": 3}, 5) is None
    True
    >>> stale_observations({"min_cell": 5}, 5)[:26]
    'Observations left out: the'
    """
    if min_cell <= 1:
        return None
    if (int(params.get("min_cell") or 1) >= min_cell
            and int(params.get("small_cell_rule") or 1) >= RULE_VERSION):
        return None
    return ("Observations left out: the last `pni explore` of this run applied a weaker "
            f"small-cell rule than this project's ({min_cell} tellers); run `pni explore` again.")


def small_cell_note(min_cell: int) -> str:
    """The line each output carries about the threshold it applied."""
    return (f"Small-cell rule: no number describes fewer than {min_cell} tellers. Answers given "
            f"by fewer tellers are counted together in a row that says so (every number shown "
            f"is the true count); in cross-tables a cell from fewer tellers reads "
            f"{hidden_text(min_cell)} ({hidden_text(min_cell)}: fewer than {min_cell} tellers), "
            f"and a cell hidden so that a group under {min_cell} "
            f"tellers can't be worked out from the totals reads {COMPLEMENT_TEXT}; no "
            f"statistic is shown over fewer than "
            f"{min_cell} tellers or of a table with such a cell.")
