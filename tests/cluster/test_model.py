from __future__ import annotations

import pytest

from pni.cluster import cluster_stories
from pni.store import Store
from pni.store import runs as runq
from tests.helpers import THEMES, populate


@pytest.mark.model
def test_real_model_end_to_end(store: Store) -> None:
    """The packaged all-MiniLM-L6-v2 with the default backend and settings, twice."""
    from pni.embed import get_embedder

    ids = populate(store, 40)
    emb = get_embedder()
    first = cluster_stories(store, emb)
    assert first.embedding["n_embedded"] == 40
    assert first.n_patterns >= 2
    pats = runq.list_patterns(store, first.run_id)
    theme_words = {w for words in THEMES.values() for t in words for w in t.lower().split()}
    # titles name what the stories are about, not how they are told
    assert any(set(p["title"].replace("·", " ").split()) & theme_words for p in pats)
    for p in pats:
        assert not {"i", "my", "was", "remember"} & set(p["keywords"])
    second = cluster_stories(store, emb)
    assert second.embedding["n_embedded"] == 0 and second.embedding["n_cached"] == 40
    assert [a["pattern_number"] for a in runq.list_assignments(store, first.run_id)] == \
        [a["pattern_number"] for a in runq.list_assignments(store, second.run_id)]
    assert len(ids) == 40
