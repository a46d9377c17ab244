"""Diversity of voices: who told the stories (per teller question, collection and source kind),
which declared groups told few or none, and each pattern's teller mix against the whole.

Small-cell rule: a pattern told by fewer than ``data.min_cell`` tellers gets no mix; a cell of
a mix (pattern x group) held by fewer tellers is hidden, with the cells that would give it back
(``pni.privacy.cells.hide_table``)."""

from __future__ import annotations

from typing import Any

from pni.explore.cells import hide_cells, tellers, too_few
from pni.explore.data import ATTRIBUTES, ExploreData, column_for
from pni.explore.models import PatternMix, VoiceDimension, VoiceGroup, Voices

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
    n = len(f)
    dims: list[VoiceDimension] = []
    flags: list[str] = []
    for did, col, label, declared in _dimensions(data):
        s = f[col]
        answered = s.map(lambda v: bool(v) if isinstance(v, list) else v is not None and v == v)
        observed = _observed(s)
        order = declared + sorted(v for v in observed if v not in declared)
        dim = VoiceDimension(id=did, label=label, unanswered=int((~answered).sum()))
        for value in order:
            m = _members(s, value)
            k = int(m.sum())
            flag = "none" if k == 0 else ("few" if k < few else None)
            dim.groups.append(VoiceGroup(
                value=value, stories=k, tellers=int(f.loc[m, "teller_id"].nunique()),
                share=round(k / n, 4) if n else 0.0, flag=flag))
            if flag == "none":
                flags.append(f'{label}: no stories from "{value}"')
            elif flag == "few":
                flags.append(f'{label}: only {k} stories from "{value}"')
        if n and dim.unanswered / n >= 0.2:
            flags.append(f"{label}: {dim.unanswered} of {n} stories have no answer")
        dims.append(dim)

    return Voices(few=few, dimensions=dims, patterns=_mixes(data, dims), flags=flags)


def _mixes(data: ExploreData, dims: list[VoiceDimension]) -> list[PatternMix]:
    rf = data.run_frame()
    who, mc = tellers(rf), data.min_cell
    inside = [(rf["pattern_number"] == p["number"]).fillna(False) for p in data.patterns]
    small = [too_few(who, m, mc) for m in inside]
    mixes = [PatternMix(number=int(p["number"]), title=str(p["title"]), size=int(m.sum()),
                        suppressed=s) for p, m, s in zip(data.patterns, inside, small, strict=True)]
    for dim in dims:
        col = column_for(dim.id) if dim.id not in ATTRIBUTES else dim.id
        member = [_members(rf[col], g.value) for g in dim.groups]
        masks = [[m & g for g in member] for m in inside]
        table = [[int(c.sum()) for c in r] for r in masks]
        hide = hide_cells(table, who, masks, mc, hide_rows=small)
        for i, pm in enumerate(mixes):
            rows = []
            for j, g in enumerate(dim.groups):
                k, whole = table[i][j], int(member[j].sum())
                share = k / pm.size if pm.size else 0.0
                whole_share = whole / len(rf) if len(rf) else 0.0
                row: dict[str, Any] = {
                    "value": g.value, "stories": k, "share": round(share, 4),
                    "whole_share": round(whole_share, 4),
                    "ratio": round(share / whole_share, 2) if whole_share else None}
                if pm.suppressed or (hide is not None and hide[i][j]):
                    row |= {"stories": None, "share": None, "ratio": None, "suppressed": True}
                rows.append(row)
            pm.mix[dim.id] = rows
    return mixes
