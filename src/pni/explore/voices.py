"""Diversity of voices: who told the stories (per teller question, collection and source kind),
which declared groups told few or none, and each pattern's teller mix against the whole.

Small-cell rule: a pattern told by fewer than ``data.min_cell`` tellers gets no mix; a cell of
a mix (pattern x group) held by fewer tellers is hidden, with the cells that would give it back
(``pni.privacy.cells.hide_table``). In each dimension's own table, the "(no answer)" row is a
group like the others: held by fewer tellers, it is hidden with the smallest group beside it
(the total of stories is shown), and so is that group's share of the whole in every mix."""

from __future__ import annotations

from typing import Any

from pni.explore.cells import hide_cells, n_tellers, tellers, too_few
from pni.explore.data import ATTRIBUTES, ExploreData, column_for
from pni.explore.models import PatternMix, VoiceDimension, VoiceGroup, Voices
from pni.privacy.cells import hide_counts, shown_count

DEFAULT_FEW = 5
NO_ANSWER = "(no answer)"


def _dimensions(data: ExploreData) -> list[tuple[str, str, str, list[str]]]:
    """(id, column, label, declared options) for each teller question, then the attributes."""
    out = []
    for q in data.questions.values():
        if q.about == "teller" and q.kind in ("choice", "boolean", "multi-choice"):
            out.append((q.id, column_for(q.id), q.text, data.options_of(q.id)))
    for col, label in ATTRIBUTES.items():
        out.append((col, col, label, []))
    return out


def _members(series: Any, value: str) -> Any:
    return series.map(lambda v: value in v if isinstance(v, list) else v == value)


def _observed(series: Any) -> list[str]:
    seen: list[str] = []
    for v in series.dropna():
        for x in (v if isinstance(v, list) else [v]):
            if x not in seen:
                seen.append(str(x))
    return seen


def voices(data: ExploreData, *, few: int = DEFAULT_FEW) -> Voices:
    """Stories and tellers per group; declared groups with no stories are flagged 'none', groups
    with fewer than ``few`` stories 'few'. With a run, each pattern's mix against the whole."""
    f = data.frame
    n, who, mc = len(f), tellers(f), data.min_cell
    dims: list[VoiceDimension] = []
    flags: list[str] = []
    for did, col, label, declared in _dimensions(data):
        s = f[col]
        answered = s.map(lambda v: bool(v) if isinstance(v, list) else v is not None and v == v)
        observed = _observed(s)
        order = declared + sorted(v for v in observed if v not in declared)
        members = {value: _members(s, value) for value in order}
        counts = {value: int(m.sum()) for value, m in members.items()}
        shown = hide_counts({**counts, NO_ANSWER: int((~answered).sum())},
                            {**{v: n_tellers(who, m) for v, m in members.items()},
                             NO_ANSWER: n_tellers(who, ~answered)}, mc)
        dim = VoiceDimension(id=did, label=label, unanswered=shown[NO_ANSWER],
                             unanswered_suppressed=shown[NO_ANSWER] is None)
        for value, m in members.items():
            k = counts[value]
            flag = "none" if k == 0 else ("few" if k < few else None)
            if shown[value] is None:
                dim.groups.append(VoiceGroup(value=value, stories=None, tellers=None, share=None,
                                             flag=flag, suppressed=True))
            else:
                dim.groups.append(VoiceGroup(
                    value=value, stories=k, tellers=int(f.loc[m, "teller_id"].nunique()),
                    share=round(k / n, 4) if n else 0.0, flag=flag))
            if flag == "none":
                flags.append(f'{label}: no stories from "{value}"')
            elif flag == "few":
                flags.append(f'{label}: only {shown_count(shown[value], mc)} stories from '
                             f'"{value}"')
        unanswered = int((~answered).sum())
        if n and unanswered / n >= 0.2:
            flags.append(f"{label}: {shown_count(dim.unanswered, mc)} of {n} stories have "
                         "no answer")
        dims.append(dim)

    return Voices(few=few, dimensions=dims, patterns=_mixes(data, dims), flags=flags)


def _mixes(data: ExploreData, dims: list[VoiceDimension]) -> list[PatternMix]:
    if not data.patterns:
        return []
    rf = data.run_frame()
    who, mc = tellers(rf), data.min_cell
    inside = [(rf["pattern_number"] == p["number"]).fillna(False) for p in data.patterns]
    small = [too_few(who, m, mc) for m in inside]
    mixes = [PatternMix(number=int(p["number"]), title=str(p["title"]), size=int(m.sum()),
                        suppressed=s) for p, m, s in zip(data.patterns, inside, small, strict=True)]
    for dim in dims:
        col = column_for(dim.id) if dim.id not in ATTRIBUTES else dim.id
        member = [_members(rf[col], g.value) for g in dim.groups]
        # hidden from view but part of the table: a pattern's "(no answer)" stories (its size
        # is shown) and the whole run's row (its shares are shown)
        member.append(~rf[col].map(lambda v: bool(v) if isinstance(v, list)
                                   else v is not None and v == v).astype(bool))
        everyone = rf["story_id"].notna()
        masks = [[m & g for g in member] for m in [*inside, everyone]]
        table = [[int(c.sum()) for c in r] for r in masks]
        hide = hide_cells(table, who, masks, mc, hide_rows=[*small, False])
        for i, pm in enumerate(mixes):
            rows = []
            for j, g in enumerate(dim.groups):
                k, whole = table[i][j], table[-1][j]
                share = k / pm.size if pm.size else 0.0
                whole_share = whole / len(rf) if len(rf) else 0.0
                whole_hidden = g.suppressed or (hide is not None and hide[-1][j])
                row: dict[str, Any] = {
                    "value": g.value, "stories": k, "share": round(share, 4),
                    "whole_share": None if whole_hidden else round(whole_share, 4),
                    "ratio": round(share / whole_share, 2)
                    if whole_share and not whole_hidden else None}
                if pm.suppressed or (hide is not None and hide[i][j]):
                    row |= {"stories": None, "share": None, "ratio": None, "suppressed": True}
                rows.append(row)
            pm.mix[dim.id] = rows
    return mixes
