"""NarraFirma story import CSV and its story-form CSV, as NarraFirma 1.6 writes and reads them.

The story-form CSV declares the questions: one row per data column with its type (``Single
choice``, ``Single choice indexed``, ``Multi-choice multi-column texts``, ``Multi-choice
single-column delimited [indexed]``, ``Multi-choice multi-column yes/no``, ``Scale``, ``Text``,
``eliciting``), what it is about (``story``, ``participant``, ``annotation``) and its answers
(``csv value|answer``; an eliciting question ``import name|short name|question``); ``form`` rows
give the form's texts and ``import`` rows the column names of the story title, text, participant
id, date and language, the scale range and the yes/no layout. The story CSV repeats a column's
header once per option of a multi-column question, holds write-ins in ``WRITEIN_Name`` columns
and may hold comment rows that start with ``;``. Without its form the story CSV is still read:
repeated headers become lists, delimited and indexed answers stay lists of text, never numbers.

What NarraFirma itself writes is read as meant (``csvImportExport.ts`` in pdfernhout/narrafirma):

- its "export story collection" wraps a multi-paragraph story text in quotes and escapes it a
  second time; such texts are restored, with a notice;
- it writes no participant column, so every story gets a teller of its own: a notice says so;
- its "export story form for import" writes the date column's row under the type "Story text
  column name": a second such row is read as the date column, with a notice, and a story text
  column holding nothing but dates is refused;
- its scale rows are ``low label, high label[, does-not-apply label][, min, max]``; values of a
  story export run 0-100 whatever the form's import range, and are read back onto that range;
- a single choice of exactly ``yes`` and ``no`` is a yes/no question (pni writes its yes/no
  questions so, since NarraFirma's ``Boolean`` cannot chart them).

One answer pni cannot read (an answer number that does not exist, a scale value that is not a
number) is left unanswered and listed with its row and reason; its story is kept."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pni.errors import DataError, FormError
from pni.ingest.forms import Form, blank, norm, slug, to_bool, to_number
from pni.ingest.readers.base import Adapted, ReadContext, Row, Table, register_platform
from pni.ingest.readers.survey import chosen as chosen_options
from pni.models import Question

FORM_HEADER = ["data column name", "type", "about"]
MULTI_COLUMN = ("multi-choice multi-column texts", "multi-choice multi-column yes/no")
IMPORT_FIELDS = {"story title column name": "title", "story text column name": "text",
                 "participant id column name": "teller",
                 "story collection date column name": "date", "language column name": "language"}
DEFAULT_FIELDS = {"text": "Story text", "title": "Story title", "teller": "Participant ID",
                  "date": "Collection date", "language": "Language"}
#: The first columns of NarraFirma's "export story collection" (its multi-paragraph texts are
#: quoted twice).
NF_EXPORT_HEADER = ["story title", "story text", "collection date", "language",
                    "eliciting question"]
#: pni's column for the listener's whole turn, and its eliciting question for stories without
#: a prompt (see pni.interop.narrafirma).
PROMPT_AS_ASKED = "prompt as asked"
NO_PROMPT = "no question recorded"
#: NarraFirma keeps scale answers on 0-100.
NF_SCALE = (0, 100)
RANGE_OPTION = "pnirange="
KIND_OPTION = "pnikind="
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


@dataclass
class Column:
    """How one question's answers are laid out in the story CSV."""

    question: Question
    column: str
    type: str
    values: dict[str, str] = field(default_factory=dict)  # csv value (casefolded) -> answer
    indexed: bool = False
    write_in: bool = False
    on_nf_scale: bool = False  # values written on NarraFirma's 0-100 (pni's ``pniRange=``)


@dataclass
class Spec:
    columns: list[Column] = field(default_factory=list)
    eliciting_column: str | None = None
    eliciting: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    delimiter: str = ","
    yes: str = "yes"
    separator: str = ": "
    ending: str = ""
    notices: list[str] = field(default_factory=list)


def is_form_csv(head: str) -> bool:
    """Whether CSV text is a NarraFirma story form (its column-definition header row)."""
    for line in head.splitlines()[:20]:
        cells = [c.strip().casefold() for c in next(csv.reader([line]), [])]
        if cells[:3] == FORM_HEADER:
            return True
    return False


def _eliciting_names(answer: str) -> tuple[list[str], str]:
    """An eliciting question's names and text as NarraFirma reads ``import|short|question``
    (two parts: ``name|question``; one: the name is the question)."""
    parts = [p.strip() for p in answer.split("|")]
    if len(parts) == 1:
        return [parts[0]], parts[0]
    if len(parts) == 2:
        return [parts[0]], parts[1] or parts[0]
    return [parts[0], parts[1]], parts[2] or parts[1] or parts[0]


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
    scale = NF_SCALE
    for n, r in enumerate(rows[start + 1:], start + 2):
        r = r + [""] * (7 - len(r))
        if not any(c.strip() for c in r) or r[0].lstrip().startswith(";"):
            continue
        name, typ, about = r[0].strip(), r[1].strip(), r[2].strip().casefold()
        answers = [c for c in r[6:] if c.strip()]
        if about == "import":
            key = typ.casefold()
            if key == "story text column name" and key in settings:
                # NarraFirma 1.6's "export story form for import" writes its date column so
                key = "story collection date column name"
                got = answers[0].strip() if answers else ""
                if key in settings:
                    raise FormError(f"row {n}: a second 'Story text column name' ({got!r}) and a"
                                    " date column too: which column holds the story text?",
                                    file=path, locator=f"row {n}")
                spec.notices.append(
                    f"form row {n}: a second 'Story text column name' row ({got!r}) is read as"
                    " the collection date column (NarraFirma's 'export story form for import'"
                    " writes its date row so)")
            settings[key] = list(r[6:])
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
                names, question = _eliciting_names(a)
                for key in names:
                    spec.eliciting.setdefault(key.casefold(), question)
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
            spec.delimiter = " " if v.strip().casefold() == "space" else v
        elif key == "yes no questions yes indicator" and v.strip():
            spec.yes = v.strip().casefold()
        elif key == "yes no questions q-a separator" and v:
            spec.separator = " " if v.strip().casefold() == "space" else v
        elif key == "yes no questions q-a ending" and v:
            spec.ending = v
        elif key == "scale range" and len([x for x in vals if x.strip()]) > 1:
            lo, hi = [x for x in vals if x.strip()][:2]
            try:
                scale = (int(float(lo)), int(float(hi)))
            except ValueError:
                raise FormError(f"'Scale range' {lo!r}, {hi!r} are not numbers",
                                file=path) from None
    for c in spec.columns:
        if c.question.kind == "scale" and c.question.scale_min is None:
            c.question.scale_min, c.question.scale_max = scale
    return form


def _scale_cells(answers: list[str], path: Path, n: int) -> dict[str, Any]:
    """A scale row's cells: ``low, high``, then a "does not apply" label and/or ``min, max``
    (NarraFirma writes ``low, high, label, min, max``; its import guide ``low, high, min,
    max``)."""
    kw: dict[str, Any] = {"labels": [a.strip() for a in answers[:2]]}
    rest = [a.strip() for a in answers[2:]]
    if len(rest) >= 2 and len(rest) <= 3:
        lo, hi = rest[-2], rest[-1]
        if not (_NUMBER.match(lo) and _NUMBER.match(hi)):
            raise FormError(f"row {n}: scale bounds {lo!r}, {hi!r} are not numbers", file=path,
                            locator=f"row {n}")
        kw["scale_min"], kw["scale_max"] = (float(lo.replace(",", ".")),
                                            float(hi.replace(",", ".")))
    elif len(rest) > 3:
        raise FormError(f"row {n}: a scale row holds two labels, a 'does not apply' label and"
                        f" min and max, not {len(answers)} cells", file=path,
                        locator=f"row {n}")
    return kw


def _option(options: str, name: str) -> str | None:
    """The value of ``name=`` among a question's ``|``-separated options."""
    for part in options.split("|"):
        key, _, val = part.strip().partition("=")
        if key.casefold() + "=" == name:
            return val.strip()
    return None


def _range_option(options: str) -> tuple[float, float] | None:
    """pni's ``pniRange=1..5`` among a question's options: the range of values written on
    NarraFirma's 0-100."""
    lo, _, hi = (_option(options, RANGE_OPTION) or "").partition("..")
    try:
        return float(lo), float(hi)
    except ValueError:
        return None


def _column(name: str, typ: str, about: str, short: str, long: str, options: str,
            answers: list[str], path: Path, n: int) -> Column:
    t = typ.casefold()
    ab = ("teller" if about in ("participant", "teller") else
          "annotation" if about == "annotation" else "story")
    values: dict[str, str] = {}
    shown: list[str] = []
    for a in answers:
        csv_value, _, answer = a.partition("|")
        answer = (answer.partition("|")[0] or csv_value).strip()
        values[csv_value.strip().casefold()] = answer
        shown.append(answer)
    qid = slug(name)
    text = long or short or name
    kw: dict[str, Any] = {}
    on_nf_scale = False
    if t == "scale":
        kind = "scale"
        kw = _scale_cells(answers, path, n)
        got = _range_option(options)
        if got is not None:
            kw["scale_min"], kw["scale_max"] = got
            on_nf_scale = True
        values = {}
    elif t.startswith("multi-choice") or t == "multiple choice":
        kind = "multi-choice"
    elif t.startswith("single choice") or t == "radiobuttons":
        kind = "choice"
        if sorted(o.casefold() for o in shown) == ["no", "yes"] and "indexed" not in t \
                and _option(options, KIND_OPTION) != "choice":
            kind = "boolean"
    elif t in ("boolean", "checkbox"):
        kind = "boolean"
    elif t in ("text", "textarea", "label", "header", ""):
        kind = "text"
    else:
        raise FormError(f"row {n}: type {typ!r} is not a NarraFirma question type", file=path,
                        locator=f"row {n}")
    if kind in ("choice", "multi-choice"):
        kw["options"] = shown
    # NarraFirma's short name, where it is one (not the text itself, nor the import name)
    named = short.strip() if short and short.strip() not in (text, name) else None
    q = Question(id=qid, text=text, kind=kind, about=ab, short=named,  # type: ignore[arg-type]
                 **kw)
    return Column(q, name, t, values, indexed="indexed" in t,
                  write_in="writeintextboxlabel" in options.casefold().replace(" ", ""),
                  on_nf_scale=on_nf_scale)


# -- NarraFirma's own story export ----------------------------------------------------------------
def _unquote(v: str) -> str | None:
    """A cell a CSV writer quoted once more than it needed: ``"...""..."`` -> ``..."...``;
    ``None`` when ``v`` is not so (a lone quote inside)."""
    if len(v) < 2 or v[0] != '"' or v[-1] != '"':
        return None
    inner = v[1:-1]
    if '"' in inner.replace('""', ""):
        return None
    return inner.replace('""', '"')


def restore_text(v: str, delimiter: str = ",", *, story_text: bool = False) -> str | None:
    """A cell of NarraFirma's "export story collection" as it was told, or ``None`` when it
    needs nothing. NarraFirma quotes a cell holding the delimiter and then again one holding
    a line break (so such a cell is escaped twice), and first wraps a story text with line
    breaks in quotes of its own."""
    if "\n" not in v and "\r" not in v:
        return None
    out: str | None = v
    if delimiter in v and "\n" in v:  # quoted for the delimiter, then again for the break
        out = _unquote(v)
    if out is not None and story_text:
        out = out[1:-1] if len(out) >= 2 and out[0] == '"' and out[-1] == '"' else None
    return out


def _restore(header: list[str], rows: list[Row], text_at: int | None) -> int:
    """Restore every twice-escaped cell of NarraFirma's story export in place; how many."""
    fixed = 0
    for r in rows:
        if r.error is not None:
            continue
        for i, v in enumerate(r.cells):
            if isinstance(v, str):
                got = restore_text(v, story_text=i == text_at)
                if got is not None and got != v:
                    r.cells[i] = got
                    fixed += 1
    return fixed


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
        text_cols = positions.get(spec.fields["text"].casefold())
        text_at = text_cols[0] if text_cols else None
        if [h.casefold() for h in raw[:5]] == NF_EXPORT_HEADER:
            rows = [Row(r.locator, list(r.cells), r.raw, r.error) for r in rows]
            fixed = _restore(raw, rows, text_at)
            if fixed:
                a.taken.append(f"{fixed} multi-paragraph cell(s) restored (NarraFirma's story"
                               " export quotes them twice)")
        _refuse_dates(rows, text_at, raw, ctx)
        cols: list[tuple[str, Any]] = []
        used: set[int] = set()
        for key, name in spec.fields.items():
            idx = positions.get(name.casefold())
            if idx:
                a.fields[key] = len(cols)
                cols.append((name, _cell(idx[0])))
                used.add(idx[0])
        if "teller" not in a.fields:
            a.taken.append(f"no participant column ({spec.fields['teller']!r}): each story gets a"
                           " teller of its own, though one participant may have told several"
                           " (NarraFirma's own story export writes no participant IDs)")
        whole = positions.get(PROMPT_AS_ASKED)
        if whole:
            used.add(whole[0])
        name = spec.eliciting_column or "Eliciting question"
        idx = positions.get(name.casefold()) or positions.get("eliciting question answered")
        if idx or whole:
            a.fields["prompt"] = len(cols)
            cols.append((name, _eliciting(idx[0] if idx else None, spec.eliciting,
                                          whole[0] if whole else None)))
            used.update(idx or [])
        declared: list[str] = []
        for c in spec.columns:
            got = _reader(c, positions, spec)
            if got is None:
                continue
            at, fn = got
            used.update(at)
            cols.append((c.question.id, fn))
            declared.append(c.column)
            if c.write_in:
                w = positions.get(f"writein_{c.column}".casefold())
                if w:
                    used.update(w)
                    cols.append((f"{c.question.id}_write_in", _cell(w[0])))
        lists = 0
        for h, at in positions.items():
            free = [i for i in at if i not in used]
            if not free:
                continue
            name = raw[free[0]]
            if len(free) > 1:
                cols.append((name, chosen_options(free)))
                lists += 1
            elif h.startswith("writein_"):
                cols.append((f"{name[8:]} (other)", _cell(free[0])))
            elif form is None and _listy([r.cells[free[0]] for r in rows if r.error is None]):
                cols.append((name, _delimited(free[0])))
                lists += 1
            else:
                cols.append((name, _cell(free[0])))
        problems: list[str] = []
        a.table = _rebuild(Table(table.header, rows, table.sheet, notices), rows, cols, problems)
        a.table.notices.extend(problems)
        a.teller_columns = [n for n, (h, _) in enumerate(cols)
                            if any(c.question.id == h and c.question.about == "teller"
                                   for c in spec.columns)]
        if form is not None:
            a.form = form
            a.taken.extend(_on_their_range(spec, a.table, cols))
            a.taken.append(f"questions from the story form {form.path.name if form.path else ''}"
                           f" ({len(declared)} of {len(spec.columns)} found in the file)")
            a.taken.extend(spec.notices)
        else:
            a.taken.append("no story form given: answer numbers stay numbers and the eliciting"
                           " question is an answer; give the story-form CSV with --form FILE")
        if comments:
            a.taken.append(f"{comments} ';' comment row(s) skipped (not records)")
        if lists:
            a.taken.append(f"{lists} question(s) over repeated columns or ','-delimited read as"
                           " lists")
        return a


def _refuse_dates(rows: list[Row], text_at: int | None, raw: list[str],
                  ctx: ReadContext) -> None:
    """A story text column holding nothing but dates is a form row naming the wrong column."""
    if text_at is None:
        return
    vals = [str(r.cells[text_at]).strip() for r in rows
            if r.error is None and text_at < len(r.cells) and not blank(r.cells[text_at])]
    if len(vals) >= 2 and all(_ISO_DAY.match(v) and len(v) <= 25 for v in vals):
        raise DataError(f"the story text column {raw[text_at]!r} holds only dates: the story"
                        " form names the wrong column as 'Story text column name'", file=ctx.path)


def _rebuild(table: Table, rows: list[Row], columns: list[tuple[str, Any]],
             problems: list[str]) -> Table:
    """A new table, one column per (name, function of the old row's cells). An answer a
    function cannot read (``ValueError``) is left blank and listed in ``problems`` with its
    row and reason: one unreadable answer never costs a story."""
    out = []
    for r in rows:
        if r.error is not None:
            out.append(r)
            continue
        cells = []
        for _, f in columns:
            try:
                cells.append(f(r.cells))
            except ValueError as e:
                cells.append(None)
                problems.append(f"{r.locator}: {e}; left unanswered, the story is kept")
        out.append(Row(r.locator, cells, r.raw))
    return Table([n for n, _ in columns], out, table.sheet, list(table.notices),
                 [n for n, _ in columns])


def _on_their_range(spec: Spec, table: Table, cols: list[tuple[str, Any]]) -> list[str]:
    """A NarraFirma story export holds scale answers on 0-100 whatever import range its form
    declares: such answers are read back onto that range (in ``table``); returns notices."""
    index = {name: i for i, (name, _) in enumerate(cols)}
    notices: list[str] = []
    for c in spec.columns:
        q = c.question
        i = index.get(q.id)
        if q.kind != "scale" or i is None or c.on_nf_scale or q.scale_min is None \
                or (q.scale_min, q.scale_max) == NF_SCALE:
            continue
        nums = [n for r in table.rows if r.error is None
                for n in [to_number(r.cells[i])] if n is not None]
        lo, hi = q.scale_min, q.scale_max or 0
        if nums and any(not lo <= n <= hi for n in nums) and all(0 <= n <= 100 for n in nums):
            for r in table.rows:
                n = to_number(r.cells[i]) if r.error is None else None
                if n is not None:
                    r.cells[i] = from_nf_scale(n, lo, hi)
            notices.append(f"{c.column!r}: answers run 0-100 (NarraFirma's own scale) though the"
                           f" form declares {_num(lo)}..{_num(hi)}: read back onto"
                           f" {_num(lo)}..{_num(hi)}")
    return notices


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def from_nf_scale(v: float, lo: float, hi: float) -> float | int:
    """A 0-100 value back on ``lo..hi``: a whole number when one lies within half a step of
    NarraFirma's rounding."""
    val = lo + float(v) * (hi - lo) / 100
    r = round(val)
    if abs(val - r) <= abs(hi - lo) / 200 + 1e-9:
        return int(r)
    return round(val, 2)


def _cell(i: int) -> Any:
    return lambda cells: cells[i] if i < len(cells) else None


def _eliciting(i: int | None, names: dict[str, str], whole: int | None) -> Any:
    def get(cells: list[Any]) -> Any:
        if whole is not None and whole < len(cells) and not blank(cells[whole]):
            return str(cells[whole]).strip()
        if i is None or i >= len(cells) or blank(cells[i]):
            return None
        v = str(cells[i]).strip()
        return None if v.casefold() == NO_PROMPT else names.get(v.casefold(), v)
    return get


def _delimited(i: int) -> Any:
    """Without a form, a cell like "1,2" or "help,trust" stays text parts, never 1.2."""
    def get(cells: list[Any]) -> Any:
        v = cells[i] if i < len(cells) else None
        return None if blank(v) else [p.strip() for p in str(v).split(",") if p.strip()]
    return get


def _index(c: Column, s: str) -> str:
    q = c.question
    if not s.isdigit():
        raise ValueError(f"answer {s!r} to {c.column!r} is not an answer number")
    n = int(s)
    if not 1 <= n <= len(q.options):
        raise ValueError(f"answer {n} to {c.column!r} is not one of its {len(q.options)}"
                         " answers")
    return q.options[n - 1]


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
        return _index(c, s) if c.indexed else c.values.get(s.casefold(), s)

    if c.type in MULTI_COLUMN:
        def multi(cells: list[Any]) -> Any:
            got = [decode(cells[i]) for i in idx if i < len(cells) and not blank(cells[i])]
            return got or None
        return idx, multi
    first = idx[0]

    def cell(cells: list[Any]) -> Any:
        return cells[first] if first < len(cells) else None

    if q.kind == "multi-choice":
        def delimited(cells: list[Any]) -> Any:
            v = cell(cells)
            if blank(v):
                return None
            parts = [p.strip() for p in str(v).split(spec.delimiter) if p.strip()]
            if c.indexed and spec.delimiter.strip():
                # NarraFirma's import guide writes "1 4": numbers apart by spaces
                parts = [x for p in parts for x in (p.split() if re.fullmatch(r"\d+(\s+\d+)+", p)
                                                    else [p])]
            return [decode(p) for p in parts]
        return [first], delimited
    if q.kind == "choice":
        return [first], lambda cells: None if blank(cell(cells)) else decode(cell(cells))
    if q.kind == "boolean":
        def yes_no(cells: list[Any]) -> Any:
            v = cell(cells)
            if blank(v):
                return None
            got = to_bool(c.values.get(str(v).strip().casefold(), v))
            if got is None:
                raise ValueError(f"answer {str(v).strip()!r} to {c.column!r} is not yes or no")
            return got
        return [first], yes_no
    if q.kind == "scale":
        def scale(cells: list[Any]) -> Any:
            v = cell(cells)
            if blank(v):
                return None
            n = to_number(v)
            if n is None:
                raise ValueError(f"answer {str(v).strip()!r} to {c.column!r} is not a number")
            if c.on_nf_scale and q.scale_min is not None and q.scale_max is not None:
                return from_nf_scale(n, q.scale_min, q.scale_max)
            return n
        return [first], scale
    return [first], cell


def _yes_no(c: Column, positions: dict[str, list[int]], spec: Spec
            ) -> tuple[list[int], Any] | None:
    """``Name<separator>option<ending>`` columns holding the yes indicator: the options said
    yes to (``Needed [help]`` with separator ``[`` and ending ``]``)."""
    sep, end = spec.separator.strip() or spec.separator, spec.ending.strip()
    chosen: dict[int, str] = {}
    for header, at in positions.items():
        if sep not in header:
            continue
        name, _, option = header.partition(sep.casefold())
        option = option.strip()
        if end and option.endswith(end.casefold()):
            option = option[: -len(end)].strip()
        if name.strip() == c.column.casefold() and option in c.values:
            chosen[at[0]] = c.values[option]
    if not chosen:
        return None

    def yesno(cells: list[Any]) -> Any:
        got = [ans for i, ans in chosen.items() if i < len(cells)
               and not blank(cells[i]) and str(cells[i]).strip().casefold() == spec.yes]
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
