"""Where a store lives: a SQLite file (a path) or a PostgreSQL database (a ``postgresql://`` URL).

A URL is never shown as given: :func:`mask` hides its password (``user:***@host``, and a
``password=`` parameter), and :class:`StoreURL` (what ``--store`` and ``$PNI_STORE`` turn a URL
into) prints only the masked form.

>>> is_url("postgresql://ana:s3cret@db.example.org/district")
True
>>> is_url("district.db")
False
>>> mask("postgresql://ana:s3cret@db.example.org/district?sslmode=require")
'postgresql://ana:***@db.example.org/district?sslmode=require'
>>> str(StoreURL("postgres://ana:s3cret@db/district"))
'postgres://ana:***@db/district'
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

SCHEMES = ("postgresql://", "postgres://")

_USERINFO = re.compile(r"^(?P<scheme>[a-z]+://)(?P<user>[^:@/?#]*):(?P<pw>[^@/?#]*)@")
_PARAM = re.compile(r"(?i)(?P<key>(?:^|[?&\s])password=)(?P<pw>[^&\s]*)")


def is_url(value: object) -> bool:
    """Whether a ``--store`` value names a PostgreSQL database rather than a file."""
    if isinstance(value, StoreURL):
        return True
    return isinstance(value, str) and value.lower().startswith(SCHEMES)


def password(url: str) -> str | None:
    """The password written in ``url`` (in its user part or as a parameter), if any."""
    m = _USERINFO.match(url)
    if m and m.group("pw"):
        return m.group("pw")
    p = _PARAM.search(url)
    return p.group("pw") if p and p.group("pw") else None


def mask(text: str, url: str | None = None) -> str:
    """``text`` with every password hidden: a URL's ``user:password@`` and ``password=...``,
    and, when ``url`` is given, that URL's password wherever it appears (in a server's
    message, say)."""
    secret = password(url) if url else None
    if secret:
        from urllib.parse import unquote

        for form in {secret, unquote(secret)}:
            if len(form) >= 3:
                text = text.replace(form, "***")
    text = re.sub(r"(?P<scheme>[a-z]+://)(?P<user>[^:@/?#\s]*):(?P<pw>[^@/?#\s]*)@",
                  lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _PARAM.sub(lambda m: f"{m['key']}***", text)


_Base = type(Path())


class StoreURL(_Base):  # type: ignore[valid-type,misc]
    """A PostgreSQL URL given where a store path goes (``--store``, ``$PNI_STORE``).

    It is a ``Path`` so that every command passes it on unchanged, but ``str()`` gives the URL
    with its password masked, ``url`` the URL itself, and ``parent`` the project's folder (the
    working directory, where ``pni.toml`` and ``names.txt`` are read)."""

    url: str
    folder: Path

    def __new__(cls, url: str) -> StoreURL:
        self = super().__new__(cls, url)
        self.url = url
        self.folder = Path.cwd()
        return self

    def __init__(self, url: str) -> None:  # Python 3.12's PurePath takes its segments here
        with contextlib.suppress(TypeError):  # 3.11: object.__init__ takes no segments
            super().__init__(url)

    def with_segments(self, *segments: str) -> Path:  # 3.12+: derived paths are plain paths
        return Path(*segments)

    @property
    def parent(self) -> Path:
        return self.folder

    @property
    def name(self) -> str:
        return mask(self.url)

    def __str__(self) -> str:
        return mask(self.url)

    def __fspath__(self) -> str:
        return mask(self.url)

    def __repr__(self) -> str:
        return f"StoreURL({mask(self.url)!r})"

    def __reduce__(self) -> tuple[type[StoreURL], tuple[str]]:
        return (StoreURL, (self.url,))

    def exists(self, *args: object, **kwargs: object) -> bool:
        return True

    def is_file(self, *args: object, **kwargs: object) -> bool:
        return False

    def is_dir(self, *args: object, **kwargs: object) -> bool:
        return False


def parse_store(value: str | os.PathLike[str] | None) -> Path | None:
    """A ``--store`` value as pni uses it: a URL as a :class:`StoreURL`, anything else as a
    ``Path`` (``None`` stays ``None``)."""
    if value is None or isinstance(value, Path):
        return value
    text = os.fspath(value)
    if not text:
        return None
    return StoreURL(text) if is_url(text) else Path(text)


def real_url(store: str | os.PathLike[str]) -> str:
    """The URL itself (with its password) of a URL store."""
    return store.url if isinstance(store, StoreURL) else os.fspath(store)
