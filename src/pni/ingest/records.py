"""Table rows -> candidate stories: the survey platform recognised (or forced), mapped fields,
platform metadata kept as provenance, and the other columns as answers to questions (from the
form, from questions already in the store, or inferred from the column's values)."""

from __future__ import annotations

from typing import Any

from pni.errors import DataError, MappingError, UsageError
from pni.ingest.forms import (
    MAX_CHOICES,
    Form,
    about_teller,
    blank,
    coerce,
    infer_question,
    norm,
    plain_words,
    slug,
)
from pni.ingest.mapping import TableMapping, map_columns
from pni.ingest.models import Candidate, InferredQuestion
from pni.ingest.readers import base
from pni.ingest.readers.base import Adapted, ReadContext, ReadResult, Table
from pni.ingest.readers.survey import (
    MISSING_CODES,
    day_first,
    holds_dates,
    identity_columns,
    iso_date,
    mean_length,
    teller_of,
)
from pni.models import Question

MIN_STORY_CHARS = 15  # a guessed story column's answers are at least this long on average


def _choice_like(values: list[str]) -> bool:
    """A few distinct answers, each given again and again: a choice, not free text."""
    distinct = len(set(values))
    return 0 < distinct <= MAX_CHOICES and len(values) >= 3 * distinct


def _s(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = v if isinstance(v, str) else str(v)
    return s if s.strip() else None


def choose_platform(table: Table, ctx: ReadContext) -> base.Platform | None:
    """The platform named by ``--platform`` (or the form), else the first that recognises the
    table by its header and first rows."""
    forced = ctx.options.platform or (ctx.form.platform if ctx.form else None)
    if forced:
        if forced.casefold() in ("none", "plain", "table"):
            return None
        p = base.platform(forced)
        if p is None:
            raise UsageError(f"--platform {forced!r}: choose one of "
                             + ", ".join(x.name for x in base.platforms()) + " or none")
        return p
    return next((p for p in base.platforms() if p.sniff(table)), None)


def tables_result(tables: list[Table], ctx: ReadContext) -> ReadResult:
    """The candidates of every table of a file (every sheet of a workbook)."""
    out = ReadResult(kind=ctx.settings.kind or "story-form")
    for t in tables:
        prefix = f"sheet {t.sheet!r}: " if t.sheet else ""
        if not t.header and not t.rows:
            out.notices.extend(prefix + n for n in t.notices)
            continue
        if _transcript_table(t, ctx, out, prefix):
            continue
        plat = choose_platform(t, ctx)
        adapted = plat.adapt(t, ctx) if plat else None
        if plat is not None and adapted is not None:
            out.platform = plat.name
            how = "forced with --platform" if ctx.options.platform else "recognised"
            kept = [adapted.table.header[i] for i in adapted.metadata]
            if kept:
                adapted.taken.append("kept as provenance, never answers: " + ", ".join(kept))
            article = "an" if plat.label[:1] in "AEIOU" else "a"
            out.notices.append(f"{prefix}{how} as {article} {plat.label} export; "
                               + "; ".join(adapted.taken))
            t = adapted.table
            out.kind = ctx.settings.kind or adapted.kind
        out.notices.extend(prefix + n for n in t.notices)
        c, qs, inf, notes = table_candidates(t, ctx, adapted)
        out.notices.extend(prefix + n for n in notes)
        out.candidates.extend(c)
        out.questions.update(qs)
        out.inferred.extend(inf)
    if not out.candidates and not any(t.rows for t in tables):
        raise DataError("the file holds no rows", file=ctx.path)
    return out


def _transcript_table(t: Table, ctx: ReadContext, out: ReadResult, prefix: str) -> bool:
    """Read a table with a speaker column and a words column (and time columns) as a
    transcript, unless ``--map text=`` or ``--platform`` say it is a table of stories."""
    from pni.ingest.documents import table_transcript_candidates
    from pni.ingest.readers import transcript_table as tt

    if ctx.options.platform or "text" in ctx.settings.mapping:
        return False
    cols = tt.columns(t)
    if cols is None:
        return False
    speaker, words, times = cols
    turns, bad = tt.turns(t, speaker, words)
    names = ", ".join(t.header[i] for i in sorted([speaker, words, *times]))
    style = f"{tt.STYLE} (columns {names})"
    built = table_transcript_candidates(turns, bad, ctx.path, ctx.label, ctx.settings, ctx.form,
                                        ctx.known, dict(ctx.meta), style)
    out.notices.extend(prefix + n for n in [*t.notices, *built.notices])
    out.notices.append(f"{prefix}each row is an utterance; to read each row as a story instead:"
                       f" --map text={t.header[words]!r}")
    out.candidates.extend(built.candidates)
    out.questions.update(built.questions)
    out.inferred.extend(built.inferred)
    out.kind = built.kind or out.kind
    return True


def _story_column(table: Table, tm: TableMapping, adapted: Adapted | None, ctx: ReadContext,
                  notes: list[str]) -> None:
    """With no story column named, a recognised platform's free-text question holding the most
    text (answered by many, at length) is the story, said in a notice; a plain table raises
    with that column suggested."""
    good = [r for r in table.rows if r.error is None]
    declared = [i for i in (adapted.text_candidates if adapted else [])
                if i in tm.answer_columns]
    pool = declared or tm.answer_columns
    texts = {i: [r.cells[i] for r in good if isinstance(r.cells[i], str) and r.cells[i].strip()]
             for i in pool}
    free = [i for i in pool if not _choice_like(texts[i])
            and any(" " in v.strip() for v in texts[i])]  # a uuid is no story, however long
    best = max(free or pool, key=lambda i: sum(len(v) for v in texts[i]), default=None)
    name = table.header[best] if best is not None else None
    mean = mean_length(texts[best]) if best is not None else 0.0
    if adapted is not None and best is not None and (declared or mean >= MIN_STORY_CHARS):
        tm.fields["text"] = best
        tm.answer_columns.remove(best)
        notes.append(f"story text from column {name!r}: the free-text question holding the most"
                     f" text (answered in {len(texts[best])} of {len(good)} rows,"
                     f" {mean:.0f} characters on average); choose another with --map text=COLUMN")
        return
    hint = f"; the most text is in {name!r}: --map text={name!r}" if name else ""
    raise MappingError("no story text column found (looked for story, text, narrative,"
                       f" response, ...){hint}", file=ctx.path,
                       locator=f"sheet {table.sheet!r}" if table.sheet else None)


CONSENT_WORDS = {"consent", "consentimiento", "share", "shared", "compartir", "compartamos",
                 "permission", "permiso", "partager", "teilen", "einverstanden", "publish"}


def _consent_column(table: Table, tm: TableMapping, notes: list[str]) -> None:
    """A short question about sharing or consent, with a few distinct answers, is the consent
    column (said in a notice; its values are mapped, never guessed)."""
    good = [r for r in table.rows if r.error is None]
    for i in tm.answer_columns:
        words = plain_words(table.header[i])
        distinct = {str(r.cells[i]).strip().casefold() for r in good if not blank(r.cells[i])}
        if 0 < len(words) <= 10 and CONSENT_WORDS & set(words) and 0 < len(distinct) <= 6:
            tm.fields["consent"] = i
            tm.answer_columns.remove(i)
            notes.append(f"consent from column {table.header[i]!r} (values: "
                         + ", ".join(sorted(distinct)) + "); map values with --consent-map")
            return


def _check_date(table: Table, tm: TableMapping, mapped: bool, notes: list[str]) -> bool:
    """A date column found by its name must hold dates (a ``timestamp`` of "0:54" is a time in
    a recording, not the story's date): else it is an answer column. Returns day-first."""
    i = tm.fields.get("date")
    if i is None:
        return False
    vals = [r.cells[i] for r in table.rows if r.error is None]
    if not mapped and not holds_dates(vals):
        del tm.fields["date"]
        tm.answer_columns.append(i)
        tm.answer_columns.sort()
        sample = next((str(v) for v in vals if not blank(v)), "")
        notes.append(f"column {table.header[i]!r} holds {sample!r}, not dates: read as an answer,"
                     " not the story date (name a date column with --map date=COLUMN)")
    return day_first(vals)


def _teller_columns(table: Table, ctx: ReadContext, adapted: Adapted | None) -> set[int]:
    names = [*ctx.options.teller_questions, *(ctx.form.teller_questions if ctx.form else [])]
    loose = {norm(h): i for i, h in enumerate(table.header)}
    out = set(adapted.teller_columns) if adapted else set()
    for n in names:
        i = loose.get(norm(n))
        if i is None:
            raise MappingError(f"--teller-question {n!r}: no such column; columns present: "
                               + ", ".join(repr(h) for h in table.header), file=ctx.path)
        out.add(i)
    return out


def table_candidates(table: Table, ctx: ReadContext, adapted: Adapted | None = None
                     ) -> tuple[list[Candidate], dict[str, Question], list[InferredQuestion],
                                list[str]]:
    """Candidates for every row, the questions their answers use, the kinds inferred and
    notices (story column guessed, date column refused)."""
    settings, file = ctx.settings, ctx.path
    form: Form | None = adapted.form if adapted and adapted.form else ctx.form
    meta_cols = set(adapted.metadata) | set(adapted.personal) | set(adapted.ignored) \
        if adapted else set()
    tm = map_columns(table.header, settings.mapping, file, table.sheet,
                     preset=adapted.fields if adapted else None, exclude=meta_cols,
                     require_text=False)
    notes: list[str] = []
    ids = _identity(table, tm, form, notes)
    if "text" not in tm.fields:
        _story_column(table, tm, adapted, ctx, notes)
    if "consent" not in tm.fields:
        _consent_column(table, tm, notes)
    dayfirst = _check_date(table, tm, "date" in settings.mapping
                           or (adapted is not None and "date" in adapted.fields), notes)
    tellers = _teller_columns(table, ctx, adapted)
    good = [r for r in table.rows if r.error is None]
    by_column = form.by_column() if form else {}
    questions: dict[int, Question] = {}
    used_ids: set[str] = set()
    inferred: list[InferredQuestion] = []
    texts = adapted.question_texts if adapted else {}
    for idx in tm.answer_columns:
        col = table.header[idx]
        q = by_column.get(norm(col))
        if q is None:
            k = ctx.known.get(slug(col))
            if k is not None and not k.inferred:
                q = k
        if q is None:
            about = "teller" if idx in tellers or about_teller(texts.get(idx, col)) else None
            free = adapted is not None and idx in adapted.text_candidates
            q, evidence = infer_question(col, [_answer(r.cells[idx], adapted) for r in good],
                                         about=about,
                                         free_text=free, lists=not (
                                             adapted is not None and idx in adapted.no_lists))
            opts = adapted.group_options.get(col) if adapted else None
            if opts and q.kind == "multi-choice":
                q = q.model_copy(update={"options": opts})
            if idx in texts:
                q = q.model_copy(update={"text": texts[idx]})
            base_id, n = q.id, 2
            while q.id in used_ids:
                q = q.model_copy(update={"id": f"{base_id}_{n}"})
                n += 1
            inferred.append(InferredQuestion(file=ctx.label, column=col, question=q,
                                             evidence=evidence))
        elif idx in tellers and q.about != "teller":
            q = q.model_copy(update={"about": "teller"})
        used_ids.add(q.id)
        questions[idx] = q
    out = [_candidate(row, table, tm, questions, ctx, form, adapted, dayfirst, ids)
           for row in table.rows]
    return out, {q.id: q for q in questions.values()}, inferred, notes


def _answer(v: Any, adapted: Adapted | None) -> Any:
    """A cell as an answer: in a survey platform's export the missing-value codes -99 and -98
    ("seen, not answered", "not shown") are no answer."""
    if adapted is not None and v is not None and str(v).strip() in MISSING_CODES:
        return None
    return v


def _identity(table: Table, tm: TableMapping, form: Form | None, notes: list[str]
              ) -> tuple[list[int], Any]:
    """Columns that identify the respondent (name, e-mail, phone) left among the answers:
    taken out of them; their values are the teller when no teller column is mapped, and names
    pni knows (redacted everywhere). ``--map teller=COLUMN`` or a form question keeps one."""
    declared = {norm(c) for c in form.columns.values()} | {
        norm(q.id) for q in form.questions} if form else set()
    found = identity_columns([h if i in tm.answer_columns and norm(h) not in declared else ""
                              for i, h in enumerate(table.header)])
    cols = sorted(i for v in found.values() for i in v)
    if not cols:
        return [], None
    for i in cols:
        tm.answer_columns.remove(i)
    teller = None
    if "teller" not in tm.fields:
        teller = teller_of({k: v for k, v in found.items() if k != "phone"})
    names = ", ".join(repr(table.header[i]) for i in cols)
    notes.append(f"identity column(s) {names}: " + ("the teller (pseudonymised)"
                 if teller else "names pni knows") + ", never answers")
    return cols, teller


def _candidate(row: Any, table: Table, tm: TableMapping, questions: dict[int, Question],
               ctx: ReadContext, form: Form | None, adapted: Adapted | None,
               dayfirst: bool, ids: tuple[list[int], Any] = ([], None)) -> Candidate:
    c = Candidate(locator=row.locator, raw=row.raw, sheet=table.sheet, kind=ctx.settings.kind,
                  error=row.error)
    if row.error is not None:
        return c
    cells, f = row.cells, tm.fields

    def get(key: str) -> str | None:
        i = f.get(key)
        return None if i is None else _s(cells[i])

    v = cells[f["text"]]
    c.text = v if isinstance(v, str) else _s(v)
    c.source_id = get("id")
    c.teller = get("teller")
    c.prompt = get("prompt") or (form.prompt if form else None)
    c.title = get("title")
    date = get("date")
    c.date = (iso_date(date, dayfirst) or date) if date else None
    c.consent = get("consent")
    if c.consent is not None and form is not None and form.consent:
        c.consent = form.consent.get(c.consent.strip().casefold(), c.consent)
    c.language = get("language") or ctx.settings.language
    if adapted is not None:
        c.meta = {table.header[i]: cells[i] for i in adapted.metadata
                  if i < len(cells) and not blank(cells[i])}
        c.names = [str(cells[i]) for i in adapted.personal  # recipients: redacted everywhere
                   if i < len(cells) and not blank(cells[i])]
    id_cols, id_teller = ids
    c.names += [str(cells[i]).strip() for i in id_cols if not blank(cells[i])]
    if c.teller is None and id_teller is not None:
        c.teller = id_teller(cells)
    c.record_key = "id:" + c.source_id if c.source_id else row.raw
    for idx, q in questions.items():
        v = _answer(cells[idx], adapted)
        if blank(v):
            continue
        try:
            val = coerce(q, v)
        except ValueError as e:  # one answer pni cannot read never costs the story
            c.unread.append(f"{row.locator}, column {table.header[idx]!r}: {e}; left"
                            " unanswered, the story is kept")
            continue
        (c.teller_answers if q.about == "teller" else c.answers)[q.id] = val
    return c
