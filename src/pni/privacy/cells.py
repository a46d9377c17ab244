"""Small-cell suppression: no count, share or chart may describe fewer than ``min_cell`` tellers
(default 5, as education data offices publish), so that no output singles out the one student
of a group. Small groups are merged into "other"; an "other" still too small is left out.

>>> merge_small({"student": 40, "parent": 12, "counselor": 3, "coach": 1}, 5)
{'student': 40, 'parent': 12}
>>> merge_small({"student": 40, "counselor": 3, "coach": 2}, 5)
{'student': 40, 'other': 5}

Where groups cannot be merged (a cell of a cross-table: a pattern x an answer, an answer x an
answer, a bin of a scale), the cell is hidden instead. The one convention, in every output:

- JSON: a hidden count (and any share, residual or statistic that would give it back) is
  ``null``, and the record holding it says ``"suppressed"`` (``true``, or a matrix/list of
  booleans for a table);
- CSV: the cell is empty and the row's ``suppressed`` column is ``true``;
- text, Markdown, HTML, PDF: the cell reads ``<5`` (``hidden_text(min_cell)``).

A hidden cell must not come back by subtraction from a shown total: ``hide_table`` also hides
the smallest other cell of any row or column left with exactly one hidden cell.

>>> hide_table([[40, 3, 9], [20, 7, 8]], [[30, 3, 6], [15, 6, 7]], 5)
[[False, True, True], [False, True, True]]
>>> [hidden_text(5), shown_count(None, 5), shown_count(12, 5)]
['<5', '<5', '12']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

DEFAULT_MIN_CELL = 5
OTHER = "other"
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


def hidden_text(min_cell: int) -> str:
    """How a hidden count reads in text, Markdown, HTML and PDF outputs: ``<5``."""
    return f"<{min_cell}"


def shown_count(value: int | None, min_cell: int) -> str:
    """A count as text: the number, or ``<min_cell`` when it is hidden (``None``)."""
    return hidden_text(min_cell) if value is None else str(value)


def is_small(tellers: int, min_cell: int) -> bool:
    """A group held by at least one and fewer than ``min_cell`` tellers (an empty one is not)."""
    return 0 < tellers < min_cell


def hide_table(counts: Sequence[Sequence[float]], tellers: Sequence[Sequence[int]],
               min_cell: int, *, hide_rows: Sequence[bool] = ()) -> list[list[bool]]:
    """Which cells of a table to hide: those held by 1 to ``min_cell - 1`` tellers, every cell of
    a row flagged in ``hide_rows`` (a group too small to be broken down at all), then, until none
    is left, the smallest other cell of each row or column that has exactly one hidden cell (its
    margin is shown elsewhere, so one hidden cell could be recovered by subtraction). A line
    with nothing else to hide keeps its single hidden cell only when that cell is its whole
    margin, which gives nothing away that the margin does not. ``min_cell <= 1`` hides nothing."""
    n_rows = len(counts)
    n_cols = len(counts[0]) if n_rows else 0
    if min_cell <= 1:
        return [[False] * n_cols for _ in range(n_rows)]
    hide = [[is_small(tellers[i][j], min_cell) or (i < len(hide_rows) and hide_rows[i])
             for j in range(n_cols)] for i in range(n_rows)]
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
    return hide


def hide_count(count: int, tellers: int, min_cell: int) -> int | None:
    """A lone count of a group of tellers defined by what they answered (tellers who answered a
    scale out of its range, who answered every scale the same): ``None`` when 1 to
    ``min_cell - 1`` tellers hold it. For a count beside others under a shown total, use
    ``hide_counts``.

    >>> [hide_count(7, 3, 5), hide_count(7, 5, 5), hide_count(7, 3, 1)]
    [None, 7, 7]
    """
    return None if is_small(tellers, min_cell) else count


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
    return (f"Small-cell rule: groups of fewer than {min_cell} tellers are merged into "
            f"\"{OTHER}\" or left out of every count, chart and observation; cells of a "
            f"cross-table held by fewer than {min_cell} tellers (and one more where a total "
            f"would give them back) read {hidden_text(min_cell)}, and no statistic is shown "
            f"over fewer than {min_cell} tellers or of a table with such a cell.")
