"""Small-cell suppression for catalysis: before any statistic, observation or voice is computed,
each answer (of a choice, boolean or multi-choice question, or a collection or source kind)
held by fewer than ``min_cell`` distinct tellers is merged into "other"; an "other" that is
itself held by fewer than ``min_cell`` tellers is left out (the answer becomes missing). So no
count, share, chart, observation or voice line of the report is about a group under the
threshold (``pni.privacy.cells`` holds the rule, ``pni.toml`` the threshold).

Stories without a teller count as one teller each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pni.explore.data import ATTRIBUTES, column_for
from pni.privacy.cells import OTHER, hide_table, is_small

if TYPE_CHECKING:
    import pandas as pd

    from pni.explore.data import ExploreData


def _answers(v: Any) -> list[Any]:
    if isinstance(v, list):
        return v
    return [] if v is None or v != v else [v]


def _columns(data: ExploreData) -> list[tuple[str, str, str]]:
    """(id, frame column, label) of every answer a group can be made of."""
    out = [(q.id, column_for(q.id), q.text) for q in data.questions.values()
           if q.kind in ("choice", "boolean", "multi-choice") and q.about in ("story", "teller")]
    return out + [(col, col, label) for col, label in ATTRIBUTES.items()]


def tellers(frame: pd.DataFrame) -> pd.Series:
    """Who told each story of ``frame`` (same index): the teller, else the story itself."""
    import pandas as pd

    return pd.Series([t if isinstance(t, str) and t else f"story:{s}"
                      for t, s in zip(frame["teller_id"], frame["story_id"], strict=True)],
                     index=frame.index, dtype=object)


def n_tellers(who: pd.Series, mask: Any) -> int:
    """How many distinct tellers told the stories ``mask`` selects."""
    return int(who[mask].nunique())


def too_few(who: pd.Series, mask: Any, min_cell: int) -> bool:
    """Whether the stories ``mask`` selects come from 1 to ``min_cell - 1`` tellers."""
    return is_small(n_tellers(who, mask), min_cell)


def hide_cells(counts: Sequence[Sequence[int]], who: pd.Series, masks: Sequence[Sequence[Any]],
               min_cell: int, hide_rows: Sequence[bool] = ()) -> list[list[bool]] | None:
    """The cells of a table to hide (``pni.privacy.cells.hide_table``), ``masks[i][j]`` selecting
    the stories of cell (i, j); None when nothing is hidden."""
    if min_cell <= 1:
        return None
    tel = [[n_tellers(who, m) for m in row] for row in masks]
    mask = hide_table(counts, tel, min_cell, hide_rows=hide_rows)
    return mask if any(any(r) for r in mask) else None


def suppress_small(data: ExploreData) -> list[str]:
    """Merge or drop, in ``data`` (in memory only), the answers held by fewer than
    ``data.min_cell`` tellers, before any test is run; returns one line per question that
    changed (no answer is named). Counts of one question alone (integrity, voices) are taken
    before this, by ``protect_distribution``, so no answer is ever counted as missing."""
    f = data.frame
    min_cell = data.min_cell
    if f.empty or min_cell <= 1:
        return []
    who = list(tellers(f))
    lines: list[str] = []
    for qid, col, label in _columns(data):
        if col not in f.columns:
            continue
        held: dict[Any, set[str]] = {}
        for v, t in zip(f[col], who, strict=True):
            for x in _answers(v):
                held.setdefault(x, set()).add(t)
        small = {x for x, ts in held.items() if len(ts) < min_cell}
        if not small:
            continue
        other = set().union(*(held[x] for x in small))
        keep_other = len(other) >= min_cell
        into = OTHER if keep_other else None

        def remap(v: Any, small: set[Any] = small, into: str | None = into) -> Any:
            if isinstance(v, list):
                out: list[Any] = []
                for x in v:
                    nx = into if x in small else x
                    if nx is not None and nx not in out:
                        out.append(nx)
                return out
            return into if v in small else v

        f[col] = f[col].map(remap)
        data.merged[qid] = ({str(x) for x in small}, keep_other)
        n = len(small - {OTHER})
        lines.append(f"{label}: {n} answer{'s' if n != 1 else ''} held by fewer than {min_cell}"
                     " tellers " + ("merged into \"other\"." if keep_other else
                                    "left out (too few tellers even together)."))
    if lines:
        data.refresh_variables()
    return lines
