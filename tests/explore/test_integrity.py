from __future__ import annotations

from pni.explore.data import load
from pni.explore.integrity import integrity
from pni.store import Store
from tests.explore.conftest import add_story


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
    assert not any(t.same_answer for t in rep.tellers_detail)  # 2 answers each: too few to judge


def test_flags_a_teller_who_answered_every_scale_the_same(
        populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    for k in range(3):
        add_story(db, f"Straight-line story {k}", teller="straight-liner",
                  answers={"belonging": 3, "feeling": "proud"})
    add_story(db, "Unanswered story", teller="quiet", answers={"belonging": 9})
    rep = integrity(load(db))
    flagged = [t for t in rep.tellers_detail if t.same_answer]
    assert len(flagged) == 1
    assert flagged[0].stories == 3 and flagged[0].scale_answers == 3 and flagged[0].sd == 0
    assert any("every scale the same" in f and flagged[0].teller_id in f for f in rep.flags)
    by = {q.id: q for q in rep.questions}
    assert by["belonging"].out_of_range == 1
    assert by["listened_to"].unanswered == 4
    assert any("outside the scale" in f for f in rep.flags)


def test_unanswered_flag_says_which_sources_lack_the_answers(
        populated: tuple[Store, list[str]]) -> None:
    db, ids = populated
    db.execute("UPDATE stories SET source_kind = 'kiva-panel' WHERE id IN (?, ?)", ids[:2])
    db.execute("DELETE FROM answers WHERE question_id = 'belonging' AND story_id != ?", (ids[2],))
    flags = integrity(load(db)).flags
    belonging = next(f for f in flags if "belonged" in f or "belong" in f)
    assert belonging.endswith(f": all 2 kiva-panel, {len(ids) - 3} of {len(ids) - 2} story-form")
