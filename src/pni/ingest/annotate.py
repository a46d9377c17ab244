"""`pni annotate`: answers added to stories already stored (researchers' own coding, tellers'
later annotations, NarraFirma annotation questions), read from a table joined on an id column.

Each row names one stored story by its pni id (``S-...``) or by its source's own id (the id in
the file it was collected from). Every other column is a question: one already in the store
(or declared in ``--form``) keeps its kind; a new one becomes an *annotation* question, its kind
inferred from the column. One file is one import, written in one transaction:

- an answer the story does not have yet is added;
- the same answer again is left alone (re-running a file changes nothing);
- a different answer is a *conflict*: reported and kept, or replaced with ``replace_answers``
  (the earlier value is kept, and put back if the import is removed);
- a row that names no stored story, names several, or holds an answer its question cannot take
  is rejected with its file, row and reason.

Accounting per file: ``read == stored + duplicates + rejected``, where ``stored`` rows changed
something and ``duplicates`` rows changed nothing.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pni.errors import DataError, MappingError, UsageError
from pni.ingest.export import CORE
from pni.ingest.formfile import load_form
from pni.ingest.forms import blank, coerce, infer_question, norm, slug
from pni.ingest.mapping import COMMON_NAMES
from pni.ingest.readers.base import Row, Table
from pni.models import ImportRecord, Question, Reject
from pni.store import Store
from pni.store import imports as iq
from pni.store import stories as q

ID_NAMES = ("id", "story_id", "storyid", "pni_id", "source_id", *COMMON_NAMES["id"])
#: Columns that describe the story rather than annotate it (as `pni stories export` writes them).
STORY_FIELDS = {norm(c) for c in CORE} | {"story", "story_text", "story_title",
                                           "eliciting_question", "eliciting_question_answered"}
#: A story-text column joins rows to stories when there is no id column (NarraFirma's exports).
TEXT_NAMES = ("story_text", "text", "story")
TITLE_NAMES = ("story_title", "title")
JOINS = ("auto", "story", "source", "text")


class AnnotateOptions(BaseModel):
    """Options of one ``annotate`` call (the CLI's flags)."""

    model_config = ConfigDict(extra="forbid")

    id_column: str | None = None
    text_column: str | None = None
    join: str = "auto"
    collection: str | None = None
    form: Path | None = None
    sheet: str | None = None
    skip: list[str] = Field(default_factory=list)
    replace_answers: bool = False
    dry_run: bool = False


class Conflict(BaseModel):
    """A stored answer that differs from the file's."""

    file: str
    locator: str
    story_id: str
    question: str
    stored: Any
    given: Any
    replaced: bool = False


class AnnotateReport(BaseModel):
    file: str
    dry_run: bool = False
    import_id: int | None = None
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    columns: dict[str, str] = Field(default_factory=dict)  # column -> question id
    new_questions: list[Question] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    rejects: list[Reject] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class _Rollback(Exception):
    """Raised inside the transaction to undo it (``dry_run``)."""


def read_tables(path: Path, sheet: str | None = None) -> list[Table]:
    """The tables of a file, read by the table reader registered for its extension (CSV, TSV,
    XLSX, JSON, JSON Lines): the same readers as `pni collect`."""
    from pni.ingest.models import CollectOptions, FileSettings
    from pni.ingest.readers import base
    from pni.ingest.readers.tables import TableReader

    ext = path.suffix.lower()
    tabular = [r for r in base.for_extension(ext) if isinstance(r, TableReader)]
    if not tabular:
        names = sorted({e for r in base.readers() if isinstance(r, TableReader)
                        for e in r.extensions})
        raise DataError(f"annotations are read from a table ({', '.join(names)}),"
                        f" not {ext or 'a file without extension'}", file=path)
    ctx = base.ReadContext(path=path, label=str(path), settings=FileSettings(collection="",
                           sheet=sheet), form=None, meta={}, known={},
                           options=CollectOptions(sheet=sheet))
    return tabular[0].load(ctx)


def _label(path: Path, db: Store) -> str:
    base = Path(os.path.abspath(db.path.parent if db.path is not None else Path.cwd()))
    p = Path(os.path.abspath(path))
    try:
        return p.relative_to(base).as_posix()
    except ValueError:
        return str(p)


def _cell(v: Any) -> str | None:
    if blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


@dataclass
class _Keys:
    """Where a table's rows name their story: an id column, or a text column (and a title
    column that tells apart stories with the same text)."""

    column: int
    by_text: bool = False
    title: int | None = None


def _keys(t: Table, opts: AnnotateOptions, label: str, rep: AnnotateReport, prefix: str) -> _Keys:
    where = f"sheet {t.sheet!r}" if t.sheet else None
    present = ", ".join(repr(h) for h in t.header) or "(none)"
    loose: dict[str, int] = {}
    for i, h in enumerate(t.header):
        loose.setdefault(norm(h), i)

    def given(key: str, col: str) -> int:
        idx = loose.get(norm(col))
        if idx is None:
            raise MappingError(f"--map {key}={col}: no such column; columns present: {present}",
                               file=label, locator=where)
        return idx

    def first(names: tuple[str, ...]) -> int | None:
        return next((loose[norm(n)] for n in names if norm(n) in loose), None)

    if opts.join != "text":
        idx = given("id", opts.id_column) if opts.id_column else first(ID_NAMES)
        if idx is not None:
            return _Keys(idx)
    text = given("text", opts.text_column) if opts.text_column else first(TEXT_NAMES)
    if text is not None and opts.join in ("auto", "text"):
        if opts.join == "auto":
            rep.notices.append(prefix + f"no id column: rows matched to stories by their text"
                               f" (column {t.header[text]!r})")
        return _Keys(text, by_text=True, title=first(TITLE_NAMES))
    raise MappingError("no story id column found (looked for " + ", ".join(ID_NAMES[:5])
                       + ", ...); name it with --map id=COLUMN; columns present: " + present,
                       file=label, locator=where)


class _Join:
    """Which stored story a row's id names: a pni story id, or a source id (in one collection,
    or in all when it names exactly one story)."""

    def __init__(self, db: Store, opts: AnnotateOptions):
        if opts.join not in JOINS:
            raise UsageError(f"--join {opts.join!r}: choose one of {', '.join(JOINS)}")
        self.how = opts.join
        self.collection = opts.collection
        self.ids, self.by_source = iq.story_refs(db, opts.collection)
        self.db = db
        self._texts: dict[str, list[tuple[str, str | None]]] | None = None

    def by_text(self, text: str, title: str | None) -> tuple[str | None, str | None]:
        """The one stored story with this text (white space and Unicode forms aside), told
        apart by its title when several share the text."""
        if self._texts is None:
            self._texts = {}
            for sid, t, ti in iq.story_texts(self.db, self.collection):
                self._texts.setdefault(q.normalize_text(t), []).append((sid, ti))
        found = self._texts.get(q.normalize_text(text), [])
        if len(found) > 1 and title is not None:
            found = [f for f in found if (f[1] or "").strip() == title.strip()] or found
        if len(found) == 1:
            return found[0][0], None
        if not found:
            return None, "no stored story has this text"
        return None, f"{len(found)} stored stories have this text: add an id column"

    def story(self, ref: str) -> tuple[str | None, str | None]:
        """(story id, None), or (None, the reason the row is rejected)."""
        if self.how != "source" and ref in self.ids:
            return ref, None
        if self.how == "story":
            return None, f"no stored story has the id {ref!r}"
        found = self.by_source.get(ref, [])
        if len(found) == 1:
            return found[0], None
        where = f" in collection {self.collection!r}" if self.collection else ""
        if not found:
            what = "source id" if self.how == "source" else "id or source id"
            return None, f"no stored story has the {what} {ref!r}{where}"
        return None, (f"source id {ref!r} names {len(found)} stories{where}: use pni ids"
                      " or --collection")


def annotate(db: Store, path: Path, opts: AnnotateOptions | None = None) -> AnnotateReport:
    """Add the answers of one table file to stories already stored; see the module docstring.

    A file that cannot be read, or has no id column, raises ``DataError`` and writes nothing.
    """
    opts = opts or AnnotateOptions()
    if not path.is_file():
        raise UsageError("no such file", file=path)
    label = _label(path, db)
    join = _Join(db, opts)
    tables = read_tables(path, opts.sheet)
    if not any(t.rows for t in tables):
        raise DataError("the file holds no rows", file=label)
    form = load_form(opts.form) if opts.form else None
    declared = form.by_column() if form else {}
    known = {qu.id: qu for qu in q.get_questions(db)}
    skip = {norm(s) for s in opts.skip}
    rep = AnnotateReport(file=label, dry_run=opts.dry_run)
    new: dict[str, Question] = {}
    rows: list[tuple[str, str, dict[str, Any]]] = []  # (locator, story id, {question: value})
    seen: dict[str, str] = {}
    for t in tables:
        if not t.rows:
            continue
        prefix = f"sheet {t.sheet!r}: " if t.sheet else ""
        rep.notices.extend(prefix + n for n in t.notices)
        keys = _keys(t, opts, label, rep, prefix)
        id_idx = keys.column
        matched: list[tuple[Any, str]] = []
        comments = 0
        for row in t.rows:
            if row.cells and isinstance(row.cells[0], str) and row.cells[0].startswith(";"):
                comments += 1  # NarraFirma's comment rows
                continue
            rep.read += 1
            story_id, why = _match(row, keys, t.header[id_idx], join, seen)
            if story_id is None:
                rep.rejects.append(Reject(file=label, locator=row.locator, reason=why,
                                          raw=row.raw))
                continue
            seen[story_id] = row.locator
            matched.append((row, story_id))
        if comments:
            rep.notices.append(prefix + f"{comments} comment row(s) (starting with ';') skipped")
        columns = _questions(t, [r for r, _ in matched], id_idx, skip, declared, known, new,
                             rep, prefix)
        for row, story_id in matched:
            answers: dict[str, Any] = {}
            try:
                for idx, qu in columns.items():
                    if not blank(row.cells[idx]):
                        answers[qu.id] = coerce(qu, row.cells[idx])
            except ValueError as e:
                rep.rejects.append(Reject(file=label, locator=row.locator,
                                          reason=f"{t.header[idx]!r}: {e}", raw=row.raw))
                continue
            rows.append((row.locator, story_id, answers))
    rep.rejected = len(rep.rejects)
    _write(db, rep, rows, new, opts)
    return rep


def _match(row: Row, keys: _Keys, column: str, join: _Join, seen: dict[str, str]
           ) -> tuple[str | None, str]:
    """The stored story a row names, or None and why the row is rejected."""
    if row.error:
        return None, row.error
    ref = _cell(row.cells[keys.column])
    if ref is None:
        return None, f"no story {'text' if keys.by_text else 'id'} in column {column!r}"
    if keys.by_text:
        title = None if keys.title is None else _cell(row.cells[keys.title])
        story_id, why = join.by_text(ref, title)
    else:
        story_id, why = join.story(ref)
    if story_id is None:
        return None, why or "no such story"
    if story_id in seen:
        return None, f"story {story_id} is annotated already by {seen[story_id]} of this file"
    return story_id, ""


def _questions(t: Table, good: list[Row], id_idx: int, skip: set[str],
               declared: dict[str, Question], known: dict[str, Question],
               new: dict[str, Question], rep: AnnotateReport, prefix: str) -> dict[int, Question]:
    """The question each answer column fills (new ones inferred from the rows that name a
    story); story-field columns are skipped with a notice."""
    out: dict[int, Question] = {}
    skipped = []
    for idx, col in enumerate(t.header):
        if idx == id_idx or norm(col) in skip:
            continue
        name = col[len("answer."):] if col.startswith("answer.") else col
        if norm(col) in STORY_FIELDS or col.startswith("teller."):
            skipped.append(col)
            continue
        qu = declared.get(norm(name)) or known.get(slug(name)) or new.get(slug(name))
        if qu is None:
            qu, _ = infer_question(name, [r.cells[idx] for r in good], about="annotation")
            new[qu.id] = qu
        elif qu.about == "teller":
            skipped.append(col)
            continue
        elif qu.id not in known and qu.id not in new:
            new[qu.id] = qu
        out[idx] = qu
        rep.columns[col] = qu.id
    if skipped:
        rep.notices.append(prefix + "columns skipped (story fields or teller questions, not"
                           " annotations): " + ", ".join(repr(c) for c in skipped))
    return out


def _write(db: Store, rep: AnnotateReport, rows: list[tuple[str, str, dict[str, Any]]],
           new: dict[str, Question], opts: AnnotateOptions) -> None:
    batch = uuid.uuid4().hex[:12]
    stored = iq.story_answers_of(db, [sid for _, sid, _ in rows])
    added: list[tuple[str, str, Any]] = []
    replaced: list[tuple[str, str, Any]] = []
    for locator, sid, answers in rows:
        changed = False
        for qid, value in answers.items():
            old = stored.get((sid, qid), _MISSING)
            if old is _MISSING:
                added.append((sid, qid, value))
                changed = True
            elif _same(old, value):
                rep.unchanged += 1
            else:
                rep.conflicts.append(Conflict(file=rep.file, locator=locator, story_id=sid,
                                              question=qid, stored=old, given=value,
                                              replaced=opts.replace_answers))
                if opts.replace_answers:
                    replaced.append((sid, qid, value))
                    changed = True
        if changed:
            rep.stored += 1
        else:
            rep.duplicates += 1
    rep.added, rep.replaced = len(added), len(replaced)
    rep.new_questions = [qu for qu in new.values() if any(qid == qu.id for _, qid, _ in added)]
    options = json.loads(opts.model_dump_json())
    try:
        with db.transaction():
            rep.import_id = q.start_import(db, ImportRecord(batch=batch, file=rep.file,
                                                            options=options, kind="annotate"))
            for qu in rep.new_questions:
                q.upsert_question(db, qu)
            iq.add_annotations(db, rep.import_id, added, replaced)
            for r in rep.rejects:
                r.import_id = rep.import_id
            q.add_rejects_many(db, rep.rejects)
            q.finish_import(db, rep.import_id, read=rep.read, stored=rep.stored,
                            duplicates=rep.duplicates, rejected=rep.rejected)
            iq.set_counts(db, rep.import_id, {"added": rep.added, "unchanged": rep.unchanged,
                                              "conflicts": len(rep.conflicts),
                                              "replaced": rep.replaced})
            if opts.dry_run:
                raise _Rollback
    except _Rollback:
        rep.import_id = None
        for r in rep.rejects:
            r.import_id = None


_MISSING = object()


def _same(a: Any, b: Any) -> bool:
    """Equal answers: numbers by value, text by its trimmed, case-folded form, lists as sets."""
    if isinstance(a, list) and isinstance(b, list):
        return {str(x).strip().casefold() for x in a} == {str(x).strip().casefold() for x in b}
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return str(a).strip().casefold() == str(b).strip().casefold()
