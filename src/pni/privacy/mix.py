"""The teller mix of a run's patterns under the small-cell rule, the one way every output shows
it (packet pattern sheets, `pni patterns list|show`, `pni cluster --format json`).

Counts are of stories, sizes of distinct tellers (a story without a teller is its own teller),
and the rule is explore's: per facet, the answers held by fewer than ``min_cell`` tellers in the
whole run are merged into "other"; then, in the table of patterns x groups, a cell from fewer
tellers is hidden (``None``), with the cells that would give it back from a pattern's size or a
group's total (``pni.privacy.cells.hide_table``). A pattern told by fewer tellers has no mix.

>>> from pni.models import Story
>>> def s(i, role):
...     return Story(id=f"S{i}", text="t", teller_id=f"T{i}", content_hash=f"h{i}",
...                  teller_answers={"role": role})
>>> a = [s(i, "student") for i in range(8)] + [s(10 + i, "parent") for i in range(3)]
>>> b = [s(20 + i, "student") for i in range(6)] + [s(30 + i, "parent") for i in range(6)]
>>> run_mixes({1: a, 2: b, 3: a[:2]}, ["role"], 5)
{1: {'role': {'student': None, 'parent': None}}, 2: {'role': {'student': 6, 'parent': 6}}, 3: None}
>>> run_mixes({1: a, 2: b}, ["role"], 1)[1]
{'role': {'student': 8, 'parent': 3}}
>>> mix_lines({'role': {'student': 8, 'parent': None}}, {"role": "Role"}, 5)
['Role: student 8, parent <5']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pni.privacy.cells import OTHER, hide_table, is_small, shown_count

if TYPE_CHECKING:
    from pni.models import Story
    from pni.store import Store

#: The facets a cluster run's stored mix holds besides teller questions.
ATTRIBUTES = ("collection", "source_kind")


def _teller(s: Story) -> str:
    return s.teller_id or f"story:{s.id}"


def facet_value(s: Story, facet: str) -> str:
    """A story's group for ``facet``: its collection, its source kind, or its teller's answer."""
    if facet == "collection":
        return s.collection or "(none)"
    if facet == "source_kind":
        return s.source_kind or "other"
    v = (s.teller_answers or {}).get(facet)
    if isinstance(v, list):
        v = ", ".join(str(x) for x in v)
    return str(v) if v not in (None, "") else "(unknown)"


def run_mixes(members: Mapping[int, Sequence[Story]], facets: Iterable[str],
              min_cell: int) -> dict[int, dict[str, dict[str, int | None]] | None]:
    """Stories per group of each facet for every pattern of a run (``members``: pattern ->
    its stories), small groups merged or hidden; a pattern from fewer than ``min_cell`` tellers
    maps to None. Only the groups a pattern holds (or that are hidden) are listed."""
    keys = list(members)
    small = [is_small(len({_teller(s) for s in members[k]}), min_cell) for k in keys]
    out: dict[int, dict[str, dict[str, int | None]] | None] = {
        k: None if sm else {} for k, sm in zip(keys, small, strict=True)}
    for facet in facets:
        held: dict[str, set[str]] = {}
        for k in keys:
            for s in members[k]:
                held.setdefault(facet_value(s, facet), set()).add(_teller(s))
        merged = {v for v, ts in held.items() if is_small(len(ts), min_cell)}
        total = {v: sum(facet_value(s, facet) == v for k in keys for s in members[k])
                 for v in held}
        cols = sorted((v for v in held if v not in merged), key=lambda v: (-total[v], v))
        cols += [OTHER] if merged else []

        def group(s: Story, merged: set[str] = merged, facet: str = facet) -> str:
            v = facet_value(s, facet)
            return OTHER if v in merged else v

        counts = [[sum(group(s) == c for s in members[k]) for c in cols] for k in keys]
        tellers = [[len({_teller(s) for s in members[k] if group(s) == c}) for c in cols]
                   for k in keys]
        hide = hide_table(counts, tellers, min_cell, hide_rows=small)
        for i, k in enumerate(keys):
            mix = out[k]
            if mix is not None:
                mix[facet] = {c: None if hide[i][j] else counts[i][j]
                              for j, c in enumerate(cols) if counts[i][j] or hide[i][j]}
    return out


def mix_lines(mix: Mapping[str, Mapping[str, int | None]] | None, labels: Mapping[str, str],
              min_cell: int) -> list[str]:
    """One line per facet, e.g. ``Role: student 12, parent <5, other <5``; one line saying why
    when the mix is withheld (``None``)."""
    if mix is None:
        return [f"Not shown: fewer than {min_cell} tellers told this pattern's stories."]
    return [f"{labels.get(facet, facet.replace('_', ' '))}: "
            + ", ".join(f"{k} {shown_count(v, min_cell)}" for k, v in counts.items())
            for facet, counts in mix.items() if counts]


def safe_patterns(db: Store, patterns: list[dict[str, Any]],
                  min_cell: int | None = None) -> list[dict[str, Any]]:
    """``patterns`` (rows of one or more runs) with their stored ``teller_mix`` replaced by the
    mix under the small-cell rule (``min_cell``, else the project's ``pni.toml``), counted over
    all the patterns of their run, and ``suppressed`` true where any of it is hidden (the whole
    of it: ``teller_mix`` null)."""
    from pni.privacy.policy import project_settings
    from pni.store import runs as runq
    from pni.store.stories import list_stories

    mc = project_settings(db).min_cell if min_cell is None else min_cell
    mixes: dict[int, dict[str, dict[str, int | None]] | None] = {}
    for run_id in dict.fromkeys(p["run_id"] for p in patterns):
        every = runq.list_patterns(db, run_id)
        ids: dict[int, list[str]] = {p["id"]: [] for p in every}
        for a in runq.list_assignments(db, run_id):
            if a["pattern_id"] in ids:
                ids[a["pattern_id"]].append(a["story_id"])
        by_id = {s.id: s for s in list_stories(db, ids={x for v in ids.values() for x in v})}
        facets = list(dict.fromkeys(f for p in every for f in p.get("teller_mix") or {}))
        mixes |= run_mixes({pid: [by_id[x] for x in v if x in by_id] for pid, v in ids.items()},
                           facets or ["role", *ATTRIBUTES], mc)
    out = []
    for p in patterns:
        mix = mixes.get(p["id"])
        hidden = mix is None or any(v is None for c in mix.values() for v in c.values())
        out.append({**p, "teller_mix": mix, "suppressed": hidden})
    return out
