"""One registry for every extension point (readers and survey platforms, clusterers, embedding
backends): items registered by name, the modules of their package imported on first use, so
that a new reader, method or backend is one module that registers itself.

>>> from dataclasses import dataclass
>>> @dataclass
... class Thing:
...     name: str
>>> things: Registry[Thing] = Registry("pni.registry")
>>> _ = things.register(Thing("a"))
>>> sorted(things.all())
['a']
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Collection
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Items by ``name``; ``all()`` first imports every module of ``package`` (but ``skip``),
    whose import registers what it defines."""

    def __init__(self, package: str, skip: Collection[str] = ("base",)) -> None:
        self.package = package
        self.skip = set(skip)
        self.items: dict[str, T] = {}
        self.loaded = False

    def register(self, item: T) -> T:
        """Add ``item`` (replacing one of the same name); returns it."""
        self.items[str(getattr(item, "name"))] = item  # noqa: B009 - any item with a name
        return item

    def all(self) -> dict[str, T]:
        """Every registered item, by name, the package's modules imported first."""
        if not self.loaded:
            self.loaded = True
            pkg = importlib.import_module(self.package)
            for mod in sorted(pkgutil.iter_modules(getattr(pkg, "__path__", [])),
                              key=lambda m: m.name):
                if mod.name not in self.skip:
                    importlib.import_module(f"{self.package}.{mod.name}")
        return self.items
