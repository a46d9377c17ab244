from pni.models import Story
from pni.privacy.mix import mix_lines, run_mixes, safe_patterns
from pni.settings import Settings, save_settings
from pni.store import Store
from pni.store import runs as runq
from tests.helpers import LIBRARIAN, small_groups


def _story(i: int, role: str, teller: str | None = None) -> Story:
    return Story(id=f"S{i}", text="t", teller_id=teller or f"T{i}", content_hash=f"h{i}",
                 collection="c", teller_answers={"role": role})


def test_groups_merge_over_the_run_then_cells_hide_with_their_complement() -> None:
    a = [_story(i, "student") for i in range(9)] + [_story(20 + i, "parent") for i in range(3)]
    b = [_story(40 + i, "student") for i in range(7)] + [_story(60 + i, "parent")
                                                         for i in range(6)]
    coach = [_story(80 + i, "coach") for i in range(2)]
    mixes = run_mixes({1: a + coach, 2: b, 3: a[:3]}, ["role"], 5)
    # coach (2 tellers in the run) merges into "other"; 3 parents and the 2 coaches of pattern 1
    # are hidden; pattern 3 has too few tellers, so each column takes a second hidden cell
    # (the smaller student count, 7), and pattern 2's row then its parents
    assert mixes[1] == {"role": {"student": 9, "parent": None, "other": None}}
    assert mixes[2] == {"role": {"student": None, "parent": None}} and mixes[3] is None
    assert run_mixes({1: a, 2: b}, ["role"], 1)[1] == {"role": {"student": 9, "parent": 3}}
    # 12 stories from 4 tellers: a pattern too small to break down
    assert run_mixes({1: [_story(i, "student", f"T{i % 4}") for i in range(12)]}, ["role"],
                     5) == {1: None}
    assert mix_lines(None, {}, 5) == ["Not shown: fewer than 5 tellers told this pattern's "
                                      "stories."]
    assert mix_lines({"source_kind": {"story-form": 12}}, {}, 5) == ["source kind: story-form 12"]


def test_safe_patterns_reads_the_threshold_from_pni_toml(store: Store, store_path: object) -> None:
    small_groups(store, cross=True)
    run = runq.latest_run_id(store)
    assert run is not None
    pats = runq.list_patterns(store, run)
    assert all(p["teller_mix"] == {} for p in pats)  # the fake run stores none: role,
    # collection and source kind are counted from the stories
    safe = {p["number"]: p for p in safe_patterns(store, pats)}
    assert safe[5]["teller_mix"] is None and safe[5]["suppressed"] is True
    assert safe[1]["teller_mix"]["role"][LIBRARIAN] is None and safe[1]["suppressed"] is True
    assert all(v is None or v == 0 or v >= 5 for p in safe.values() if p["teller_mix"]
               for c in p["teller_mix"].values() for v in c.values())
    save_settings(Settings(min_cell=1), store.path.parent / "pni.toml")  # type: ignore[union-attr]
    open_ = {p["number"]: p for p in safe_patterns(store, pats)}
    assert open_[5]["teller_mix"]["role"] == {"student": 4} and not open_[5]["suppressed"]
