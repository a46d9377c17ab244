"""The cache of derived results (``pni.store.derived``), on both engines."""

from __future__ import annotations

from pathlib import Path

from pni.ingest.collect import collect
from pni.ingest.imports import remove_imports
from pni.store import Store, derived


def test_an_entry_comes_back_and_the_least_recently_used_go(store: Store) -> None:
    for i in range(3):
        derived.put(store, f"k{i}", "clustering", bytes([i]) * 10, keep=3)
    assert derived.get(store, "k0") == bytes(10)  # k0 is now the most recently used
    derived.put(store, "k3", "clustering", b"x", keep=3)
    assert derived.get(store, "k1") is None  # the least recently used went
    assert [derived.get(store, k) is not None for k in ("k0", "k2", "k3")] == [True] * 3
    assert derived.usage(store) == {"clustering": (3, 21)}


def test_a_key_written_again_takes_the_new_bytes_and_kinds_are_apart(store: Store) -> None:
    derived.put(store, "k", "clustering", b"damaged", keep=1)
    derived.put(store, "k", "clustering", b"repaired", keep=1)
    derived.put(store, "o", "other", b"z", keep=1)
    assert derived.get(store, "k") == b"repaired" and derived.get(store, "o") == b"z"
    assert derived.usage(store) == {"clustering": (1, 8), "other": (1, 1)}


def test_removing_stories_empties_the_cache(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,story\nA1,The bus never came in the snow.\n",
                                    encoding="utf-8")
    rep = collect(store, [tmp_path / "a.csv"])
    derived.put(store, "k", "clustering", b"patterns of the bus story")
    remove_imports(store, [rep.files[0].import_id or 0])
    assert derived.usage(store) == {}
