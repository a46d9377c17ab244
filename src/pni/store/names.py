"""Known names: the keyed hashes of every name pni has seen, for redaction. Only storage here;
what a name is and how it is hashed is ``pni.privacy.known``."""

from __future__ import annotations

from collections.abc import Iterable

from pni.store.db import Store
from pni.store.records import KnownName


def add_name_rows(db: Store, rows: Iterable[tuple[str, int, int, str]]) -> None:
    """``(digest, words, capitalised_only, source)`` rows; a digest already known stays, and is
    capitalised-only only if every way it was met is."""
    db.executemany(
        "INSERT INTO known_names(digest, words, capitalised_only, source) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(digest) DO UPDATE SET capitalised_only ="
        " CASE WHEN excluded.capitalised_only < known_names.capitalised_only"
        " THEN excluded.capitalised_only ELSE known_names.capitalised_only END", list(rows))


def name_rows(db: Store) -> list[KnownName]:
    """Every known name entry, in the order they were first met."""
    return [KnownName.from_row(r) for r in db.query(
        "SELECT digest, words, capitalised_only FROM known_names ORDER BY rowid")]


def count_names(db: Store) -> dict[str, int]:
    """Known name entries by source."""
    return {r["source"]: r["n"] for r in db.query(
        "SELECT source, count(*) AS n FROM known_names GROUP BY source ORDER BY source")}
