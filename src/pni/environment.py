"""Every environment variable pni reads, declared once: name, default and help.

The code reads them through :func:`get` / :func:`enabled` (never ``os.environ`` with a literal
``PNI_*`` name), ``docs/cli.md`` lists them from :data:`VARIABLES`, and a test fails when a
``PNI_*`` name appears in the code without being declared here. Project settings (``pni.toml``)
live in ``pni.settings``; this module is only the environment.

Example::

    >>> from pni.environment import VARIABLES
    >>> "PNI_STORE" in VARIABLES
    True
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, what applies when it is unset, and what it does."""

    name: str
    default: str
    help: str


_DECLARED = (
    Variable("PNI_STORE", "./pni.db",
             "The project's store, for every command's --store (prepare: OUTPUT/pni.db): a"
             " SQLite file, or a postgresql:// URL for a team's shared PostgreSQL database"
             " (password from the URL, PGPASSFILE or PGPASSWORD; never printed)."),
    Variable("PNI_HOME", "the user data folder (platformdirs)",
             "Where pni keeps derived files: exported embedding models and caches."),
    Variable("PNI_PROMPTS", "prompts/ of the checkout, else the installed copy",
             "A folder of facilitator-editable texts (guides, exercises, interpretations)."),
    Variable("PNI_EMBED_BACKEND", "auto",
             "The embedding backend when --backend is not given: any registered backend"
             " (pni.embed.backend_names(): auto, onnx-int8, onnx-fp32, torch, static)."),
    Variable("PNI_BUSY_TIMEOUT", "60",
             "Seconds a writer waits for another pni writing the same store before it stops"
             " with \"busy: another pni is writing\"."),
    Variable("PNI_DEBUG", "unset",
             "Set to 1 to show the traceback of an error (as --debug does)."),
    Variable("PNI_FAKE_EMBEDDER", "unset",
             "Tests only: 1 replaces the embedding model by hashed-word vectors."),
)
VARIABLES: dict[str, Variable] = {v.name: v for v in _DECLARED}


def get(name: str) -> str | None:
    """The variable's value, or None when unset or empty. Only declared names may be read."""
    if name not in VARIABLES:
        raise KeyError(f"{name} is not declared in pni.environment.VARIABLES")
    return os.environ.get(name) or None


def enabled(name: str) -> bool:
    """A yes/no variable: set to anything but empty, 0, false, no or off."""
    value = get(name)
    return value is not None and value.strip().lower() not in ("0", "false", "no", "off")
