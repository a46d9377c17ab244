from __future__ import annotations

from pathlib import Path

from pni.explore.data import load
from pni.explore.voices import voices
from pni.models import Question
from pni.store import Store
from pni.store import stories as q


def test_groups_counts_and_pattern_mix(with_run: tuple[Store, list[str], int]) -> None:
    db, _, run_id = with_run
    v = voices(load(db, run_id, min_cell=1))
    dims = {d.id: d for d in v.dimensions}
    assert set(dims) == {"role", "school", "grade_band", "collection", "source_kind"}
    role = {g.value: g for g in dims["role"].groups}
    assert role["student"].stories == 24 and role["student"].tellers == 12
    assert not v.flags
    assert len(v.patterns) == 4
    mix = {c["value"]: c for c in v.patterns[0].mix["role"]}
    assert sum(c["stories"] for c in mix.values()) == v.patterns[0].size == 13
    assert mix["student"]["whole_share"] == 0.4  # 24 of the run's 60 stories


def test_declared_groups_with_no_or_few_stories_are_flagged(
        populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    with db.transaction():
        q.upsert_question(db, Question(id="role", text="Role", kind="choice", about="teller",
                                       options=["student", "teacher", "parent", "leader",
                                                "counselor"]))
    v = voices(load(db), few=13)
    role = {g.value: g for g in next(d for d in v.dimensions if d.id == "role").groups}
    assert role["counselor"].flag == "none" and role["counselor"].stories == 0
    assert role["teacher"].flag == "few" and role["student"].flag is None
    assert 'Role: no stories from "counselor"' in v.flags
    assert v.patterns == []  # no run


def test_the_samples_list_every_source_kind_with_its_counts(tmp_path: Path) -> None:
    """Source kinds are how stories were gathered: listed with their true counts, however few
    tellers told them (the 18 interview stories come from 4 people)."""
    from pni.ingest.collect import collect

    root = Path(__file__).resolve().parents[2]
    with Store.open(tmp_path / "pni.db") as db:
        collect(db, [root / "sample_stories"])
        v = voices(load(db))
    kinds = {g.value: (g.stories, g.tellers) for d in v.dimensions if d.id == "source_kind"
             for g in d.groups}
    assert kinds == {"empathy-interview": (18, 4), "kiva-panel": (45, 9), "reflection": (12, 9),
                     "story-form": (79, 79)}
    schools = {g.value: g.stories for d in v.dimensions if d.id == "school" for g in d.groups}
    assert schools["Birchwood Elementary"] == 29 and schools["Alder Middle School"] == 56
