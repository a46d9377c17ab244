"""Data integrity, looked at before any test: how many stories answered each question, how the
scales are spread, and how many tellers' answers look mechanical (every scale answered the same).

Small-cell rule: a scale answered by fewer than ``data.min_cell`` tellers shows no mean, median,
spread, extremes or distribution (``suppressed`` says why); a bin of its distribution held by
fewer tellers is hidden (``None``), with a second bin where the total would give it back. Every
other count of tellers grouped by what they answered is hidden the same way (``None``, named in
``hidden``): a question's answered/unanswered stories, answers outside a scale's range (and the
extreme they set), unanswered stories per source kind, stories per consent value, and the
number of tellers who answered every scale the same. No teller is ever named: a per-teller row
(an id with its stories and scale means) is one teller's answers, worse than a small cell."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pni.explore.cells import n_tellers
from pni.explore.cells import tellers as teller_keys
from pni.explore.data import ExploreData, column_for
from pni.explore.models import Integrity, QuestionIntegrity
from pni.privacy.cells import hide_count, hide_counts, hide_table, is_small, shown_count

#: A teller is flagged only with at least this many scale answers, all the same.
DEFAULT_MIN_SAME = 3


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def consent_counts(data: ExploreData) -> dict[str, int | None]:
    """Stories per consent value ("unknown" where none is recorded), each a group of tellers:
    hidden (``None``) under the small-cell rule, with a second value where the total would give
    it back."""
    f = data.frame
    who = teller_keys(f)
    values = f["consent"].map(lambda c: c if isinstance(c, str) and c else "unknown")
    counts = {str(k): int(v) for k, v in values.value_counts().items()}
    held = {k: n_tellers(who, values == k) for k in counts}
    return hide_counts(counts, held, data.min_cell)


def integrity(data: ExploreData, *, min_same: int = DEFAULT_MIN_SAME) -> Integrity:
    """Answer counts and unanswered rates per question, scale distributions, stories per consent
    value; counts the tellers who answered every scale the same (``min_same`` answers or more)."""
    import numpy as np

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
        split = hide_counts({"answered": answered, "unanswered": n - answered},
                            {"answered": n_tellers(who, answered_mask),
                             "unanswered": n_tellers(who, ~answered_mask)}, mc)
        rate = round((n - answered) / n, 4) if n else 0.0
        item = QuestionIntegrity(
            id=q.id, text=q.text, kind=q.kind, about=q.about, answered=split["answered"],
            unanswered=split["unanswered"],
            unanswered_rate=None if split["unanswered"] is None else rate,
            hidden=[k for k in ("answered", "unanswered") if split[k] is None])
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
                for end in ("minimum", "maximum"):  # an extreme no more tellers gave
                    if is_small(held.get(_fmt(getattr(item, end)), 0), mc):
                        setattr(item, end, None)
                        item.hidden.append(end)
                num = s.astype(float)
                outside = (num < (q.scale_min if q.scale_min is not None else -np.inf)) | (
                    num > (q.scale_max if q.scale_max is not None else np.inf))
                out = int(outside.sum())
                item.out_of_range = hide_count(out, n_tellers(who, outside), mc)
                if item.out_of_range is None:
                    item.hidden.append("out_of_range")
                if out:
                    flags.append(f"{shown_count(item.out_of_range, mc)} answers to "
                                 f'"{q.text}" fall outside the scale {_fmt(lo)}-{_fmt(hi)}')
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
        if n and (n - answered) / n >= 0.5:
            flags.append(f'"{q.text}" is unanswered for {shown_count(item.unanswered, mc)} of '
                         f"{n} stories" + _where_unanswered(f, answered_mask, who, mc))
        qs.append(item)

    n_same = _same_answer(data, min_same)
    same = hide_count(n_same, n_same, mc)
    if same != 0:
        flags.append(f"{shown_count(same, mc)} teller(s) answered every scale the same "
                     f"({min_same} or more answers); who is not shown")
    consent = consent_counts(data)
    hidden = (["consent"] if None in consent.values() else []) + (
        ["same_answer_tellers"] if same is None else [])
    no_teller = int(f["teller_id"].isna().sum())
    no_answers = _stories_without_answers(data)
    if no_answers:
        flags.append(f"{no_answers} stories have no answers at all")
    return Integrity(
        stories=n, tellers=int(f["teller_id"].nunique()), stories_without_teller=no_teller,
        stories_without_answers=no_answers, consent=consent, questions=qs,
        same_answer_tellers=same, flags=flags, hidden=hidden)


def _where_unanswered(f: Any, answered: Any, who: Any, mc: int) -> str:
    """Which source kinds the unanswered stories come from: ': all 45 kiva-panel, 3 of 73
    story-form' (transcripts usually carry no story questions, which this makes plain). A kind x
    (unanswered, answered) table: its small cells read '<5 of 73 story-form'."""
    groups = list(f.groupby("source_kind", sort=True).groups.items())
    masks = [[f.index.isin(index) & ~answered, f.index.isin(index) & answered]
             for _, index in groups]
    counts = [[int(m.sum()) for m in row] for row in masks]
    hide = hide_table(counts, [[n_tellers(who, m) for m in row] for row in masks], mc)
    parts = []
    for (kind, index), (missing, _), (h, _) in zip(groups, counts, hide, strict=True):
        if not missing:
            continue
        if h:
            parts.append(f"{shown_count(None, mc)} of {len(index)} {kind}")
        else:
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


def _same_answer(data: ExploreData, min_same: int) -> int:
    """How many tellers gave ``min_same`` or more scale answers, all the same."""
    import numpy as np

    f = data.frame
    story_scales = [column_for(q.id) for q in data.questions.values()
                    if q.kind == "scale" and q.about == "story"]
    teller_scales = [column_for(q.id) for q in data.questions.values()
                     if q.kind == "scale" and q.about == "teller"]
    same = 0
    for _, g in f.dropna(subset=["teller_id"]).groupby("teller_id", sort=True):
        xs: list[float] = []
        for c in story_scales:
            xs.extend(float(v) for v in g[c].dropna())
        for c in teller_scales:  # a teller's own answers count once
            vals = g[c].dropna()
            if len(vals):
                xs.append(float(vals.iloc[0]))
        arr = np.asarray(xs, dtype=float)
        same += int(arr.size >= min_same and np.unique(arr).size == 1)
    return same


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

