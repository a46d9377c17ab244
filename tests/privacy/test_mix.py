from pni.models import Story
from pni.privacy.mix import mix_lines, run_mixes, run_mixes_why, safe_patterns
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
    mixes, why = run_mixes_why({1: a + coach, 2: b, 3: a[:3]}, ["role"], 5)
    # coach (2 tellers in the whole run) is too few even alone in an "other" row: it is counted
    # with the smallest group beside it, in a column that says so and never names it
    parent = "parent, or another answer held by fewer than 5 tellers"
    assert run_mixes({1: a + coach, 2: b}, ["role"], 5) == {
        1: {"role": {"student": 9, parent: 5}}, 2: {"role": {"student": 7, parent: 6}}}
    # pattern 3 has too few tellers: its row is hidden ('small'), so each column takes a second
    # hidden cell, and each row then another ('complement')
    assert mixes[1] == {"role": {"student": None, parent: None}} and mixes[3] is None
    assert mixes[2] == {"role": {"student": None, parent: None}}
    assert why[1]["role"] == {"student": "complement", parent: "complement"}
    lines = mix_lines(mixes[1], {"role": "Role"}, 5, why[1])
    assert lines[0] == f"Role: student hidden, {parent} hidden"
    assert "hidden so that a group under 5 tellers can't be worked out" in lines[1]
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
    assert all(p.teller_mix == {} for p in pats)  # the fake run stores none: role,
    # collection and source kind are counted from the stories
    safe = {p["number"]: p for p in safe_patterns(store, pats)}
    assert safe[5]["teller_mix"] is None and safe[5]["suppressed"] is True
    lib = next(k for k in safe[1]["teller_mix"]["role"] if k.startswith(LIBRARIAN))
    # 3 counselors in the run: counted with the librarians, in a column that says so
    assert lib == f"{LIBRARIAN}, or another answer held by fewer than 5 tellers"
    assert "counselor" not in str(safe)
    assert any(p["suppressed"] and p["hidden"] for p in safe.values() if p["teller_mix"])
    assert all(v is None or v == 0 or v >= 5 for p in safe.values() if p["teller_mix"]
               for c in p["teller_mix"].values() for v in c.values())
    save_settings(Settings(min_cell=1), store.path.parent / "pni.toml")  # type: ignore[union-attr]
    open_ = {p["number"]: p for p in safe_patterns(store, pats)}
    assert open_[5]["teller_mix"]["role"] == {"student": 4} and not open_[5]["suppressed"]
