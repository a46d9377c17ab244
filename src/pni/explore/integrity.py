"""Data integrity, looked at before any test: how many stories answered each question, how the
scales are spread, and tellers whose answers look mechanical (every scale answered the same).

Small-cell rule: a scale answered by fewer than ``data.min_cell`` tellers shows no mean, median,
spread, extremes or distribution (``suppressed`` says why); a bin of its distribution held by
fewer tellers is hidden (``None``), with a second bin where the total would give it back."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pni.explore.cells import n_tellers
from pni.explore.cells import tellers as teller_keys
from pni.explore.data import ExploreData, column_for
from pni.explore.models import Integrity, QuestionIntegrity, TellerIntegrity

#: A teller is flagged only with at least this many scale answers, all the same.
DEFAULT_MIN_SAME = 3


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def integrity(data: ExploreData, *, min_same: int = DEFAULT_MIN_SAME,
              consent: dict[str, int] | None = None) -> Integrity:
    """Answer counts and unanswered rates per question, scale distributions, per-teller means and
    spreads; flags tellers who answered every scale the same (``min_same`` answers or more)."""
    import numpy as np

    from pni.privacy.cells import hide_counts, is_small

    f = data.frame
    n = len(f)
    who, mc = teller_keys(f), data.min_cell
    qs: list[QuestionIntegrity] = []
    flags: list[str] = []
    for q in data.questions.values():
        if q.kind == "text" or q.about not in ("story", "teller"):
            continue
        col = column_for(q.id)
        s = f[col]
        answered_mask = s.map(lambda v: bool(v)) if q.kind == "multi-choice" else s.notna()
        answered = int(answered_mask.sum())
        item = QuestionIntegrity(
            id=q.id, text=q.text, kind=q.kind, about=q.about, answered=answered,
            unanswered=n - answered, unanswered_rate=round((n - answered) / n, 4) if n else 0.0)
        if q.kind == "scale":
            x = s.dropna().to_numpy(dtype=float)
            if x.size and is_small(n_tellers(who, s.notna()), mc):
                item.suppressed = f"not shown: fewer than {mc} tellers answered"
            elif x.size:
                c = Counter(_fmt(v) for v in x)
                lo = q.scale_min if q.scale_min is not None else float(x.min())
                hi = q.scale_max if q.scale_max is not None else float(x.max())
                dist: dict[str, int] = {}
                if float(lo).is_integer() and float(hi).is_integer() and hi - lo <= 20:
                    dist = {_fmt(v): 0 for v in np.arange(lo, hi + 1)}
                for k in sorted(c, key=float):
                    dist[k] = dist.get(k, 0) + c[k]
                dist = dict(sorted(dist.items(), key=lambda kv: float(kv[0])))
                held = {k: n_tellers(who, s.map(lambda v, k=k: v == v and _fmt(v) == k))
                        for k in dist}
                item.distribution = hide_counts(dist, held, mc)
                item.mean = round(float(x.mean()), 3)
                item.median = round(float(np.median(x)), 3)
                item.sd = round(float(x.std(ddof=1)), 3) if x.size > 1 else None
                item.minimum, item.maximum = float(x.min()), float(x.max())
                out = 0
                if q.scale_min is not None:
                    out += int((x < q.scale_min).sum())
                if q.scale_max is not None:
                    out += int((x > q.scale_max).sum())
                item.out_of_range = out
                if out:
                    flags.append(f'{out} answers to "{q.text}" fall outside the scale '
                                 f"{_fmt(lo)}-{_fmt(hi)}")
        else:
            counts: Counter[str] = Counter()
            if q.kind == "multi-choice":
                for vs in s:
                    counts.update(vs or [])
            else:
                counts.update(str(v) for v in s.dropna())
            declared = data.options_of(q.id)
            item.counts = {o: counts.get(o, 0) for o in declared}
            for k, v in counts.most_common():
                if k not in item.counts:
                    item.counts[k] = v
            if q.options:
                item.undeclared = [k for k in counts if k not in declared]
        if n and item.unanswered_rate >= 0.5:
            flags.append(f'"{q.text}" is unanswered for {item.unanswered} of {n} stories'
                         + _where_unanswered(f, answered_mask))
        qs.append(item)

    tellers = _tellers(data, min_same)
    same = [t for t in tellers if t.same_answer]
    if same:
        flags.append(f"{len(same)} teller(s) answered every scale the same "
                     f"({min_same} or more answers): " + ", ".join(t.teller_id for t in same))
    no_teller = int(f["teller_id"].isna().sum())
    no_answers = _stories_without_answers(data)
    if no_answers:
        flags.append(f"{no_answers} stories have no answers at all")
    return Integrity(
        stories=n, tellers=int(f["teller_id"].nunique()), stories_without_teller=no_teller,
        stories_without_answers=no_answers, consent=dict(consent or {}), questions=qs,
        tellers_detail=tellers, flags=flags)


def _where_unanswered(f: Any, answered: Any) -> str:
    """Which source kinds the unanswered stories come from: ': all 45 kiva-panel, 3 of 73
    story-form' (transcripts usually carry no story questions, which this makes plain)."""
    parts = []
    for kind, index in f.groupby("source_kind", sort=True).groups.items():
        missing = int((~answered.loc[index]).sum())
        if missing:
            parts.append(f"all {missing} {kind}" if missing == len(index)
                         else f"{missing} of {len(index)} {kind}")
    return (": " + ", ".join(parts)) if parts else ""


def _stories_without_answers(data: ExploreData) -> int:
    f = data.frame
    cols = [column_for(q.id) for q in data.questions.values()
            if q.kind != "text" and q.about == "story"]
    if not cols or f.empty:
        return 0
    any_answer = f[cols].apply(
        lambda row: any(bool(v) if isinstance(v, list) else v is not None and v == v
                        for v in row), axis=1)
    return int((~any_answer.astype(bool)).sum())


def _tellers(data: ExploreData, min_same: int) -> list[TellerIntegrity]:
    import numpy as np

    f = data.frame
    story_scales = [column_for(q.id) for q in data.questions.values()
                    if q.kind == "scale" and q.about == "story"]
    teller_scales = [column_for(q.id) for q in data.questions.values()
                     if q.kind == "scale" and q.about == "teller"]
    out: list[TellerIntegrity] = []
    for tid, g in f.dropna(subset=["teller_id"]).groupby("teller_id", sort=True):
        xs: list[float] = []
        for c in story_scales:
            xs.extend(float(v) for v in g[c].dropna())
        for c in teller_scales:  # a teller's own answers count once
            vals = g[c].dropna()
            if len(vals):
                xs.append(float(vals.iloc[0]))
        arr = np.asarray(xs, dtype=float)
        distinct = int(np.unique(arr).size) if arr.size else 0
        out.append(TellerIntegrity(
            teller_id=str(tid), stories=len(g), scale_answers=int(arr.size),
            mean=round(float(arr.mean()), 3) if arr.size else None,
            sd=round(float(arr.std(ddof=1)), 3) if arr.size > 1 else None,
            distinct=distinct, same_answer=arr.size >= min_same and distinct == 1))
    return out


def answer_rows(item: QuestionIntegrity) -> list[dict[str, Any]]:
    """Flat rows (for CSV): one per answer or scale value; a hidden count is None with
    ``suppressed`` true, and a scale shown not at all is one row saying why."""
    if item.suppressed:
        return [{"question": item.id, "kind": item.kind, "answer": "", "stories": None,
                 "declared": True, "suppressed": True, "note": item.suppressed}]
    src: dict[str, int | None] = dict(item.distribution if item.kind == "scale" else item.counts)
    return [{"question": item.id, "kind": item.kind, "answer": k, "stories": v,
             "declared": item.kind == "scale" or k not in item.undeclared,
             "suppressed": v is None}
            for k, v in src.items()]

