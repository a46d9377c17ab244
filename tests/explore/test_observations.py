from __future__ import annotations

from pathlib import Path

import pytest

from pni.errors import DataError
from pni.explore.data import load
from pni.explore.lenses import run_lenses
from pni.explore.observations import Templates, fill, make_observations, ratio_words
from pni.store import Store


def test_every_observation_has_two_or_more_interpretations(
        with_run: tuple[Store, list[str], int]) -> None:
    db, ids, run_id = with_run
    data = load(db, run_id, min_cell=1)
    res = run_lenses(data, min_subset=10)
    obs = make_observations(res.tests, data, Templates.load())
    assert len(obs) >= 5
    kinds = {o.kind for o in obs}
    assert {"pattern_choice", "patterns_scale", "choice_choice", "scale_choice_pair"} <= kinds
    for o in obs:
        assert len(o.interpretations) >= 2
        assert all(i.rstrip().endswith("?") for i in o.interpretations)  # questions, not verdicts
        assert "{" not in " ".join(o.interpretations)  # every placeholder filled
        assert o.q is not None and o.q <= 0.1 and o.magnitude != "negligible"
        assert o.story_ids and set(o.story_ids) <= set(ids)
        assert o.numbers["n"] > 0
    assert [o.rank for o in obs] == list(range(1, len(obs) + 1))
    assert [o.q for o in obs] == sorted(o.q for o in obs if o.q is not None)


def test_plain_words_for_a_teller_group(with_run: tuple[Store, list[str], int]) -> None:
    db, _, run_id = with_run
    data = load(db, run_id, min_cell=1)
    obs = make_observations(run_lenses(data).tests, data, Templates.load())
    ob = next(o for o in obs if o.test_id == "answer|listened_to|role")
    assert ob.text == ('Stories answered "no" to "Did someone listen?" come from tellers who '
                       'answered "student" to "Role" at about 2.5 times the expected rate '
                       "(12 of 12; expected 4.8).")
    assert len(ob.story_ids) == 12
    assert ob.numbers["observed"] == 12


def test_templates_are_topped_up_to_two(tmp_path: Path, with_run: tuple[Store, list[str], int]
                                        ) -> None:
    db, _, run_id = with_run
    p = tmp_path / "t.yaml"
    p.write_text("caution: careful\nkinds:\n  pattern_choice:\n    - Only {pattern}?\n"
                 "  generic:\n    - Could it be A?\n    - Or B?\n", encoding="utf-8")
    data = load(db, run_id, min_cell=1)
    obs = make_observations(run_lenses(data).tests, data, Templates.load(p))
    pc = next(o for o in obs if o.kind == "pattern_choice")
    assert pc.interpretations[0].startswith("Only ") and pc.interpretations[1] == "Could it be A?"
    other = next(o for o in obs if o.kind == "choice_choice")
    assert other.interpretations == ["Could it be A?", "Or B?"]


def test_bad_template_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        Templates.load(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kinds: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError, match="YAML"):
        Templates.load(bad)
    one = tmp_path / "one.yaml"
    one.write_text("kinds:\n  generic:\n    - Only one?\n", encoding="utf-8")
    with pytest.raises(DataError, match="at least 2"):
        Templates.load(one)


def test_words() -> None:
    assert ratio_words(1.95) == "about twice"
    assert ratio_words(0.34) == "about a third"
    assert ratio_words(1.3) == "about 1.3 times"
    assert fill("{known} and {unknown}", {"known": "x"}) == "x and {unknown}"
    assert fill("{0} {broken", {}) == "{0} {broken"
