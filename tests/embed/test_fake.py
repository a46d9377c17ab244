from __future__ import annotations

import numpy as np

from pni.embed import Embedder, FakeEmbedder, n_windows


def test_deterministic_across_instances() -> None:
    texts = ["We sat at the lunch table alone.", "The test grade was a surprise."]
    a = FakeEmbedder().embed(texts)
    b = FakeEmbedder().embed(list(reversed(texts)))
    assert np.array_equal(a, b[::-1])


def test_rows_are_unit_float32() -> None:
    v = FakeEmbedder(dim=32).embed(["one two three", "", "four"])
    assert v.dtype == np.float32 and v.shape == (3, 32)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_shared_words_are_closer() -> None:
    e = FakeEmbedder()
    v = e.embed([
        "nobody talked to me at the lunch table in the new school",
        "at the new school I sat alone at the lunch table",
        "the homework deadline kept me up late on the weekend",
    ])
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.2


def test_satisfies_protocol_and_counts_tokens() -> None:
    e = FakeEmbedder()
    assert isinstance(e, Embedder)
    assert e.count_tokens(["a b c", ""]) == [5, 2]


def test_long_text_is_chunked_and_normalized() -> None:
    e = FakeEmbedder(max_tokens=16)
    text = " ".join(f"w{i}" for i in range(40))
    (n,) = e.count_tokens([text])
    assert n_windows(n, e.max_tokens) > 1
    v = e.embed([text, " ".join(f"w{i}" for i in range(10))])
    assert abs(float(np.linalg.norm(v[0])) - 1.0) < 1e-5
    # the pooled vector reflects the whole text, including its end
    tail = e.embed([" ".join(f"w{i}" for i in range(26, 40))])[0]
    head_only = e.embed([" ".join(f"w{i}" for i in range(14))])[0]
    assert float(v[0] @ tail) > 0.2 and float(v[0] @ head_only) > 0.2
