"""The ``static`` (model2vec) backend, registered as one module of pni.embed.backends. The tests
use a tiny hand-made static model placed where the distilled one would be (distilling the real one
takes minutes on 2 cores: bench/embed.py --static and bench/cluster_quality.py --only backends
measure it). Skipped where model2vec is not installed (it is not a dependency of pni)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

pytest.importorskip("model2vec")

from pni.cli import app
from pni.embed import cache_key, embed_stories, get_embedder, text_hash
from pni.embed import static_backend as sb
from pni.embed.backends.base import names
from pni.embed.models import resolve_model
from pni.embed.onnx_backend import export_dir
from pni.errors import DependencyError
from pni.store import Store
from tests.helpers import populate

runner = CliRunner()
WORDS = ["[UNK]", "[PAD]", "lunch", "table", "sat", "we", "test", "grade", "teacher", "the"]


def tiny_static_model(folder: Path, dim: int = 8) -> None:
    """A word-level model2vec model over ``WORDS``, saved as the backend saves a distilled one."""
    from model2vec import StaticModel
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.normalizers import Lowercase
    from tokenizers.pre_tokenizers import Whitespace

    tok = Tokenizer(WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tok.normalizer = Lowercase()
    tok.pre_tokenizer = Whitespace()
    vecs = np.random.default_rng(0).standard_normal((len(WORDS), dim)).astype(np.float32)
    vecs[WORDS.index("table")] = vecs[WORDS.index("lunch")] + 0.1  # lunch ~ table
    StaticModel(vecs, tok, normalize=True).save_pretrained(str(folder))
    (folder / sb.META_FILE).write_text(json.dumps({"dim": dim, "distill_version": "test"}))


@pytest.fixture
def tiny_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PNI_HOME whose static model for the packaged MiniLM is the tiny one (no distillation)."""
    monkeypatch.setenv("PNI_HOME", str(tmp_path / "home"))
    tiny_static_model(sb.static_dir(resolve_model()))
    return tmp_path / "home"


def test_static_is_a_backend_with_its_own_folder() -> None:
    assert "static" in names(listed=True)
    src = resolve_model()
    folder = sb.static_dir(src)
    assert folder.name == f"all-MiniLM-L6-v2-{src.revision}-static-v{sb.DISTILL_VERSION}"
    assert folder != export_dir(src) and folder.parent == export_dir(src).parent


def test_missing_model2vec_is_a_dependency_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "model2vec", None)  # import model2vec -> ImportError
    with pytest.raises(DependencyError, match=r"pip install 'model2vec>=0.10'"):
        get_embedder(backend="static")


def test_cli_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PNI_FAKE_EMBEDDER", raising=False)
    monkeypatch.setitem(sys.modules, "model2vec", None)
    db_path = tmp_path / "pni.db"
    with Store.open(db_path) as db:
        populate(db, 5)
    r = runner.invoke(app, ["cluster", "--store", str(db_path), "--backend", "static"])
    assert r.exit_code == 1 and r.stdout == ""
    assert "pip install 'model2vec>=0.10'" in r.stderr and "Traceback" not in r.stderr


def test_cluster_help_names_static() -> None:
    r = runner.invoke(app, ["cluster", "--help"], terminal_width=200)
    assert r.exit_code == 0 and "|static|" in r.stdout.replace(">", "|")


def test_embedder_from_cached_folder(tiny_home: Path) -> None:
    e = get_embedder(backend="static")
    assert isinstance(e, sb.StaticEmbedder)
    assert (e.backend, e.dim, e.max_tokens) == ("static", 8, sb.MAX_TOKENS)
    assert e.revision == f"{resolve_model().revision}-static-v{sb.DISTILL_VERSION}"
    seen: list[tuple[int, int]] = []
    v = e.embed(["We sat at the lunch", "the table", "grade test", "", "zzz qqq"],
                progress=lambda d, t: seen.append((d, t)))
    assert v.dtype == np.float32 and v.shape == (5, 8)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-6)  # no-word texts too
    assert np.array_equal(v[3], v[4])  # nothing known: the [UNK] vector
    assert seen[-1] == (5, 5)
    assert e.count_tokens(["we sat", "", "lunch " * 3000]) == [2, 0, 3000]
    assert e.embed([]).shape == (0, 8)


def test_long_text_is_whole_not_chunked(tiny_home: Path, store: Store) -> None:
    e = get_embedder(backend="static")
    long = "we sat at the lunch table " * 400  # 2,400 word pieces, far past MiniLM's 256
    r = embed_stories(store, [("a", long), ("b", "the test grade")], e)
    assert (r.n_embedded, r.n_chunked, r.chunks) == (2, 0, [1, 1])
    # the whole text counts (model2vec's tokenizer would cut it at 512 pieces)
    tail = long + " grade test " * 600
    assert not np.allclose(e.embed([tail])[0], e.embed([long])[0], atol=1e-3)
    again = embed_stories(store, [("b", "the test grade"), ("a", long)], e)
    assert again.n_embedded == 0 and np.array_equal(again.vectors[1], r.vectors[0])


def test_cache_key_differs_from_onnx(tiny_home: Path) -> None:
    e = get_embedder(backend="static")
    src = resolve_model()
    onnx_like = SimpleNamespace(model_id=src.model_id, revision=src.revision,
                                backend="onnx-int8", max_tokens=src.max_tokens())
    h = text_hash("We sat at the lunch table.")
    assert e.model_id == onnx_like.model_id
    assert cache_key(e, h) != cache_key(onnx_like, h)  # type: ignore[arg-type]


def test_cluster_cli_runs_on_static(tiny_home: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PNI_FAKE_EMBEDDER", raising=False)
    db_path = tmp_path / "pni.db"
    with Store.open(db_path) as db:
        populate(db, 30)
    r = runner.invoke(app, ["cluster", "--store", str(db_path), "--backend", "static", "--json"])
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["embedding"]["backend"] == "static" and out["embedding"]["n_embedded"] == 30


def test_failed_distillation_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import model2vec.distill

    def boom(**_: object) -> None:
        raise RuntimeError("no")

    monkeypatch.setattr(model2vec.distill, "distill", boom)
    target = tmp_path / "models" / "m-static-v1"
    with pytest.raises(RuntimeError):
        sb.distill_model(resolve_model(), target)
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_distill_writes_folder_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import model2vec.distill
    from model2vec import StaticModel

    calls: list[dict[str, object]] = []

    def fake_distill(**kw: object) -> StaticModel:
        calls.append(kw)
        tiny_static_model(tmp_path / "made")
        return StaticModel.from_pretrained(tmp_path / "made")

    monkeypatch.setattr(model2vec.distill, "distill", fake_distill)
    target = tmp_path / "models" / "m-static-v1"
    meta = sb.distill_model(resolve_model(), target)
    assert calls[0]["pca_dims"] == sb.PCA_DIMS and calls[0]["model_name"] == str(resolve_model().path)
    assert (target / sb.META_FILE).is_file() and (target / sb.WEIGHTS_FILE).is_file()
    assert meta["pca_dims"] == sb.PCA_DIMS and meta["dim"] == 8
    assert [p.name for p in target.parent.iterdir()] == ["m-static-v1"]  # no temp folder left
