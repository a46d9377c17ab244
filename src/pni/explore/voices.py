"""Diversity of voices: who told the stories (per teller question, collection and source kind),
which declared groups told few or none, and each pattern's teller mix against the whole.

Small-cell rule (``pni.privacy.cells``): each dimension's table lists every group of at least
``min_cell`` tellers with its true counts; smaller groups are merged into a labelled row "other
answers (fewer than 5 tellers each)" (which takes "no answer", then the smallest group, with it
when it is itself too small: ``protect_distribution``). Collections and source kinds are how
stories were gathered, not what tellers said: the threshold counts their stories. In the mixes
(pattern x row), a cell from fewer tellers reads ``<5`` and a cell that would give it back
``hidden``; a pattern told by fewer tellers gets no mix."""

from __future__ import annotations

from typing import Any

from pni.explore.cells import n_tellers, tellers, too_few
from pni.explore.data import ATTRIBUTES, ExploreData, column_for
from pni.explore.models import PatternMix, VoiceDimension, VoiceGroup, Voices
from pni.privacy.cells import table_reasons

DEFAULT_FEW = 5
NO_ANSWER = "(no answer)"


def _dimensions(data: ExploreData) -> list[tuple[str, str, str, list[str], bool]]:
    """(id, column, label, declared options, partition) for each teller question, then the
    attributes; ``partition``: each story holds one answer (not a multi-choice)."""
    out = []
    for q in data.questions.values():
        if q.about == "teller" and q.kind in ("choice", "boolean", "multi-choice"):
            out.append((q.id, column_for(q.id), q.text, data.options_of(q.id),
                        q.kind != "multi-choice"))
    for col, label in ATTRIBUTES.items():
        out.append((col, col, label, [], True))
    return out


def _members(series: Any, value: str) -> Any:
    return series.map(lambda v: value in v if isinstance(v, list) else v == value)


def _answered(series: Any) -> Any:
    return series.map(lambda v: bool(v) if isinstance(v, list) else v is not None and v == v)


def _observed(series: Any) -> list[str]:
    seen: list[str] = []
    for v in series.dropna():
        for x in (v if isinstance(v, list) else [v]):
            if x not in seen:
                seen.append(str(x))
    return seen


def _row_mask(series: Any, g: VoiceGroup) -> Any:
    """The stories a row of a dimension's table holds."""
    import pandas as pd

    mask = pd.Series(False, index=series.index)
    for value in g.members:
        mask |= _members(series, value)
    if g.no_answer:
        mask |= ~_answered(series)
    return mask


def voices(data: ExploreData, *, few: int = DEFAULT_FEW) -> Voices:
    """Stories and tellers per group; declared groups with no stories are flagged 'none', groups
    with fewer than ``few`` stories 'few'. With a run, each pattern's mix against the whole."""
    f = data.frame
    n, who = len(f), tellers(f)
    dims: list[VoiceDimension] = []
    flags: list[str] = []
    for did, col, label, declared, partition in _dimensions(data):
        s = f[col]
        answered = _answered(s)
        observed = _observed(s)
        order = declared + sorted(v for v in observed if v not in declared)
        members = {value: _members(s, value) for value in order}
        fieldwork = did in ATTRIBUTES
        unit = "stories" if fieldwork else "tellers"

        def held(m: Any, fieldwork: bool = fieldwork) -> set[str]:
            return set(f.loc[m, "story_id"] if fieldwork else who[m])

        table = data.distribution(
            {v: (int(m.sum()), held(m)) for v, m in members.items()},
            (int((~answered).sum()), held(~answered)), partition=partition, unit=unit,
            noun="collections" if did == "collection" else
            "kinds" if did == "source_kind" else "answers")
        dim = VoiceDimension(id=did, label=label, unanswered=table.unanswered,
                             unanswered_at_most=table.unanswered_at_most, unit=unit,
                             withheld=table.withheld)
        for r in table.rows:
            k = r.stories
            flag = None
            if not r.merged and not r.no_answer and k is not None:
                flag = "none" if k == 0 else ("few" if k < few else None)
            grp = VoiceGroup(value=r.label, stories=k, share=None, flag=flag,
                             members=list(r.members), no_answer=r.no_answer, merged=r.merged,
                             suppressed=k is None, why=r.why, tellers=None)
            if k is not None:
                grp.tellers = n_tellers(who, _row_mask(s, grp))
                grp.share = round(k / n, 4) if n else 0.0
            dim.groups.append(grp)
            if flag == "none":
                flags.append(f'{label}: no stories from "{r.label}"')
            elif flag == "few":
                flags.append(f'{label}: only {k} stories from "{r.label}"')
        if table.withheld:
            flags.append(f"{label}: {table.withheld}")
        unanswered = int((~answered).sum())
        if n and unanswered / n >= 0.2 and table.unanswered is not None:
            flags.append(f"{label}: {unanswered} of {n} stories have no answer")
        dims.append(dim)

    return Voices(few=few, dimensions=dims, patterns=_mixes(data, dims), flags=flags)


def _mixes(data: ExploreData, dims: list[VoiceDimension]) -> list[PatternMix]:
    if not data.patterns:
        return []
    rf = data.run_frame()
    who, mc = tellers(rf), data.min_cell
    inside = [(rf["pattern_number"] == p.number).fillna(False) for p in data.patterns]
    small = [too_few(who, m, mc) for m in inside]
    mixes = [PatternMix(number=int(p.number), title=str(p.title), size=int(m.sum()),
                        suppressed=s) for p, m, s in zip(data.patterns, inside, small, strict=True)]
    for dim in dims:
        col = column_for(dim.id) if dim.id not in ATTRIBUTES else dim.id
        # not answering is not a group the rule protects: the "(no answer)" row is left out
        rows = [g for g in dim.groups if g.stories is not None
                and not (g.no_answer and not g.members)]
        # the columns are the rows of the dimension's own table (its "no answer" too: a
        # pattern's size is shown), whose totals that table shows; the rows are the patterns
        member = [_row_mask(rf[col], g) for g in rows]
        masks = [[m & g for g in member] for m in inside]
        table = [[int(c.sum()) for c in r] for r in masks]
        why = table_reasons(table, [[n_tellers(who, c) for c in r] for r in masks], mc,
                            hide_rows=small)
        whole = [int(g.sum()) for g in member]
        for i, pm in enumerate(mixes):
            cells = []
            for j, g in enumerate(rows):
                k = table[i][j]
                share = k / pm.size if pm.size else 0.0
                whole_share = whole[j] / len(rf) if len(rf) else 0.0
                cell: dict[str, Any] = {
                    "value": g.value, "stories": k, "share": round(share, 4),
                    "whole_share": round(whole_share, 4),
                    "ratio": round(share / whole_share, 2) if whole_share else None}
                if why[i][j] is not None:
                    cell |= {"stories": None, "share": None, "ratio": None, "suppressed": True,
                             "why": why[i][j]}
                cells.append(cell)
            pm.mix[dim.id] = cells
    return mixes
