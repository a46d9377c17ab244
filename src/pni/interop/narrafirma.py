"""`pni export narrafirma`: a story CSV and a story-form CSV in NarraFirma's import format.

The layout follows NarraFirma's own "export story collection" and "export story form" (see
``webapp/source/csvImportExport.ts`` in pdfernhout/narrafirma) so that its "import stories from
CSV" reads them back:

- ``story_form.csv``: ``Data column name, Type, About, Short name, Long name, Options,
  Answers...``; one ``eliciting`` row listing each question the listener asked as
  ``short name|question`` (the short name labels NarraFirma's charts); one row per question
  (``story``, ``participant`` or ``annotation``); ``import`` rows naming the title, text,
  participant, date and language columns and, when every scale shares one range, that
  ``Scale range``;
- ``stories.csv``: one header row, then a ``;`` comment row (NarraFirma skips it) naming the
  option under each column of a multi-column multi-choice question, then one row per story;
  a ``Prompt as asked`` column (named in the form's ``Data columns to ignore``, so NarraFirma
  skips it) keeps the listener's whole turn where it says more than the question;
- ``annotations.csv`` (when there is a cluster run): NarraFirma's annotation import (story
  title, story text, then ``Pattern``), for the annotation question ``Pattern``.

Question kinds, as NarraFirma 1.6 reads and charts them: choice -> ``Single choice``,
multi-choice -> ``Multi-choice multi-column texts``, boolean -> ``Single choice`` of ``yes`` and
``no`` (NarraFirma's ``Boolean`` keeps the text and counts any value as true), scale ->
``Scale`` with its two labels only (a third cell would be its "does not apply" label); the values
keep their range through the form's ``Scale range`` row, or, when scales differ in range, are
written on NarraFirma's own 0-100 scale with the range in the question's options
(``pniRange=1..5``, ignored by NarraFirma, read back by pni); text -> ``Text``; a choice
of exactly yes and no says ``pniKind=choice`` in its options so it comes back a choice. Consent travels as
the story question ``Consent`` (yes, no, unknown).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pni.interop.scope import NO_PATTERN, Scope
from pni.models import Question, Story
from pni.questions import asked

FORM_HEADER = ["Data column name", "Type", "About", "Short name", "Long name", "Options",
               "Answers"]
TITLE, TEXT, ELICITING, DATE, LANGUAGE, PARTICIPANT = (
    "Story title", "Story text", "Eliciting question", "Collection date", "Language",
    "Participant ID")
#: The listener's whole turn, where it says more than the question (NarraFirma ignores it).
PROMPT_AS_ASKED = "Prompt as asked"
#: The eliciting question of stories without a prompt (pni's reader reads it as none).
NO_PROMPT = "No question recorded"
NO_PROMPT_TEXT = "No question was recorded for this story."
CONSENT = "Consent"
PATTERN = "Pattern"
YES_NO = ["yes", "no"]
#: NarraFirma keeps every scale answer as a whole number from 0 to 100.
NF_SCALE = (0, 100)
#: The parts of a question's Options cell that carry its range and its kind where NarraFirma's
#: type does not (NarraFirma ignores them).
RANGE_OPTION = "pniRange="
KIND_OPTION = "pniKind="
TYPES = {"choice": "Single choice", "multi-choice": "Multi-choice multi-column texts",
         "scale": "Scale", "boolean": "Single choice", "text": "Text"}
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


# -- the question the listener asked --------------------------------------------------------------
_SHORT_LEAD = re.compile(
    r"^(?:please\s+)?(?:(?:tell|describe|share|talk|write)\s+(?:(?:us|me)\s+)?(?:about\s+)?"
    r"|(?:think|remember)\s+(?:of|about)\s+)?"
    r"(?:(?:a|an|the|one)\s+(?:time|moment|day|week|story|situation)(?:\s+or\s+a\s+\w+)?"
    r"(?:\s+(?:when|that|where))?\s+)?", re.IGNORECASE)
_TAIL_WORDS = {"a", "an", "the", "of", "to", "or", "and", "at", "in", "for", "with", "when",
               "that", "—", "-", "–", "your", "you", "my", "our", "how", "what", "who", "why",
               "which", "if", "so", "but", "about", "more"}
SHORT_WORDS = 8


def short_name(question: str) -> str:
    """A chart label for a question: its words after "Tell us about a time...", at most
    ``SHORT_WORDS`` of them, without a dangling "a", "the" or dash."""
    s = _SHORT_LEAD.sub("", question.strip(), count=1).strip() or question.strip()
    words = s.rstrip("?.!").split()[:SHORT_WORDS]
    while len(words) > 1 and words[-1].casefold().strip(",;:") in _TAIL_WORDS:
        words.pop()
    out = " ".join(words).strip(" ,;:—–-")
    return (out[:1].upper() + out[1:]) if out else question.strip()


@dataclass
class Eliciting:
    """Each prompt's question and short name, as the form's ``eliciting`` row gives them."""

    short: dict[str, str] = field(default_factory=dict)     # prompt -> short name
    question: dict[str, str] = field(default_factory=dict)  # short name -> question

    @classmethod
    def of(cls, prompts: list[str], *, none_recorded: bool = False) -> Eliciting:
        """The eliciting questions of ``prompts``; with ``none_recorded``, one more for stories
        without a prompt (NarraFirma gives a story with no eliciting question its first)."""
        e = cls()
        if none_recorded:
            e.short[""] = NO_PROMPT
            e.question[NO_PROMPT] = NO_PROMPT_TEXT
        by_question: dict[str, str] = {}
        for p in prompts:
            q = clean(asked(p))
            if q in by_question:
                e.short[p] = by_question[q]
                continue
            base = clean(short_name(q))
            name, n = base, 2
            while name.casefold() in {k.casefold() for k in e.question}:
                name, n = f"{base} ({n})", n + 1
            e.short[p] = by_question[q] = name
            e.question[name] = q
        return e

    def says_more(self, prompt: str | None) -> bool:
        """Whether the listener's turn holds more than its question (then it travels whole)."""
        return bool(prompt) and self.question[self.short[prompt or ""]] != clean(prompt)


# -- columns --------------------------------------------------------------------------------------
@dataclass
class _Column:
    """One question as NarraFirma sees it."""

    question: Question
    type: str
    answers: list[str]
    rescale: tuple[float, float] | None = None  # written on NarraFirma's 0-100 from this range
    options: str = ""

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


def _range(q: Question, values: list[Any]) -> tuple[float, float]:
    nums = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    lo = q.scale_min if q.scale_min is not None else (min(nums) if nums else NF_SCALE[0])
    hi = q.scale_max if q.scale_max is not None else (max(nums) if nums else NF_SCALE[1])
    return lo, hi


def _column(q: Question, values: list[Any]) -> _Column:
    kind = q.kind
    if kind == "scale":
        lo, hi = _range(q, values)
        labels = [clean(x) for x in q.labels] or [_number(lo), _number(hi)]
        return _Column(q, TYPES[kind], [labels[0], labels[-1]], rescale=(lo, hi))
    if kind == "boolean":
        return _Column(q, TYPES[kind], list(YES_NO))
    if kind in ("choice", "multi-choice"):
        col = _Column(q, TYPES[kind], _options(q, values))
        if kind == "choice" and sorted(o.casefold() for o in col.answers) == ["no", "yes"]:
            col.options = KIND_OPTION + "choice"  # else read back as a yes/no question
        return col
    return _Column(q, TYPES.get(kind, "Text"), [])


def scale_range(cols: list[_Column]) -> tuple[int, int] | None:
    """The one range every scale shares, for the form's ``Scale range`` row (NarraFirma reads
    whole numbers there), else ``None``: then each scale is written on 0-100 itself."""
    ranges = {c.rescale for c in cols if c.rescale is not None}
    if len(ranges) != 1:
        return None
    lo, hi = next(iter(ranges))
    if not (float(lo).is_integer() and float(hi).is_integer()) or lo >= hi:
        return None
    return int(lo), int(hi)


def _settle_scales(cols: list[_Column]) -> tuple[int, int] | None:
    """Scales whose values travel as they are (under one ``Scale range``) lose their
    ``rescale``; the others keep it and carry their range in their options."""
    common = scale_range(cols)
    for c in cols:
        if c.rescale is None:
            continue
        if common is not None or c.rescale == NF_SCALE:
            c.rescale = None
        else:
            lo, hi = c.rescale
            c.options = f"{RANGE_OPTION}{_number(lo)}..{_number(hi)}"
    return None if common == NF_SCALE else common


def to_nf_scale(v: float, lo: float, hi: float) -> int:
    """A value on NarraFirma's 0-100 scale, as its import rescales it (rounded)."""
    if hi <= lo:
        return 0
    return max(0, min(100, round((float(v) - lo) * 100 / (hi - lo))))


def _cells(col: _Column, v: Any) -> list[str]:
    if col.type.startswith("Multi-choice"):
        chosen = {clean(x) for x in (v if isinstance(v, list) else [v] if v else [])}
        return [o if o in chosen else "" for o in col.answers]
    if col.type == "Scale" and isinstance(v, int | float) and not isinstance(v, bool):
        if col.rescale is not None:
            return [str(to_nf_scale(v, *col.rescale))]
        return [_number(v)]
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


def form_rows(scope: Scope, cols: list[_Column], eliciting: Eliciting,
              common: tuple[int, int] | None = None) -> list[list[str]]:
    rows = [[f"; story form exported by pni: {' '.join(scope.policy())}"], FORM_HEADER]
    if eliciting.question:
        rows.append([ELICITING, "eliciting", "eliciting", ELICITING,
                     "Which question did the teller answer?", "",
                     *(f"{short}|{q}" for short, q in eliciting.question.items())])
    for c in cols:
        q = c.question
        rows.append([q.id, c.type, ABOUT[q.about], clean(q.short or q.id), clean(q.text),
                     c.options, *c.answers])
    for name, column in IMPORT_ROWS:
        rows.append(["", name, "import", "", "", "", column])
    if common is not None:
        rows.append(["", "Scale range", "import", "", "", "", str(common[0]), str(common[1])])
    if any(eliciting.says_more(s.prompt) for s in scope.stories):
        rows.append(["", "Data columns to ignore", "import", "", "", "", PROMPT_AS_ASKED])
    return _pad(rows)


def story_rows(scope: Scope, cols: list[_Column], eliciting: Eliciting) -> list[list[str]]:
    header = [TITLE, TEXT, ELICITING, DATE, LANGUAGE, PARTICIPANT]
    whole = any(eliciting.says_more(s.prompt) for s in scope.stories)
    if whole:
        header.append(PROMPT_AS_ASKED)
    comment = ["; " + " ".join(scope.policy())] + [""] * (len(header) - 1)
    for c in cols:
        header += [c.question.id] * c.width
        comment += c.answers if c.type.startswith("Multi-choice") else [""]
    rows = [header, comment]
    for s in scope.stories:
        row = [clean(s.title), s.text.strip(), eliciting.short.get(s.prompt or "", NO_PROMPT),
               clean(s.date), clean(s.language), clean(s.teller_id)]
        if whole:
            row.append((s.prompt or "").strip() if eliciting.says_more(s.prompt) else "")
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
    common = _settle_scales(cols)
    eliciting = Eliciting.of(list(dict.fromkeys(s.prompt for s in scope.stories if s.prompt)),
                             none_recorded=any(not s.prompt for s in scope.stories))
    form, stories = out_dir / "story_form.csv", out_dir / "stories.csv"
    _write(form, form_rows(scope, cols, eliciting, common))
    _write(stories, story_rows(scope, cols, eliciting))
    ann = None
    if scope.run_id is not None:
        ann = out_dir / "annotations.csv"
        _write(ann, annotation_rows(scope, cols))
    return NarraFirmaResult(stories=stories, form=form, annotations=ann,
                            n_stories=len(scope.stories), n_questions=len(cols),
                            policy=scope.policy())
