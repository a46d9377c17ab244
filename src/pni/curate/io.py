"""Reading and writing ``catalysis.yaml`` beside the store.

>>> from pathlib import Path
>>> import tempfile
>>> from pni.curate.model import Catalysis, CuratedPattern
>>> d = Path(tempfile.mkdtemp())
>>> p = dump(Catalysis(patterns=[CuratedPattern(id=1, title="Late buses", stories=["S-1"])]),
...          d / "catalysis.yaml")
>>> load(p).patterns[0].title
'Late buses'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pni.curate.model import FILE_NAME, Catalysis

if TYPE_CHECKING:
    from pni.store import Store

HEADER = """\
# The catalyst's work on this collection (pni curate). Edit it by hand or by script:
# `pni explore` and `pni packet` read it whenever it is beside the store.
#   patterns:      rename a pattern (title), mark it remarkable: yes, no, maybe or redundant;
#                  its stories are how it is found again after `pni cluster` runs again
#   observations:  rewrite title, text and interpretations ({name, text}); strength 1-3;
#                  hidden: true never prints it; perspective groups it; add your own (no test)
#   perspectives:  {name, text}: the report and the packet group observations by these
#   themes:        {name, text, observations: [ids]}
"""


def path_for(db: Store) -> Path | None:
    """Where the store's ``catalysis.yaml`` lives: beside the store file (None for a store
    with no file, such as an in-memory one)."""
    if db.path is None:
        return None
    return Path(db.path).parent / FILE_NAME


def find(db: Store) -> Path | None:
    """The store's ``catalysis.yaml`` when it exists."""
    p = path_for(db)
    return p if p is not None and p.is_file() else None


def read_text(path: str | Path, encoding: str = "utf-8") -> str:
    """A catalyst's file as text; a missing or non-UTF-8 file is one error naming it."""
    from pni.errors import DataError

    p = Path(path)
    try:
        return p.read_text(encoding)
    except FileNotFoundError:
        raise DataError("not found", file=p) from None
    except UnicodeDecodeError as e:
        raise DataError(f"not UTF-8 text ({e.reason})", file=p) from None


def load(path: str | Path) -> Catalysis:
    """Read and check a catalysis file; a mistake is one error naming the file and the field
    (``observations[2].strength: ...``)."""
    from pydantic import ValidationError

    from pni.errors import DataError
    from pni.limits import load_yaml

    p = Path(path)
    raw = load_yaml(read_text(p), file=p)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DataError("expected a mapping with patterns:, observations:, perspectives:, "
                        "themes:", file=p)
    try:
        return Catalysis.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        where = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in err["loc"])
        raise DataError(f"{err['msg']}", file=p, locator=where.lstrip(".")) from None


class _Flow(list[Any]):
    """A list written on one line (story ids)."""


def _dumper() -> Any:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence(
        "tag:yaml.org,2002:seq", list(v), flow_style=True))
    return Dumper


def dump(cat: Catalysis, path: str | Path) -> Path:
    """Write ``cat`` as YAML (a header saying how to edit it, story lists on one line)."""
    import yaml

    doc = cat.model_dump(mode="json")
    for section in ("patterns", "observations"):
        for item in doc[section]:
            item["stories"] = _Flow(item.get("stories") or [])
    for t in doc["themes"]:
        t["observations"] = _Flow(t.get("observations") or [])
    body = yaml.dump(doc, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(HEADER + body, encoding="utf-8")
    return p
