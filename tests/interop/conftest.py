from __future__ import annotations

from pathlib import Path

import pytest

from pni.store import Store
from pni.store import stories as q
from pni.store.observations import save_observations
from pni.store.outcomes import insert_outcome
from tests.helpers import fake_run, populate

XSD = Path(__file__).resolve().parents[1] / "fixtures" / "refi" / "Project-mrt2019.xsd"


@pytest.fixture
def project(store: Store) -> tuple[Store, list[str], int]:
    """20 stories (2 with consent "no", 1 unknown), a run, an observation and an outcome."""
    ids = populate(store, 20)
    run = fake_run(store, ids)
    with store.transaction():
        store.execute("UPDATE stories SET consent = 'unknown' WHERE id = ?", (ids[0],))
        store.execute("UPDATE stories SET text = text || ' Ask Rosa Diaz at rosa@example.org.'"
                      " WHERE id = ?", (ids[1],))
        insert_outcome(store, {"key": "k1", "kind": "idea", "text": "A buddy bench for Rosa.",
                               "file": "outcomes.csv", "session": "S1", "group": "A",
                               "story_ids": ids[1:3], "pattern_ids": [1]})
    save_observations(store, run, [{
        "lens": "pattern", "kind": "pattern_choice", "text": "Pattern 1 stories feel hurt.",
        "story_ids": ids[4:6], "interpretations": ["They were new.", "They were asked."]}],
        params={"min_cell": 5, "small_cell_rule": 3})
    assert q.count_stories(store) == 20
    return store, ids, run


@pytest.fixture
def names(tmp_path: Path) -> Path:
    p = tmp_path / "names.txt"
    p.write_text("Rosa Diaz\n", "utf-8")
    return p
