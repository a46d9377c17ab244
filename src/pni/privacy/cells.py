"""Small-cell suppression: no count, share or chart may describe fewer than ``min_cell`` tellers
(default 5, as education data offices publish), so that no output singles out the one student
of a group. Small groups are merged into "other"; an "other" still too small is left out.

>>> merge_small({"student": 40, "parent": 12, "counselor": 3, "coach": 1}, 5)
{'student': 40, 'parent': 12}
>>> merge_small({"student": 40, "counselor": 3, "coach": 2}, 5)
{'student': 40, 'other': 5}
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_MIN_CELL = 5
OTHER = "other"


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


def small_cell_note(min_cell: int) -> str:
    """The line each output carries about the threshold it applied."""
    return (f"Small-cell rule: groups of fewer than {min_cell} tellers are merged into "
            f"\"{OTHER}\" or left out of every count, chart and observation.")
