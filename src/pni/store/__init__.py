"""The store: the only code that writes SQL. ``Store`` is the connection; per-domain query
modules (``stories``, ``vectors``, ``runs``, ...) are plain functions that take a ``Store``."""

from pni.store.db import Store, dumps, loads, migration_names

__all__ = ["Store", "dumps", "loads", "migration_names"]
