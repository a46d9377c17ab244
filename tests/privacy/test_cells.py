from pni.privacy.cells import merge_small, small_cell_note


def test_small_groups_merge_into_other_or_vanish() -> None:
    assert merge_small({"a": 9, "b": 2, "c": 3}, 5) == {"a": 9, "other": 5}
    assert merge_small({"a": 9, "b": 2}, 5) == {"a": 9}
    assert merge_small({"a": 9, "b": 2}, 2) == {"a": 9, "b": 2}


def test_teller_counts_decide_not_story_counts() -> None:
    # 12 stories from 3 tellers is still a group of 3 tellers
    assert merge_small({"a": 40, "b": 12}, 5, tellers={"a": 20, "b": 3}) == {"a": 40}
    assert "5 tellers" in small_cell_note(5)
