"""A pattern's teller mix under the small-cell rule, the one way every output shows it (packet
pattern sheets, `pni patterns list|show`, `pni cluster --json`).

Counts are of stories, sizes of distinct tellers (a story without a teller is its own teller).
A pattern told by fewer than ``min_cell`` tellers has no mix at all; in a mix, the answers held by
fewer tellers are merged into "other", and an "other" still too small is hidden (``None``)
together with the smallest other group, so that the pattern's size cannot give it back.

>>> from pni.models import Story
>>> def s(i, role):
...     return Story(id=f"S{i}", text="t", teller_id=f"T{i}", content_hash=f"h{i}",
...                  teller_answers={"role": role})
>>> stories = [s(i, "student") for i in range(8)] + [s(8 + i, "parent") for i in range(6)]
>>> teller_mix(stories + [s(20, "coach")], ["role"], 5)
{'role': {'student': 8, 'parent': None, 'other': None}}
>>> teller_mix(stories[:4], ["role"], 5) is None
True
>>> mix_lines({'role': {'student': 8, 'parent': None, 'other': None}}, {"role": "Role"}, 5)
['Role: student 8, parent <5, other <5']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pni.privacy.cells import OTHER, hide_counts, is_small, shown_count

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


def teller_mix(stories: Sequence[Story], facets: Iterable[str],
               min_cell: int) -> dict[str, dict[str, int | None]] | None:
    """Stories per group of each facet among ``stories`` (one pattern), small groups merged or
    hidden; None when the stories come from fewer than ``min_cell`` tellers."""
    if is_small(len({_teller(s) for s in stories}), min_cell):
        return None
    out: dict[str, dict[str, int | None]] = {}
    for facet in facets:
        counts: dict[str, int] = {}
        held: dict[str, set[str]] = {}
        for s in stories:
            v = facet_value(s, facet)
            counts[v] = counts.get(v, 0) + 1
            held.setdefault(v, set()).add(_teller(s))
        order = sorted(counts, key=lambda k: (-counts[k], k))
        small = [k for k in order if is_small(len(held[k]), min_cell)]
        if small:
            order = [k for k in order if k not in small] + [OTHER]
            counts[OTHER] = sum(counts.pop(k) for k in small)
            held[OTHER] = set().union(*(held.pop(k) for k in small))
        out[facet] = hide_counts({k: counts[k] for k in order},
                                 {k: len(held[k]) for k in order}, min_cell)
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
    """``patterns`` (rows of one run) with their stored ``teller_mix`` replaced by the mix under
    the small-cell rule (``min_cell``, else the project's ``pni.toml``), and ``suppressed`` true
    where any of it is hidden (the whole of it: ``teller_mix`` null)."""
    from pni.privacy.policy import project_settings
    from pni.store import runs as runq
    from pni.store.stories import list_stories

    if not patterns:
        return []
    mc = project_settings(db).min_cell if min_cell is None else min_cell
    members: dict[int, list[str]] = {}
    for run_id in {p["run_id"] for p in patterns}:
        for a in runq.list_assignments(db, run_id):
            if a["pattern_id"] is not None:
                members.setdefault(a["pattern_id"], []).append(a["story_id"])
    wanted = {sid for p in patterns for sid in members.get(p["id"], [])}
    by_id = {s.id: s for s in list_stories(db, ids=wanted)}
    out = []
    for p in patterns:
        facets = list(p.get("teller_mix") or {}) or ["role", *ATTRIBUTES]
        mix = teller_mix([by_id[sid] for sid in members.get(p["id"], []) if sid in by_id],
                         facets, mc)
        hidden = mix is None or any(v is None for c in mix.values() for v in c.values())
        out.append({**p, "teller_mix": mix, "suppressed": hidden})
    return out
