"""pni: a toolkit for participatory narrative inquiry.

The library API is what a script imports; the `pni` command is a thin layer over it. Names load
lazily, so ``import pni`` stays fast::

    import pni

    with pni.Store.open("pni.db") as db:
        report = pni.collect(db, [Path("sample_stories")])     # read = stored + dup + rejected
        run = pni.cluster_stories(db, pni.get_embedder())       # candidate patterns, saved
        explored = pni.build_report(db, run_id=run.run_id)      # catalysis
        packets = pni.build_packets(db, pni.PacketOptions(run_id=run.run_id))
    pni.write_packets(packets, Path("out/packet.pdf"), "pdf")

or all of it at once: ``pni.prepare([Path("sample_stories")], Path("out"))``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

#: public name -> the module that defines it
_API = {
    "Store": "pni.store",
    "list_stories": "pni.store.stories",
    "get_story": "pni.store.stories",
    "collect": "pni.ingest.collect",
    "CollectOptions": "pni.ingest.models",
    "get_embedder": "pni.embed",
    "embed_stories": "pni.embed",
    "cluster_stories": "pni.cluster",
    "cluster_vectors": "pni.cluster",
    "assign_new_stories": "pni.cluster",
    "build_report": "pni.explore.report",
    "build_packets": "pni.packet",
    "write_packets": "pni.render",
    "write_report": "pni.render",
    "PacketOptions": "pni.packet",
    "Redactor": "pni.privacy",
    "prepare": "pni.prepare",
    "PniError": "pni.errors",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'pni' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
