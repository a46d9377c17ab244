"""What the store's read functions return: typed, frozen records, one per kind of row.

Each record is built from a database row in one place (its ``from_row``), where the engine's
types are made pni's (SQLite's 0/1 and PostgreSQL's ``bigint`` sums become ``bool`` and ``int``,
JSON columns become lists and dicts, a vector's bytes a float32 array), so that SQLite and
PostgreSQL give the same records field for field (``tests/store/test_records.py`` holds both
engines to it). Outputs turn a record into a dict at their edge with :func:`as_dict`.

>>> r = Run.from_row({"id": 1, "kind": "cluster", "parent_run": None, "created_at": "2026-05-01",
...                   "seed": 7, "params": '{"k": 15}', "versions": "{}", "timings": "{}",
...                   "metrics": "{}", "n_stories": 40, "n_patterns": 3, "coverage": 0.9,
...                   "stale": None})
>>> r.params, r.n_patterns
({'k': 15}, 3)
>>> list(as_dict(r))[:3]
['id', 'kind', 'parent_run']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from pni.store.db import loads

if TYPE_CHECKING:
    import numpy as np

Row = Mapping[str, Any]


def _int(v: Any) -> int | None:
    return None if v is None else int(v)


def _float(v: Any) -> float | None:
    return None if v is None else float(v)


def _json(v: Any, empty: Any) -> Any:
    got = loads(v) if isinstance(v, str) else v
    return got or empty


def as_dict(record: Any) -> dict[str, Any]:
    """A record's public fields, in their order, as a dict for an output (JSON, CSV, a table):
    fields marked ``public=False`` (a pattern's centroid) are left out. Shallow: the lists and
    dicts are the record's own."""
    return {f.name: getattr(record, f.name) for f in fields(record)
            if f.metadata.get("public", True)}


# -- cluster runs (migrations 0002, 0005, 0010) --------------------------------------------------
@dataclass(frozen=True, slots=True)
class Run:
    """One `pni cluster` run (kind ``cluster``) or `pni cluster --assign` (kind ``assign``)."""

    id: int
    kind: str
    parent_run: int | None
    created_at: str
    seed: int | None
    params: dict[str, Any]
    versions: dict[str, Any]
    timings: dict[str, float]
    metrics: dict[str, Any]
    n_stories: int
    n_patterns: int
    coverage: float | None
    stale: str | None  # why the run no longer matches the store (a removed import), or None

    @classmethod
    def from_row(cls, r: Row) -> Run:
        return cls(id=int(r["id"]), kind=r["kind"], parent_run=_int(r["parent_run"]),
                   created_at=str(r["created_at"]), seed=_int(r["seed"]),
                   params=_json(r["params"], {}), versions=_json(r["versions"], {}),
                   timings=_json(r["timings"], {}), metrics=_json(r["metrics"], {}),
                   n_stories=int(r["n_stories"]), n_patterns=int(r["n_patterns"]),
                   coverage=_float(r["coverage"]), stale=r.get("stale"))


@dataclass(frozen=True, slots=True)
class Pattern:
    """A pattern of a run: the one shape of a found pattern everywhere past the store (the
    explore data, the exports' scope, the packet). ``exemplars`` are story ids; ``teller_mix``
    is the raw count per facet and group (print it only through ``pni.privacy``); ``centroid``
    (a float32 unit vector, for ``--assign``) is never printed.

    What is not this shape is something else: ``pni.cluster``'s ``FoundPattern`` is the
    clustering's result before it is stored (row indices, no id); the dicts of
    ``pni.privacy.mix.safe_patterns`` (and ``Gate.patterns``) are a pattern as it may be
    printed, made from this record in that one place; the packet's ``PatternSheet`` and the
    report's pattern entries are print models built from it; ``pni.curate``'s
    ``CuratedPattern`` is the catalyst's own naming of a group of stories, matched to these by
    their stories."""

    id: int
    run_id: int
    number: int  # 1..k within the run, largest first
    title: str
    keywords: list[str]
    size: int
    exemplars: list[str]
    teller_mix: dict[str, dict[str, int]]
    stability: float | None  # how often its stories stay together across seeded runs
    theme: int | None  # the number of the theme that holds it
    n_loose: int
    centroid: np.ndarray | None = field(default=None, compare=False, repr=False,
                                        metadata={"public": False})

    @property
    def name(self) -> str:
        """How the pattern is named outside pni (a code, an annotation answer)."""
        return f"Pattern {self.number}: {self.title}"

    @classmethod
    def from_row(cls, r: Row) -> Pattern:
        c = r.get("centroid")
        if c is not None:
            import numpy as np

            c = np.frombuffer(bytes(c), dtype="<f4")
        return cls(id=int(r["id"]), run_id=int(r["run_id"]), number=int(r["number"]),
                   title=r["title"], keywords=_json(r["keywords"], []), size=int(r["size"]),
                   exemplars=_json(r["exemplars"], []), teller_mix=_json(r["teller_mix"], {}),
                   stability=_float(r.get("stability")), theme=_int(r.get("theme")),
                   n_loose=int(r.get("n_loose") or 0),
                   centroid=c)


@dataclass(frozen=True, slots=True)
class Assignment:
    """A story of a run: its pattern (``pattern_id`` None: it fits none), how strongly it
    belongs, whether it was attached after clustering or is only loosely held, its sub-pattern
    and its place on the story map."""

    story_id: str
    source_id: str | None
    pattern_id: int | None
    pattern_number: int | None
    pattern_title: str | None
    strength: float | None
    assigned: bool
    loose: bool
    sub: int | None
    x: float | None
    y: float | None

    @classmethod
    def from_row(cls, r: Row) -> Assignment:
        return cls(story_id=r["story_id"], source_id=r["source_id"],
                   pattern_id=_int(r["pattern_id"]), pattern_number=_int(r["pattern_number"]),
                   pattern_title=r["pattern_title"], strength=_float(r["strength"]),
                   assigned=bool(r["assigned"]), loose=bool(r["loose"]), sub=_int(r["sub"]),
                   x=_float(r["x"]), y=_float(r["y"]))


@dataclass(frozen=True, slots=True)
class Level:
    """A theme (several patterns, by number) or a sub-pattern (part of pattern ``parent``)."""

    number: int
    parent: int | None
    title: str
    keywords: list[str]
    size: int
    patterns: list[int]

    @classmethod
    def from_row(cls, r: Row) -> Level:
        return cls(number=int(r["number"]), parent=_int(r["parent"]), title=r["title"],
                   keywords=_json(r["keywords"], []), size=int(r["size"]),
                   patterns=_json(r["patterns"], []))


# -- imports (migrations 0001, 0005) -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Import:
    """One file read by `pni collect` or `pni annotate`. ``held``: the stories (collect) or
    answers (annotate) the store still holds from it; ``removal``: what removing it did."""

    id: int
    batch: str
    file: str
    started_at: str
    finished_at: str | None
    options: dict[str, Any]
    read: int
    stored: int
    duplicates: int
    rejected: int
    kind: str
    removed_at: str | None
    removal: dict[str, Any]
    counts: dict[str, int]
    held: int

    @classmethod
    def from_row(cls, r: Row) -> Import:
        return cls(id=int(r["id"]), batch=r["batch"], file=r["file"],
                   started_at=str(r["started_at"]), finished_at=r["finished_at"],
                   options=_json(r["options"], {}), read=int(r["read"]),
                   stored=int(r["stored"]), duplicates=int(r["duplicates"]),
                   rejected=int(r["rejected"]), kind=r["kind"], removed_at=r["removed_at"],
                   removal=_json(r["removal"], {}), counts=_json(r["counts"], {}),
                   held=int(r["held"] or 0))


@dataclass(frozen=True, slots=True)
class ImportedStory:
    """A story an import stored: its id, content key, source id and collection."""

    id: str
    content_hash: str
    source_id: str | None
    collection: str | None

    @classmethod
    def from_row(cls, r: Row) -> ImportedStory:
        return cls(id=r["id"], content_hash=r["content_hash"], source_id=r["source_id"],
                   collection=r["collection"])


@dataclass(frozen=True, slots=True)
class CollectionCount:
    """Stories of one collection and source kind, and how many of them said consent "no"."""

    collection: str | None
    kind: str
    stories: int
    consent_no: int

    @classmethod
    def from_row(cls, r: Row) -> CollectionCount:
        return cls(collection=r["collection"], kind=r["kind"], stories=int(r["stories"]),
                   consent_no=int(r["consent_no"] or 0))


# -- catalysis (migration 0003) ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Exploration:
    """One `pni explore` call: its settings and how much it tested."""

    id: int
    run_id: int | None
    created_at: str
    params: dict[str, Any]
    n_stories: int
    n_tests: int
    n_observations: int

    @classmethod
    def from_row(cls, r: Row) -> Exploration:
        return cls(id=int(r["id"]), run_id=_int(r["run_id"]), created_at=str(r["created_at"]),
                   params=_json(r["params"], {}), n_stories=int(r["n_stories"]),
                   n_tests=int(r["n_tests"]), n_observations=int(r["n_observations"]))


@dataclass(frozen=True, slots=True)
class StoredObservation:
    """An observation as the store keeps it (``pni.explore.models.Observation`` is the
    catalysis's own, with its review marks): plain words, the numbers and stories behind it,
    at least two interpretations."""

    rank: int
    lens: str
    kind: str
    text: str
    numbers: dict[str, Any]
    story_ids: list[str]
    interpretations: list[str]
    q: float | None
    effect: float | None
    effect_name: str | None

    @classmethod
    def from_row(cls, r: Row) -> StoredObservation:
        return cls(rank=int(r["rank"]), lens=r["lens"], kind=r["kind"], text=r["text"],
                   numbers=_json(r["numbers"], {}), story_ids=_json(r["story_ids"], []),
                   interpretations=_json(r["interpretations"], []), q=_float(r["q"]),
                   effect=_float(r["effect"]), effect_name=r["effect_name"])


# -- sessions (migrations 0004, 0012) ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Outcome:
    """A record of a sensemaking session (`pni record`): an outcome or, by ``section``, a
    resonant story or pattern, a construction, a reflection, a session note. ``stories`` and
    ``patterns``: the ids it links, in the order written."""

    id: int
    key: str
    session: str | None
    exercise: str | None
    kind: str
    text: str
    source_file: str
    source_line: int | None
    created_at: str
    section: str
    type: str
    name: str | None
    why: str | None
    said: str | None
    detail: dict[str, Any]
    group: str | None
    stories: list[str]
    patterns: list[int]

    @classmethod
    def from_row(cls, r: Row, stories: list[str], patterns: list[int]) -> Outcome:
        return cls(id=int(r["id"]), key=r["key"], session=r["session"], exercise=r["exercise"],
                   kind=r["kind"], text=r["text"], source_file=r["source_file"],
                   source_line=_int(r["source_line"]), created_at=str(r["created_at"]),
                   section=r.get("section") or "outcome", type=r.get("type") or r["kind"],
                   name=r.get("name"), why=r.get("why"), said=r.get("said"),
                   detail=_json(r.get("detail"), {}), group=r["group_name"],
                   stories=stories, patterns=patterns)


@dataclass(frozen=True, slots=True)
class OutcomeReject:
    """A session record `pni record` could not read, and why."""

    file: str
    line: int | None
    reason: str
    raw: str | None

    @classmethod
    def from_row(cls, r: Row) -> OutcomeReject:
        return cls(file=r["file"], line=_int(r["line"]), reason=r["reason"], raw=r["raw"])


@dataclass(frozen=True, slots=True)
class OutcomeCount:
    """Records of one session (``""``: none named) and kind, and how many groups made them."""

    session: str
    kind: str
    n: int
    groups: int

    @classmethod
    def from_row(cls, r: Row) -> OutcomeCount:
        return cls(session=r["session"], kind=r["kind"], n=int(r["n"]), groups=int(r["groups"]))


# -- known names (migration 0006) ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class KnownName:
    """A name pni has met, as its keyed hash: how many words it has, and whether it is also an
    ordinary word (redacted only where it is capitalised)."""

    digest: str
    words: int
    capitalised_only: bool

    @classmethod
    def from_row(cls, r: Row) -> KnownName:
        return cls(digest=r["digest"], words=int(r["words"]),
                   capitalised_only=bool(r["capitalised_only"]))
