from __future__ import annotations

import itertools

import numpy as np
import pytest

from pni.embed.base import N_SPECIAL, n_windows, pool_windows, preprocess, window_spans


@pytest.mark.parametrize("n", [0, 1, 254, 255, 256, 600, 1000])
def test_windows_cover_every_token_within_the_window(n: int) -> None:
    spans = window_spans(n, max_tokens=256, overlap=32)
    covered = set()
    for s, e in spans:
        assert 0 <= s < e or n == 0
        assert e - s <= 256 - N_SPECIAL
        covered.update(range(s, e))
    assert covered == set(range(n))
    assert spans[-1][1] == n
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        assert e1 - s2 == 32  # consecutive windows overlap


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
