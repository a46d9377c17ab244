"""``auto``: the per-CPU choice of ONNX graph and batch shape, measured once and reused."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from pni.embed import get_embedder
from pni.embed.calibrate import (
    CALIBRATION_VERSION,
    MIN_COSINE,
    calibration_file,
    load,
    probe_texts,
    summary,
)
from pni.embed.models import resolve_model


def test_probe_texts_are_deterministic_and_mixed_in_length() -> None:
    texts = probe_texts()
    assert texts == probe_texts() and len(texts) == 24
    words = [len(t.split()) for t in texts]
    assert min(words) < 20 and max(words) > 250  # short answers and windowed long accounts


def test_a_broken_calibration_file_is_ignored(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "c.json"
    bad.write_text("{not json", "utf-8")
    assert load(bad) is None
    bad.write_text(json.dumps({"precision": "int4"}), "utf-8")
    assert load(bad) is None


def test_a_calibration_of_the_previous_windows_is_measured_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Batch shapes chosen for 256-token windows (calibration version 2) are not reused."""
    rec = {"precision": "int8", "batch_tokens": 512, "max_batch": 64, "cpu": "x",
           "texts_per_s": {}, "cosine_int8_fp32": 0.99, "seconds": 1.0, "workers": 2,
           "threads": 1}
    f = tmp_path / "c.json"
    f.write_text(json.dumps({**rec, "version": "2"}), "utf-8")
    assert load(f) is None
    f.write_text(json.dumps({**rec, "version": CALIBRATION_VERSION}), "utf-8")
    assert CALIBRATION_VERSION != "2" and load(f) is not None


@pytest.mark.model
def test_auto_measures_once_then_reuses_the_choice() -> None:
    emb = get_embedder()  # the session's PNI_HOME: calibrates here unless an earlier test did
    path = calibration_file(resolve_model())
    cal = load(path)
    assert cal is not None and emb.backend == cal.backend
    assert emb.batch_tokens == cal.batch_tokens  # type: ignore[attr-defined]
    assert emb.workers == cal.workers >= 1  # type: ignore[attr-defined]
    assert any("worker" in k for k in cal.texts_per_s) or os.cpu_count() == 1
    assert cal.cosine_int8_fp32 >= 0.95 and cal.cpu
    if cal.precision == "int8":
        assert cal.cosine_int8_fp32 >= MIN_COSINE
    assert cal.backend in summary(cal)
    before = os.stat(path).st_mtime_ns
    again = get_embedder()
    assert os.stat(path).st_mtime_ns == before and again.backend == emb.backend


@pytest.mark.model
def test_both_graphs_agree_and_batch_shape_does_not_change_vectors() -> None:
    texts = [*probe_texts()[:6], "ok", "Mi hija llegó llorando."]
    int8 = get_embedder(backend="onnx-int8")
    fp32 = get_embedder(backend="onnx-fp32")
    assert (int8.backend, fp32.backend) == ("onnx-int8", "onnx-fp32")
    a, b = int8.embed(texts), fp32.embed(texts)
    assert (a * b).sum(1).mean() >= MIN_COSINE
    fp32.batch_tokens, fp32.max_batch = 64, 64  # type: ignore[attr-defined]
    assert np.allclose(fp32.embed(texts), b, atol=2e-5)  # padding must not leak into vectors
