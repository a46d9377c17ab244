"""Folder manifests: a ``pni.yaml`` sets defaults for every file below it (options override).

Keys: collection, kind, listeners, form (relative to the folder), language, map; any other key
(consent, tellers, role...) is a default for the front matter of documents and transcripts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pni.errors import DataError
from pni.ingest.models import MAP_KEYS
from pni.models import SOURCE_KINDS

MANIFEST_NAMES = ("pni.yaml", "pni.yml")
SETTING_KEYS = {"collection", "kind", "listeners", "form", "language", "map"}


@dataclass
class Manifest:
    path: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


def load_manifest(folder: Path) -> Manifest | None:
    for name in MANIFEST_NAMES:
        p = folder / name
        if p.is_file():
            return parse_manifest(p)
    return None


def parse_manifest(path: Path) -> Manifest:
    from pni.limits import check_regular, load_yaml

    check_regular(path, "manifest")
    try:
        data = load_yaml(path.read_text("utf-8-sig"), file=path) or {}
    except UnicodeDecodeError as e:
        raise DataError(f"not UTF-8 (byte {e.start})", file=path) from e
    if not isinstance(data, dict):
        raise DataError("a manifest holds keys and values", file=path)
    m = Manifest(path=path)
    for k, v in data.items():
        (m.settings if k in SETTING_KEYS else m.meta)[str(k)] = v
    kind = m.settings.get("kind")
    if kind is not None and kind not in SOURCE_KINDS:
        raise DataError(f"kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}", file=path,
                        locator="kind")
    mp = m.settings.get("map")
    if mp is not None:
        if not isinstance(mp, dict) or set(mp) - set(MAP_KEYS):
            raise DataError(f"map must be KEY: COLUMN with keys from {', '.join(MAP_KEYS)}",
                            file=path, locator="map")
        m.settings["map"] = {str(k): str(v) for k, v in mp.items()}
    ls = m.settings.get("listeners")
    if isinstance(ls, str):
        m.settings["listeners"] = [x.strip() for x in ls.split(",") if x.strip()]
    elif ls is not None and not isinstance(ls, list):
        raise DataError("listeners must be a list of names", file=path, locator="listeners")
    if "form" in m.settings:
        m.settings["form"] = (path.parent / str(m.settings["form"])).resolve()
    return m


def manifests_for(file: Path, root: Path) -> list[Manifest]:
    """Manifests from ``root`` down to the file's folder (nearest last, so it wins)."""
    folders = []
    d = file.parent.resolve()
    top = root.resolve()
    while True:
        folders.append(d)
        if d == top or d.parent == d or top not in d.parents:
            break
        d = d.parent
    out = []
    for f in reversed(folders):
        m = load_manifest(f)
        if m:
            out.append(m)
    return out
