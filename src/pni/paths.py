"""Where pni keeps things: the store (a file, or a ``postgresql://`` URL) and the data directory
(model exports, caches)."""

from __future__ import annotations

import os
from pathlib import Path

from pni.environment import get

STORE_ENV = "PNI_STORE"
HOME_ENV = "PNI_HOME"
DEFAULT_STORE = "pni.db"


def resolve_store(path: str | os.PathLike[str] | None = None) -> Path:
    """The store: ``--store PATH``, else ``$PNI_STORE``, else ``./pni.db``. A ``postgresql://``
    URL comes back as a :class:`pni.store.url.StoreURL` (never a folder named ``postgresql:``);
    its ``parent`` is the working directory, where the project's ``pni.toml`` is read."""
    from pni.store.url import parse_store

    for value in (path, get(STORE_ENV)):
        found = parse_store(value) if value else None
        if found is not None:
            return found
    return Path.cwd() / DEFAULT_STORE


def data_dir() -> Path:
    """A writable folder for derived files (exported models): ``$PNI_HOME`` or the user data dir."""
    env = get(HOME_ENV)
    if env:
        p = Path(env)
    else:
        from platformdirs import user_data_dir

        p = Path(user_data_dir("pni", appauthor=False))
    p.mkdir(parents=True, exist_ok=True)
    return p


PROMPTS_ENV = "PNI_PROMPTS"


def prompts_dir() -> Path:
    """The facilitator-editable texts: ``$PNI_PROMPTS``, else ``prompts/`` of a source checkout
    (or editable install), else the copy installed inside the package (``pni/prompts``)."""
    env = get(PROMPTS_ENV)
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for cand in (here.parents[1] / "prompts", here / "prompts"):
        if cand.is_dir():
            return cand
    from pni.errors import DataError

    raise DataError("the prompts folder is missing from this install (set PNI_PROMPTS)")
