from collections import Counter

import pytest

from pni.errors import UsageError
from pni.packet.groups import allocate


def test_every_story_once_and_balanced() -> None:
    keys = [(p, t) for p in ("a", "b", "c") for t in ("student", "parent", "teacher")
            for _ in range(3)] + [("d", "student")] * 4
    groups = allocate(keys, 4)
    flat = [i for g in groups for i in g]
    assert sorted(flat) == list(range(len(keys)))
    sizes = [len(g) for g in groups]
    assert max(sizes) - min(sizes) <= 1
    for p in "abcd":
        per = [sum(keys[i][0] == p for i in g) for g in groups]
        assert max(per) - min(per) <= 1, (p, per)
    for t in ("student", "parent", "teacher"):
        per = [sum(keys[i][1] == t for i in g) for g in groups]
        assert max(per) - min(per) <= 2, (t, per)


def test_groups_differ_and_deal_is_deterministic() -> None:
    keys = [(i % 3, i % 2) for i in range(30)]
    a, b = allocate(keys, 3), allocate(keys, 3)
    assert a == b
    assert len({tuple(g) for g in a}) == 3


def test_one_group_gets_everything_and_zero_is_refused() -> None:
    assert allocate([(1, "x"), (2, "y")], 1) == [[0, 1]]
    with pytest.raises(UsageError):
        allocate([(1, "x")], 0)


def test_more_groups_than_stories() -> None:
    groups = allocate([(1, "x"), (1, "y")], 3)
    assert Counter(len(g) for g in groups) == Counter({1: 2, 0: 1})
