from __future__ import annotations

from pni.explore.data import load
from pni.explore.integrity import integrity
from pni.store import Store
from tests.explore.conftest import add_story


def _straight_liner_and_quiet(db: Store) -> None:
    """One teller who answered every scale 3 (3 stories); one who answered 9 on a 1-5 scale."""
    for k in range(3):
        add_story(db, f"Straight-line story {k}", teller="straight-liner",
                  answers={"belonging": 3, "feeling": "proud"})
    add_story(db, "Unanswered story", teller="quiet", answers={"belonging": 9})


def test_counts_and_scale_distribution(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    rep = integrity(load(db))
    by = {q.id: q for q in rep.questions}
    assert rep.stories == 60 and rep.tellers == 30
    assert by["feeling"].answered == 60 and by["feeling"].unanswered_rate == 0
    assert sum(by["feeling"].counts.values()) == 60
    assert sum(by["topics"].counts.values()) == 60
    assert list(by["belonging"].distribution) == ["1", "2", "3", "4", "5"]
    assert sum(by["belonging"].distribution.values()) == 60
    assert by["belonging"].mean is not None and 1 <= by["belonging"].mean <= 5
    assert by["listened_to"].counts == {"yes": 48, "no": 12}
    assert rep.same_answer_tellers == 0  # 2 answers each: too few to judge


def test_flags_a_teller_who_answered_every_scale_the_same(
        populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    _straight_liner_and_quiet(db)
    rep = integrity(load(db, min_cell=1))
    assert rep.same_answer_tellers == 1
    assert any(f.startswith("1 teller(s) answered every scale the same") for f in rep.flags)
    assert "straight-liner" not in rep.model_dump_json()  # a count, never who
    by = {q.id: q for q in rep.questions}
    assert by["belonging"].out_of_range == 1
    assert by["listened_to"].unanswered == 4
    assert any("outside the scale" in f for f in rep.flags)


def test_unanswered_flag_says_which_sources_lack_the_answers(
        populated: tuple[Store, list[str]]) -> None:
    db, ids = populated
    db.execute("UPDATE stories SET source_kind = 'kiva-panel' WHERE id IN (?, ?)", ids[:2])
    db.execute("DELETE FROM answers WHERE question_id = 'belonging' AND story_id != ?", (ids[2],))
    flags = integrity(load(db, min_cell=1)).flags
    belonging = next(f for f in flags if "belonged" in f or "belong" in f)
    assert belonging.endswith(f": all 2 kiva-panel, {len(ids) - 3} of {len(ids) - 2} story-form")


def test_counts_of_fewer_than_min_cell_tellers_are_hidden(
        populated: tuple[Store, list[str]]) -> None:
    db, ids = populated
    _straight_liner_and_quiet(db)
    rep = integrity(load(db, min_cell=5))
    by = {q.id: q for q in rep.questions}
    b = by["belonging"]  # one teller answered 9 on a 1-5 scale
    assert b.out_of_range is None and b.maximum is None and b.minimum == 1
    assert {"out_of_range", "maximum"} <= set(b.hidden)
    assert any(f.startswith('<5 answers to "') for f in rep.flags)
    # not answering is not an answer: the 4 stories the 2 tellers left unanswered are counted
    lt = by["listened_to"]
    assert (lt.answered, lt.unanswered) == (len(ids), 4)
    assert b.answered == len(ids) + 4 and b.unanswered == 0
    assert rep.same_answer_tellers is None and "same_answer_tellers" in rep.hidden
    assert any(f.startswith("<5 teller(s) answered every scale the same") for f in rep.flags)


def test_a_small_answer_is_merged_and_no_count_is_false(
        populated: tuple[Store, list[str]]) -> None:
    db, ids = populated
    for i in range(3):  # 3 tellers answered "bored": too few to show, counted with others
        add_story(db, f"A bored afternoon {i}", teller=f"b-{i}", answers={"feeling": "bored"})
    rep = integrity(load(db, min_cell=5))
    f = next(q for q in rep.questions if q.id == "feeling")
    assert "bored" not in rep.model_dump_json()
    assert sum(v or 0 for v in f.counts.values()) == len(ids) + 3  # every story is counted
    merged = [k for k in f.counts if "fewer than 5 tellers" in k]
    assert len(merged) == 1 and f.counts[merged[0]] is not None
    shown = {k: v for k, v in f.counts.items() if k not in merged}
    opened = next(q for q in integrity(load(db, min_cell=1)).questions if q.id == "feeling")
    assert all(opened.counts[k] == v for k, v in shown.items())  # true counts, not "<5"


def test_unanswered_per_source_kind_is_counted_as_it_is(
        populated: tuple[Store, list[str]]) -> None:
    db, ids = populated
    db.execute("DELETE FROM answers WHERE question_id = 'belonging' AND story_id NOT IN (?, ?)",
               ids[:2])
    flag = next(f for f in integrity(load(db, min_cell=5)).flags if "is unanswered for" in f)
    assert flag.endswith(f"{len(ids) - 2} of {len(ids)} stories: {len(ids) - 2} of {len(ids)} "
                         "story-form")
