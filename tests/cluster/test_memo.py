"""A second `pni cluster` on unchanged inputs reads the clustering back (``pni.cluster.memo``)."""

from __future__ import annotations

from typing import Any

import pytest

from pni.cluster import cluster_stories, memo
from pni.cluster import graph as gr
from pni.embed import FakeEmbedder
from pni.store import Store, derived
from pni.store import runs as runq
from pni.store import stories as sq


def _saved(db: Store, run_id: int) -> tuple[Any, ...]:
    """Everything a run saved that a reader sees, without ids and timings."""
    pats = [(p.number, p.title, p.keywords, p.size, p.exemplars, p.teller_mix, p.stability,
             p.theme, p.n_loose, None if p.centroid is None else p.centroid.tobytes())
            for p in runq.list_patterns(db, run_id)]
    rows = [(a.story_id, a.pattern_number, a.strength, a.loose, a.sub, a.x, a.y)
            for a in runq.list_assignments(db, run_id)]
    levels = [(level, v.number, v.parent, v.title, v.keywords, v.size, v.patterns)
              for level in ("theme", "sub") for v in runq.list_levels(db, run_id, level)]
    run = runq.get_run(db, run_id)
    metrics = {k: v for k, v in run.metrics.items() if k != "reused"}
    return pats, rows, levels, run.params, metrics


def test_a_second_run_on_the_same_inputs_reuses_the_clustering(
        populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    first = cluster_stories(db, FakeEmbedder(), seed=3)
    second = cluster_stories(db, FakeEmbedder(), seed=3)
    assert first.clustering.metrics["reused"] is False
    assert second.clustering.metrics["reused"] is True
    assert "reuse" in second.clustering.timings and "cluster" not in second.clustering.timings
    assert second.run_id != first.run_id
    assert _saved(db, second.run_id) == _saved(db, first.run_id)
    fresh = cluster_stories(db, FakeEmbedder(), seed=3, reuse=False)
    assert fresh.clustering.metrics["reused"] is False
    assert _saved(db, fresh.run_id) == _saved(db, first.run_id)


@pytest.mark.parametrize("change", ["seed", "patterns", "names", "story", "consent", "setting"])
def test_any_changed_input_clusters_again(populated: tuple[Store, list[str]], change: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    db, ids = populated
    cluster_stories(db, FakeEmbedder())
    kwargs: dict[str, Any] = {}
    if change == "seed":
        kwargs["seed"] = 1
    elif change == "patterns":
        kwargs["n_patterns"] = 3
    elif change == "names":
        kwargs["names"] = ["Marisol"]
    elif change == "story":
        with db.transaction():
            db.execute("UPDATE stories SET text = text || ' And then the bell rang.' WHERE id = ?",
                       (ids[0],))
    elif change == "consent":
        with db.transaction():
            db.execute("UPDATE stories SET consent = 'no' WHERE id = ?", (ids[1],))
    else:
        monkeypatch.setattr(gr, "LOOSE_BELOW", 0.4)
    again = cluster_stories(db, FakeEmbedder(), **kwargs)
    assert again.clustering.metrics["reused"] is False


def test_a_damaged_entry_is_computed_again(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    first = cluster_stories(db, FakeEmbedder())
    with db.transaction():
        db.execute("UPDATE derived SET data = ?", (b"not an npz",))
    again = cluster_stories(db, FakeEmbedder())
    assert again.clustering.metrics["reused"] is False
    assert _saved(db, again.run_id) == _saved(db, first.run_id)
    assert cluster_stories(db, FakeEmbedder()).clustering.metrics["reused"] is True


def test_the_key_covers_every_setting_of_the_cluster_modules(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = memo.settings()
    assert {"pni.cluster.graph.DEFAULT_SEEDS", "pni.cluster.hierarchy.APART_BELOW",
            "pni.cluster.labels.LABEL_SAMPLE"} <= set(before)
    monkeypatch.setattr(gr, "DEFAULT_SEEDS", 3)
    assert memo.settings()["pni.cluster.graph.DEFAULT_SEEDS"] == "3" != \
        before["pni.cluster.graph.DEFAULT_SEEDS"]


def test_the_cache_holds_no_pickle(populated: tuple[Store, list[str]]) -> None:
    db, _ = populated
    cluster_stories(db, FakeEmbedder())
    (data,) = [bytes(r[0]) for r in db.execute("SELECT data FROM derived")]
    assert data.startswith(b"PK") and b"pickle" not in data  # an npz archive of plain arrays
    assert memo.load(data) is not None and sq.count_stories(db) == 60
    assert derived.usage(db)["clustering"][0] == 1
