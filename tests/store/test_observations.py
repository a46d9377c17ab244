from __future__ import annotations

from dataclasses import fields

from pni.store import Store
from pni.store.observations import latest_exploration, list_observations, save_observations


def _obs(text: str) -> dict[str, object]:
    return {"lens": "pattern", "kind": "pattern_choice", "text": text, "numbers": {"observed": 12},
            "story_ids": ["S-1", "S-2"], "interpretations": ["Could it be A?", "Or B?"],
            "q": 0.02, "effect": 0.41, "effect_name": "cramers_v"}


def test_latest_exploration_wins_and_round_trips(with_run: tuple[Store, list[str], int]) -> None:
    db, _, run_id = with_run
    assert list_observations(db, run_id) == []
    save_observations(db, run_id, [_obs("old")], n_tests=5)
    save_observations(db, run_id, [_obs("first"), _obs("second")], params={"min_subset": 20},
                      n_stories=60, n_tests=9)
    got = list_observations(db, run_id)
    assert [o.text for o in got] == ["first", "second"]
    assert [o.rank for o in got] == [1, 2]
    assert got[0].numbers == {"observed": 12}
    assert got[0].story_ids == ["S-1", "S-2"]
    assert got[0].interpretations == ["Could it be A?", "Or B?"]
    assert {f.name for f in fields(got[0])} == {"rank", "lens", "kind", "text", "numbers", "story_ids",
                           "interpretations", "q", "effect", "effect_name"}
    ex = latest_exploration(db, run_id)
    assert ex is not None and ex.n_tests == 9 and ex.params == {"min_subset": 20}
    assert list_observations(db, None) == []  # no answer-only exploration yet
