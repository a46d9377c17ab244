from __future__ import annotations

import pytest

from pni import environment


def test_get_reads_declared_variables_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PNI_DEBUG", "")
    assert environment.get("PNI_DEBUG") is None
    monkeypatch.setenv("PNI_STORE", "/x/p.db")
    assert environment.get("PNI_STORE") == "/x/p.db"
    with pytest.raises(KeyError, match="PNI_NOPE"):
        environment.get("PNI_NOPE")


@pytest.mark.parametrize(("value", "on"), [("1", True), ("yes", True), ("0", False),
                                           ("off", False), ("false", False), ("", False)])
def test_enabled(value: str, on: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PNI_FAKE_EMBEDDER", value)
    assert environment.enabled("PNI_FAKE_EMBEDDER") is on
