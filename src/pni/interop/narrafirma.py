"""`pni export narrafirma`: a story CSV and a story-form CSV in NarraFirma's import format.

The layout follows NarraFirma's own "export story collection" and "export story form" (see
``webapp/source/csvImportExport.ts`` in pdfernhout/narrafirma) so that its "import stories from
CSV" reads them back:

- ``story_form.csv``: ``Data column name, Type, About, Short name, Long name, Options,
  Answers...``; one ``eliciting`` row listing the prompts; one row per question (``story``,
  ``participant`` or ``annotation``); ``import`` rows naming the title, text, participant,
  date and language columns;
- ``stories.csv``: one header row, then a ``;`` comment row (NarraFirma skips it) naming the
  option under each column of a multi-column multi-choice question, then one row per story;
- ``annotations.csv`` (when there is a cluster run): NarraFirma's annotation import (story
  title, story text, then ``Pattern``), for the annotation question ``Pattern``.

Question kinds: choice -> ``Single choice``, multi-choice -> ``Multi-choice multi-column texts``,
scale -> ``Scale`` (labels, then min and max), boolean -> ``Boolean`` (``yes``/``no``),
text -> ``Text``. Consent travels as the story question ``Consent`` (yes, no, unknown).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pni.interop.scope import NO_PATTERN, Scope
from pni.models import Question, Story

FORM_HEADER = ["Data column name", "Type", "About", "Short name", "Long name", "Options",
               "Answers"]
TITLE, TEXT, ELICITING, DATE, LANGUAGE, PARTICIPANT = (
    "Story title", "Story text", "Eliciting question", "Collection date", "Language",
    "Participant ID")
CONSENT = "Consent"
PATTERN = "Pattern"
TYPES = {"choice": "Single choice", "multi-choice": "Multi-choice multi-column texts",
         "scale": "Scale", "boolean": "Boolean", "text": "Text"}
ABOUT = {"story": "story", "teller": "participant", "annotation": "annotation"}
IMPORT_ROWS = [("Story title column name", TITLE), ("Story text column name", TEXT),
               ("Participant ID column name", PARTICIPANT),
               ("Story collection date column name", DATE), ("Language column name", LANGUAGE)]


@dataclass
class NarraFirmaResult:
    stories: Path
    form: Path
    annotations: Path | None
    n_stories: int
    n_questions: int
    policy: list[str]


def clean(v: Any) -> str:
    """A cell NarraFirma reads as written: ``|`` separates import name and display name in its
    form, so it becomes ``/``; values are trimmed on import, so they are trimmed here."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v).replace("|", "/").strip()


@dataclass
class _Column:
    """One question as NarraFirma sees it."""

    question: Question
    type: str
    answers: list[str]

    @property
    def width(self) -> int:
        return len(self.answers) if self.type.startswith("Multi-choice") else 1


def _options(q: Question, values: list[Any]) -> list[str]:
    seen = [clean(o) for o in q.options]
    for v in values:
        for x in v if isinstance(v, list) else [v]:
            c = clean(x)
            if c and c not in seen:
                seen.append(c)
    return seen


def _number(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else str(v)


def _column(q: Question, values: list[Any]) -> _Column:
    kind = q.kind
    if kind == "scale":
        nums = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        lo = q.scale_min if q.scale_min is not None else (min(nums) if nums else 0)
        hi = q.scale_max if q.scale_max is not None else (max(nums) if nums else 100)
        labels = [clean(x) for x in q.labels] or [_number(lo), _number(hi)]
        return _Column(q, TYPES[kind], [labels[0], labels[-1], _number(lo), _number(hi)])
    if kind in ("choice", "multi-choice"):
        return _Column(q, TYPES[kind], _options(q, values))
    return _Column(q, TYPES.get(kind, "Text"), [])


def _cells(col: _Column, v: Any) -> list[str]:
    if col.type.startswith("Multi-choice"):
        chosen = {clean(x) for x in (v if isinstance(v, list) else [v] if v else [])}
        return [o if o in chosen else "" for o in col.answers]
    if col.type == "Scale" and isinstance(v, float) and v.is_integer():
        return [str(int(v))]
    return [clean(v)]


def _columns(scope: Scope) -> list[_Column]:
    values: dict[str, list[Any]] = {}
    for s in scope.stories:
        for k, v in (*s.answers.items(), *s.teller_answers.items()):
            values.setdefault(k, []).append(v)
    order = {"story": 0, "teller": 1, "annotation": 2}
    qs = sorted(scope.questions, key=lambda q: order.get(q.about, 3))
    cols = [_column(q, values.get(q.id, [])) for q in qs]
    consent = Question(id=CONSENT, text="May this story be shared? (consent recorded in pni)",
                       kind="choice", options=["yes", "no", "unknown"])
    cols.insert(sum(1 for q in qs if q.about == "story"), _column(consent, []))
    if scope.run_id is not None:
        names = [p.name for p in scope.patterns] + [NO_PATTERN]
        taken = {q.id.casefold() for q in qs}
        qid = PATTERN if PATTERN.casefold() not in taken else f"{PATTERN} run {scope.run_id}"
        pattern = Question(id=qid, text=f"Candidate pattern found by pni (run"
                           f" {scope.run_id})", kind="choice", about="annotation", options=names)
        cols.append(_column(pattern, []))
    return cols


def _value(s: Story, col: _Column, scope: Scope) -> Any:
    qid = col.question.id
    if qid == CONSENT and col.question.about == "story" and qid not in s.answers:
        return s.consent
    if qid.startswith(PATTERN) and col.question.about == "annotation" and qid not in s.answers:
        return scope.pattern_name(s.id)
    return s.teller_answers.get(qid) if col.question.about == "teller" else s.answers.get(qid)


def _pad(rows: list[list[str]]) -> list[list[str]]:
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def form_rows(scope: Scope, cols: list[_Column]) -> list[list[str]]:
    prompts = list(dict.fromkeys(clean(s.prompt) for s in scope.stories if s.prompt))
    rows = [[f"; story form exported by pni: {' '.join(scope.policy())}"], FORM_HEADER]
    if prompts:
        rows.append([ELICITING, "eliciting", "eliciting", ELICITING,
                     "Which question did the teller answer?", "", *prompts])
    for c in cols:
        q = c.question
        rows.append([q.id, c.type, ABOUT[q.about], q.id, clean(q.text), "", *c.answers])
    for name, column in IMPORT_ROWS:
        rows.append(["", name, "import", "", "", "", column])
    return _pad(rows)


def story_rows(scope: Scope, cols: list[_Column]) -> list[list[str]]:
    header = [TITLE, TEXT, ELICITING, DATE, LANGUAGE, PARTICIPANT]
    comment = ["; " + " ".join(scope.policy())] + [""] * (len(header) - 1)
    for c in cols:
        header += [c.question.id] * c.width
        comment += c.answers if c.type.startswith("Multi-choice") else [""]
    rows = [header, comment]
    for s in scope.stories:
        row = [clean(s.title), s.text.strip(), clean(s.prompt), clean(s.date), clean(s.language),
               clean(s.teller_id)]
        for c in cols:
            row += _cells(c, _value(s, c, scope))
        rows.append(row)
    return rows


def annotation_rows(scope: Scope, cols: list[_Column]) -> list[list[str]]:
    rows = [[TITLE, TEXT, cols[-1].question.id]]
    for s in scope.stories:
        name = scope.pattern_name(s.id)
        if name is not None:
            rows.append([clean(s.title), s.text.strip(), name])
    return rows


def _write(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


def write_narrafirma(scope: Scope, out_dir: Path) -> NarraFirmaResult:
    """Write ``stories.csv``, ``story_form.csv`` and (with a run) ``annotations.csv``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cols = _columns(scope)
    form, stories = out_dir / "story_form.csv", out_dir / "stories.csv"
    _write(form, form_rows(scope, cols))
    _write(stories, story_rows(scope, cols))
    ann = None
    if scope.run_id is not None:
        ann = out_dir / "annotations.csv"
        _write(ann, annotation_rows(scope, cols))
    return NarraFirmaResult(stories=stories, form=form, annotations=ann,
                            n_stories=len(scope.stories), n_questions=len(cols),
                            policy=scope.policy())
