"""Model resolution and the real backends. Tests marked ``model`` load the packaged MiniLM."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from pni.embed import FakeEmbedder, embed_stories, get_embedder, n_windows
from pni.embed.base import WINDOW
from pni.embed.models import DEFAULT_MODEL, resolve_model
from pni.embed.windowed import WindowedEmbedder
from pni.errors import ModelError, UsageError
from pni.store import Store

SIMILAR = [
    "Nobody talked to me at the lunch table on my first day at the new school.",
    "On my first day in the new school I ate lunch alone because no one would sit with me.",
    "The bank charged my credit card twice and never refunded the overdraft fee.",
]
LONG = " ".join(
    f"In week {i} my daughter came home from school tired, with hours of homework and a test"
    " the next morning, and we argued about sleep and deadlines again." for i in range(30)
)


def test_fake_by_name_or_backend() -> None:
    assert isinstance(get_embedder("fake"), FakeEmbedder)
    assert isinstance(get_embedder(backend="fake"), FakeEmbedder)


def test_unknown_backend_is_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown embedding backend"):
        get_embedder(backend="gpu-magic")


@pytest.mark.parametrize("name", ["nobody-here/no-such-model", "no_such_model_xyz"])
def test_missing_model_is_model_error(name: str) -> None:
    with pytest.raises(ModelError, match="never"):
        get_embedder(name, backend="torch")


def test_model_path_that_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"no config\.json"):
        get_embedder(str(tmp_path), backend="onnx-int8")
    f = tmp_path / "x.txt"
    f.write_text("hi")
    with pytest.raises(ModelError, match="not a file") as info:
        get_embedder(str(f))
    assert str(f) in str(info.value)


def test_default_model_resolves_to_packaged_folder() -> None:
    src = resolve_model()
    assert src.model_id == DEFAULT_MODEL
    assert (src.path / "model.safetensors").is_file()
    assert len(src.revision) == 16 and src.revision == resolve_model(DEFAULT_MODEL).revision
    assert src.max_tokens() == 256
    assert src.pooling().get("pooling_mode_mean_tokens") is True


class RecordingWindows(WindowedEmbedder):
    """The real tokenizer and windowing, with a forward pass that records window lengths."""

    backend = "recording"

    def __init__(self) -> None:
        super().__init__(resolve_model())
        self.dim = 4
        self.lengths: list[int] = []

    def _forward(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        self.lengths.extend(int(x) for x in attention_mask.sum(1))
        return np.tile(np.array([1.0, 0, 0, 0], dtype=np.float32), (len(input_ids), 1))


def test_long_text_is_split_into_windows_within_the_model_limit() -> None:
    e = RecordingWindows()
    assert e.max_tokens == WINDOW == 256 == resolve_model().max_tokens()
    (n_tokens,) = e.count_tokens([LONG])
    assert n_tokens > 3 * 256
    v = e.embed([LONG, "short"])
    assert len(e.lengths) == n_windows(n_tokens, e.max_tokens) + 1 >= 6
    long = e.lengths[1:] if e.lengths[0] < 10 else e.lengths[:-1]
    assert all(n == WINDOW for n in sorted(long)[1:])  # every window full but the last
    assert np.allclose(np.linalg.norm(v, axis=1), 1)
    wide = RecordingWindows.__new__(RecordingWindows)
    WindowedEmbedder.__init__(wide, resolve_model(), window=512)
    assert wide.max_tokens == 256  # the model's own limit caps a wider window


class BatchRecorder(RecordingWindows):
    """Records each forward call's (lengths, whether its mask is all ones)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[set[int], bool]] = []

    def _forward(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        self.calls.append(({int(x) for x in attention_mask.sum(1)}, bool(attention_mask.all())))
        return super()._forward(input_ids, attention_mask)


def test_exact_length_batches_hold_one_length_and_no_padding() -> None:
    texts = [f"story {i} " + "word " * (i % 7) for i in range(40)] + [LONG]
    e = BatchRecorder()
    e.exact_lengths, e.max_batch, e.batch_tokens = True, 64, 512
    e.embed(texts)
    assert all(len(lengths) == 1 and unpadded for lengths, unpadded in e.calls)
    mixed = BatchRecorder()
    mixed.max_batch, mixed.batch_tokens = 64, 512
    mixed.embed(texts)  # the default batching pads: some call mixes lengths
    assert any(len(lengths) > 1 and not unpadded for lengths, unpadded in mixed.calls)
    assert sum(len(c[0]) for c in e.calls) >= len({n for c in mixed.calls for n in c[0]})


class SlowWindows(RecordingWindows):
    """Forward calls that finish out of order: the first and every third batch wait."""

    def _forward(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        import time

        if int(input_ids[0, 1]) % 3 == 0:
            time.sleep(0.01)
        first = input_ids[:, 1].astype(np.float32)
        return np.stack([first, attention_mask.sum(1).astype(np.float32),
                         np.ones(len(input_ids), np.float32), first % 7], axis=1)


def test_workers_give_the_same_vectors_in_input_order() -> None:
    texts = [f"{w} story number {i} " * (1 + i % 9) for i, w in
             enumerate(["lunch", "bus", "teacher", "snow", "robot", "test"] * 5)]
    one, many = SlowWindows(), SlowWindows()
    many.workers = 3
    one.max_batch = many.max_batch = 2
    done: list[int] = []
    got = many.embed(texts, progress=lambda d, n: done.append(d))
    assert np.array_equal(got, one.embed(texts))
    assert done == sorted(done) and done[-1] == len(texts)


# -- the real packaged model -------------------------------------------------------------------
@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The session's PNI_HOME (as conftest sets it), so the export is made once per session."""
    home = os.environ.get("PNI_TEST_HOME") or str(tmp_path_factory.getbasetemp() / "pni-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PNI_HOME", home)
        yield home


@pytest.fixture(scope="module")
def onnx(home: str):  # type: ignore[no-untyped-def]
    return get_embedder()  # default backend: auto (int8 or fp32 ONNX), exported here if not cached


@pytest.fixture(scope="module")
def torch_e(home: str):  # type: ignore[no-untyped-def]
    return get_embedder(backend="torch")


@pytest.mark.model
def test_default_backend_is_onnx_and_similar_stories_are_closer(onnx) -> None:  # type: ignore[no-untyped-def]
    assert onnx.backend in ("onnx-int8", "onnx-fp32") and onnx.dim == 384
    v = onnx.embed(SIMILAR)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.3


@pytest.mark.model
def test_a_storys_vector_does_not_depend_on_what_it_is_embedded_with(onnx) -> None:  # type: ignore[no-untyped-def]
    """int8 activations are quantized per forward call: with one window a call, the same story
    gets the same vector bit for bit beside any other stories of its length, in any order."""
    story = "The lunch table was full and nobody moved over for me, so I ate in the library."
    n = onnx.count_tokens([story])[0]
    # stories of exactly its length: the ones a batch of one window length would put with it
    others = [t for w in ("gym", "hall", "office", "car", "yard", "bathroom", "stairs")
              if onnx.count_tokens([t := story.replace("library", w)])[0] == n]
    assert len(others) >= 3
    alone = onnx.embed([story])
    with_others = onnx.embed([*others, story])
    reordered = onnx.embed([others[1], story, others[0]])
    assert np.array_equal(alone[0], with_others[-1]) and np.array_equal(alone[0], reordered[1])


def test_onnx_agrees_with_torch(onnx, torch_e) -> None:  # type: ignore[no-untyped-def]
    texts = [*SIMILAR, LONG, "ok", "Mi hija llegó llorando porque nadie jugó con ella."]
    cos = (onnx.embed(texts) * torch_e.embed(texts)).sum(1)
    assert cos.mean() >= 0.98 and cos.min() >= 0.96, cos


@pytest.mark.model
def test_torch_backend_matches_sentence_transformers_encode(torch_e) -> None:  # type: ignore[no-untyped-def]
    ref = torch_e.model.encode(SIMILAR, normalize_embeddings=True)
    assert ((torch_e.embed(SIMILAR) * ref).sum(1) > 0.9999).all()


@pytest.mark.model
def test_real_model_chunks_long_story_and_caches(onnx, store: Store) -> None:  # type: ignore[no-untyped-def]
    r = embed_stories(store, [("a", SIMILAR[0]), ("b", LONG)], onnx)
    assert (r.n_embedded, r.n_chunked, r.chunks[0]) == (2, 1, 1) and r.chunks[1] >= 4
    assert np.allclose(np.linalg.norm(r.vectors, axis=1), 1, atol=1e-5)
    again = embed_stories(store, [("b", LONG), ("a", SIMILAR[0])], onnx)
    assert again.n_embedded == 0 and np.array_equal(again.vectors[0], r.vectors[1])


@pytest.mark.model
def test_cached_export_loads_without_torch(onnx, home: str) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys; from pni.embed import get_embedder; e = get_embedder();"
        " e.embed(['hello']); print(e.backend, 'torch' in sys.modules,"
        " 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PNI_HOME": home}, check=True, timeout=60)
    backend, *imported = out.stdout.split()
    assert backend == onnx.backend and imported == ["False", "False"]


@pytest.mark.model
def test_export_keeps_the_model_function_with_one_qkv_product(torch_e) -> None:  # type: ignore[no-untyped-def]
    import onnx

    from pni.embed.onnx_backend import ONNX_FILES

    fp32 = get_embedder(backend="onnx-fp32")
    ops = {p: [n.op_type for n in onnx.load(str(fp32.folder / f)).graph.node]  # type: ignore[attr-defined]
           for p, f in ONNX_FILES.items()}
    for p, names in ops.items():  # the slow fused kernels are gone from both graphs
        assert not {"SkipLayerNormalization", "Attention", "QAttention"} & set(names), p
        assert names.count("MultiHeadAttention") == 6 and names.count("LayerNormalization") == 12
    assert ops["int8"].count("MatMulInteger") == 24  # Q/K/V, output, two feed-forward per layer
    texts = [*SIMILAR, LONG, "ok"]
    cos = (fp32.embed(texts) * torch_e.embed(texts)).sum(1)
    assert cos.min() > 0.9999, cos  # the rewritten float graph is the model's function


@pytest.mark.model
def test_mask_free_graph_serves_unpadded_batches_with_the_same_vectors(torch_e) -> None:  # type: ignore[no-untyped-def]
    import onnx

    from pni.embed.onnx_backend import MASK_FREE_FILES, ONNX_FILES

    fp32 = get_embedder(backend="onnx-fp32")
    for p, f in MASK_FREE_FILES.items():  # the same graph, attention without its key mask
        nodes = onnx.load(str(fp32.folder / f)).graph.node  # type: ignore[attr-defined]
        masked = onnx.load(str(fp32.folder / ONNX_FILES[p])).graph.node  # type: ignore[attr-defined]
        assert [n.op_type for n in nodes] == [n.op_type for n in masked], p
        assert all(len(n.input) == 3 for n in nodes if n.op_type == "MultiHeadAttention"), p
    assert fp32.mask_free is not None and fp32.exact_lengths
    texts = [*SIMILAR, LONG, "ok", "Mi hija llegó llorando porque nadie jugó con ella."]
    used: list[bool] = []
    run_free = fp32.mask_free.run

    def spy(*a, **kw):  # type: ignore[no-untyped-def]
        used.append(True)
        return run_free(*a, **kw)

    fp32.mask_free.run = spy  # type: ignore[method-assign]
    exact = fp32.embed(texts)
    assert used  # unpadded batches went to the mask-free graph
    assert (exact * torch_e.embed(texts)).sum(1).min() > 0.9999
    used.clear()
    fp32.exact_lengths, fp32.max_batch, fp32.batch_tokens = False, 64, 4096
    padded = fp32.embed(texts)  # mixed lengths: padded batches must run masked
    assert np.allclose(padded, exact, atol=2e-5)
