"""Finding the catalyst's patterns again in a run, by their stories: a re-clustered run numbers
its patterns afresh, but a pattern the catalyst named mostly keeps its stories. What no longer
matches is reported, never dropped from the file.

>>> from pni.curate.model import CuratedPattern
>>> kept = [CuratedPattern(id=1, title="Buses", stories=["a", "b", "c", "d"]),
...         CuratedPattern(id=2, title="Tests", stories=["x", "y"])]
>>> m = match_patterns(kept, {7: {"a", "b", "c"}, 8: {"q", "r"}}, run_id=2, file_run=1)
>>> {k: v.title for k, v in m.matched.items()}, [p.title for p in m.unmatched]
({7: 'Buses'}, ['Tests'])
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pni.curate.model import Catalysis, CuratedObservation, CuratedPattern

if TYPE_CHECKING:
    from pathlib import Path

    from pni.store import Store

#: the share of stories (Jaccard: shared / together) two patterns need to be the same one
SAME = 0.5

K = TypeVar("K", bound=Hashable)


@dataclass
class Match:
    """The file's patterns found in a run: run pattern -> the catalyst's entry; the entries
    found nowhere; and the file's pattern ids -> the run's."""

    matched: dict[Any, CuratedPattern] = field(default_factory=dict)
    unmatched: list[CuratedPattern] = field(default_factory=list)
    numbers: dict[int, Any] = field(default_factory=dict)


def match_patterns(kept: list[CuratedPattern], current: Mapping[K, set[str]], *,
                   run_id: int | None, file_run: int | None) -> Match:
    """Pair each pattern of the file with the run pattern sharing most of its stories (at least
    ``SAME``, one to one, best pairs first). A file entry without stories matches the pattern
    of the same number, and only in the run the file was written from."""
    pairs = []
    for i, cp in enumerate(kept):
        mine = set(cp.stories)
        if not mine:
            continue
        for key, theirs in current.items():
            both = len(mine & theirs)
            if both:
                pairs.append((both / len(mine | theirs), -i, key, i))
    pairs.sort(key=lambda t: (t[0], t[1]), reverse=True)
    out = Match()
    taken: set[int] = set()
    for score, _, key, i in pairs:
        if score < SAME or i in taken or key in out.matched:
            continue
        out.matched[key] = kept[i]
        out.numbers[kept[i].id] = key
        taken.add(i)
    same_run = file_run is None or file_run == run_id
    for i, cp in enumerate(kept):
        if i in taken:
            continue
        if not cp.stories and same_run and cp.id in current and cp.id not in out.matched:
            out.matched[cp.id] = cp
            out.numbers[cp.id] = cp.id
            taken.add(i)
        else:
            out.unmatched.append(cp)
    return out


def remap_test(test: str | None, numbers: Mapping[int, Any]) -> str | None:
    """A test id of the file (``pattern|4|feeling``) in the run's numbering; None when its
    pattern is not in the run. Tests of answers against answers keep their id."""
    if not test or not test.startswith("pattern|"):
        return test
    parts = test.split("|")
    if len(parts) < 3 or parts[1] == "all":
        return test
    try:
        n = int(parts[1])
    except ValueError:
        return test
    if n not in numbers:
        return None
    return "|".join([parts[0], str(numbers[n]), *parts[2:]])


def unmatched_lines(m: Match, run_id: int | None) -> list[str]:
    return [f'pattern {p.id} "{p.title}" of catalysis.yaml: no pattern of run {run_id} '
            f"shares half its {len(p.stories)} stories (kept in the file; not shown)"
            for p in m.unmatched]


def stale(cat: Catalysis, min_cell: int) -> str | None:
    """Why the observations the file took from a report (they hold counts) may not be printed
    under ``min_cell``: the file was written under a weaker small-cell rule. None: they may."""
    from pni.privacy.cells import stale_observations

    why = stale_observations({"min_cell": cat.min_cell, "small_cell_rule": cat.small_cell_rule},
                             min_cell)
    if why is None:
        return None
    return ("Observations of catalysis.yaml that pni wrote (those with a test) are left out: "
            "the file was written under a weaker small-cell rule than this project's; run "
            "`pni curate init --force` again.")


def printable(cat: Catalysis, min_cell: int) -> tuple[list[CuratedObservation], str | None]:
    """The file's observations that may be printed, grouped by perspective (the declared ones
    in order, then the others, then those with none): never a hidden one; none taken from a
    report made under a weaker small-cell rule (and the line saying so)."""
    why = stale(cat, min_cell)
    shown = [o for o in cat.observations if not o.hidden and not (why and o.test)]
    order = cat.perspective_order()
    rank = {name: i for i, name in enumerate(order)}
    shown.sort(key=lambda o: rank.get(o.perspective or "", len(order)))
    return shown, why


# -- the packet's side ----------------------------------------------------------------------------
def _file(db: Store) -> tuple[Path, Catalysis] | None:
    from pni.curate.io import find, load

    p = find(db)
    return None if p is None else (p, load(p))


def curated_titles(db: Store, pattern_of: Mapping[str, Any], *,
                   run_id: int | None = None) -> dict[Any, str]:
    """The catalyst's titles for the run's patterns (``pattern_of``: story id -> pattern key),
    matched by stories; empty when there is no catalysis.yaml or nothing matches."""
    found = _file(db)
    if found is None:
        return {}
    cat = found[1]
    # the packet keys patterns by their store id; the file, by their number in the run
    number: dict[Any, Any] = {}
    if run_id is not None:
        from pni.store import runs as runq

        number = {p.id: p.number for p in runq.list_patterns(db, run_id)}
    current: dict[Any, set[str]] = {}
    for sid, key in pattern_of.items():
        if key is not None:
            current.setdefault(number.get(key, key), set()).add(sid)
    m = match_patterns(cat.patterns, current, run_id=run_id, file_run=cat.run)
    back = {n: k for k, n in number.items()}
    return {back.get(k, k): cp.title for k, cp in m.matched.items() if cp.title.strip()}


def packet_observations(db: Store, min_cell: int) -> tuple[list[dict[str, Any]], str | None] | None:
    """The catalyst's observations as the packet prints them (None: no catalysis.yaml): in
    perspective order, never a hidden one; each a dict with rank, text ("Perspective — Title:
    text"), interpretations ("name: text") and story_ids."""
    found = _file(db)
    if found is None:
        return None
    shown, why = printable(found[1], min_cell)
    out = []
    for i, o in enumerate(shown, 1):
        head = o.title.strip()
        text = f"{head}: {o.text.strip()}" if head and o.text.strip() else head or o.text.strip()
        if o.perspective:
            text = f"{o.perspective} — {text}"
        out.append({"rank": i, "text": text, "story_ids": list(o.stories),
                    "interpretations": [f"{x.name}: {x.text}" if x.name else x.text
                                        for x in o.interpretations if x.text or x.name]})
    return out, why
