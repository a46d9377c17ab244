from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.pop("PNI_STORE", None)

from pni.store import Store
from tests.helpers import fake_run, populate

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_stories"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Derived files (model exports) go to a per-session temp dir, never the user's data dir."""
    home = os.environ.get("PNI_TEST_HOME")
    if not home:
        home = str(tmp_path_factory.getbasetemp() / "pni-home")
    monkeypatch.setenv("PNI_HOME", home)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "pni.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    db = Store.open(store_path)
    yield db
    db.close()


@pytest.fixture
def populated(store: Store) -> tuple[Store, list[str]]:
    """A store with 60 themed synthetic stories and their answers."""
    return store, populate(store, 60)


@pytest.fixture
def with_run(populated: tuple[Store, list[str]]) -> tuple[Store, list[str], int]:
    """The populated store plus a fake cluster run whose patterns are the themes."""
    db, ids = populated
    return db, ids, fake_run(db, ids)
