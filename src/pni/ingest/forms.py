"""Form files (``form.toml`` or YAML) declare questions; without one, kinds are inferred.

A form file::

    [[questions]]
    id = "feeling"
    column = "How did you feel?"     # table column (default: the id)
    text = "How did you feel when this happened?"
    kind = "choice"                   # choice | multi-choice | scale | boolean | text
    about = "story"                   # story | teller | annotation
    options = ["proud", "hopeful"]
    # scale: min = 1, max = 5, labels = ["not at all", "completely"]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pni.errors import FormError
from pni.models import QUESTION_KINDS, Question

ABOUTS = ("story", "teller", "annotation")
_QKEYS = {"id", "column", "text", "kind", "about", "options", "choices", "min", "max",
          "scale_min", "scale_max", "labels", "help", "required"}
TELLER_COLUMNS = {"role", "school", "grade_band", "grade", "gradeband", "age", "age_band",
                  "age_group", "gender", "site", "years_at_school", "teller_role"}
# words that mark a question about the teller, in a column name of a few words (accents ignored)
TELLER_WORDS = {
    "gender", "genero", "sex", "sexo", "geschlecht", "genre", "age", "edad", "alter", "idade",
    "country", "pais", "land", "nationality", "nacionalidad", "position", "role", "rol",
    "occupation", "ocupacion", "profession", "profesion", "beruf", "job", "cargo", "industry",
    "industria", "ethnicity", "etnico", "etnia", "education", "educativo", "estudios", "school",
    "escuela", "grade", "department", "departamento", "born", "birth", "naciste", "nacimiento",
    "geburtsjahr", "nacio", "tenure", "antiguedad",
}
YES = {"yes", "y", "true", "t", "1", "ja", "si", "sí", "oui"}
NO = {"no", "n", "false", "f", "0", "nein", "non"}
MAX_CHOICES = 12
_DELIMITED = re.compile(r"^\d+(\s*,\s*\d+)+$")
_INT = re.compile(r"^\d+$")


def _natural(s: str) -> tuple[int, str]:
    return (int(s), "") if s.isdigit() else (1 << 30, s)


@dataclass
class Form:
    """Questions of a form, by id, with the table column each reads from."""

    path: Path | None = None
    questions: list[Question] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # question id -> column
    prompt: str | None = None
    title: str | None = None
    teller_questions: list[str] = field(default_factory=list)  # columns about the teller
    consent: dict[str, str] = field(default_factory=dict)  # value (casefolded) -> yes | no
    platform: str | None = None  # a platform's own form (NarraFirma's story-form CSV)
    spec: Any = None  # the platform's reading of its form

    def by_column(self) -> dict[str, Question]:
        out: dict[str, Question] = {}
        for q in self.questions:
            col = self.columns.get(q.id, q.id)
            out[norm(col)] = q
            out.setdefault(norm(q.id), q)
        return out


def norm(name: str) -> str:
    """A column or key name compared loosely: case, spaces, dashes and punctuation ignored."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().casefold()).strip("_")


def plain_words(name: str) -> list[str]:
    """A column name's words, casefolded and without accents: "¿Con qué género?" -> con que
    genero."""
    import unicodedata

    s = unicodedata.normalize("NFKD", str(name).casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.findall(r"[a-z0-9]+", s)


def about_teller(name: str) -> bool:
    """Whether a column asks about the teller (role, school, gender, country, birth year...),
    in English, Spanish and a few other languages; only short questions are judged by words."""
    if norm(name) in TELLER_COLUMNS:
        return True
    words = plain_words(name)
    return 0 < len(words) <= 8 and any(w in TELLER_WORDS for w in words)


SLUG_MAX = 60


def slug(name: str) -> str:
    """A question id from a column name: its words in lower case, ``_`` between. A name longer
    than 60 characters (question texts used as headers) or written without Latin letters keeps
    a short hash of the whole name, so two long questions that begin alike never share an id
    and ``인터뷰`` is not ``q``."""
    s = norm(name)
    if len(s) <= SLUG_MAX and s:
        return s
    import hashlib

    digest = hashlib.sha1(str(name).strip().casefold().encode()).hexdigest()[:8]
    return f"{s[:SLUG_MAX - 9].strip('_') or 'q'}_{digest}"


def parse_form(data: Any, path: Path | None = None) -> Form:
    if isinstance(data, list):
        data = {"questions": data}
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise FormError("a form needs a list of questions ([[questions]] in TOML)", file=path)
    form = Form(path=path, prompt=_opt_str(data.get("prompt")), title=_opt_str(data.get("title")))
    tq = data.get("teller_questions", [])
    if not isinstance(tq, list) or not all(isinstance(x, str) for x in tq):
        raise FormError("teller_questions must be a list of column names", file=path)
    form.teller_questions = list(tq)
    consent = data.get("consent", {})
    if not isinstance(consent, dict) or set(consent) - {"yes", "no", "unknown"}:
        raise FormError("consent must map yes, no and unknown to lists of values, e.g."
                        ' consent = { yes = ["Sí", "I agree"], no = ["No"] }', file=path)
    for k, vals in consent.items():
        for v in [vals] if isinstance(vals, str) else vals:
            form.consent[str(v).strip().casefold()] = k
    seen: set[str] = set()
    for i, item in enumerate(data["questions"], 1):
        loc = f"question {i}"
        if not isinstance(item, dict):
            raise FormError("each question must be a table of keys", file=path, locator=loc)
        unknown = set(item) - _QKEYS
        if unknown:
            raise FormError(f"unknown key(s) {', '.join(sorted(unknown))}; known keys: "
                            + ", ".join(sorted(_QKEYS)), file=path, locator=loc)
        qid = item.get("id") or item.get("column")
        if not qid or not isinstance(qid, str):
            raise FormError("a question needs an id", file=path, locator=loc)
        loc = f"question {i} ({qid})"
        if qid in seen:
            raise FormError("the id is used twice", file=path, locator=loc)
        seen.add(qid)
        kind = item.get("kind", "text")
        if kind not in QUESTION_KINDS:
            raise FormError(f"kind {kind!r} is not one of {', '.join(QUESTION_KINDS)}",
                            file=path, locator=loc)
        about = item.get("about", "teller" if about_teller(qid) else "story")
        if about not in ABOUTS:
            raise FormError(f"about {about!r} is not one of {', '.join(ABOUTS)}", file=path,
                            locator=loc)
        options = item.get("options", item.get("choices", []))
        labels = item.get("labels", [])
        if not isinstance(options, list) or not isinstance(labels, list):
            raise FormError("options and labels must be lists", file=path, locator=loc)
        lo, hi = item.get("min", item.get("scale_min")), item.get("max", item.get("scale_max"))
        for name, v in (("min", lo), ("max", hi)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                raise FormError(f"{name} must be a number", file=path, locator=loc)
        if lo is not None and hi is not None and lo >= hi:
            raise FormError("min must be below max", file=path, locator=loc)
        form.questions.append(Question(
            id=qid, text=str(item.get("text") or item.get("column") or qid), kind=kind,
            about=about, options=[str(o) for o in options], scale_min=lo, scale_max=hi,
            labels=[str(x) for x in labels],
        ))
        if item.get("column"):
            form.columns[qid] = str(item["column"])
    return form


def _opt_str(v: Any) -> str | None:
    return None if v is None else str(v)


# -- values ---------------------------------------------------------------------------------------
def blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def to_number(v: Any) -> float | int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return v
    try:
        f = float(str(v).strip().replace(",", "."))
    except ValueError:
        return None
    if f != f or f in (float("inf"), float("-inf")):
        return None
    return int(f) if f.is_integer() else f


def to_bool(v: Any) -> bool | None:
    if isinstance(v, bool):
        return v
    s = str(v).strip().casefold()
    if s in YES:
        return True
    if s in NO:
        return False
    return None


def split_multi(v: Any, options: list[str] | None = None) -> list[str]:
    """A multi-choice cell as its answers: ``;``-separated; or comma-separated (as Google Forms
    and Microsoft Forms export) when every comma-separated part is a declared option."""
    if isinstance(v, list | tuple):
        return [str(x).strip() for x in v if not blank(x)]
    text = str(v)
    if ";" not in text and "," in text and options:
        known = {o.casefold() for o in options}
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if text.strip().casefold() not in known and all(p.casefold() in known for p in parts):
            return parts
    return [p.strip() for p in text.split(";") if p.strip()]


def coerce(q: Question, v: Any) -> Any:
    """A raw cell as the value its question's kind wants; raises ValueError with a reason."""
    if q.kind == "scale":
        n = to_number(v)
        if n is None:
            raise ValueError(f"answer {_short(v)} to scale question {q.id!r} is not a number")
        return n
    if q.kind == "boolean":
        b = to_bool(v)
        if b is None:
            raise ValueError(f"answer {_short(v)} to yes/no question {q.id!r} is not yes or no")
        return b
    if q.kind == "multi-choice":
        return split_multi(v, q.options)
    if isinstance(v, list | tuple):
        return "; ".join(str(x) for x in v)
    return v.strip() if isinstance(v, str) else v if isinstance(v, int | float) else str(v)


def _short(v: Any) -> str:
    s = str(v)
    return repr(s if len(s) <= 40 else s[:37] + "...")


# -- inference ------------------------------------------------------------------------------------
def infer_question(column: str, values: list[Any], *, about: str | None = None,
                   lists: bool = True, free_text: bool = False) -> tuple[Question, str]:
    """Guess a question's kind from its non-blank values; returns the question and the evidence.

    yes/no only: boolean; all numbers: scale over the range seen; cells with ``;`` whose parts
    are short and recur: multi-choice (never with ``lists=False``, a platform's single-answer
    column); few distinct short values that repeat: choice; anything else: text.
    ``free_text`` (an open-ended question, as the platform says) is always text.
    """
    vals = [v for v in values if not blank(v)]
    qid = slug(column)
    ab = about or ("teller" if about_teller(column) else "story")

    def make(kind: str, **kw: Any) -> Question:
        return Question(id=qid, text=str(column), kind=kind, about=ab, inferred=True, **kw)  # type: ignore[arg-type]

    if not vals:
        return make("text"), "no answers yet"
    if free_text:
        return make("text"), "an open-ended question (as the export says)"
    if any(isinstance(v, list | tuple) for v in vals):
        opts = sorted({o for v in vals for o in split_multi(v)})
        return make("multi-choice", options=opts), f"lists of {len(opts)} distinct options"
    if all(to_bool(v) is not None and not isinstance(to_number(v), float)
           and str(v).strip().casefold() not in ("0", "1") for v in vals):
        return make("boolean"), "only yes/no values"
    strs = [str(v).strip() for v in vals]
    if any(_DELIMITED.match(s) for s in strs) and all(_DELIMITED.match(s) or _INT.match(s)
                                                      for s in strs):
        opts = sorted({p.strip() for s in strs for p in s.split(",")}, key=_natural)
        return make("multi-choice", options=opts), f"','-delimited lists of {len(opts)} values"
    nums = [to_number(v) for v in vals]
    if all(n is not None for n in nums):
        lo, hi = min(nums), max(nums)  # type: ignore[type-var]
        if all(isinstance(n, int) and 1900 <= n <= 2100 for n in nums):
            distinct = sorted({str(n) for n in nums})
            kind = "choice" if len(distinct) <= MAX_CHOICES else "text"
            q = make(kind, options=distinct if kind == "choice" else [])
            return q, f"years from {lo} to {hi} (not a scale)"
        return make("scale", scale_min=lo, scale_max=hi), f"numbers from {lo} to {hi}"
    if lists and any(";" in s for s in strs) and _list_like(strs):
        opts = sorted({o for s in strs for o in split_multi(s)})
        if len(opts) <= 3 * MAX_CHOICES:
            return make("multi-choice", options=opts), f"';'-separated, {len(opts)} options"
    distinct = sorted(set(strs))
    if (len(distinct) <= MAX_CHOICES and len(distinct) < len(strs)
            and max(len(s) for s in distinct) <= 60):
        return make("choice", options=distinct), f"{len(distinct)} distinct values"
    return make("text"), f"{len(distinct)} distinct values of {len(strs)}"


def _list_like(strs: list[str]) -> bool:
    """``;``-joined choices, not prose with a semicolon: short parts (60 characters or fewer),
    and when several cells hold lists, some part in two different cells."""
    joined = [s for s in strs if ";" in s]
    parts = [[p.strip() for p in s.split(";") if p.strip()] for s in joined]
    if any(len(p) > 60 for ps in parts for p in ps):
        return False
    if len(set(joined)) < 2:
        return True
    homes: dict[str, set[str]] = {}
    for s in strs:
        for p in s.split(";"):
            if p.strip():
                homes.setdefault(p.strip().casefold(), set()).add(s)
    return any(len(h) > 1 for h in homes.values())


def infer_from_value(key: str, value: Any) -> tuple[Question, str]:
    """Kind of a single front-matter answer, by its YAML type."""
    ab = "teller" if about_teller(key) else "story"
    qid = slug(key)
    if isinstance(value, bool):
        kind = "boolean"
    elif isinstance(value, int | float):
        kind = "scale"
    elif isinstance(value, list | tuple):
        kind = "multi-choice"
    else:
        kind = "choice" if ab == "teller" else "text"
    q = Question(id=qid, text=str(key), kind=kind, about=ab, inferred=True)  # type: ignore[arg-type]
    return q, f"a {type(value).__name__} value in front matter"
