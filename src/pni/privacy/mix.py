"""The teller mix of a run's patterns under the small-cell rule, the one way every output shows
it (packet pattern sheets, `pni patterns list|show`, `pni cluster --format json`).

Counts are of stories, sizes of distinct tellers (a story without a teller is its own teller),
and the rule is explore's: per facet, the groups are the rows of the facet's one-way table over
the whole run (``protect_distribution``: answers of fewer than ``min_cell`` tellers merged into a
labelled row, never named); then, in the table of patterns x groups, a cell from fewer tellers
is hidden (``None``, 'small'), with the cells that would give it back from a pattern's size or a
group's total ('complement', ``pni.privacy.cells.table_reasons``). A pattern told by fewer
tellers has no mix.

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
['Role: student 8, parent <5', '<5: fewer than 5 tellers.']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pni.privacy.cells import (
    SMALL,
    Distribution,
    cells_note,
    is_small,
    protect_distribution,
    shown_count,
    table_reasons,
)

if TYPE_CHECKING:
    from pni.models import Story
    from pni.store import Store
    from pni.store.records import Pattern

#: The facets a cluster run's stored mix holds besides teller questions: how stories were
#: gathered, whose one-way counts the threshold takes in stories.
ATTRIBUTES = ("collection", "source_kind")
UNKNOWN = "(unknown)"


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
    return str(v) if v not in (None, "") else UNKNOWN


Mixes = dict[int, dict[str, dict[str, int | None]] | None]
Why = dict[int, dict[str, dict[str, str]]]


def run_mixes(members: Mapping[int, Sequence[Story]], facets: Iterable[str],
              min_cell: int) -> Mixes:
    """Stories per group of each facet for every pattern of a run (``members``: pattern ->
    its stories) under the small-cell rule; a pattern from fewer than ``min_cell`` tellers maps
    to None. Only the groups a pattern holds (or that are hidden) are listed. ``run_mixes_why``
    also says why each hidden cell is hidden."""
    return run_mixes_why(members, facets, min_cell)[0]


def run_mixes_why(members: Mapping[int, Sequence[Story]], facets: Iterable[str],
                  min_cell: int) -> tuple[Mixes, Why]:
    """``run_mixes`` and, per pattern and facet, why each hidden cell is hidden ('small' or
    'complement'). The groups are the rows of the facet's one-way table over the whole run
    (``protect_distribution``: small answers merged into a labelled row, never named); stories
    with no answer are left out (not answering is not a group)."""
    keys = list(members)
    small = [is_small(len({_teller(s) for s in members[k]}), min_cell) for k in keys]
    out: Mixes = {k: None if sm else {} for k, sm in zip(keys, small, strict=True)}
    why: Why = {k: {} for k in keys}
    every = [s for k in keys for s in members[k]]
    for facet in facets:
        fieldwork = facet in ATTRIBUTES
        held: dict[str, tuple[int, set[str]]] = {}
        for s in every:
            v = facet_value(s, facet)
            n, who = held.setdefault(v, (0, set()))
            who.add(s.id if fieldwork else _teller(s))
            held[v] = (n + 1, who)
        missing = held.pop(UNKNOWN, (0, set()))
        order = sorted(held, key=lambda v: (-held[v][0], v))
        table = protect_distribution({v: held[v] for v in order}, missing, min_cell,
                                     unit="stories" if fieldwork else "tellers")
        cols = [r for r in table.rows if r.stories is not None and r.members]
        col_of = {v: r.label for r in cols for v in r.members}
        counts = [[sum(col_of.get(facet_value(s, facet)) == c.label for s in members[k])
                   for c in cols] for k in keys]
        tellers = [[len({_teller(s) for s in members[k]
                         if col_of.get(facet_value(s, facet)) == c.label}) for c in cols]
                   for k in keys]
        reasons = table_reasons(counts, tellers, min_cell, hide_rows=small)
        for i, k in enumerate(keys):
            mix = out[k]
            if mix is None:
                continue
            mix[facet] = {c.label: None if reasons[i][j] else counts[i][j]
                          for j, c in enumerate(cols) if counts[i][j] or reasons[i][j]}
            hidden = {c.label: str(reasons[i][j]) for j, c in enumerate(cols)
                      if reasons[i][j] and (counts[i][j] or reasons[i][j])}
            if hidden:
                why[k][facet] = hidden
    return out, why


def mix_lines(mix: Mapping[str, Mapping[str, int | None]] | None, labels: Mapping[str, str],
              min_cell: int, why: Mapping[str, Mapping[str, str]] | None = None) -> list[str]:
    """One line per facet, e.g. ``Role: student 12, parent <5, teacher hidden``, and the note
    on what the marks mean; one line saying why when the mix is withheld (``None``)."""
    if mix is None:
        return [f"Not shown: fewer than {min_cell} tellers told this pattern's stories."]
    why = why or {}
    lines = [f"{labels.get(facet, facet.replace('_', ' '))}: "
             + ", ".join(f"{k} {shown_count(v, min_cell, why.get(facet, {}).get(k))}"
                         for k, v in counts.items())
             for facet, counts in mix.items() if counts]
    marks = {w for f in mix for k, v in mix[f].items() if v is None
             for w in [why.get(f, {}).get(k, SMALL)]}
    note = cells_note(min_cell, marks)
    return [*lines, note] if note else lines


def _run(db: Store, run_id: int,
         facets: Sequence[str] = ()) -> tuple[dict[int, list[Story]], list[str]]:
    """Each pattern's stories (all of them: consent "no" too, as statistics count them) and the
    facets to count: ``facets``, else the teller questions (choice, yes/no) its stories
    answered, those the run stored, collection and source kind."""
    from pni.store import runs as runq
    from pni.store.stories import get_questions, list_stories

    every = runq.list_patterns(db, run_id)
    ids: dict[int, list[str]] = {p.id: [] for p in every}
    for a in runq.list_assignments(db, run_id):
        if a.pattern_id in ids:
            ids[a.pattern_id].append(a.story_id)
    by_id = {s.id: s for s in list_stories(db, ids={x for v in ids.values() for x in v})}
    chosen = list(facets)
    if not chosen:
        stored = [f for p in every for f in p.teller_mix or {}]
        asked = [q.id for q in get_questions(db)
                 if q.about == "teller" and q.kind in ("choice", "boolean")
                 and any(s.teller_answers.get(q.id) not in (None, "") for s in by_id.values())]
        chosen = list(dict.fromkeys([*asked, *stored, *ATTRIBUTES]))
    return {pid: [by_id[x] for x in v if x in by_id] for pid, v in ids.items()}, chosen


def mixes_of_run(db: Store, run_id: int, min_cell: int,
                 facets: Sequence[str] = ()) -> tuple[Mixes, Why]:
    """The mixes of every pattern of a run (``run_mixes_why``) over its facets (``_run``)."""
    members, chosen = _run(db, run_id, facets)
    return run_mixes_why(members, chosen, min_cell)


def run_tables(db: Store, run_id: int, min_cell: int) -> list[tuple[str, Distribution]]:
    """Stories of a run's patterns per group of each facet: one protected one-way table each
    (``protect_distribution``; collections and source kinds counted by stories)."""
    members, facets = _run(db, run_id)
    every = [s for v in members.values() for s in v]
    out = []
    for facet in facets:
        fieldwork = facet in ATTRIBUTES
        held: dict[str, tuple[int, set[str]]] = {}
        for s in every:
            n, who = held.get(facet_value(s, facet), (0, set()))
            held[facet_value(s, facet)] = (n + 1, who | {s.id if fieldwork else _teller(s)})
        missing = held.pop(UNKNOWN, (0, set()))
        order = sorted(held, key=lambda v: (-held[v][0], v))
        out.append((facet, protect_distribution({v: held[v] for v in order}, missing, min_cell,
                                                unit="stories" if fieldwork else "tellers")))
    return out


def safe_patterns(db: Store, patterns: Sequence[Pattern],
                  min_cell: int | None = None) -> list[dict[str, Any]]:
    """``patterns`` (of one or more runs) as they may be printed: each pattern's fields (not
    its centroid) with its stored ``teller_mix`` replaced by the mix under the small-cell rule
    (``min_cell``, else the project's ``pni.toml``), counted over all the patterns of its run,
    ``suppressed`` true where any of it is hidden (the whole of it: ``teller_mix`` null), and
    ``hidden``: why each hidden cell is hidden."""
    from pni.privacy.policy import project_settings
    from pni.store.records import as_dict

    mc = project_settings(db).min_cell if min_cell is None else min_cell
    mixes: Mixes = {}
    whys: Why = {}
    for run_id in dict.fromkeys(p.run_id for p in patterns):
        m, w = mixes_of_run(db, run_id, mc)
        mixes |= m
        whys |= w
    out = []
    for p in patterns:
        mix = mixes.get(p.id)
        hidden = mix is None or any(v is None for c in mix.values() for v in c.values())
        out.append(as_dict(p) | {"teller_mix": mix, "suppressed": hidden,
                                 "hidden": whys.get(p.id, {})})
    return out
