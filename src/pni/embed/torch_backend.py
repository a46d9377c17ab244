"""The ``torch`` backend: the sentence-transformers model on CPU, offline.

Windows are tokenized by pni (so long texts are chunked, not truncated) and passed through the
model's own modules (transformer, pooling, normalize), so any sentence-transformers folder works.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pni.embed.base import WINDOW
from pni.embed.models import ModelSource, offline_env
from pni.embed.windowed import WindowedEmbedder
from pni.errors import ModelError


def load_sentence_transformer(source: ModelSource) -> Any:
    """``SentenceTransformer(folder, device="cpu")`` loaded offline, or ``ModelError``."""
    offline_env()
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(source.path), device="cpu", local_files_only=True)
    except Exception as e:
        raise ModelError(f"cannot load the model: {e}", file=source.path) from e


class TorchEmbedder(WindowedEmbedder):
    backend = "torch"

    def __init__(self, source: ModelSource, model: Any = None, window: int = WINDOW):
        super().__init__(source, window)
        self.model = model if model is not None else load_sentence_transformer(source)
        self.model.eval()
        dim_fn = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim_fn())

    def _forward(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        import torch

        features = {
            "input_ids": torch.from_numpy(input_ids),
            "attention_mask": torch.from_numpy(attention_mask),
            "token_type_ids": torch.zeros_like(torch.from_numpy(input_ids)),
        }
        with torch.inference_mode():
            out = self.model(features)["sentence_embedding"]
        return np.asarray(out.float().numpy(), dtype=np.float32)
