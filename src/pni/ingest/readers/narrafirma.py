"""NarraFirma story import CSV and its story-form CSV.

The story-form CSV declares the questions: one row per data column with its type (``Single
choice``, ``Single choice indexed``, ``Multi-choice multi-column texts``, ``Multi-choice
single-column delimited [indexed]``, ``Multi-choice multi-column yes/no``, ``Scale``, ``Text``,
``eliciting``), what it is about (``story``, ``participant``, ``annotation``) and its answers (``csv value|answer``);
``form`` rows give the form's texts and ``import`` rows the column names of the story title, text,
participant id, date and language. The story CSV repeats a column's header once per option of a
multi-column question, holds write-ins in ``WRITEIN_Name`` columns and may hold comment rows that
start with ``;``. Without its form the story CSV is still read: repeated headers become lists,
delimited and indexed answers stay lists of text, never numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pni.errors import FormError
from pni.ingest.forms import Form, blank, norm, slug
from pni.ingest.readers import survey as sv
from pni.ingest.readers.base import Adapted, ReadContext, Table, register_platform
from pni.models import Question

FORM_HEADER = ["data column name", "type", "about"]
MULTI_COLUMN = ("multi-choice multi-column texts", "multi-choice multi-column yes/no")
IMPORT_FIELDS = {"story title column name": "title", "story text column name": "text",
                 "participant id column name": "teller",
                 "story collection date column name": "date", "language column name": "language"}
DEFAULT_FIELDS = {"text": "Story text", "title": "Story title", "teller": "Participant ID",
                  "date": "Collection date", "language": "Language"}


@dataclass
class Column:
    """How one question's answers are laid out in the story CSV."""

    question: Question
    column: str
    type: str
    values: dict[str, str] = field(default_factory=dict)  # csv value (casefolded) -> answer
    indexed: bool = False
    write_in: bool = False


@dataclass
class Spec:
    columns: list[Column] = field(default_factory=list)
    eliciting_column: str | None = None
    eliciting: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    delimiter: str = ","
    yes: str = "yes"
    separator: str = ": "


def is_form_csv(head: str) -> bool:
    """Whether CSV text is a NarraFirma story form (its column-definition header row)."""
    for line in head.splitlines()[:20]:
        cells = [c.strip().casefold() for c in next(csv.reader([line]), [])]
        if cells[:3] == FORM_HEADER:
            return True
    return False


def load_form_csv(path: Path) -> Form:
    """A NarraFirma story-form CSV as a form; raises ``FormError`` naming the row of a problem."""
    from pni.ingest.detect import decode

    text, _ = decode(path.read_bytes(), path)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    start = next((n for n, r in enumerate(rows)
                  if [c.strip().casefold() for c in r[:3]] == FORM_HEADER), None)
    if start is None:
        raise FormError("not a NarraFirma story form: no 'Data column name,Type,About' row",
                        file=path)
    spec = Spec()
    form = Form(path=path, platform="narrafirma", spec=spec)
    settings: dict[str, list[str]] = {}
    scale = (0, 100)
    for n, r in enumerate(rows[start + 1:], start + 2):
        r = r + [""] * (7 - len(r))
        if not any(c.strip() for c in r) or r[0].lstrip().startswith(";"):
            continue
        name, typ, about = r[0].strip(), r[1].strip(), r[2].strip().casefold()
        answers = [c for c in r[6:] if c.strip()]
        if about == "import":
            settings[typ.casefold()] = [c for c in r[6:]]
            continue
        if about == "form":
            if typ.casefold() == "title" and answers:
                form.title = answers[0]
            continue
        if not name:
            raise FormError(f"row {n}: a question needs a data column name", file=path,
                            locator=f"row {n}")
        if typ.casefold() == "eliciting" or about == "eliciting":
            spec.eliciting_column = name
            for a in answers:
                short, _, long = a.partition("|")
                spec.eliciting[short.strip().casefold()] = (long or short).strip()
            continue
        col = _column(name, typ, about, r[3].strip(), r[4].strip(), r[5], answers, path, n)
        spec.columns.append(col)
        form.questions.append(col.question)
        form.columns[col.question.id] = col.question.id
        if col.write_in:
            wq = Question(id=f"{col.question.id}_write_in", text=f"{col.question.text} (other)",
                          kind="text", about=col.question.about)
            form.questions.append(wq)
            form.columns[wq.id] = wq.id
    for key, vals in settings.items():
        v = vals[0] if vals else ""
        if key in IMPORT_FIELDS and v.strip():
            spec.fields[IMPORT_FIELDS[key]] = v.strip()
        elif key == "multi choice single column delimiter" and v:
            spec.delimiter = v
        elif key == "yes no questions yes indicator" and v.strip():
            spec.yes = v.strip().casefold()
        elif key == "yes no questions q-a separator" and v:
            spec.separator = v
        elif key == "scale range" and len(vals) > 1:
            try:
                scale = (int(float(vals[0])), int(float(vals[1])))
            except ValueError:
                raise FormError(f"'Scale range' {vals[0]!r}, {vals[1]!r} are not numbers",
                                file=path) from None
    for c in spec.columns:
        if c.question.kind == "scale" and c.question.scale_min is None:
            c.question.scale_min, c.question.scale_max = scale
    return form


def _column(name: str, typ: str, about: str, short: str, long: str, options: str,
            answers: list[str], path: Path, n: int) -> Column:
    t = typ.casefold()
    ab = ("teller" if about in ("participant", "teller") else
          "annotation" if about == "annotation" else "story")
    values: dict[str, str] = {}
    shown: list[str] = []
    for a in answers:
        csv_value, _, answer = a.partition("|")
        answer = (answer or csv_value).strip()
        values[csv_value.strip().casefold()] = answer
        shown.append(answer)
    qid = slug(name)
    text = long or short or name
    kw: dict[str, Any] = {}
    if t == "scale":
        kind = "scale"
        kw["labels"] = answers[:2]
        if len(answers) >= 4:
            try:
                kw["scale_min"], kw["scale_max"] = float(answers[2]), float(answers[3])
            except ValueError:
                raise FormError(f"row {n}: scale bounds {answers[2]!r}, {answers[3]!r} are not"
                                " numbers", file=path, locator=f"row {n}") from None
        values = {}
    elif t.startswith("multi-choice"):
        kind = "multi-choice"
    elif t.startswith("single choice"):
        kind = "choice"
    elif t in ("boolean", "checkbox"):
        kind = "boolean"
    elif t in ("text", "textarea", "label", "header", ""):
        kind = "text"
    else:
        raise FormError(f"row {n}: type {typ!r} is not a NarraFirma question type", file=path,
                        locator=f"row {n}")
    if kind in ("choice", "multi-choice"):
        kw["options"] = shown
    q = Question(id=qid, text=text, kind=kind, about=ab, **kw)  # type: ignore[arg-type]
    return Column(q, name, t, values, indexed="indexed" in t,
                  write_in="writeintextboxlabel" in options.casefold().replace(" ", ""))


class NarraFirma:
    name = "narrafirma"
    label = "NarraFirma"

    def sniff(self, table: Table) -> bool:
        keys = {norm(h) for h in (table.raw_header or table.header)}
        if {"story_text", "story_title"} <= keys:
            return True
        return any(r.cells and str(r.cells[0] or "").startswith(";") for r in table.rows[:5])

    def adapt(self, table: Table, ctx: ReadContext) -> Adapted:
        raw = [str(h or "").strip() for h in (table.raw_header or table.header)]
        rows = [r for r in table.rows if not (r.error is None and r.cells
                                              and str(r.cells[0] or "").lstrip().startswith(";"))]
        comments = len(table.rows) - len(rows)
        notices = [n for n in table.notices if "repeats the header" not in n]
        form = ctx.form if ctx.form is not None and ctx.form.platform == "narrafirma" else None
        spec: Spec = form.spec if form is not None else Spec()
        a = Adapted(table=table, kind="story-form")
        positions: dict[str, list[int]] = {}
        for i, h in enumerate(raw):
            positions.setdefault(h.casefold(), []).append(i)
        cols: list[tuple[str, Any]] = []
        used: set[int] = set()
        for key, name in spec.fields.items():
            idx = positions.get(name.casefold())
            if idx:
                a.fields[key] = len(cols)
                cols.append((name, sv.column(idx[0])))
                used.add(idx[0])
        if spec.eliciting_column or positions.get("eliciting question answered"):
            name = spec.eliciting_column or "Eliciting question answered"
            idx = positions.get(name.casefold())
            if idx:
                a.fields["prompt"] = len(cols)
                cols.append((name, _eliciting(idx[0], spec.eliciting)))
                used.add(idx[0])
        declared: list[str] = []
        for c in spec.columns:
            got = _reader(c, positions, spec)
            if got is None:
                continue
            idx, fn = got
            used.update(idx)
            cols.append((c.question.id, fn))
            declared.append(c.column)
            if c.write_in:
                w = positions.get(f"writein_{c.column}".casefold())
                if w:
                    used.update(w)
                    cols.append((f"{c.question.id}_write_in", sv.column(w[0])))
        lists = 0
        for h, idx in positions.items():
            free = [i for i in idx if i not in used]
            if not free:
                continue
            name = raw[free[0]]
            if len(free) > 1:
                cols.append((name, _chosen(free)))
                lists += 1
            elif h.startswith("writein_"):
                cols.append((f"{name[8:]} (other)", sv.column(free[0])))
            elif form is None and _listy([r.cells[free[0]] for r in rows if r.error is None]):
                cols.append((name, _delimited(free[0])))
                lists += 1
            else:
                cols.append((name, sv.column(free[0])))
        a.table = sv.rebuild(Table(table.header, rows, table.sheet, notices), rows, cols)
        a.teller_columns = [n for n, (h, _) in enumerate(cols)
                            if any(c.question.id == h and c.question.about == "teller"
                                   for c in spec.columns)]
        if form is not None:
            a.form = form
            a.taken.append(f"questions from the story form {form.path.name if form.path else ''}"
                           f" ({len(declared)} of {len(spec.columns)} found in the file)")
        else:
            a.taken.append("no story form given: answer numbers stay numbers and the eliciting"
                           " question is an answer; give the story-form CSV with --form FILE")
        if comments:
            a.taken.append(f"{comments} ';' comment row(s) skipped (not records)")
        if lists:
            a.taken.append(f"{lists} question(s) over repeated columns or ','-delimited read as"
                           " lists")
        return a


def _eliciting(i: int, names: dict[str, str]) -> Any:
    return lambda cells: None if blank(cells[i]) else names.get(
        str(cells[i]).strip().casefold(), str(cells[i]).strip())


def _chosen(idx: list[int]) -> Any:
    def get(cells: list[Any]) -> Any:
        got = [str(cells[i]).strip() for i in idx if not blank(cells[i])]
        return got or None
    return get


def _delimited(i: int) -> Any:
    """Without a form, a cell like "1,2" or "help,trust" stays text parts, never 1.2."""
    def get(cells: list[Any]) -> Any:
        v = cells[i]
        return None if blank(v) else [p.strip() for p in str(v).split(",") if p.strip()]
    return get


def _reader(c: Column, positions: dict[str, list[int]], spec: Spec
            ) -> tuple[list[int], Any] | None:
    q = c.question
    if c.type == "multi-choice multi-column yes/no":
        return _yes_no(c, positions, spec)
    idx = positions.get(c.column.casefold())
    if not idx:
        return None

    def decode(v: Any) -> str:
        s = str(v).strip()
        if c.indexed:
            if not s.isdigit():
                raise ValueError(f"answer {s!r} to {c.column!r} is not an answer number")
            n = int(s)
            if not 1 <= n <= len(q.options):
                raise ValueError(f"answer {n} to {c.column!r} is not one of its"
                                 f" {len(q.options)} answers")
            return q.options[n - 1]
        return c.values.get(s.casefold(), s)

    if c.type in MULTI_COLUMN:
        def multi(cells: list[Any]) -> Any:
            got = [decode(cells[i]) for i in idx if not blank(cells[i])]
            return got or None
        return idx, multi
    first = idx[0]
    if q.kind == "multi-choice":
        def delimited(cells: list[Any]) -> Any:
            v = cells[first]
            if blank(v):
                return None
            return [decode(p) for p in str(v).split(spec.delimiter) if p.strip()]
        return [first], delimited
    if q.kind == "choice":
        return [first], lambda cells: None if blank(cells[first]) else decode(cells[first])
    return [first], sv.column(first)


def _yes_no(c: Column, positions: dict[str, list[int]], spec: Spec
            ) -> tuple[list[int], Any] | None:
    """``Name: option`` columns holding the yes indicator: the options said yes to."""
    chosen: dict[int, str] = {}
    for value, answer in c.values.items():
        got = positions.get(f"{c.column}{spec.separator}{value}".casefold())
        if got:
            chosen[got[0]] = answer
    if not chosen:
        return None

    def yesno(cells: list[Any]) -> Any:
        got = [ans for i, ans in chosen.items()
               if not blank(cells[i]) and str(cells[i]).strip().casefold() == spec.yes]
        return got or None
    return list(chosen), yesno


def _listy(values: list[Any]) -> bool:
    """Without a form: whether a column's answers are ','-delimited lists of short answers
    ("1,2", "help,trust"), never prose with commas."""
    joined = [str(v) for v in values if isinstance(v, str) and "," in v]
    return bool(joined) and all(
        all(p.strip() and len(p.split()) <= 4 and len(p) <= 40 for p in v.split(","))
        for v in joined)


register_platform(NarraFirma())
