from __future__ import annotations

import pytest

from pni.explore.data import load
from pni.explore.lenses import answer_lens, pattern_lens, run_lenses
from pni.store import Store


def _by_id(tests):  # type: ignore[no-untyped-def]
    return {t.id: t for t in tests}


def test_pattern_lens_finds_the_planted_effect(with_run: tuple[Store, list[str], int]) -> None:
    db, _, run_id = with_run
    res = run_lenses(load(db, run_id), min_subset=20)
    t = _by_id(res.tests)
    kw = t["pattern|all|belonging"]
    assert kw.test == "kruskal-wallis" and kw.notable and kw.q is not None and kw.q <= 0.1
    groups = kw.detail["groups"]
    lowest = sorted(groups, key=lambda g: groups[g]["mean"])[:2]
    assert {g.split(" /")[0] for g in lowest} == {"belonging", "family"}
    # the workload pattern sits well above the rest (no planted lows in it)
    mw = t["pattern|2|belonging"]
    assert mw.test == "mann-whitney" and mw.effect > 0.3 and mw.notable
    # roles are spread evenly across themes: no pattern x role test is notable
    assert not any(x.notable for x in res.tests if x.kind == "pattern_choice" and x.b == "role")


def test_answer_lens_finds_the_planted_effect(with_run: tuple[Store, list[str], int]) -> None:
    db, _, run_id = with_run
    res = run_lenses(load(db, run_id), min_subset=10)
    t = _by_id(res.tests)
    chi = t["answer|listened_to|role"]
    assert chi.kind == "choice_choice" and chi.notable and chi.effect > 0.5
    mw = t["answer|belonging|role|student|teacher"]
    assert mw.kind == "scale_choice_pair" and mw.effect < -0.3 and mw.notable
    kw = t["answer|belonging|role"]
    assert kw.kind == "scale_choice" and kw.detail["groups"]["student"]["mean"] < 3
    mw2 = t["answer|belonging|listened_to|yes|no"]
    assert mw2.effect == 1.0  # perfectly separated by construction


def test_min_subset_skips_small_groups(with_run: tuple[Store, list[str], int]) -> None:
    db, _, run_id = with_run
    data = load(db, run_id)
    big = answer_lens(data, min_subset=20)
    assert not any(x.kind == "scale_choice_pair" and x.b == "role" for x in big.tests)
    assert any(s.a == "belonging" and s.b == "role" for s in big.skipped)
    small = answer_lens(data, min_subset=10)
    assert any(x.kind == "scale_choice_pair" and x.b == "role" for x in small.tests)
    assert not pattern_lens(data, min_pattern=14).tests  # every pattern has 13 stories


def test_all_tests_share_one_fdr_correction(with_run: tuple[Store, list[str], int]) -> None:
    db, _, run_id = with_run
    res = run_lenses(load(db, run_id))
    from scipy.stats import false_discovery_control

    qs = false_discovery_control([t.p for t in res.tests])
    assert [t.q for t in res.tests] == pytest.approx(list(qs))
    assert {t.lens for t in res.tests} == {"pattern", "answer"}
    for t in res.tests:
        assert t.effect_name and t.n > 0 and 0 <= t.p <= 1
        assert t.notable == (t.q is not None and t.q <= 0.1 and t.magnitude != "negligible")


def test_no_run_means_no_pattern_lens(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    res = run_lenses(load(db, None))
    assert res.tests and all(t.lens == "answer" for t in res.tests)


def test_pairs_that_only_describe_tellers_or_sources_are_not_tested(
        with_run: tuple[Store, list[str], int]) -> None:
    db, _, _ = with_run
    res = answer_lens(load(db))
    non_story = {"role", "school", "grade_band", "collection", "source_kind"}
    for t in res.tests:
        if t.kind == "choice_choice":
            assert not ({t.a, t.b} <= non_story), t.id
    skipped = {(s.a, s.b) for s in res.skipped if "make-up" in s.reason}
    assert ("role", "school") in skipped or ("school", "role") in skipped
    assert any(t.kind == "choice_choice" and "role" in (t.a, t.b) for t in res.tests)
