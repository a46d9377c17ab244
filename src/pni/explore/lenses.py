"""The two lenses of catalysis, every test with an effect size, and BH q-values across them all.

- Pattern lens (needs a cluster run): each pattern against the rest of the run's stories, for
  every choice question (a 2 x k contingency table) and every scale question (Mann-Whitney);
  and for every scale question, Kruskal-Wallis across the patterns.
- Answer lens (parity with NarraFirma): choice x choice (chi-square), scale x scale (Spearman),
  scale x choice (Mann-Whitney for each pair of answers, Kruskal-Wallis across answers).

Groups smaller than the minimum subset size are not tested (the comparison is listed as skipped).
Small-cell rule (``data.min_cell``): a pattern, or a group of scale answers, from fewer than
``min_cell`` tellers is not tested; nor is a contingency table with a cell from fewer than
``min_cell`` tellers (``pni.privacy.cells.hide_table``). Its statistic would give the cell back:
the cells hidden with their complements have, given the margins shown elsewhere, usually one
degree of freedom left, and chi-square (so Cramer's V and p, or Fisher's p) is one equation in
it, which leaves at most two values. The comparison is listed as skipped ("statistic not
shown: a cell is under N tellers"), outside the FDR family, and no observation is made of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

from pni.explore import stats as st
from pni.explore.cells import hide_cells, tellers, too_few
from pni.explore.data import ExploreData, Variable, values
from pni.explore.models import Skipped, TestResult

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_MIN_SUBSET = 20
DEFAULT_MIN_PATTERN = 10


@dataclass
class LensResult:
    tests: list[TestResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def extend(self, other: LensResult) -> None:
        self.tests.extend(other.tests)
        self.skipped.extend(other.skipped)


def _levels(var: Variable, series: pd.Series) -> list[str]:
    present = set(series.dropna())
    out = [o for o in var.options if o in present]
    out += sorted(v for v in present if v not in out)
    return out


def _round(x: float, nd: int = 4) -> float:
    return float(round(x, nd))


def _contingency_test(*, lens: str, kind: str, id_: str, a: str, b: str, a_label: str,
                      b_label: str, row_names: list[str], col_names: list[str],
                      table: list[list[int]], extra: dict[str, Any]) -> TestResult | None:
    res = st.chi_square(table)
    if res is None:
        return None
    rows = [row_names[i] for i in res.rows_kept]
    cols = [col_names[j] for j in res.cols_kept]
    counts = [[table[i][j] for j in res.cols_kept] for i in res.rows_kept]
    residuals = [[_round(e, 3) for e in r] for r in res.residuals]
    shape = (len(rows), len(cols))
    cells = shape[0] * shape[1]
    note = None
    if res.sparse_cells:
        note = (f"{res.sparse_cells} of {cells} cells expected < 5"
                + ("; Fisher's exact test used" if res.test == "fisher" else "; read with care"))
    detail = {"rows": rows, "cols": cols, "counts": counts,
              "expected": [[_round(e, 3) for e in r] for r in res.expected],
              "residuals": residuals, "dof": res.dof,
              "odds_ratio": res.odds_ratio, **extra}
    return TestResult(
        id=id_, lens=lens, kind=kind, test=res.test, a=a, b=b, a_label=a_label, b_label=b_label,
        statistic=_round(res.statistic), statistic_name="chi2", p=res.p,
        effect=_round(res.cramers_v), effect_name="cramers_v",
        magnitude=st.magnitude(res.cramers_v, "cramers_v", shape), n=res.n, note=note,
        detail=detail,
    )


def withheld_reason(min_cell: int) -> str:
    """Why a contingency test is listed as skipped under the small-cell rule."""
    return f"statistic not shown: a cell is under {min_cell} tellers (small-cell rule)"


def _describe(xs: Any) -> dict[str, Any]:
    import numpy as np

    arr = np.asarray(xs, dtype=float)
    return {"n": int(arr.size), "median": _round(float(np.median(arr)), 3),
            "mean": _round(float(arr.mean()), 3)}


def _mw_test(*, lens: str, kind: str, id_: str, a: str, b: str, a_label: str, b_label: str,
             xa: Any, xb: Any, extra: dict[str, Any]) -> TestResult | None:
    res = st.mann_whitney(xa, xb)
    if res is None:
        return None
    detail = {"group_a": _describe(xa), "group_b": _describe(xb), **extra}
    return TestResult(
        id=id_, lens=lens, kind=kind, test="mann-whitney", a=a, b=b, a_label=a_label,
        b_label=b_label, statistic=_round(res.statistic), statistic_name="U", p=res.p,
        effect=_round(res.rank_biserial), effect_name="rank_biserial",
        magnitude=st.magnitude(res.rank_biserial, "rank_biserial"), n=res.n_a + res.n_b,
        detail=detail,
    )


def _kw_test(*, lens: str, kind: str, id_: str, a: str, b: str, a_label: str, b_label: str,
             groups: dict[str, Any], extra: dict[str, Any]) -> TestResult | None:
    res = st.kruskal(list(groups.values()))
    if res is None:
        return None
    detail = {"groups": {k: _describe(v) for k, v in groups.items()}, **extra}
    return TestResult(
        id=id_, lens=lens, kind=kind, test="kruskal-wallis", a=a, b=b, a_label=a_label,
        b_label=b_label, statistic=_round(res.statistic), statistic_name="H", p=res.p,
        effect=_round(res.epsilon_squared), effect_name="epsilon_squared",
        magnitude=st.magnitude(res.epsilon_squared, "epsilon_squared"), n=res.n, detail=detail,
    )


# -- pattern lens ----------------------------------------------------------------------------------
def pattern_lens(data: ExploreData, *, min_pattern: int = DEFAULT_MIN_PATTERN) -> LensResult:
    """Each pattern against the rest of the run, for every choice and scale variable; and
    Kruskal-Wallis across patterns for every scale variable. Empty without a run."""
    out = LensResult()
    rf = data.run_frame()
    if rf.empty or not data.patterns:
        return out
    numbers = rf["pattern_number"]
    who, mc = tellers(rf), data.min_cell
    for p in data.patterns:
        n, title = int(p.number), str(p.title)
        pname = f"pattern {n}"
        plabel = f'pattern "{title}"'
        inside = (numbers == n).fillna(False).to_numpy(dtype=bool)
        if too_few(who, inside, mc):
            out.skipped.append(Skipped(lens="pattern", kind="pattern", a=pname, b="*",
                                       reason=f"fewer than {mc} tellers (small-cell rule)"))
            continue
        if int(inside.sum()) < min_pattern:
            out.skipped.append(Skipped(lens="pattern", kind="pattern", a=pname, b="*",
                                       reason=f"{int(inside.sum())} stories < {min_pattern}"))
            continue
        extra = {"pattern_number": n, "pattern_title": title}
        for var in data.choice_variables():
            vals = values(data, var, rf)
            have = vals.notna().to_numpy()
            levels = _levels(var, vals)
            if len(levels) < 2:
                continue
            masks = [[(vals == lv).to_numpy() & have & row for lv in levels]
                     for row in (inside, ~inside)]
            table = [[int(m.sum()) for m in r] for r in masks]
            if sum(table[0]) < min_pattern or sum(table[1]) < min_pattern:
                out.skipped.append(Skipped(lens="pattern", kind="pattern_choice", a=pname,
                                           b=var.id, reason="too few answers"))
                continue
            if hide_cells(table, who, masks, mc) is not None:
                out.skipped.append(Skipped(lens="pattern", kind="pattern_choice", a=pname,
                                           b=var.id, reason=withheld_reason(mc)))
                continue
            t = _contingency_test(
                lens="pattern", kind="pattern_choice", id_=f"pattern|{n}|{var.id}", a=pname,
                b=var.id, a_label=plabel, b_label=var.label, row_names=[title, "rest"],
                col_names=levels, table=table, extra={**extra, "about": var.about,
                                                      "question": var.question,
                                                      "option": var.option})
            if t is None:
                out.skipped.append(Skipped(lens="pattern", kind="pattern_choice", a=pname,
                                           b=var.id, reason="one answer only"))
            else:
                out.tests.append(t)
        for var in data.scale_variables():
            vals = rf[var.id].to_numpy(dtype=float)
            import numpy as np

            ok = ~np.isnan(vals)
            xa, xb = vals[ok & inside], vals[ok & ~inside]
            if (xa.size < min_pattern or xb.size < min_pattern
                    or too_few(who, ok & inside, mc) or too_few(who, ok & ~inside, mc)):
                out.skipped.append(Skipped(lens="pattern", kind="pattern_scale", a=pname,
                                           b=var.id, reason="too few answers"))
                continue
            t = _mw_test(lens="pattern", kind="pattern_scale", id_=f"pattern|{n}|{var.id}",
                         a=pname, b=var.id, a_label=plabel, b_label=var.label, xa=xa, xb=xb,
                         extra={**extra, "question": var.question})
            if t is None:
                out.skipped.append(Skipped(lens="pattern", kind="pattern_scale", a=pname,
                                           b=var.id, reason="every answer the same"))
            else:
                out.tests.append(t)
    for var in data.scale_variables():
        groups: dict[str, Any] = {}
        for p in data.patterns:
            sel = (numbers == p.number).fillna(False) & rf[var.id].notna()
            xs = rf.loc[sel, var.id].to_numpy()
            if xs.size >= min_pattern and not too_few(who, sel, mc):
                groups[str(p.title)] = xs
        if len(groups) < 3:
            out.skipped.append(Skipped(lens="pattern", kind="patterns_scale", a="patterns",
                                       b=var.id, reason="fewer than 3 patterns large enough"))
            continue
        t = _kw_test(lens="pattern", kind="patterns_scale", id_=f"pattern|all|{var.id}",
                     a="patterns", b=var.id, a_label="the patterns", b_label=var.label,
                     groups=groups, extra={"question": var.question})
        if t is not None:
            out.tests.append(t)
    return out


# -- answer lens -----------------------------------------------------------------------------------
def answer_lens(data: ExploreData, *, min_subset: int = DEFAULT_MIN_SUBSET) -> LensResult:
    """Every pair of answers across all stories (NarraFirma's statistics, with effect sizes)."""
    import numpy as np

    out = LensResult()
    f = data.frame
    choices = data.choice_variables()
    scales = data.scale_variables()
    series = {v.id: values(data, v) for v in choices}
    who, mc = tellers(f), data.min_cell

    for va, vb in combinations(choices, 2):
        if va.question == vb.question:
            continue
        if va.about != "story" and vb.about != "story":
            # Two descriptions of tellers or sources (school x grade band, collection x source
            # kind) say who told stories where: the sample's make-up, shown under Voices. Tested,
            # they top every report with associations that hold by construction.
            out.skipped.append(Skipped(lens="answer", kind="choice_choice", a=va.id, b=vb.id,
                                       reason="both describe tellers or sources, not stories "
                                              "(the collection's make-up: see Voices)"))
            continue
        sa, sb = series[va.id], series[vb.id]
        both = (sa.notna() & sb.notna()).to_numpy()
        la, lb = _levels(va, sa[both]), _levels(vb, sb[both])
        if len(la) < 2 or len(lb) < 2:
            continue
        if int(both.sum()) < min_subset:
            out.skipped.append(Skipped(lens="answer", kind="choice_choice", a=va.id, b=vb.id,
                                       reason=f"{int(both.sum())} stories < {min_subset}"))
            continue
        masks = [[((sa == x) & (sb == y)).to_numpy() & both for y in lb] for x in la]
        table = [[int(m.sum()) for m in r] for r in masks]
        if hide_cells(table, who, masks, mc) is not None:
            out.skipped.append(Skipped(lens="answer", kind="choice_choice", a=va.id, b=vb.id,
                                       reason=withheld_reason(mc)))
            continue
        t = _contingency_test(
            lens="answer", kind="choice_choice", id_=f"answer|{va.id}|{vb.id}", a=va.id, b=vb.id,
            a_label=va.label, b_label=vb.label, row_names=la, col_names=lb, table=table,
            extra={"about_a": va.about, "about_b": vb.about})
        if t is not None:
            out.tests.append(t)

    for va, vb in combinations(scales, 2):
        xa, xb = f[va.id].to_numpy(dtype=float), f[vb.id].to_numpy(dtype=float)
        n = int((~(np.isnan(xa) | np.isnan(xb))).sum())
        if n < min_subset:
            out.skipped.append(Skipped(lens="answer", kind="scale_scale", a=va.id, b=vb.id,
                                       reason=f"{n} stories < {min_subset}"))
            continue
        res = st.spearman(xa, xb)
        if res is None:
            continue
        out.tests.append(TestResult(
            id=f"answer|{va.id}|{vb.id}", lens="answer", kind="scale_scale", test="spearman",
            a=va.id, b=vb.id, a_label=va.label, b_label=vb.label, statistic=_round(res.rho),
            statistic_name="rho", p=res.p, effect=_round(res.rho), effect_name="spearman_rho",
            magnitude=st.magnitude(res.rho, "spearman_rho"), n=res.n))

    for vs in scales:
        x = f[vs.id].to_numpy(dtype=float)
        okx = ~np.isnan(x)
        for vc in choices:
            s = series[vc.id]
            have = s.notna().to_numpy() & okx
            in_group = {lv: have & (s == lv).to_numpy() for lv in _levels(vc, s[have])}
            groups = {lv: x[m] for lv, m in in_group.items()}
            big = {k: g for k, g in groups.items()
                   if g.size >= min_subset and not too_few(who, in_group[k], mc)}
            small = [k for k in groups if k not in big]
            if len(groups) < 2:
                continue
            if len(big) < 2:
                out.skipped.append(Skipped(
                    lens="answer", kind="scale_choice", a=vs.id, b=vc.id,
                    reason=f"fewer than 2 answers with >= {min_subset} stories"))
                continue
            note = (f"left out (< {min_subset} stories): {', '.join(small)}") if small else None
            for ga, gb in combinations(big, 2):
                t = _mw_test(lens="answer", kind="scale_choice_pair",
                             id_=f"answer|{vs.id}|{vc.id}|{ga}|{gb}", a=vs.id, b=vc.id,
                             a_label=vs.label, b_label=vc.label, xa=big[ga], xb=big[gb],
                             extra={"answer_a": ga, "answer_b": gb, "about": vc.about,
                                    "option": vc.option})
                if t is not None:
                    out.tests.append(t)
            if len(big) >= 3:
                t = _kw_test(lens="answer", kind="scale_choice", id_=f"answer|{vs.id}|{vc.id}",
                             a=vs.id, b=vc.id, a_label=vs.label, b_label=vc.label, groups=big,
                             extra={"about": vc.about, "left_out": small})
                if t is not None:
                    t.note = note
                    out.tests.append(t)
    return out


def apply_fdr(tests: Iterable[TestResult]) -> None:
    """Benjamini-Hochberg q-values across all the given tests (in place)."""
    ts = list(tests)
    for t, q in zip(ts, st.bh_qvalues([t.p for t in ts]), strict=True):
        t.q = q


def run_lenses(data: ExploreData, *, min_subset: int = DEFAULT_MIN_SUBSET,
               min_pattern: int = DEFAULT_MIN_PATTERN, q_threshold: float = 0.1) -> LensResult:
    """Both lenses (the pattern lens only with a run), one BH correction over every test, and
    each test marked notable when q <= ``q_threshold`` and its effect is at least small."""
    out = pattern_lens(data, min_pattern=min_pattern)
    out.extend(answer_lens(data, min_subset=min_subset))
    apply_fdr(out.tests)
    for t in out.tests:
        t.notable = t.q is not None and t.q <= q_threshold and t.magnitude != "negligible"
    return out
