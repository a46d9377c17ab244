"""NarraFirma's chart set, with pni's statistics: multiple histograms, contingency-histograms,
scatter plots with Spearman's rho, multiple scatter plots, a correlation map, write-in texts and
the five data-integrity graphs, for every pair of questions the data allows. Pattern membership
and the collection (and source kind) count as choice questions.

Every number is a count of stories (of tellers for the participant graphs) under the small-cell
rule of ``pni.privacy.cells``: a group of fewer than ``min_cell`` tellers shows no histogram,
and within a chart each bin, cell or point held by fewer tellers is hidden (``why`` 'small'),
with a second one where a total shown elsewhere would give it back ('complement'). A scatter
draws stories aggregated by position, so a point is a count like any cell: no point is one
teller's answers. The statistics are the report's own (``pni.explore.stats``; q from the one
Benjamini-Hochberg family of ``run_lenses``); no new test is made here.

Each shown mark carries the story browser's filter for its stories (``selects``): ``{"pattern":
3}``, ``{"question": "feeling", "answer": "hurt"}``, a scale range ``{"question": "belonging",
"min": 3, "max": 4}``, ``{"answered": ["a", "b"]}``, a list of ``{"stories": [...]}``, and
``{"and": [...]}`` of these. A filter is only given where the browser holds every facet it
names (a question no story card prints selects nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

from pni.explore import stats as st
from pni.explore.cells import tellers
from pni.explore.data import ATTRIBUTES, ExploreData, column_for
from pni.explore.models import (
    Bin,
    Charts,
    CHCell,
    ContingencyHistogram,
    CorrelationMap,
    Histogram,
    IntegrityGraph,
    MultiHistogram,
    MultiScatter,
    Scatter,
    ScatterPoint,
    TestRef,
    TestResult,
    WriteIn,
)
from pni.privacy.cells import table_reasons

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from pni.privacy.gate import Gate

#: a scale with at most this many values gets a bin per value, else ``BINS`` equal bins
MAX_VALUES = 12
BINS = 10
#: |rho| at which two scale questions may measure the same thing (as the review queue flags)
SAME_MEASURE_RHO = 0.7
#: write-in answers listed per question at most
MAX_WRITE_INS = 200
#: charts of one kind at most (NarraFirma shows one at a time; a report keeps its size sane)
MAX_CHARTS = 400

Filter = dict[str, Any]


@dataclass
class Choice:
    """A choice question as the charts see it: its groups, each with its stories (a mask over
    the frame) and the browser's filter for them (None: the browser cannot select it)."""

    id: str
    label: str
    about: str
    groups: list[tuple[str, Any, Filter | None]] = field(default_factory=list)


@dataclass
class Axis:
    """A scale question's bins: (label, lo, hi) with lo/hi the smallest and largest value of
    the data in the bin, and the bin of each story (-1: no answer)."""

    id: str
    label: str
    bins: list[tuple[str, float | None, float | None]]
    index: Any                  # np.ndarray of int per frame row
    values: Any                 # np.ndarray of float per frame row
    span: tuple[float, float]


def _codes(who: pd.Series) -> np.ndarray:
    """Each story's teller as a small integer (``pni.explore.cells.tellers``, factorized), so
    that counting the tellers of many masks stays cheap."""
    import pandas as pd

    return pd.factorize(who)[0]


def n_tellers(codes: np.ndarray, mask: Any) -> int:
    """How many distinct tellers told the stories ``mask`` selects."""
    import numpy as np

    return int(np.unique(codes[mask]).size)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.3g}"


def _both(*parts: Filter | None) -> Filter | None:
    """The conjunction of filters (None when any is None: a mark that cannot select)."""
    if any(p is None for p in parts):
        return None
    ps = [p for p in parts if p]
    return ps[0] if len(ps) == 1 else {"and": ps}


def axis(data: ExploreData, col: str) -> Axis:
    """The bins of a scale question: one per value when the values (with the declared scale's
    whole numbers) are few, else ``BINS`` equal-width bins over the declared (or seen) range."""
    import numpy as np

    var = data.variable(col)
    x = data.frame[col].to_numpy(dtype=float)
    ok = ~np.isnan(x)
    seen = sorted(set(x[ok].tolist()))
    lo = var.scale_min if var.scale_min is not None else (seen[0] if seen else 0.0)
    hi = var.scale_max if var.scale_max is not None else (seen[-1] if seen else 1.0)
    points = set(seen)
    if float(lo).is_integer() and float(hi).is_integer() and hi - lo < MAX_VALUES:
        points |= {float(v) for v in range(int(lo), int(hi) + 1)}
    index = np.full(x.shape, -1, dtype=int)
    bins: list[tuple[str, float | None, float | None]] = []
    if len(points) <= MAX_VALUES:
        order = sorted(points)
        at = {v: i for i, v in enumerate(order)}
        for v in order:
            bins.append((_fmt(v), v if v in seen else None, v if v in seen else None))
        index[ok] = [at[v] for v in x[ok].tolist()]
    else:
        lo, hi = min(lo, seen[0]), max(hi, seen[-1])
        width = (hi - lo) / BINS or 1.0
        k = np.clip(((x[ok] - lo) // width).astype(int), 0, BINS - 1)
        index[ok] = k
        for i in range(BINS):
            inside = x[ok][k == i]
            bins.append((f"{_fmt(lo + i * width)}–{_fmt(lo + (i + 1) * width)}",
                         float(inside.min()) if inside.size else None,
                         float(inside.max()) if inside.size else None))
    return Axis(col, var.label, bins, index, x, (float(lo), float(hi)))


def _range(ax: Axis, i: int) -> Filter | None:
    _, lo, hi = ax.bins[i]
    return None if lo is None else {"question": ax.id, "min": lo, "max": hi}


def choices(data: ExploreData, facets: dict[str, set[Any]]) -> list[Choice]:
    """The choice questions of the charts: the patterns (with a run), every choice, boolean and
    multi-choice question (after the small-cell merge), the collection and the source kind.
    ``facets``: the story browser's facet key -> its values (what a filter may name)."""
    f = data.frame
    out: list[Choice] = []

    def pick(key: str, value: Any) -> Filter | None:
        if key == "pattern":
            return {"pattern": value} if value in facets.get("pattern", set()) else None
        return ({"question": key, "answer": value}
                if value in facets.get(key, set()) else None)

    if data.patterns:
        nums = f["pattern_number"]
        c = Choice("pattern", "Pattern", "pattern")
        for p in data.patterns:
            mask = ((nums == p.number).fillna(False) & f["in_run"]).to_numpy(dtype=bool)
            c.groups.append((f"{p.number}. {p.title}", mask, pick("pattern", p.number)))
        out.append(c)
    for q in data.questions.values():
        if q.kind not in ("choice", "boolean", "multi-choice") or q.about not in ("story",
                                                                                "teller"):
            continue
        col = column_for(q.id)
        opts = data.options_seen(q.id, f)
        c = Choice(col, q.text, q.about)
        for o in opts:
            mask = f[col].map(lambda v, o=o: o in v if isinstance(v, list) else v == o)
            m = mask.fillna(False).to_numpy(dtype=bool)
            if m.any():
                c.groups.append((str(o), m, pick(col, o)))
        if len(c.groups) >= 2:
            out.append(c)
    for col, label in ATTRIBUTES.items():
        c = Choice(col, label, "attribute")
        for v in sorted({str(v) for v in f[col].dropna()}):
            m = (f[col] == v).fillna(False).to_numpy(dtype=bool)
            c.groups.append((v, m, pick(col, v)))
        if len(c.groups) >= 2:
            out.append(c)
    return out


def _describe(xs: Any) -> tuple[float | None, float | None, float | None]:
    import numpy as np

    if not len(xs):
        return None, None, None
    sd = float(np.std(xs, ddof=1)) if len(xs) > 1 else None
    return (round(float(np.mean(xs)), 3), None if sd is None else round(sd, 3),
            round(float(np.median(xs)), 3))


def _histograms(data: ExploreData, ax: Axis, who: np.ndarray,
                groups: Sequence[tuple[str, Any, Filter | None]], scale_selects: bool
                ) -> list[Histogram]:
    """One histogram per group, the group x bin table under the small-cell rule (a group of
    fewer tellers: its whole row)."""
    import numpy as np

    answered = ax.index >= 0
    k = len(ax.bins)
    counts: list[list[int]] = []
    tel: list[list[int]] = []
    small: list[bool] = []
    for _, mask, _ in groups:
        m = mask & answered
        counts.append([int((m & (ax.index == i)).sum()) for i in range(k)])
        tel.append([n_tellers(who, m & (ax.index == i)) for i in range(k)])
        small.append(0 < n_tellers(who, m) < data.min_cell)
    why = table_reasons(counts, tel, data.min_cell, hide_rows=small)
    out = []
    for (label, mask, flt), row, wr, tiny in zip(groups, counts, why, small, strict=True):
        xs = ax.values[mask & answered]
        mean, sd, median = (None, None, None) if tiny else _describe(xs)
        bins = []
        for i, (blabel, _, _) in enumerate(ax.bins):
            hidden = wr[i] is not None
            sel = (None if hidden or not row[i] or not scale_selects
                   else _both(flt, _range(ax, i)))
            bins.append(Bin(label=blabel, lo=ax.bins[i][1], hi=ax.bins[i][2],
                            count=None if hidden else row[i], why=wr[i], selects=sel))
        out.append(Histogram(group=label, n=None if tiny else int(np.count_nonzero(mask & answered)),
                             mean=mean, sd=sd, median=median, bins=bins, suppressed=tiny,
                             selects=None if tiny or not scale_selects else
                             _both(flt, {"answered": [ax.id]})))
    return out


def _ref(t: TestResult, label: str = "") -> TestRef:
    return TestRef(id=t.id, label=label, test=t.test, statistic_name=t.statistic_name,
                   statistic=t.statistic, q=t.q, effect_name=t.effect_name, effect=t.effect,
                   magnitude=t.magnitude, n=t.n, notable=t.notable)


def _pair_tests(tests: dict[str, TestResult], scale: str, choice: str) -> list[TestRef]:
    """The report's tests of a scale against a choice question: the overall one (Kruskal-Wallis
    across answers, or across patterns) first, then the pairs (Mann-Whitney), by q."""
    out: list[TestRef] = []
    if choice == "pattern":
        t = tests.get(f"pattern|all|{scale}")
        if t is not None:
            out.append(_ref(t, "across the patterns"))
        pairs = [t for t in tests.values() if t.kind == "pattern_scale" and t.b == scale]
        for t in sorted(pairs, key=lambda t: (t.q if t.q is not None else 1.0, t.id)):
            out.append(_ref(t, f'pattern {t.detail.get("pattern_number")} vs the rest'))
        return out
    t = tests.get(f"answer|{scale}|{choice}")
    if t is not None:
        out.append(_ref(t, "across the answers"))
    pairs = [t for t in tests.values() if t.kind == "scale_choice_pair" and t.a == scale
             and (t.b == choice or t.b.startswith(f"{choice}="))]
    for t in sorted(pairs, key=lambda t: (t.q if t.q is not None else 1.0, t.id)):
        what = (f'"{t.detail.get("option")}" picked or not' if t.detail.get("option")
                else f'"{t.detail.get("answer_a")}" vs "{t.detail.get("answer_b")}"')
        out.append(_ref(t, what))
    return out


def hide_cube(counts: Sequence[Sequence[Sequence[int]]],
              tellers: Sequence[Sequence[Sequence[int]]], min_cell: int,
              pre: Sequence[Sequence[Sequence[str | None]]] | None = None
              ) -> list[list[list[str | None]]]:
    """``pni.privacy.cells.table_reasons`` for a table of three dimensions (groups x rows x
    columns): cells of 1 to ``min_cell - 1`` tellers, and those ``pre`` marks, are hidden;
    then, along every line of each of the three axes (each of whose totals another chart
    shows), a line with exactly one hidden cell hides its smallest other one ('complement'),
    until none is left."""
    import numpy as np

    c = np.asarray(counts, dtype=float)
    t = np.asarray(tellers, dtype=int)
    why = np.full(c.shape, None, dtype=object)
    if min_cell > 1:
        why[(t > 0) & (t < min_cell)] = "small"
    if pre is not None:
        p = np.asarray(pre, dtype=object)
        why = np.where(p != None, p, why)  # noqa: E711 - elementwise
    if min_cell <= 1 or c.size == 0:
        return why.tolist()
    changed = True
    while changed:
        changed = False
        for axis_ in range(3):
            hid = np.moveaxis(why != None, axis_, -1)  # noqa: E711
            cnt = np.moveaxis(c, axis_, -1)
            for idx in np.ndindex(*hid.shape[:-1]):
                line = hid[idx]
                if int(line.sum()) != 1:
                    continue
                rest = np.flatnonzero(~line)
                if not rest.size:
                    continue
                k = min(rest.tolist(), key=lambda r: (cnt[idx][r] == 0, cnt[idx][r], r))
                full = list(idx)
                full.insert(axis_, k)
                why[tuple(full)] = "complement"
                changed = True
                hid = np.moveaxis(why != None, axis_, -1)  # noqa: E711
    return why.tolist()


def _scatter_table(ax: Axis, ay: Axis, who: np.ndarray, mask: Any
                   ) -> tuple[Any, list[list[int]], list[list[int]]]:
    """The stories of ``mask`` with both scales, and their count and tellers per position."""
    both = mask & (ax.index >= 0) & (ay.index >= 0)
    nx, ny = len(ax.bins), len(ay.bins)
    counts = [[int((both & (ax.index == i) & (ay.index == j)).sum()) for j in range(ny)]
              for i in range(nx)]
    tel = [[n_tellers(who, both & (ax.index == i) & (ay.index == j)) for j in range(ny)]
           for i in range(nx)]
    return both, counts, tel


def _scatter(data: ExploreData, ax: Axis, ay: Axis, who: np.ndarray, mask: Any,
             group: str, flt: Filter | None, selectable: bool, min_subset: int,
             why: list[list[str | None]] | None = None) -> Scatter:
    """The stories of ``mask`` placed by two scales, aggregated by position (a bin of each),
    each position a cell of the x-bin x y-bin table under the small-cell rule (``why``: the
    cells to hide, where a multiple scatter worked them out over all its panels)."""
    both, counts, tel = _scatter_table(ax, ay, who, mask)
    nx, ny = len(ax.bins), len(ay.bins)
    cells = [(i, j) for i in range(nx) for j in range(ny)]
    n = int(both.sum())
    sc = Scatter(x=ax.id, x_label=ax.label, y=ay.id, y_label=ay.label, x_range=ax.span,
                 y_range=ay.span, group=group, n=n)
    if 0 < n_tellers(who, both) < data.min_cell:
        sc.suppressed, sc.n = True, None
        return sc
    if why is None:
        why = table_reasons(counts, tel, data.min_cell)
    for i, j in cells:
        c = counts[i][j]
        if not c:
            continue
        hidden = why[i][j] is not None
        sel = (None if hidden or not selectable
               else _both(flt, _range(ax, i), _range(ay, j)))
        sc.points.append(ScatterPoint(
            x=(float(ax.bins[i][1] or 0) + float(ax.bins[i][2] or 0)) / 2,
            y=(float(ay.bins[j][1] or 0) + float(ay.bins[j][2] or 0)) / 2,
            x_label=ax.bins[i][0], y_label=ay.bins[j][0], count=None if hidden else c,
            why=why[i][j], selects=sel))
    if n >= 3:
        res = st.spearman(ax.values[both], ay.values[both])
        if res is not None:
            sc.rho, sc.p = round(res.rho, 4), res.p
            sc.same_measure = abs(res.rho) >= SAME_MEASURE_RHO
    if n < min_subset:
        sc.note = f"{n} stories < {min_subset}: read with care"
    return sc


def _teller_graph(name: str, values: dict[str, float], min_cell: int, note: str
                  ) -> IntegrityGraph:
    """A histogram over tellers (participant means or standard deviations): a bin of fewer
    tellers is hidden (with its complement). No bin selects stories: which tellers answered
    every scale alike is a count, never who (``pni.explore.integrity``), and NarraFirma links
    no stories to these graphs either."""
    import numpy as np

    g = IntegrityGraph(name=name, unit="tellers", note=note)
    if not values:
        return g
    xs = np.asarray(list(values.values()), dtype=float)
    lo, hi = float(xs.min()), float(xs.max())
    width = (hi - lo) / BINS or 1.0
    k = np.clip(((xs - lo) // width).astype(int), 0, BINS - 1)
    counts = [int((k == i).sum()) for i in range(BINS)]
    why = table_reasons([counts], [counts], min_cell)[0]
    for i in range(BINS):
        inside = xs[k == i]
        g.bins.append(Bin(label=f"{lo + i * width:.2f}–{lo + (i + 1) * width:.2f}",
                          lo=float(inside.min()) if inside.size else None,
                          hi=float(inside.max()) if inside.size else None,
                          count=None if why[i] else counts[i], why=why[i]))
    if len(values) >= min_cell:
        g.n = len(values)
        g.mean = round(float(xs.mean()), 3)
        g.sd = round(float(xs.std(ddof=1)), 3) if xs.size > 1 else None
    return g


def integrity_graphs(data: ExploreData, axes: list[Axis], unanswered: dict[str, int | None],
                     facets: dict[str, set[Any]]) -> list[IntegrityGraph]:
    """NarraFirma's five: all scale values, participant means, participant standard deviations
    (each of a teller's scale answers across stories), unanswered choice questions and
    unanswered scale questions (the integrity table's counts, under the same rule)."""
    import numpy as np

    f = data.frame
    keys = tellers(f)
    who = _codes(keys)
    out: list[IntegrityGraph] = []
    if axes:
        # every scale answer on one 0-100 axis (NarraFirma's), ten bins
        span = [(a.span[0], (a.span[1] - a.span[0]) or 1.0) for a in axes]
        norm = [np.where(a.index >= 0, (a.values - lo) / w * 100, np.nan)
                for a, (lo, w) in zip(axes, span, strict=True)]
        g = IntegrityGraph(name="All scale values", unit="answers",
                           note="every scale answer, each scale stretched to 0-100")
        allv = np.concatenate([v[~np.isnan(v)] for v in norm]) if norm else np.array([])
        bins: list[list[int]] = []
        tel: list[int] = []
        sel: list[Filter | None] = []
        for i in range(BINS):
            b0, b1 = i * 10, (i + 1) * 10
            hit = [(v >= b0) & ((v < b1) if i < BINS - 1 else (v <= b1)) for v in norm]
            count = int(sum(int(h.sum()) for h in hit))
            anyone = np.logical_or.reduce(hit)
            tel.append(n_tellers(who, anyone))
            parts = []
            for a, h in zip(axes, hit, strict=True):
                if h.any() and a.id in facets:
                    vals = a.values[h]
                    parts.append({"question": a.id, "min": float(vals.min()),
                                  "max": float(vals.max())})
            every = all(a.id in facets for a, h in zip(axes, hit, strict=True) if h.any())
            sel.append({"any": parts} if parts and every else None)
            bins.append([count])
        counts = [b[0] for b in bins]
        why = table_reasons([counts], [tel], data.min_cell)[0]
        for i in range(BINS):
            g.bins.append(Bin(label=f"{i * 10}–{(i + 1) * 10}", count=None if why[i]
                              else counts[i], why=why[i],
                              selects=None if why[i] or not counts[i] else sel[i]))
        if allv.size:
            g.n, g.mean = int(allv.size), round(float(allv.mean()), 3)
            g.sd = round(float(allv.std(ddof=1)), 3) if allv.size > 1 else None
        out.append(g)
        per: dict[str, list[float]] = {}
        for r, t in enumerate(keys):
            for a in axes:
                if a.index[r] >= 0:
                    per.setdefault(t, []).append(float(a.values[r]))
        means = {t: float(np.mean(v)) for t, v in per.items() if v}
        sds = {t: float(np.std(v, ddof=1)) for t, v in per.items() if len(v) > 1}
        out.append(_teller_graph("Participant means", means, data.min_cell,
                                 "the mean of each teller's scale answers"))
        out.append(_teller_graph("Participant standard deviations", sds, data.min_cell,
                                 "the spread of each teller's scale answers (tellers with two"
                                 " or more); near 0: every scale answered alike"))
    for kind, name in (("choice", "Unanswered choice questions"),
                       ("scale", "Unanswered scale questions")):
        g = IntegrityGraph(name=name, unit="stories",
                           note="stories without an answer, per question")
        for q in data.questions.values():
            if q.about not in ("story", "teller") or q.kind == "text":
                continue
            if (q.kind == "scale") != (kind == "scale"):
                continue
            col = column_for(q.id)
            n = unanswered.get(q.id)
            # answers merged away for too few tellers read as no answer in the browser
            dropped = q.id in data.merged and not data.merged[q.id][1]
            g.bins.append(Bin(label=q.text, count=n, why=None if n is not None else "small",
                              selects={"question": col, "answer": None}
                              if n and q.about == "story" and col in facets and not dropped
                              else None))
        if g.bins:
            out.append(g)
    return out


def write_ins(data: ExploreData, gate: Gate, on_cards: set[str]) -> list[WriteIn]:
    """Text answers, and answers outside a choice question's options, of the printable stories
    (consent allows printing; redacted by the gate), for the questions story cards print."""
    from pni.store.codes import story_codes

    release = gate.stories(with_answers=True)
    codes = story_codes(gate.db, [s.id for s in release.stories])
    out: list[WriteIn] = []
    for q in data.questions.values():
        # story questions only: a teller's own words about themselves could name them, and
        # a rare teller answer is one a story card withholds (``Gate.card_withheld``)
        if q.about != "story" or q.id not in on_cards:
            continue
        if q.kind not in ("text", "choice", "multi-choice"):
            continue
        declared = set(q.options)
        if q.kind != "text" and not declared:
            continue  # no options declared: nothing is "outside" them
        w = WriteIn(question=q.id, label=q.text, kind="text" if q.kind == "text" else "other")
        for s in release.stories:
            raw = (s.answers if q.about == "story" else s.teller_answers).get(q.id)
            vals = raw if isinstance(raw, list) else [raw]
            for v in vals:
                if not isinstance(v, str) or not v.strip():
                    continue
                if q.kind != "text" and v.strip() in declared:
                    continue
                if len(w.items) >= MAX_WRITE_INS:
                    w.more += 1
                    continue
                w.items.append({"story": s.id, "code": codes.get(s.id, s.id),
                                "text": v.strip()})
        if w.items:
            out.append(w)
    return out


def build(data: ExploreData, tests: Sequence[TestResult], *, facets: dict[str, set[Any]],
          gate: Gate | None = None, on_cards: set[str] | None = None,
          unanswered: dict[str, int | None] | None = None, min_subset: int = 20) -> Charts:
    """Every chart of NarraFirma's set the data allows (after the small-cell merge, which the
    story browser shares). ``facets``: what the story browser can filter on (facet key ->
    values); ``tests``: the report's tests (with q); ``gate``: for the write-in texts."""
    by_id = {t.id: t for t in tests}
    f = data.frame
    who = _codes(tellers(f))
    out = Charts()
    scales = [axis(data, v.id) for v in data.scale_variables()]
    scales = [a for a in scales if (a.index >= 0).any()]
    chs = choices(data, facets)
    sel = {a.id: a.id in facets for a in scales}
    everyone = f["story_id"].notna().to_numpy(dtype=bool)

    for a in scales:
        for c in chs:
            hs = _histograms(data, a, who, c.groups, sel[a.id])
            if all(h.suppressed or h.n == 0 for h in hs):
                continue
            out.multi_histograms.append(MultiHistogram(
                scale=a.id, scale_label=a.label, choice=c.id, choice_label=c.label,
                histograms=hs, tests=_pair_tests(by_id, a.id, c.id)))

    left_out = 0
    for a in scales:
        for ca, cb in combinations(chs, 2):
            ch = _contingency(data, a, who, ca, cb, sel[a.id])
            if ch is None:
                continue
            if len(out.contingency_histograms) >= MAX_CHARTS:
                left_out += 1
                continue
            out.contingency_histograms.append(ch)
    if left_out:
        out.notes.append(f"{left_out} further contingency-histograms left out (at most "
                         f"{MAX_CHARTS} in one report).")

    for ax, ay in combinations(scales, 2):
        sc = _scatter(data, ax, ay, who, everyone, "", {}, sel[ax.id] and sel[ay.id],
                      min_subset)
        t = by_id.get(f"answer|{ax.id}|{ay.id}") or by_id.get(f"answer|{ay.id}|{ax.id}")
        sc.test = None if t is None else _ref(t)
        out.scatters.append(sc)
        for c in chs:
            ms = MultiScatter(x=ax.id, x_label=ax.label, y=ay.id, y_label=ay.label,
                              choice=c.id, choice_label=c.label)
            # one table of groups x positions: a panel's position hidden alone would come
            # back from the scatter of all stories, so its line across the panels hides
            # another (and a panel of too few tellers counts as hidden throughout)
            tabs = [_scatter_table(ax, ay, who, mask) for _, mask, _ in c.groups]
            tiny = [0 < n_tellers(who, b) < data.min_cell for b, _, _ in tabs]
            cube = hide_cube([t[1] for t in tabs], [t[2] for t in tabs], data.min_cell,
                             pre=[[["small" if x else None for _ in row] for row in t[1]]
                                  for t, x in zip(tabs, tiny, strict=True)])
            for (label, mask, flt), why in zip(c.groups, cube, strict=True):
                ms.panels.append(_scatter(data, ax, ay, who, mask, label, flt,
                                          sel[ax.id] and sel[ay.id] and flt is not None,
                                          min_subset, why=why))
            if sum(1 for p in ms.panels if not p.suppressed and p.n) >= 2:
                out.multi_scatters.append(ms)

    if len(scales) >= 2:
        k = len(scales)
        rho: list[list[float | None]] = [[None] * k for _ in range(k)]
        qv: list[list[float | None]] = [[None] * k for _ in range(k)]
        nn = [[0] * k for _ in range(k)]
        picks: list[list[Filter | None]] = [[None] * k for _ in range(k)]
        for i, j in combinations(range(k), 2):
            ai, aj = scales[i], scales[j]
            both = (ai.index >= 0) & (aj.index >= 0)
            n = int(both.sum())
            res = st.spearman(ai.values[both], aj.values[both]) if n >= 3 else None
            t = by_id.get(f"answer|{ai.id}|{aj.id}") or by_id.get(f"answer|{aj.id}|{ai.id}")
            small = 0 < n_tellers(who, both) < data.min_cell
            for u, v in ((i, j), (j, i)):
                nn[u][v] = n
                if res is not None and not small:
                    rho[u][v] = round(res.rho, 4)
                    qv[u][v] = None if t is None else t.q
                    picks[u][v] = ({"answered": [ai.id, aj.id]}
                                   if sel[ai.id] and sel[aj.id] else None)
        out.correlation = CorrelationMap(questions=[a.id for a in scales],
                                         labels=[a.label for a in scales], rho=rho, q=qv,
                                         n=nn, selects=picks)

    if gate is not None:
        out.write_ins = write_ins(data, gate, on_cards or set())
    out.integrity = integrity_graphs(data, scales, unanswered or {}, facets)
    return out


def _contingency(data: ExploreData, a: Axis, who: np.ndarray, ca: Choice, cb: Choice,
                 selectable: bool) -> ContingencyHistogram | None:
    """The stories of each pair of answers (with an answer to the scale) as a cell, the
    row x column table under the small-cell rule; in a shown cell, each bin of its small
    histogram too. None when no cell can be shown."""
    import numpy as np

    answered = a.index >= 0
    rows = [(label, m & answered, flt) for label, m, flt in ca.groups if (m & answered).any()]
    cols = [(label, m & answered, flt) for label, m, flt in cb.groups if (m & answered).any()]
    if len(rows) < 2 or len(cols) < 2:
        return None
    masks = [[r[1] & c[1] for c in cols] for r in rows]
    counts = [[int(m.sum()) for m in row] for row in masks]
    tel = [[n_tellers(who, m) for m in row] for row in masks]
    why = table_reasons(counts, tel, data.min_cell)
    k = len(a.bins)
    # the bins of every cell as one table of rows x columns x bins: a row's bin across the
    # columns adds up to a multiple histogram's bin, so one hidden alone hides another
    bc = [[[int((m & (a.index == b)).sum()) for b in range(k)] for m in row] for row in masks]
    bt = [[[n_tellers(who, m & (a.index == b)) for b in range(k)] for m in row]
          for row in masks]
    bwhy = hide_cube(bc, bt, data.min_cell,
                     pre=[[[w] * k for w in row] for row in why])
    shown = False
    cells: list[list[CHCell]] = []
    for i, row in enumerate(masks):
        line = []
        for j, m in enumerate(row):
            c = counts[i][j]
            if why[i][j] is not None:
                line.append(CHCell(count=None, why=why[i][j]))
                continue
            if not c:
                line.append(CHCell(count=0))
                continue
            shown = True
            line.append(CHCell(
                count=c, mean=round(float(np.mean(a.values[m])), 3),
                bins=[None if w is not None else x
                      for x, w in zip(bc[i][j], bwhy[i][j], strict=True)],
                selects=_both(rows[i][2], cols[j][2], {"answered": [a.id]})
                if selectable else None))
        cells.append(line)
    if not shown:
        return None
    return ContingencyHistogram(a=ca.id, a_label=ca.label, b=cb.id, b_label=cb.label,
                                scale=a.id, scale_label=a.label, rows=[r[0] for r in rows],
                                cols=[c[0] for c in cols], bins=[b[0] for b in a.bins],
                                cells=cells)


def chart_counts(ch: Charts) -> dict[str, int]:
    """How many charts of each kind (for summaries)."""
    return {"multiple histograms": len(ch.multi_histograms),
            "contingency-histograms": len(ch.contingency_histograms),
            "scatter plots": len(ch.scatters), "multiple scatter plots": len(ch.multi_scatters),
            "correlation map": int(ch.correlation is not None),
            "write-in texts": len(ch.write_ins), "data-integrity graphs": len(ch.integrity)}
