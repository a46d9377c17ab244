"""One shape on both engines: every public read function of the store returns the same typed
records from a SQLite and from a PostgreSQL project holding the same stories, field for field
and type for type (a ``Decimal`` where SQLite gives a ``float``, a ``datetime`` where it gives a
``str``, an ``int`` for a ``bool`` fail), and every column of the tables they read is a field of
its record (a column added on one engine only, or without its record, fails)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel

from pni.store import Store
from pni.store import imports as iq
from pni.store import names as nq
from pni.store import observations as obsq
from pni.store import outcomes as outq
from pni.store import records as rec
from pni.store import runs as runq
from pni.store import stories as sq
from pni.store import vectors as vq
from pni.store.codes import story_codes, story_for_code
from pni.store.copy import copy_store
from tests.store.postgres import location_for

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_stories"
PLATFORMS = REPO / "tests" / "fixtures" / "ingest" / "platforms"
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_STAMPED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _build(db: Store, folder: Path) -> None:
    """A project with something in every table the read functions read: the sample fieldwork
    and a survey platform's export,
    a second file collected and removed again (a removal, a stale run), a cluster run with
    themes and sub-patterns, an assign run, an exploration, session records and a reject."""
    from pni.cluster.assign import assign_new_stories
    from pni.cluster.pipeline import cluster_stories
    from pni.embed.fake import FakeEmbedder
    from pni.ingest.collect import collect
    from pni.ingest.imports import remove_imports

    db.set_meta("salt", "0123456789abcdef")  # teller pseudonyms are salted per store
    collect(db, [SAMPLES / "story_form", SAMPLES / "markdown", SAMPLES / "interviews",
                 PLATFORMS / "gforms.csv"])  # platform metadata: source_meta
    run = cluster_stories(db, FakeEmbedder(), seed=3, min_size=4)
    extra = folder / "late.csv"
    extra.write_text("id,teller,story,consent\n"
                     "L1,Ana Reyes,The late bus waited for me twice in one week.,yes\n"
                     "L2,Bo Chen,Nobody told us the quiz moved to Friday.,no\n", "utf-8")
    late = collect(db, [extra])
    assign_new_stories(db, FakeEmbedder(), threshold=0.1)
    remove_imports(db, [f.import_id for f in late.files if f.import_id is not None])
    pats = runq.list_patterns(db, run.run_id)
    obsq.save_observations(db, run.run_id, [
        {"lens": "pattern", "kind": "pattern_choice", "text": "More parents in pattern 1.",
         "numbers": {"observed": 12, "expected": 7.5}, "story_ids": run.story_ids[:3],
         "interpretations": ["Could it be A?", "Or B?"], "q": 0.0125, "effect": 0.4,
         "effect_name": "Cramér's V"},
        {"lens": "answer", "kind": "choice_choice", "text": "No effect named.",
         "interpretations": ["A?", "B?"], "q": None, "effect": None}],
        params={"min_subset": 10, "q_threshold": 0.05}, n_stories=len(run.story_ids), n_tests=9)
    with db.transaction():
        outq.insert_outcome(db, {
            "key": "k1", "session": "Spring", "group": "G1", "exercise": "Timeline",
            "kind": "story", "text": "The day it turned", "file": "capture.md", "line": 4,
            "section": "construction", "type": "timeline", "name": "Lunch", "why": "it turned",
            "said": "we went quiet", "detail": {"order": run.story_ids[:2]},
            "story_ids": run.story_ids[:2], "pattern_ids": [p.id for p in pats[:1]]})
        outq.insert_outcome(db, {"key": "k2", "kind": "idea", "text": "Ask the bus drivers",
                                 "file": "capture.md"})
        outq.add_outcome_reject(db, "capture.md", 9, "unknown kind 'wish'", "wish: more")
        outq.add_outcome_reject(db, "notes.txt", None, "empty text", None)


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    """The same project built on each engine, and the SQLite one copied to PostgreSQL."""
    out: dict[str, Store] = {}
    here = Path.cwd()
    for engine in ("sqlite", "postgresql"):
        folder = tmp_path_factory.mktemp(engine) / "project"  # a collection is named after it
        folder.mkdir()
        os.chdir(folder)  # a PostgreSQL project names its files from the working folder
        try:
            db = Store.open(location_for(engine, folder))
            _build(db, folder)
        finally:
            os.chdir(here)
        out[engine] = db
    copied = Store.open(location_for("postgresql", tmp_path_factory.mktemp("copy")))
    copy_store(out["sqlite"], copied)
    out["copy"] = copied
    yield out
    for db in out.values():
        db.close()


def _reads(db: Store) -> dict[str, Any]:
    """Every public read function of the store (that returns rows), on one project."""
    run = runq.latest_run_id(db, kind="cluster")
    assert run is not None
    runs = runq.list_runs(db)
    pats = [p for r in runs for p in runq.list_patterns(db, r.id)]
    imports = iq.list_imports(db)
    stories = sq.list_stories(db)
    calls: dict[str, Callable[[], Any]] = {
        "list_runs": lambda: runs,
        "list_runs(latest=2)": lambda: runq.list_runs(db, latest=2),
        "get_run": lambda: [runq.get_run(db, r.id) for r in runs],
        "list_patterns": lambda: [runq.list_patterns(db, r.id) for r in runs],
        "get_pattern": lambda: [runq.get_pattern(db, p.id) for p in pats],
        "list_assignments": lambda: [runq.list_assignments(db, r.id) for r in runs],
        "list_levels(theme)": lambda: runq.list_levels(db, run, "theme"),
        "list_levels(sub)": lambda: runq.list_levels(db, run, "sub"),
        "pattern_members": lambda: [runq.pattern_members(db, p.id) for p in pats],
        "list_imports": lambda: imports,
        "list_imports(current)": lambda: iq.list_imports(db, include_removed=False),
        "get_import": lambda: [iq.get_import(db, i.id) for i in imports],
        "stories_of": lambda: iq.stories_of(db, [i.id for i in imports]),
        "collection_summary": lambda: sq.collection_summary(db),
        "source_meta": lambda: [sq.source_meta(db, s.id) for s in stories],
        "list_stories": lambda: stories,
        "get_questions": lambda: sq.get_questions(db),
        "list_rejects": lambda: sq.list_rejects(db),
        "latest_exploration": lambda: obsq.latest_exploration(db, run),
        "list_observations": lambda: obsq.list_observations(db, run),
        "list_outcomes": lambda: outq.list_outcomes(db),
        "list_outcome_rejects": lambda: outq.list_outcome_rejects(db),
        "outcome_summary": lambda: outq.outcome_summary(db),
        "name_rows": lambda: nq.name_rows(db),
        "count_names": lambda: nq.count_names(db),
        # the scalar, tuple and mapping readers too
        "latest_run_id": lambda: [runq.latest_run_id(db, kind=k) for k in ("cluster", None)],
        "resolve_run": lambda: runq.resolve_run(db, None),
        "pattern_ids": lambda: runq.pattern_ids(db),
        "count_stories": lambda: sq.count_stories(db),
        "stories.story_refs": lambda: sq.story_refs(db),
        "get_story": lambda: sq.get_story(db, stories[0].id),
        "existing_hashes": lambda: sq.existing_hashes(db),
        "hashes_among": lambda: sq.hashes_among(db, [s.content_hash for s in stories[:5]]),
        "source_ids": lambda: sq.source_ids(db, stories[0].collection or ""),
        "teller_names": lambda: sq.teller_names(db) or {"none kept": ""},
        "story_codes": lambda: story_codes(db),
        "story_for_code": lambda: [story_for_code(db, c) for c in story_codes(db).values()],
        "current_imports_of": lambda: [iq.current_imports_of(db, i.file) for i in imports],
        "imports.story_refs": lambda: iq.story_refs(db),
        "story_texts": lambda: iq.story_texts(db),
        "story_answers_of": lambda: iq.story_answers_of(db, [s.id for s in stories]),
        "count_outcome_rejects": lambda: outq.count_outcome_rejects(db),
        "get_vectors": lambda: vq.get_vectors(db, _keys(db, stories), 64),
        "count_vectors": lambda: vq.count_vectors(db),
    }
    return {name: call() for name, call in calls.items()}


def _keys(db: Store, stories: list[Any]) -> list[str]:
    from pni.embed.cache import cache_key, text_hash
    from pni.embed.fake import FakeEmbedder

    return [cache_key(FakeEmbedder(), text_hash(s.text)) for s in stories]


def _same(a: Any, b: Any, where: str, stamps: bool) -> None:
    """``a`` and ``b`` equal and of the same types all the way down; with ``stamps`` False,
    fields named ``*_at`` need only be timestamps of pni's one format on both sides, and the
    seconds a run took only of the same stages, and a collect's batch id only text."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} here, {type(b).__name__} there"
    if is_dataclass(a):
        for f in fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}", stamps)
    elif isinstance(a, BaseModel):
        _same(a.model_dump(), b.model_dump(), where, stamps)
    elif isinstance(a, dict):
        if list(a) != list(b):
            i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                     min(len(a), len(b)))
            raise AssertionError(f"{where}: {len(a)} keys here, {len(b)} there; key {i}:"
                                 f" {list(a)[i:i + 1]} here, {list(b)[i:i + 1]} there")
        for k in a:
            if not stamps and str(k).endswith("_at") and a[k] is not None:
                assert _STAMP.match(a[k]) and _STAMP.match(b[k]), (where, k, a[k], b[k])
                continue
            if not stamps and k == "batch":  # one random id per collect call
                assert isinstance(a[k], str) and isinstance(b[k], str), where
                continue
            if not stamps and k == "timings":  # seconds taken: the same stages, as numbers
                assert list(a[k]) == list(b[k]), where
                assert all(type(a[k][s]) is type(b[k][s]) for s in a[k]), where
                continue
            _same(a[k], b[k], f"{where}[{k!r}]", stamps)
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), f"{where}: {len(a)} items here, {len(b)} there"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]", stamps)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b), where
    elif isinstance(a, str) and not stamps:  # a stale run says when its import was removed
        assert _STAMPED.sub("<time>", a) == _STAMPED.sub("<time>", b), where
    else:
        assert a == b, f"{where}: {a!r} here, {b!r} there"


def _as_data(value: Any) -> Any:
    """Records as dicts of all their fields (the timestamps then compare by name)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _as_data(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return type(value)(_as_data(v) for v in value)
    return value


def _kinds(value: Any) -> set[type]:
    """The record classes in ``value``."""
    if is_dataclass(value) and not isinstance(value, type):
        return {type(value)}
    if isinstance(value, list | tuple):
        return set().union(*(_kinds(v) for v in value)) if value else set()
    return set()


def test_both_engines_return_the_same_records(projects: dict[str, Store]) -> None:
    """The same stories collected, clustered, explored and recorded on each engine: the same
    records (timestamps aside: when each was written)."""
    lite, pg = _reads(projects["sqlite"]), _reads(projects["postgresql"])
    for name in lite:
        _same(_as_data(lite[name]), _as_data(pg[name]), name, stamps=False)
        assert _kinds(lite[name]) == _kinds(pg[name])
    assert all(lite[n] for n in lite), [n for n in lite if not lite[n]]  # nothing vacuous
    assert any(lite["source_meta"])
    seen = set().union(*(_kinds(v) for v in lite.values()))
    declared = {c for c in vars(rec).values()
                if isinstance(c, type) and is_dataclass(c) and c.__module__ == rec.__name__}
    assert declared <= seen, declared - seen  # every record kind was compared
    assert any(r.stale for r in lite["list_runs"]) and any(i.removed_at for i in lite["list_imports"])


def test_a_copied_project_reads_back_identically(projects: dict[str, Store]) -> None:
    """SQLite copied to PostgreSQL with `pni store copy`: every record identical, timestamps
    included (they are stored as text of one format on both engines)."""
    lite, copied = _reads(projects["sqlite"]), _reads(projects["copy"])
    for name in lite:
        _same(lite[name], copied[name], name, stamps=True)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_every_column_is_a_field_of_its_record(projects: dict[str, Store], engine: str) -> None:
    """A column a migration adds (on either engine) must reach its record, or be named here as
    one the record leaves out on purpose."""
    db = projects[engine]
    renamed = {"group_name": "group"}
    # rowid: the identity PostgreSQL gives a table without an integer key, for insertion order
    kept_out: dict[str, set[str]] = {"runs": set(), "patterns": set(), "imports": set(),
                                     "explorations": set(), "outcomes": set(),
                                     "observations": {"id", "exploration_id"},
                                     "outcome_rejects": {"id", "created_at"},
                                     "known_names": {"source"},
                                     "pattern_levels": {"run_id", "level"},
                                     "assignments": {"run_id"}}
    record_of = {"runs": rec.Run, "patterns": rec.Pattern, "imports": rec.Import,
                 "explorations": rec.Exploration, "outcomes": rec.Outcome,
                 "observations": rec.StoredObservation, "outcome_rejects": rec.OutcomeReject,
                 "known_names": rec.KnownName, "pattern_levels": rec.Level,
                 "assignments": rec.Assignment}
    for table, cls in record_of.items():
        have = {f.name for f in fields(cls)}
        missing = ({renamed.get(c, c) for c in db.columns(table)} - have - kept_out[table]
                   - {"rowid"})
        assert not missing, f"{engine}: {table} has columns {sorted(missing)} its record lacks"
