from __future__ import annotations

import itertools

import numpy as np
import pytest

from pni.embed.base import (
    N_SPECIAL,
    OVERLAP,
    WINDOW,
    n_windows,
    pool_windows,
    preprocess,
    window_spans,
)


@pytest.mark.parametrize("n", [0, 1, 125, 126, 127, 251, 252, 253, 254, 255, 256, 600, 1000, 4095])
@pytest.mark.parametrize(("window", "overlap"), [(256, 32), (128, 0), (128, 16), (9, 2)])
def test_windows_cover_every_token_each_full_but_the_last(
        n: int, window: int, overlap: int) -> None:
    spans = window_spans(n, max_tokens=window, overlap=overlap)
    width = window - N_SPECIAL
    covered = set()
    for s, e in spans:
        assert 0 <= s < e or n == 0
        assert e - s <= width
        covered.update(range(s, e))
    assert covered == set(range(n))
    assert spans[0][0] == 0 and spans[-1][1] == n
    assert all(e - s == width for s, e in spans[:-1])  # full windows, the rest in the last
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        assert e1 - s2 == overlap  # consecutive windows share exactly ``overlap`` tokens


def test_default_windows_are_256_word_pieces_sharing_32() -> None:
    assert WINDOW == 256 and OVERLAP == 32
    assert window_spans(300, WINDOW) == [(0, 254), (222, 300)]
    assert n_windows(256, WINDOW) == 1 and n_windows(257, WINDOW) == 2


def test_n_windows_counts_special_tokens() -> None:
    assert n_windows(256, 256) == 1
    assert n_windows(257, 256) == 2


def test_pool_windows_weights_and_renormalizes() -> None:
    v = np.array([[1, 0], [0, 1], [1, 0]], dtype=np.float32)
    out = pool_windows(v, owner=[0, 0, 1], weights=[3, 1, 1], n=2)
    assert np.allclose(np.linalg.norm(out, axis=1), 1)
    assert out[0, 0] > out[0, 1] > 0
    assert np.allclose(out[1], [1, 0])


def test_preprocess_nfc_and_whitespace() -> None:
    assert preprocess("  Cafe\u0301\n\tlunch  ") == "Caf\u00e9 lunch"
