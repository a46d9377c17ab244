"""Table rows -> candidate stories: mapped fields, and the other columns as answers to questions
(from the form, from questions already in the store, or inferred from the column's values)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pni.errors import DataError
from pni.ingest.forms import Form, blank, coerce, infer_question, norm, slug
from pni.ingest.mapping import map_columns
from pni.ingest.models import Candidate, FileSettings, InferredQuestion
from pni.ingest.readers.base import ReadContext, ReadResult
from pni.ingest.readers.tables import Table
from pni.models import Question


def _s(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = v if isinstance(v, str) else str(v)
    return s if s.strip() else None


def table_candidates(
    table: Table,
    file: Path,
    label: str,
    settings: FileSettings,
    form: Form | None,
    known: dict[str, Question],
) -> tuple[list[Candidate], dict[str, Question], list[InferredQuestion]]:
    """Candidates for every row, the questions their answers use, and the kinds inferred."""
    tm = map_columns(table.header, settings.mapping, file, table.sheet)
    good = [r for r in table.rows if r.error is None]
    by_column = form.by_column() if form else {}
    questions: dict[int, Question] = {}
    used_ids: set[str] = set()
    inferred: list[InferredQuestion] = []
    for idx in tm.answer_columns:
        col = table.header[idx]
        q = by_column.get(norm(col))
        if q is None:
            k = known.get(slug(col))
            if k is not None and not k.inferred:
                q = k
        if q is None:
            q, evidence = infer_question(col, [r.cells[idx] for r in good])
            base, n = q.id, 2
            while q.id in used_ids:
                q = q.model_copy(update={"id": f"{base}_{n}"})
                n += 1
            inferred.append(InferredQuestion(file=label, column=col, question=q,
                                             evidence=evidence))
        used_ids.add(q.id)
        questions[idx] = q
    f = tm.fields
    default_prompt = form.prompt if form else None
    out: list[Candidate] = []
    for row in table.rows:
        c = Candidate(locator=row.locator, raw=row.raw, sheet=table.sheet, kind=settings.kind,
                      error=row.error)
        if row.error is None:
            cells = row.cells

            def get(key: str, cells: list[Any] = cells) -> str | None:
                i = f.get(key)
                return None if i is None else _s(cells[i])

            v = cells[f["text"]]
            c.text = v if isinstance(v, str) else _s(v)
            c.source_id = get("id")
            c.teller = get("teller")
            c.prompt = get("prompt") or default_prompt
            c.title = get("title")
            c.date = get("date")
            c.consent = get("consent")
            c.language = get("language") or settings.language
            for idx, q in questions.items():
                v = cells[idx]
                if blank(v):
                    continue
                try:
                    val = coerce(q, v)
                except ValueError as e:
                    c.error = f"{table.header[idx]!r}: {e}"
                    break
                (c.teller_answers if q.about == "teller" else c.answers)[q.id] = val
        out.append(c)
    return out, {q.id: q for q in questions.values()}, inferred


def tables_result(tables: list[Table], ctx: ReadContext) -> ReadResult:
    """The candidates of every table of a file (every sheet of a workbook)."""
    s = ctx.settings
    out = ReadResult(kind=s.kind or "story-form")
    for t in tables:
        prefix = f"sheet {t.sheet!r}: " if t.sheet else ""
        out.notices.extend(prefix + n for n in t.notices)
        if not t.header and not t.rows:
            continue
        c, qs, inf = table_candidates(t, ctx.path, ctx.label, s, ctx.form, ctx.known)
        out.candidates.extend(c)
        out.questions.update(qs)
        out.inferred.extend(inf)
    if not out.candidates and not any(t.rows for t in tables):
        raise DataError("the file holds no rows", file=ctx.path)
    return out
