"""REFI-QDA projects (``.qdpx`` from NVivo, ATLAS.ti, MAXQDA, QualCoder, or `pni export qdpx`).

Each text source becomes a story: its variables become answers about the story, the variables
of its case answers about the teller (the case's name is the teller), and the codes applied to
it (anywhere in it) answers to the multi-choice annotation question ``codes`` (nested codes as
``Parent > Child``). Sources that are not text are listed as skipped, with the reason. A project
written by pni carries its question kinds and each story's prompt, date, consent, title and
teller in ``pni:`` variables, so a round trip gives back the same stories and answers, also
through QualCoder, whose import drops the links from cases to sources (the ``pni:teller``
variable names the case) and keeps each set as a variable whose value is its own name (such
variables are not answers) (docs/interop.md).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pni.ingest.forms import blank, coerce, infer_question, slug
from pni.ingest.models import Candidate, InferredQuestion, Skipped
from pni.ingest.qda import QdaProject, QdaSource, read_project
from pni.ingest.readers.base import ReadContext, ReadResult, register
from pni.interop.refi import CODES_QUESTION, META_PREFIX, parse_description
from pni.models import SOURCE_KINDS, Question

_EXTENSIONS = (".docx", ".txt", ".pdf", ".odt", ".rtf", ".md", ".html", ".htm", ".doc")


class QdpxReader:
    name = "qdpx"
    extensions: tuple[str, ...] = (".qdpx",)
    container: Literal["text", "zip", "binary"] = "zip"
    priority = 0
    forms_beside = False

    def sniff(self, head: bytes, ext: str) -> bool:
        return True

    def read(self, ctx: ReadContext) -> ReadResult:
        proj = read_project(ctx.path)
        return candidates(proj, ctx)


def _title(src: QdaSource) -> str:
    name = src.name
    low = name.casefold()
    for ext in _EXTENSIONS:
        if low.endswith(ext):
            return name[: -len(ext)]
    return name


def _questions(proj: QdaProject, ctx: ReadContext, about_of: dict[str, str]
               ) -> tuple[dict[str, Question], list[InferredQuestion]]:
    """A question for each variable (by variable GUID): declared by pni's ``pni:`` line, known
    in the store, or inferred from the values."""
    values: dict[str, list[Any]] = {}
    for src in proj.sources:
        for g, v in src.values.items():
            values.setdefault(g, []).append(v)
    for case in proj.cases:
        for g, v in case.values.items():
            values.setdefault(g, []).append(v)
    out: dict[str, Question] = {}
    inferred: list[InferredQuestion] = []
    for g, var in proj.variables.items():
        if var.name.startswith(META_PREFIX) or g not in about_of:
            continue
        about = about_of[g]
        q = parse_description(var.name, var.description)
        if q is None:
            qid = slug(var.name)
            known = ctx.known.get(qid)
            if known is not None and not known.inferred:
                q = known
            elif var.type == "Boolean":
                q = Question(id=qid, text=var.name, kind="boolean", about=about)  # type: ignore[arg-type]
            elif var.type in ("Integer", "Float"):
                nums = [v for v in values.get(g, []) if isinstance(v, int | float)]
                q = Question(id=qid, text=var.name, kind="scale", about=about,  # type: ignore[arg-type]
                             scale_min=min(nums) if nums else None,
                             scale_max=max(nums) if nums else None)
            else:
                q, evidence = infer_question(var.name, values.get(g, []), about=about)
                inferred.append(InferredQuestion(file=ctx.label, column=var.name, question=q,
                                                 evidence=f"{evidence} ({var.type} variable)"))
        out[g] = q
    return out, inferred


def _codes_question(proj: QdaProject, ctx: ReadContext) -> Question | None:
    """The annotation question ``codes``: a multi-choice, or a choice where the store already
    has it so (``pni annotate`` of one code a story) and no source holds two codes."""
    paths = list(dict.fromkeys(proj.codes.values()))
    if not paths:
        return None
    known = ctx.known.get(CODES_QUESTION)
    kind = "multi-choice"
    if known is not None and known.kind in ("choice", "multi-choice"):
        paths = list(dict.fromkeys([*known.options, *paths]))
        most = max((len({g for g in src.codes if g in proj.codes}) for src in proj.sources),
                   default=0)
        if known.kind == "choice" and most <= 1:
            kind = "choice"
    return Question(id=CODES_QUESTION, text="Codes applied in the QDA project",
                    kind=kind, about="annotation", options=paths)  # type: ignore[arg-type]


def _set_variables(proj: QdaProject) -> set[str]:
    """Variables that are QualCoder's record of a set: Text, no ``pni:`` line, and every value
    the variable's own name (QualCoder's import turns each set into such a variable)."""
    values: dict[str, list[Any]] = {}
    for src in proj.sources:
        for g, v in src.values.items():
            values.setdefault(g, []).append(v)
    return {g for g, var in proj.variables.items()
            if var.type == "Text" and values.get(g) and parse_description(var.name,
                                                                          var.description) is None
            and all(str(v).strip() == var.name.strip() for v in values[g])}


def _answers(values: dict[str, Any], questions: dict[str, Question]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for g, v in values.items():
        q = questions.get(g)
        if q is None or blank(v):
            continue
        out[q.id] = coerce(q, v)
    return out


def candidates(proj: QdaProject, ctx: ReadContext) -> ReadResult:
    """Candidates for every text source of ``proj``, and the skipped sources with reasons."""
    sets = _set_variables(proj)
    about_of: dict[str, str] = {}
    for src in proj.sources:
        about_of.update({g: "story" for g in src.values if g not in sets})
    for case in proj.cases:
        about_of.update({g: "teller" for g in case.values})
    questions, inferred = _questions(proj, ctx, about_of)
    codes_q = _codes_question(proj, ctx)
    meta = {g: v.name[len(META_PREFIX):] for g, v in proj.variables.items()
            if v.name.startswith(META_PREFIX)}
    case_of: dict[str, list[Any]] = {}
    for case in proj.cases:
        for sg in case.sources:
            case_of.setdefault(sg, []).append(case)
    case_named = {case.name: case for case in proj.cases}
    by_variable = 0
    res = ReadResult(kind="other", inferred=inferred)
    multi = 0
    for i, src in enumerate(proj.sources, 1):
        if src.skip or src.text is None:
            res.skipped.append(Skipped(path=f"{ctx.label}: {src.name}",
                                       reason=src.skip or "it has no text"))
            continue
        if src.notice:
            res.notices.append(f"source {src.name!r}: {src.notice}")
        m = {meta[g]: v for g, v in src.values.items() if g in meta}
        c = Candidate(locator=f"source {i} ({src.name})",
                      raw=json.dumps({"source": src.name, "guid": src.guid}, ensure_ascii=False),
                      text=src.text)
        c.source_id = str(m.get("source id") or src.name)
        c.title = _opt(m.get("title")) if "source id" in m else _title(src)
        c.prompt, c.date = _opt(m.get("prompt")), _opt(m.get("date"))
        c.consent, c.language = _opt(m.get("consent")), _opt(m.get("language"))
        kind = _opt(m.get("kind"))
        c.kind = kind if kind in SOURCE_KINDS else None
        cases = case_of.get(src.guid, [])
        multi += len(cases) > 1
        teller = _opt(m.get("teller"))
        if not cases and teller is not None:
            by_variable += 1
            if teller in case_named:
                cases = [case_named[teller]]
        try:
            c.answers = _answers({g: v for g, v in src.values.items()
                                  if g not in meta and g not in sets}, questions)
            if cases:
                c.teller = cases[0].name
                c.teller_answers = _answers(cases[0].values, questions)
            elif teller is not None:
                c.teller = teller
            if c.teller is not None and not c.teller.startswith("T-"):
                c.names.append(c.teller)
        except ValueError as e:
            c.error = str(e)
        applied = list(dict.fromkeys(proj.codes[g] for g in src.codes if g in proj.codes))
        if applied and codes_q is not None:
            c.answers[CODES_QUESTION] = applied if codes_q.kind == "multi-choice" else applied[0]
        res.candidates.append(c)
    res.questions = {q.id: q for q in questions.values()}
    if codes_q is not None:
        res.questions[CODES_QUESTION] = codes_q
    if multi:
        res.notices.append(f"{multi} source(s) belong to more than one case: the first case"
                           " is taken as the teller")
    if by_variable:
        res.notices.append(f"{by_variable} source(s) linked to their teller by the variable"
                           f" {META_PREFIX}teller (the project's cases do not name them, as"
                           " after QualCoder)")
    if sets:
        res.notices.append(f"{len(sets)} variable(s) holding only their own name read as sets"
                           " (as QualCoder keeps sets), not as answers: "
                           + ", ".join(repr(proj.variables[g].name) for g in sorted(sets)))
    if proj.n_notes or proj.n_sets:
        res.notices.append(f"{proj.n_notes} note(s) and {proj.n_sets} set(s) not collected"
                           " (pni keeps stories, answers and codes)")
    return res


def _opt(v: Any) -> str | None:
    return None if v is None or str(v).strip() == "" else str(v)


register(QdpxReader())
