from pni.models import Story
from pni.privacy.mix import mix_lines, safe_patterns, teller_mix
from pni.settings import Settings, save_settings
from pni.store import Store
from pni.store import runs as runq
from tests.helpers import LIBRARIAN, small_groups


def _story(i: int, role: str, teller: str | None = None) -> Story:
    return Story(id=f"S{i}", text="t", teller_id=teller or f"T{i}", content_hash=f"h{i}",
                 collection="c", teller_answers={"role": role})


def test_groups_merge_then_hide_with_their_complement() -> None:
    stories = [_story(i, "student") for i in range(9)] + [_story(20 + i, "parent")
                                                          for i in range(3)]
    # 3 parents merge into "other" (3 tellers: hidden) and, the size being known, the smallest
    # other group is hidden too
    assert teller_mix(stories, ["role"], 5) == {"role": {"student": None, "other": None}}
    assert teller_mix(stories, ["role"], 1) == {"role": {"student": 9, "parent": 3}}
    # 12 stories from 4 tellers: a pattern too small to break down
    assert teller_mix([_story(i, "student", f"T{i % 4}") for i in range(12)], ["role"], 5) is None
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
    assert LIBRARIAN not in safe[1]["teller_mix"]["role"]
    assert all(v is None or v == 0 or v >= 5 for p in safe.values() if p["teller_mix"]
               for c in p["teller_mix"].values() for v in c.values())
    save_settings(Settings(min_cell=1), store.path.parent / "pni.toml")  # type: ignore[union-attr]
    open_ = {p["number"]: p for p in safe_patterns(store, pats)}
    assert open_[5]["teller_mix"]["role"] == {"student": 4} and not open_[5]["suppressed"]
