"""The concurrency and kill tests run on both engines (``engine``: SQLite, and PostgreSQL on a
throwaway server; see tests/store/postgres.py)."""

from __future__ import annotations

import pytest

from tests.store.postgres import ENGINES


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)
