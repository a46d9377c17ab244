from __future__ import annotations

import pytest

from pni.errors import UsageError
from pni.explore.data import Lump, explode, load, values
from pni.store import Store


def _stored(db: Store) -> list[tuple[str, str, str]]:
    return [(r["story_id"] or r["teller_id"], r["question_id"], r["value"])
            for r in db.query("SELECT * FROM answers ORDER BY id")]


def test_frame_one_row_per_story_with_pattern_and_answers(
        with_run: tuple[Store, list[str], int]) -> None:
    db, ids, run_id = with_run
    data = load(db, run_id)
    f = data.frame
    assert len(f) == 60 and f["story_id"].tolist() == ids
    assert set(f["listened_to"].dropna()) == {"yes", "no"}  # booleans become a choice
    assert f["belonging"].dtype == float
    assert f.loc[0, "topics"] == ["belonging"]
    assert f.loc[0, "role"] == "student"  # teller answers joined per story
    assert f["pattern_number"].isna().sum() == sum(1 for i in range(60) if i % 7 == 6)
    assert len(data.patterns) == 4 and data.patterns[0].size == 13
    ex = explode(data, "topics")
    assert len(ex) == 60 and set(ex["answer"]) == {"belonging", "workload", "assessment", "family"}
    ind = data.variable("topics=family")
    assert (values(data, ind) == "yes").sum() == 15


def test_without_a_run_no_story_is_in_a_pattern(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    data = load(db, None)
    assert not data.frame["in_run"].any() and data.patterns == []
    assert data.run_frame().empty


def test_lumping_changes_no_stored_data(with_run: tuple[Store, list[str], int]) -> None:
    db, _, run_id = with_run
    before = _stored(db)
    data = load(db, run_id, [Lump.parse("feeling:hurt,frustrated=upset"),
                             Lump.parse("topics:belonging,family=people")])
    assert "hurt" not in set(data.frame["feeling"]) and "upset" in set(data.frame["feeling"])
    assert data.variable("feeling").options == ["proud", "hopeful", "upset", "grateful"]
    assert [v.option for v in data.variables if v.question == "topics"] == [
        "people", "workload", "assessment"]
    assert _stored(db) == before
    # a fresh load without lumps sees the original answers
    assert "hurt" in set(load(db, run_id).frame["feeling"])


def test_lump_parse_and_bad_lumps(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    assert Lump.parse(" feeling : a , b = ab ") == Lump("feeling", ["a", "b"], "ab")
    for bad in ("feeling", "feeling:a,b", ":a=b", "feeling:=x"):
        with pytest.raises(UsageError):
            Lump.parse(bad)
    with pytest.raises(UsageError, match="no question"):
        load(db, None, [Lump.parse("nope:a=b")])
    with pytest.raises(UsageError, match="scale"):
        load(db, None, [Lump.parse("belonging:1,2=low")])
    with pytest.raises(UsageError, match="no answer 'angry'"):
        load(db, None, [Lump.parse("feeling:angry,hurt=x")])
    data = load(db, None, [Lump.parse("listened_to:yes,no=any")])
    assert set(data.frame["listened_to"]) == {"any"}
