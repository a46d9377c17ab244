"""Data integrity, looked at before any test: how many stories answered each question, how the
scales are spread, and how many tellers' answers look mechanical (every scale answered the same).

Small-cell rule: the answers of a choice question (and the consent values) are counted by
``protect_distribution``: every answer of ``data.min_cell`` tellers or more exactly, smaller ones
in a labelled merged row, "answered" and "unanswered" exactly unless a merged row holds both (then
as bounds, "at least 95" / "at most 5"). A scale answered by fewer tellers shows no mean,
median, spread, extremes or distribution (``suppressed`` says why); a bin of its distribution
held by fewer tellers is hidden (``None``, why 'small'), with a second bin where the total would
give it back (why 'complement'). Answers outside a scale's range (and the extreme they set) and
the number of tellers who answered every scale the same are hidden when fewer tellers hold them
(named in ``hidden``). No teller is ever named: a per-teller row (an id with its stories and
scale means) is one teller's answers, worse than a small cell."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pni.explore.cells import n_tellers
from pni.explore.cells import tellers as teller_keys
from pni.explore.data import ExploreData, column_for
from pni.explore.models import Integrity, QuestionIntegrity
from pni.privacy.cells import Distribution, hide_count, is_small, shown_count, table_reasons

#: A teller is flagged only with at least this many scale answers, all the same.
DEFAULT_MIN_SAME = 3


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def consent_counts(data: ExploreData) -> dict[str, int | None]:
    """Stories per consent value ("unknown" where none is recorded), each a group of tellers,
    under the small-cell rule (values of fewer tellers in a labelled merged row)."""
    f = data.frame
    who = teller_keys(f)
    values = f["consent"].map(lambda c: c if isinstance(c, str) and c else "unknown")
    order = [v for v in ("yes", "no", "unknown") if (values == v).any()]
    order += sorted(str(v) for v in set(values) if v not in order)
    groups = {k: (int((values == k).sum()), set(who[values == k])) for k in order}
    return data.distribution(groups, (0, 0), noun="consent values").counts()


def answer_table(data: ExploreData, qid: str) -> Distribution:
    """Stories per answer of a choice, boolean or multi-choice question under the small-cell
    rule, with its answered and unanswered stories."""
    q = data.questions[qid]
    s = data.frame[column_for(qid)]
    who = teller_keys(data.frame)
    multi = q.kind == "multi-choice"
    answered = s.map(lambda v: bool(v)) if multi else s.notna()
    picked: dict[str, list[int]] = {}
    for i, v in enumerate(s):
        for x in (v or []) if multi else ([] if v is None or v != v else [v]):
            picked.setdefault(str(x), []).append(i)
    declared = data.options_of(qid)
    order = [*declared, *sorted((k for k in picked if k not in declared),
                                key=lambda k: -len(picked[k]))]
    groups = {k: (len(picked.get(k, [])), set(who.iloc[picked.get(k, [])])) for k in order}
    return data.distribution(groups, (int((~answered).sum()), set(who[~answered])),
                             partition=not multi)


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
        rate = round((n - answered) / n, 4) if n else 0.0
        item = QuestionIntegrity(id=q.id, text=q.text, kind=q.kind, about=q.about,
                                 answered=answered, unanswered=n - answered,
                                 unanswered_rate=rate)
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
                keys = list(dist)
                why = table_reasons([[dist[k] for k in keys]], [[held[k] for k in keys]], mc)[0]
                item.distribution = {k: None if w else dist[k]
                                     for k, w in zip(keys, why, strict=True)}
                item.distribution_why = {k: w for k, w in zip(keys, why, strict=True) if w}
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
            table = answer_table(data, q.id)
            item.counts = {r.label: r.stories for r in table.rows if not r.no_answer}
            if table.unanswered is None:
                item.answered = item.unanswered = item.unanswered_rate = None
                item.answered_at_least = table.answered_at_least
                item.unanswered_at_most = table.unanswered_at_most
                item.hidden += ["answered", "unanswered"]
            if table.withheld:
                item.suppressed = table.withheld
            declared = data.options_of(q.id)
            if q.options:
                item.undeclared = [k for r in table.rows for k in r.members
                                   if k not in declared and not r.merged]
        if n and (n - answered) / n >= 0.5:
            if item.unanswered is None:
                flags.append(f'"{q.text}" is unanswered for at most {item.unanswered_at_most} '
                             f"of {n} stories")
            else:
                flags.append(f'"{q.text}" is unanswered for {n - answered} of {n} stories'
                             + _where_unanswered(f, answered_mask))
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


def _where_unanswered(f: Any, answered: Any) -> str:
    """Which source kinds the unanswered stories come from: ': all 45 kiva-panel, 3 of 73
    story-form' (transcripts usually carry no story questions, which this makes plain). Not
    answering is not an answer, and source kinds are fieldwork: the counts are shown as they
    are (only asked for where the question's own table shows "no answer" exactly)."""
    parts = []
    for kind, index in f.groupby("source_kind", sort=True).groups.items():
        missing = int((f.index.isin(index) & ~answered).sum())
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
             "suppressed": v is None,
             "why": item.distribution_why.get(k) or ("small" if v is None else None)}
            for k, v in src.items()]

