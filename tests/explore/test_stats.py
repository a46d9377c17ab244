from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from pni.explore import stats as st


def test_chi_square_matches_scipy_and_cramers_v() -> None:
    table = [[20, 15, 5], [10, 25, 25]]
    res = st.chi_square(table)
    ref = stats.chi2_contingency(np.array(table), correction=False)
    assert res is not None and res.test == "chi-square"
    assert res.statistic == pytest.approx(ref.statistic)
    assert res.p == pytest.approx(ref.pvalue)
    assert res.dof == ref.dof == 2
    v = stats.contingency.association(np.array(table), method="cramer")
    assert res.cramers_v == pytest.approx(v)


def test_adjusted_residuals_by_hand() -> None:
    o = np.array([[20.0, 15, 5], [10, 25, 25]])
    e = stats.contingency.expected_freq(o)
    n = o.sum()
    r = o.sum(1, keepdims=True) / n
    c = o.sum(0, keepdims=True) / n
    want = (o - e) / np.sqrt(e * (1 - r) * (1 - c))
    res = st.chi_square(o.tolist())
    assert res is not None
    assert np.allclose(res.residuals, want)
    # in a 2x2 table every cell's adjusted residual has the same size, and it is sqrt(chi2)
    res2 = st.chi_square([[30, 10], [12, 28]])
    assert res2 is not None
    assert np.allclose(np.abs(res2.residuals), math.sqrt(res2.statistic))


def test_sparse_2x2_uses_fisher() -> None:
    table = [[8, 2], [1, 5]]
    res = st.chi_square(table)
    assert res is not None and res.test == "fisher"
    ref = stats.fisher_exact(table)
    assert res.p == pytest.approx(ref.pvalue)
    assert res.odds_ratio == pytest.approx(ref.statistic)
    assert res.sparse_cells > 0


def test_empty_rows_dropped_and_degenerate_tables() -> None:
    res = st.chi_square([[10, 5], [0, 0], [4, 12]])
    assert res is not None and res.rows_kept == [0, 2]
    assert st.chi_square([[3, 4], [0, 0]]) is None
    assert st.chi_square([[5, 0], [7, 0]]) is None


def test_mann_whitney_matches_scipy_and_rank_biserial_is_cliffs_delta() -> None:
    a = [1, 2, 2, 3, 1, 2, 4, 1]
    b = [3, 4, 5, 4, 3, 5, 2, 4, 5]
    res = st.mann_whitney(a, b)
    ref = stats.mannwhitneyu(a, b, alternative="two-sided")
    assert res is not None
    assert res.statistic == pytest.approx(ref.statistic)
    assert res.p == pytest.approx(ref.pvalue)
    assert res.rank_biserial == pytest.approx(st.cliffs_delta(a, b))
    assert res.rank_biserial < -0.5  # a is lower
    assert st.magnitude(res.rank_biserial, "rank_biserial") == "large"
    assert st.mann_whitney([3, 3], [3, 3, 3]) is None
    assert st.mann_whitney([], [1, 2]) is None


def test_cliffs_delta_by_hand() -> None:
    # pairs: (1,2)<, (1,0)>, (3,2)>, (3,0)> -> (3 - 1) / 4
    assert st.cliffs_delta([1, 3], [2, 0]) == pytest.approx(0.5)


def test_kruskal_matches_scipy_with_epsilon_squared() -> None:
    groups = [[1, 2, 2, 3, 1], [3, 4, 3, 5], [5, 4, 5, 5, 4, 3]]
    res = st.kruskal(groups)
    ref = stats.kruskal(*groups)
    assert res is not None
    assert res.statistic == pytest.approx(ref.statistic)
    assert res.p == pytest.approx(ref.pvalue)
    n = sum(len(g) for g in groups)
    assert res.epsilon_squared == pytest.approx(ref.statistic / (n - 1))
    assert st.kruskal([[1, 2], []]) is None


def test_spearman_matches_scipy() -> None:
    x = [1, 2, 3, 4, 5, 2, 3, float("nan")]
    y = [2, 1, 4, 3, 5, 2, 5, 1]
    res = st.spearman(x, y)
    ref = stats.spearmanr(x[:7], y[:7])
    assert res is not None and res.n == 7
    assert res.rho == pytest.approx(ref.statistic)
    assert res.p == pytest.approx(ref.pvalue)
    assert st.spearman([1, 1, 1], [1, 2, 3]) is None


def test_bh_worked_example() -> None:
    # m = 4; sorted p: .005 .01 .03 .04 -> p*m/rank: .02 .02 .04 .04 -> running min from the top
    assert st.bh_qvalues([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # a later, smaller ratio pulls earlier q-values down (monotone step-up)
    assert st.bh_qvalues([0.01, 0.012]) == pytest.approx([0.012, 0.012])


def test_bh_benjamini_hochberg_1995_example() -> None:
    # The 15 p-values of Benjamini & Hochberg (1995), section 4: at FDR 0.05 the first four
    # hypotheses are rejected.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
         0.4262, 0.5719, 0.6528, 0.7590, 1.0000]
    q = st.bh_qvalues(p)
    assert sum(1 for x in q if x is not None and x <= 0.05) == 4
    assert q == pytest.approx(list(stats.false_discovery_control(p, method="bh")))


def test_bh_against_scipy_random_and_missing() -> None:
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(0, 1, 200), rng.uniform(0, 0.01, 20)])
    assert st.bh_qvalues(list(p)) == pytest.approx(list(stats.false_discovery_control(p)))
    q = st.bh_qvalues([0.01, None, 0.04, float("nan")])
    assert q[1] is None and q[3] is None
    assert q[0] == pytest.approx(0.02) and q[2] == pytest.approx(0.04)
    assert st.bh_qvalues([]) == []


def test_magnitude_thresholds() -> None:
    assert st.magnitude(0.05, "cramers_v", (2, 2)) == "negligible"
    assert st.magnitude(0.12, "cramers_v", (2, 2)) == "small"
    # wider tables have lower thresholds: 0.3/sqrt(2) ~ 0.21 is medium with 3 x 4
    assert st.magnitude(0.22, "cramers_v", (3, 4)) == "medium"
    assert st.magnitude(0.3, "epsilon_squared") == "large"
    assert st.magnitude(-0.35, "spearman_rho") == "medium"
    assert st.magnitude(None, "spearman_rho") == "negligible"
