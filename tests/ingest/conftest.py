from __future__ import annotations

from pathlib import Path

import pytest

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


@pytest.fixture
def fix() -> Path:
    return FIX
