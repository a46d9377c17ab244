from __future__ import annotations

import numpy as np
import pytest

from pni.cluster import assign_new_stories, cluster_stories
from pni.cluster.assign import DEFAULT_ASSIGN_THRESHOLD, nearest_centroid
from pni.embed import FakeEmbedder
from pni.errors import NotFoundError, UsageError
from pni.store import Store
from pni.store import runs as runq
from tests.helpers import hdbscan_run, populate


def test_nearest_centroid_threshold() -> None:
    c = np.eye(2, dtype=np.float32)
    lab, _top = nearest_centroid(np.array([[1, 0], [.6, .8]], dtype=np.float32), c, 0.7)
    assert lab.tolist() == [0, 1]
    lab, _ = nearest_centroid(np.array([[.7071, .7071]], dtype=np.float32), c, 0.8)
    assert lab.tolist() == [-1]


def test_assign_new_stories_without_refitting(store: Store) -> None:
    populate(store, 60)
    first = cluster_stories(store, FakeEmbedder())
    before = {p.number: p for p in runq.list_patterns(store, first.run_id)}
    populate(store, 8, seed=99, collection="Later")  # 8 new themed stories
    out = assign_new_stories(store, FakeEmbedder(), threshold=0.2)
    assert out["parent_run"] == first.run_id and out["n_new"] == 8
    run = runq.get_run(store, out["run_id"])
    assert run.kind == "assign" and run.parent_run == first.run_id
    after = runq.list_patterns(store, out["run_id"])
    assert [p.title for p in after] == [before[p.number].title for p in after]
    rows = runq.list_assignments(store, out["run_id"])
    assert len(rows) == 68
    new = [r for r in rows if r.assigned and r.x is not None][-8:]
    assert out["n_assigned"] == sum(1 for r in rows[60:] if r.pattern_id is not None)
    assert sum(p.size for p in after) == sum(1 for r in rows if r.pattern_id is not None)
    assert new
    # nothing new: nothing to place
    again = assign_new_stories(store, FakeEmbedder(), threshold=0.2)
    assert again["n_new"] == 0 or again["n_new"] == 8  # measured against the last cluster run
    # a stricter threshold places fewer
    strict = assign_new_stories(store, FakeEmbedder(), threshold=0.99)
    assert strict["n_assigned"] <= out["n_assigned"]


def test_assign_needs_a_cluster_run(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    with pytest.raises(NotFoundError):
        assign_new_stories(db, FakeEmbedder())


def test_assign_refuses_another_model(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    cluster_stories(db, FakeEmbedder())
    with pytest.raises(UsageError, match="same model"):
        assign_new_stories(db, FakeEmbedder(dim=32))


@pytest.mark.parametrize(("recorded", "used"), [(0.0, 0.0), (0.3, 0.3),
                                                (None, DEFAULT_ASSIGN_THRESHOLD)])
def test_assign_into_a_run_of_the_earlier_hdbscan_method(
        store: Store, recorded: float | None, used: float) -> None:
    """Runs of the removed HDBSCAN method recorded the cosine they attached stories at
    (``assign_noise``; None: 'off'): new stories are placed at it, else at the default."""
    old = hdbscan_run(store, populate(store, 40), FakeEmbedder(), assign_noise=recorded)
    populate(store, 5, seed=3, collection="Later")
    out = assign_new_stories(store, FakeEmbedder())
    assert out["parent_run"] == old and out["n_new"] == 5 and out["threshold"] == used
    rows = runq.list_assignments(store, out["run_id"])
    assert len(rows) == 45 and sum(p.size for p in runq.list_patterns(store, out["run_id"])) \
        == sum(1 for r in rows if r.pattern_id is not None)
