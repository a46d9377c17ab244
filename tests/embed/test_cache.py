from __future__ import annotations

import itertools

import numpy as np

from pni.embed import FakeEmbedder, cache_key, embed_stories, text_hash
from pni.embed.base import OVERLAP, PREPROCESSING, WINDOW
from pni.store import Store
from pni.store import vectors as vq


class CountingFake(FakeEmbedder):
    """A fake that remembers how many texts it was asked to embed."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.calls = 0

    def embed(self, texts, batch_size=32, progress=None):  # type: ignore[no-untyped-def]
        self.calls += len(texts)
        return super().embed(texts, batch_size, progress)


def test_second_call_embeds_nothing(populated: tuple[Store, list[str]]) -> None:
    db, _ids = populated
    from pni.store import stories as q

    stories = q.list_stories(db)
    e = CountingFake()
    r1 = embed_stories(db, stories, e)
    assert (r1.n_embedded, r1.n_cached, e.calls) == (len(stories), 0, len(stories))
    assert r1.vectors.shape == (len(stories), e.dim)
    assert r1.ids == [s.id for s in stories]
    r2 = embed_stories(db, stories, e)
    assert (r2.n_embedded, r2.n_cached, e.calls) == (0, len(stories), len(stories))
    assert np.array_equal(r1.vectors, r2.vectors)


def test_one_new_story_embeds_one(store: Store) -> None:
    e = CountingFake()
    pairs = [(f"S-{i}", f"story number {i} about the lunch table") for i in range(20)]
    embed_stories(store, pairs, e)
    e.calls = 0
    r = embed_stories(store, [*pairs, ("S-new", "a brand new story about homework")], e)
    assert (r.n_embedded, r.n_cached, e.calls) == (1, 20, 1)
    # order is the input order
    assert r.ids[-1] == "S-new"
    assert np.allclose(r.vectors[-1], FakeEmbedder().embed(["a brand new story about homework"])[0])


def test_same_text_twice_is_embedded_once_and_key_ignores_story_id(store: Store) -> None:
    e = CountingFake()
    r = embed_stories(store, [("a", "same words here"), ("b", "same  words\nhere")], e)
    assert r.n_embedded == 1 and e.calls == 1
    assert np.array_equal(r.vectors[0], r.vectors[1])
    assert vq.count_vectors(store) == 1


def test_key_changes_with_backend_model_revision_and_window() -> None:
    h = text_hash("a story")
    base = FakeEmbedder()
    keys = {cache_key(base, h)}
    other_dim = FakeEmbedder(dim=32)
    keys.add(cache_key(other_dim, h))
    rev = FakeEmbedder()
    rev.revision = "fake-v2"
    keys.add(cache_key(rev, h))
    back = FakeEmbedder()
    back.backend = "torch"  # type: ignore[misc]
    keys.add(cache_key(back, h))
    win = FakeEmbedder(max_tokens=128)
    keys.add(cache_key(win, h))
    assert len(keys) == 5
    assert cache_key(FakeEmbedder(), h) in keys
    assert cache_key(base, text_hash("another story")) not in keys


def test_vectors_of_another_window_recipe_are_never_reused(store: Store) -> None:
    """A vector embedded with other windows (another window length, another overlap) is never
    taken for today's, and today's recipe keeps the keys it had before the overlap became a
    setting (vectors cached by earlier versions of pni stay valid)."""
    import hashlib

    text = [("x", "the lunch table")]
    recipes = ((WINDOW, OVERLAP), (192, OVERLAP), (WINDOW, 0), (192, 0))
    for stored, (window, overlap) in enumerate(recipes, start=1):
        e = CountingFake(max_tokens=window)
        e.overlap = overlap  # type: ignore[attr-defined]
        r = embed_stories(store, text, e)
        assert (r.n_cached, r.n_embedded) == (0, 1), (window, overlap)
        assert vq.count_vectors(store) == stored
    again = CountingFake(max_tokens=WINDOW)  # today's recipe finds its own
    assert embed_stories(store, text, again).n_cached == 1
    h = text_hash("the lunch table")
    old = hashlib.sha256()
    for part in (again.model_id, again.revision, again.backend, PREPROCESSING, str(WINDOW), h):
        old.update(part.encode("utf-8"))
        old.update(b"\x1f")
    assert cache_key(again, h) == old.hexdigest()


def test_other_backend_does_not_reuse_vectors(store: Store) -> None:
    a = CountingFake()
    embed_stories(store, [("x", "text one")], a)
    b = CountingFake()
    b.backend = "other"  # type: ignore[misc]
    r = embed_stories(store, [("x", "text one")], b)
    assert r.n_embedded == 1 and vq.count_vectors(store) == 2


def test_chunked_stories_are_counted_even_from_cache(store: Store) -> None:
    e = FakeEmbedder(max_tokens=16)
    long = " ".join(f"w{i}" for i in range(50))
    r = embed_stories(store, [("s", "short one"), ("l", long)], e)
    assert r.n_chunked == 1 and r.chunks[0] == 1 and r.chunks[1] > 1
    assert np.allclose(np.linalg.norm(r.vectors, axis=1), 1.0, atol=1e-5)
    r2 = embed_stories(store, [("s", "short one"), ("l", long)], e)
    assert r2.n_embedded == 0 and r2.n_chunked == 1


def test_progress_reports_the_embedding_stage(store: Store) -> None:
    seen: list[tuple[str, int, int | None]] = []

    def record(stage: str, done: int, total: int | None = None, detail: str = "") -> None:
        seen.append((stage, done, total))

    pairs = [(str(i), f"text {i}") for i in range(70)]
    embed_stories(store, pairs, FakeEmbedder(), progress=record)
    assert seen and seen[-1] == ("Embedding stories", 70, 70)
    assert all(b[1] >= a[1] for a, b in itertools.pairwise(seen))
    seen.clear()
    embed_stories(store, [*pairs, ("new", "new text")], FakeEmbedder(), progress=record)
    assert seen[-1] == ("Embedding stories", 1, 1)  # only the new story is embedded


def test_vectors_roundtrip_through_store(store: Store) -> None:
    v = np.arange(4, dtype=np.float32)
    with store.transaction():
        vq.put_vectors(store, [("k", "m", "b", "h", v, 1)])
    got = vq.get_vectors(store, ["k", "missing"], 4)
    assert list(got) == ["k"] and np.array_equal(got["k"].vector, v)
    assert vq.get_vectors(store, ["k"], 8) == {}
