"""A clustering kept for the next `pni cluster` on the same inputs (issue 23).

``cluster_vectors`` is deterministic: the same vectors, texts, settings and code give the same
patterns. ``key`` digests every input of a call (the vectors' bytes, the redacted texts, which
stories may be exemplars, their titles, the names kept out of labels, every argument, the
uppercase settings of every ``pni.cluster`` module and the versions of pni and the libraries it
clusters with); ``dump``/``load`` turn a ``Clustering`` into bytes and back without pickle (the
store may be shared, and loading never runs code). ``pni.store.derived`` keeps the bytes.

>>> import numpy as np
>>> from pni.cluster.pipeline import cluster_vectors
>>> rng = np.random.default_rng(0)
>>> v = rng.standard_normal((40, 8)).astype(np.float32)
>>> v /= np.linalg.norm(v, axis=1, keepdims=True)
>>> texts = [f"story {i}" for i in range(40)]
>>> cl = cluster_vectors(v, texts, min_size=3)
>>> back = load(dump(cl))
>>> bool((back.pattern == cl.pattern).all()), back.params == cl.params
(True, True)
>>> key(v, texts, {"seed": 0}) == key(v, texts, {"seed": 1})
False
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

#: Bump when the bytes ``dump`` writes change shape.
FORMAT = 1
#: What ``pni.store.derived`` files these entries under.
KIND = "clustering"


def settings() -> dict[str, str]:
    """Every uppercase module-level setting of every ``pni.cluster`` module, as text
    (``DEFAULT_SEEDS``, ``LOOSE_BELOW``, ...): a setting changed, even by a test or a bench at
    run time, gives another key."""
    import importlib
    import pkgutil

    import pni.cluster

    out: dict[str, str] = {}
    names = sorted(m.name for m in pkgutil.walk_packages(pni.cluster.__path__, "pni.cluster."))
    for name in ["pni.cluster", *names]:
        mod = sys.modules.get(name) or importlib.import_module(name)
        for attr, value in sorted(vars(mod).items()):
            if attr.isupper() and isinstance(value, int | float | str | tuple | frozenset | None):
                out[f"{name}.{attr}"] = repr(sorted(value) if isinstance(value, frozenset)
                                             else value)
    return out


def key(vectors: np.ndarray, texts: Sequence[str], arguments: dict[str, Any],
        eligible: Sequence[bool] | None = None, titles: Sequence[str | None] | None = None,
        exclude: Iterable[str] = ()) -> str:
    """Hex digest of everything a ``cluster_vectors`` call depends on."""
    from pni.cluster.results import versions

    h = hashlib.blake2b(digest_size=32)

    def part(b: bytes) -> None:
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)

    x = np.ascontiguousarray(vectors, dtype=np.float32)
    part(json.dumps({"format": FORMAT, "versions": versions(), "settings": settings(),
                     "arguments": arguments, "shape": list(x.shape),
                     "exclude": sorted(set(exclude))}, sort_keys=True, default=str).encode())
    part(x.tobytes())
    for t in texts:
        part(t.encode("utf-8", "surrogatepass"))
    part(b"" if eligible is None else np.asarray(eligible, dtype=bool).tobytes())
    part(json.dumps(None if titles is None else list(titles)).encode())
    return h.hexdigest()


def _ragged(lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    flat = np.fromiter((i for xs in lists for i in xs), dtype=np.int64)
    bounds = np.cumsum([0, *(len(xs) for xs in lists)]).astype(np.int64)
    return flat, bounds


def _unragged(flat: np.ndarray, bounds: np.ndarray) -> list[list[int]]:
    return [flat[a:b].tolist() for a, b in itertools.pairwise(bounds)]


def dump(cl: Any) -> bytes:
    """A ``Clustering`` as bytes (numpy's npz, no pickled objects)."""
    pat_members, pat_bounds = _ragged([p.members for p in cl.patterns])
    pat_ex, pat_ex_bounds = _ragged([p.exemplars for p in cl.patterns])
    groups = [*cl.themes, *cl.subpatterns]
    grp_members, grp_bounds = _ragged([g.members for g in groups])
    meta = {
        "format": FORMAT,
        "metrics": cl.metrics, "timings": cl.timings, "params": cl.params,
        "patterns": [{"number": p.number, "title": p.title, "keywords": p.keywords,
                      "stability": p.stability, "theme": p.theme, "n_loose": p.n_loose}
                     for p in cl.patterns],
        "themes": len(cl.themes),
        "groups": [{"number": g.number, "title": g.title, "keywords": g.keywords,
                    "parent": g.parent, "patterns": g.patterns} for g in groups],
    }
    centroids = (np.vstack([p.centroid for p in cl.patterns]) if cl.patterns
                 else np.zeros((0, 0), dtype=np.float32))
    buf = io.BytesIO()
    np.savez(buf, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
             pattern=cl.pattern, strength=cl.strength, xy=cl.xy, loose=cl.loose,
             centroids=centroids, pat_members=pat_members, pat_bounds=pat_bounds,
             pat_ex=pat_ex, pat_ex_bounds=pat_ex_bounds, grp_members=grp_members,
             grp_bounds=grp_bounds)
    return buf.getvalue()


def load(data: bytes) -> Any:
    """The ``Clustering`` ``dump`` wrote; None when the bytes are of another format."""
    from pni.cluster.results import Clustering, FoundPattern, PatternGroup

    try:
        z = np.load(io.BytesIO(data), allow_pickle=False)
        meta = json.loads(z["meta"].tobytes().decode())
    except (OSError, ValueError, KeyError):
        return None
    if meta.get("format") != FORMAT:
        return None
    members = _unragged(z["pat_members"], z["pat_bounds"])
    exemplars = _unragged(z["pat_ex"], z["pat_ex_bounds"])
    patterns = [FoundPattern(p["number"], p["title"], p["keywords"], members[i], exemplars[i],
                             z["centroids"][i], stability=p["stability"], theme=p["theme"],
                             n_loose=p["n_loose"])
                for i, p in enumerate(meta["patterns"])]
    grp_members = _unragged(z["grp_members"], z["grp_bounds"])
    groups = [PatternGroup(g["number"], g["title"], g["keywords"], grp_members[i],
                           parent=g["parent"], patterns=g["patterns"])
              for i, g in enumerate(meta["groups"])]
    t = meta["themes"]
    return Clustering(z["pattern"], z["strength"], z["xy"], patterns, meta["metrics"],
                      meta["timings"], meta["params"], z["loose"], groups[:t], groups[t:])
