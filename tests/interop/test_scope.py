from __future__ import annotations

from pni.interop.scope import ExportOptions, gather
from pni.settings import Settings, save_settings
from pni.store import Store
from pni.store.observations import save_observations


def test_observations_of_a_weaker_small_cell_rule_are_left_out(
        project: tuple[Store, list[str], int]) -> None:
    db, ids, run = project
    assert len(gather(db, ExportOptions()).observations) == 1
    save_observations(db, run, [{"lens": "pattern", "kind": "pattern_choice",
                                 "text": "Pattern 1: 3 of 12 stories.", "story_ids": ids[4:6],
                                 "interpretations": ["a", "b"]}], params={"min_cell": 1})
    scope = gather(db, ExportOptions())
    assert scope.observations == [] and "run `pni explore` again" in scope.policy()[-1]
    assert db.path is not None
    save_settings(Settings(min_cell=1), db.path.parent / "pni.toml")
    assert len(gather(db, ExportOptions()).observations) == 1
