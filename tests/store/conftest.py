"""The store tests run on both engines: ``store`` and ``store_location`` are parametrised over
SQLite (a file in a temp folder) and PostgreSQL (a new database on a throwaway server, see
``tests/store/postgres.py``; skipped with the reason where PostgreSQL is missing, a failure in
CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pni.store import Store
from tests.store.postgres import ENGINES, location_for


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_location(engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store's location; the working directory is the project's folder (a PostgreSQL
    store's files are named relative to it, as a SQLite store's are to the file's folder)."""
    monkeypatch.chdir(tmp_path)
    return location_for(engine, tmp_path)


@pytest.fixture
def store(store_location: str) -> Iterator[Store]:
    db = Store.open(store_location)
    yield db
    db.close()
