"""Where pni keeps things: the store file and the data directory (model exports, caches)."""

from __future__ import annotations

import os
from pathlib import Path

STORE_ENV = "PNI_STORE"
HOME_ENV = "PNI_HOME"
DEFAULT_STORE = "pni.db"


def resolve_store(path: str | os.PathLike[str] | None = None) -> Path:
    """The store file: ``--store PATH``, else ``$PNI_STORE``, else ``./pni.db``."""
    if path:
        return Path(path)
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env)
    return Path.cwd() / DEFAULT_STORE


def data_dir() -> Path:
    """A writable folder for derived files (exported models): ``$PNI_HOME`` or the user data dir."""
    env = os.environ.get(HOME_ENV)
    if env:
        p = Path(env)
    else:
        from platformdirs import user_data_dir

        p = Path(user_data_dir("pni", appauthor=False))
    p.mkdir(parents=True, exist_ok=True)
    return p
