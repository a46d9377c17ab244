"""The statistics of catalysis, each with an effect size, checked against scipy in the tests.

Every test returns a small result with the statistic, the p-value, an effect size and its name;
``magnitude`` turns an effect size into words (negligible, small, medium, large).

>>> round(bh_qvalues([0.01, 0.04, 0.03, 0.005])[0], 3)
0.02
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: Small / medium / large thresholds on |effect| per effect-size name.
#: Cliff's delta and rank-biserial: Romano et al. (2006); epsilon-squared: Rea & Parker;
#: Spearman's rho: Cohen (1988). Cramér's V depends on the table's degrees of freedom (below).
THRESHOLDS: dict[str, tuple[float, float, float]] = {
    "rank_biserial": (0.147, 0.33, 0.474),
    "cliffs_delta": (0.147, 0.33, 0.474),
    "epsilon_squared": (0.01, 0.08, 0.26),
    "spearman_rho": (0.1, 0.3, 0.5),
}
MAGNITUDES = ("negligible", "small", "medium", "large")


def cramers_v_thresholds(n_rows: int, n_cols: int) -> tuple[float, float, float]:
    """Cohen's small/medium/large for Cramér's V: w thresholds divided by sqrt(min(r, c) - 1)."""
    df = max(1, min(n_rows, n_cols) - 1)
    s = math.sqrt(df)
    return (0.1 / s, 0.3 / s, 0.5 / s)


def magnitude(effect: float | None, name: str, shape: tuple[int, int] | None = None) -> str:
    """Words for an effect size: 'negligible', 'small', 'medium' or 'large'.

    >>> magnitude(0.35, "cliffs_delta")
    'medium'
    """
    if effect is None or effect != effect:
        return "negligible"
    t = cramers_v_thresholds(*(shape or (2, 2))) if name == "cramers_v" else THRESHOLDS[name]
    a = abs(effect)
    level = sum(a >= x for x in t)
    return MAGNITUDES[level]


# -- contingency tables ---------------------------------------------------------------------------
@dataclass
class ContingencyResult:
    """Chi-square (or Fisher's exact for a sparse 2x2) on a table of counts."""

    test: str                      # 'chi-square' or 'fisher'
    statistic: float               # Pearson chi-square (also reported for Fisher's test)
    p: float
    dof: int
    n: int
    cramers_v: float
    expected: list[list[float]]
    residuals: list[list[float]]   # adjusted (standardized) residuals
    odds_ratio: float | None = None
    sparse_cells: int = 0          # cells with expected count < 5
    rows_kept: list[int] = field(default_factory=list)
    cols_kept: list[int] = field(default_factory=list)


def adjusted_residuals(observed: Any, expected: Any) -> Any:
    """Haberman's adjusted residuals: (O - E) / sqrt(E (1 - row/N) (1 - col/N)).

    Roughly standard normal under independence: |r| > 2 marks a cell that departs from it.
    """
    import numpy as np

    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    n = o.sum()
    rows = o.sum(axis=1, keepdims=True) / n
    cols = o.sum(axis=0, keepdims=True) / n
    denom = np.sqrt(e * (1 - rows) * (1 - cols))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(denom > 0, (o - e) / denom, 0.0)
    return r


def chi_square(table: Sequence[Sequence[float]], *, fisher_below: float = 5.0) -> ContingencyResult | None:
    """Pearson chi-square without continuity correction on ``table`` (rows x columns of counts).

    Empty rows and columns are dropped first; fewer than 2 rows or columns left gives ``None``.
    A 2x2 table with any expected count below ``fisher_below`` uses Fisher's exact test for p
    (two-sided); the chi-square statistic and Cramér's V are still reported.
    """
    import numpy as np
    from scipy import stats

    t = np.asarray(table, dtype=float)
    rows = [i for i in range(t.shape[0]) if t[i].sum() > 0]
    cols = [j for j in range(t.shape[1]) if t[:, j].sum() > 0]
    if len(rows) < 2 or len(cols) < 2:
        return None
    t = t[np.ix_(rows, cols)]
    res = stats.chi2_contingency(t, correction=False)
    chi2, p, dof, expected = float(res.statistic), float(res.pvalue), int(res.dof), res.expected_freq
    n = int(t.sum())
    v = math.sqrt(chi2 / (n * (min(t.shape) - 1))) if n else 0.0
    sparse = int((expected < fisher_below).sum())
    test, odds = "chi-square", None
    if t.shape == (2, 2) and sparse:
        fr = stats.fisher_exact(t.astype(int), alternative="two-sided")
        test, p, odds = "fisher", float(fr.pvalue), float(fr.statistic)
    return ContingencyResult(
        test=test, statistic=chi2, p=min(1.0, p), dof=dof, n=n, cramers_v=min(1.0, v),
        expected=expected.tolist(), residuals=adjusted_residuals(t, expected).tolist(),
        odds_ratio=odds, sparse_cells=sparse, rows_kept=rows, cols_kept=cols,
    )


# -- two groups -----------------------------------------------------------------------------------
@dataclass
class TwoGroupResult:
    """Mann-Whitney U (two-sided) with rank-biserial r; r > 0 means group a tends higher."""

    statistic: float   # U of group a
    p: float
    rank_biserial: float
    n_a: int
    n_b: int


def mann_whitney(a: Sequence[float], b: Sequence[float]) -> TwoGroupResult | None:
    """Mann-Whitney U of ``a`` against ``b``; ``None`` when a group is empty or all values tie.

    The rank-biserial correlation 2U/(n_a n_b) - 1 equals Cliff's delta: P(a > b) - P(a < b).
    """
    import numpy as np
    from scipy import stats

    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    if len(x) == 0 or len(y) == 0:
        return None
    if np.unique(np.concatenate([x, y])).size < 2:
        return None
    r = stats.mannwhitneyu(x, y, alternative="two-sided")
    u = float(r.statistic)
    rb = 2 * u / (len(x) * len(y)) - 1
    return TwoGroupResult(u, float(r.pvalue), rb, len(x), len(y))


def cliffs_delta(a: Sequence[float], b: Sequence[float]) -> float:
    """P(a > b) - P(a < b) over all pairs (direct definition, O(n m))."""
    import numpy as np

    x = np.asarray(a, dtype=float)[:, None]
    y = np.asarray(b, dtype=float)[None, :]
    return float(((x > y).sum() - (x < y).sum()) / (x.size * y.size))


# -- several groups ------------------------------------------------------------------------------
@dataclass
class ManyGroupResult:
    """Kruskal-Wallis H with epsilon-squared, H / (n - 1)."""

    statistic: float
    p: float
    epsilon_squared: float
    n: int
    k: int


def kruskal(groups: Sequence[Sequence[float]]) -> ManyGroupResult | None:
    """Kruskal-Wallis across ``groups`` (empty groups dropped); ``None`` if fewer than 2 groups
    are left or every value ties."""
    import numpy as np
    from scipy import stats

    gs = [np.asarray(g, dtype=float) for g in groups]
    gs = [g[~np.isnan(g)] for g in gs]
    gs = [g for g in gs if g.size]
    if len(gs) < 2 or np.unique(np.concatenate(gs)).size < 2:
        return None
    r = stats.kruskal(*gs)
    n = int(sum(g.size for g in gs))
    h = float(r.statistic)
    return ManyGroupResult(h, float(r.pvalue), max(0.0, min(1.0, h / (n - 1))), n, len(gs))


# -- correlation ---------------------------------------------------------------------------------
@dataclass
class CorrelationResult:
    rho: float
    p: float
    n: int


def spearman(a: Sequence[float], b: Sequence[float]) -> CorrelationResult | None:
    """Spearman's rho on the pairs where both are present; ``None`` if either is constant."""
    import numpy as np
    from scipy import stats

    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if x.size < 3 or np.unique(x).size < 2 or np.unique(y).size < 2:
        return None
    r = stats.spearmanr(x, y)
    return CorrelationResult(float(r.statistic), float(r.pvalue), int(x.size))


# -- multiple comparisons ------------------------------------------------------------------------
def bh_qvalues(pvalues: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg q-values (adjusted p-values) controlling the false discovery rate.

    With m tests sorted by p, q_(i) = min over j >= i of p_(j) m / j, capped at 1. A result is
    a discovery at FDR level alpha when q <= alpha. Missing p-values (None/NaN) stay None and
    do not count in m.

    >>> bh_qvalues([0.01, 0.04, 0.03, 0.005])
    [0.02, 0.04, 0.04, 0.02]
    """
    idx = [i for i, p in enumerate(pvalues) if p is not None and p == p]
    m = len(idx)
    out: list[float | None] = [None] * len(pvalues)
    if not m:
        return out
    order = sorted(idx, key=lambda i: float(pvalues[i]))  # type: ignore[arg-type]
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, float(pvalues[i]) * m / rank)  # type: ignore[arg-type]
        out[i] = round(min(1.0, running), 15)
    return out
