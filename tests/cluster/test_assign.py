from __future__ import annotations

import numpy as np
import pytest

from pni.cluster import assign_new_stories, cluster_stories
from pni.cluster.assign import assign_noise, nearest_centroid
from pni.embed import FakeEmbedder
from pni.errors import NotFoundError, UsageError
from pni.store import Store
from pni.store import runs as runq
from tests.helpers import populate


def test_assign_noise_rule() -> None:
    v = np.array([[1, 0, 0], [.9, .1, 0], [0, 1, 0], [0, .9, .1], [.7, .2, .1], [0, 0, 1]],
                 dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    labels = np.array([0, 0, 1, 1, -1, -1])
    new, assigned, sims = assign_noise(v, labels, threshold=0.5)
    assert new.tolist() == [0, 0, 1, 1, 0, -1]  # row 4 near pattern 0; row 5 near nothing
    assert assigned.tolist() == [False] * 4 + [True, False]
    assert sims[4] >= 0.5 and sims[5] == 0


def test_nearest_centroid_threshold() -> None:
    c = np.eye(2, dtype=np.float32)
    lab, _top = nearest_centroid(np.array([[1, 0], [.6, .8]], dtype=np.float32), c, 0.7)
    assert lab.tolist() == [0, 1]
    lab, _ = nearest_centroid(np.array([[.7071, .7071]], dtype=np.float32), c, 0.8)
    assert lab.tolist() == [-1]


def test_assign_noise_flags_and_relabels(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    off = cluster_stories(db, FakeEmbedder(), merge_threshold=None, min_size=12, assign_noise=None)
    on = cluster_stories(db, FakeEmbedder(), merge_threshold=None, min_size=12, assign_noise=0.0)
    m_off, m_on = runq.get_run(db, off.run_id)["metrics"], runq.get_run(db, on.run_id)["metrics"]
    assert m_off["n_assigned"] == 0
    assert m_on["n_unclustered"] <= m_off["n_unclustered"]
    assert m_on["n_assigned"] == m_off["n_unclustered"] - m_on["n_unclustered"]
    flagged = [a for a in runq.list_assignments(db, on.run_id) if a["assigned"]]
    assert len(flagged) == m_on["n_assigned"]
    assert all(a["pattern_id"] is not None for a in flagged)


def test_assign_new_stories_without_refitting(store: Store) -> None:
    populate(store, 60)
    first = cluster_stories(store, FakeEmbedder(), merge_threshold=None)
    before = {p["number"]: p for p in runq.list_patterns(store, first.run_id)}
    populate(store, 8, seed=99, collection="Later")  # 8 new themed stories
    out = assign_new_stories(store, FakeEmbedder(), threshold=0.2)
    assert out["parent_run"] == first.run_id and out["n_new"] == 8
    run = runq.get_run(store, out["run_id"])
    assert run["kind"] == "assign" and run["parent_run"] == first.run_id
    after = runq.list_patterns(store, out["run_id"])
    assert [p["title"] for p in after] == [before[p["number"]]["title"] for p in after]
    rows = runq.list_assignments(store, out["run_id"])
    assert len(rows) == 68
    new = [r for r in rows if r["assigned"] and r["x"] is not None][-8:]
    assert out["n_assigned"] == sum(1 for r in rows[60:] if r["pattern_id"] is not None)
    assert sum(p["size"] for p in after) == sum(1 for r in rows if r["pattern_id"] is not None)
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
    cluster_stories(db, FakeEmbedder(), merge_threshold=None)
    with pytest.raises(UsageError, match="same model"):
        assign_new_stories(db, FakeEmbedder(dim=32))
