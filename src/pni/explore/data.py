"""The tidy frame catalysis works on: one row per story, with its pattern, its answers and its
teller's answers. Lumping (``--lump QUESTION:a,b=ab``) is applied here, in memory only: stored
answers never change.

>>> from pni.store import Store
>>> with Store.open(":memory:") as db:
...     load(db).frame.shape[0]
0
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pni.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

    from pni.models import Question
    from pni.store import Store
    from pni.store.records import Assignment, Pattern

#: Columns every frame has, whatever the questions are.
META = ("story_id", "title", "first_line", "teller_id", "collection", "source_kind", "consent",
        "in_run", "pattern", "pattern_number", "x", "y")

#: Story attributes used as choice variables alongside the questions.
ATTRIBUTES = {"collection": "Collection", "source_kind": "Source kind"}

YES, NO = "yes", "no"


@dataclass
class Lump:
    """Answers of one question merged into one, e.g. ``Lump("feeling", ["hurt", "sad"], "low")``."""

    question: str
    values: list[str]
    into: str

    @classmethod
    def parse(cls, spec: str) -> Lump:
        """Parse ``QUESTION:a,b=ab``.

        >>> Lump.parse("feeling:hurt,frustrated=upset")
        Lump(question='feeling', values=['hurt', 'frustrated'], into='upset')
        """
        qid, sep, rest = spec.partition(":")
        values, eq, into = rest.rpartition("=")
        vals = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not eq or not qid.strip() or not into.strip() or not vals:
            raise UsageError(f"{spec!r}: expected QUESTION:a,b=ab", param="lumps")
        return cls(qid.strip(), vals, into.strip())

    def __str__(self) -> str:
        return f"{self.question}:{','.join(self.values)}={self.into}"


@dataclass
class Variable:
    """One thing a test can use: a question (possibly lumped), a multi-choice option as a
    selected/not-selected choice, or a story attribute (collection, source kind)."""

    id: str               # the frame column
    label: str            # the question text, for people
    kind: str             # 'choice' or 'scale'
    about: str            # 'story', 'teller' or 'attribute'
    question: str         # the question id it comes from
    options: list[str] = field(default_factory=list)   # declared options (choice), in order
    option: str | None = None                            # for a multi-choice indicator
    scale_min: float | None = None
    scale_max: float | None = None


@dataclass
class ExploreData:
    """Everything the lenses need: the frame, the variables and the run's patterns."""

    frame: pd.DataFrame
    questions: dict[str, Question]
    variables: list[Variable]
    #: the project's small-cell threshold (``pni.toml``'s ``min_cell``): no default turns it off
    min_cell: int
    run_id: int | None = None
    patterns: list[Pattern] = field(default_factory=list)
    lumps: list[Lump] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)   # story id -> full text (not in frame)
    #: small-cell suppression (``pni.explore.cells``): question id -> (answers merged away,
    #: whether an "other" was kept)
    merged: dict[str, tuple[set[str], bool]] = field(default_factory=dict)

    def distribution(self, groups: Any, no_answer: Any, **kw: Any) -> Any:
        """A one-way table under this data's threshold (``protect_distribution``)."""
        from pni.privacy.cells import protect_distribution

        return protect_distribution(groups, no_answer, self.min_cell, **kw)

    def variable(self, vid: str) -> Variable:
        for v in self.variables:
            if v.id == vid:
                return v
        raise KeyError(vid)

    def options_of(self, qid: str) -> list[str]:
        """A question's declared options after lumping (booleans: yes, no)."""
        q = self.questions[qid]
        base = [YES, NO] if q.kind == "boolean" else list(q.options)
        return self._unmerged(qid, _lumped_options(base, [lp for lp in self.lumps
                                                          if lp.question == qid]))

    def options_seen(self, qid: str, frame: pd.DataFrame | None = None) -> list[Any]:
        """A question's declared options (``options_of``), then every other answer the stories
        of ``frame`` (default: all) gave, in the order met: what a filter or a chart lists."""
        opts: list[Any] = list(self.options_of(qid))
        f = self.frame if frame is None else frame
        for v in f[column_for(qid)].dropna():
            for x in (v if isinstance(v, list) else [v]):
                if x not in opts:
                    opts.append(x)
        return opts

    def _unmerged(self, qid: str, options: list[str]) -> list[str]:
        """``options`` without the answers small-cell suppression merged away (and with the
        "other" they went into)."""
        if qid not in self.merged:
            return options
        gone, other = self.merged[qid]
        out = [o for o in options if o not in gone]
        return [*out, "other"] if other and "other" not in out else out

    def refresh_variables(self) -> None:
        """Rebuild the variables after the frame's answers changed (small-cell suppression)."""
        asked = [q for q in self.questions.values()
                 if q.kind != "text" and q.about in ("story", "teller")]
        self.variables = _variables(self.frame, asked, self.lumps, self)

    def choice_variables(self) -> list[Variable]:
        return [v for v in self.variables if v.kind == "choice"]

    def scale_variables(self) -> list[Variable]:
        return [v for v in self.variables if v.kind == "scale"]

    def run_frame(self) -> pd.DataFrame:
        """Only the stories of the run (pattern lens); empty without a run."""
        return self.frame[self.frame["in_run"]]


def first_line(text: str, limit: int = 160) -> str:
    """The first non-empty line of a story, cut at ``limit`` characters."""
    for line in text.splitlines():
        s = line.strip()
        if s:
            return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"
    return ""


def _as_choice(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return None if not value else _as_choice(value[0]) if len(value) == 1 else None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    s = str(value).strip()
    return s or None


def _as_bool(value: Any) -> str | None:
    if isinstance(value, bool):
        return YES if value else NO
    if value is None:
        return None
    s = str(value).strip().casefold()
    if s in ("yes", "y", "true", "1", "t"):
        return YES
    if s in ("no", "n", "false", "0", "f"):
        return NO
    return None


def _as_scale(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


def _as_multi(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [s for s in (_as_choice(v) for v in value) if s]
    s = _as_choice(value)
    return [s] if s else []


def _lump_list(values: list[str], lp: Lump) -> list[str]:
    """``values`` with ``lp``'s answers merged into one, order kept, no repeats."""
    out: list[str] = []
    for v in values:
        nv = lp.into if v in lp.values else v
        if nv not in out:
            out.append(nv)
    return out


def _apply_lumps(value: Any, lumps: list[Lump]) -> Any:
    for lp in lumps:
        if isinstance(value, list):
            value = _lump_list(value, lp)
        elif value in lp.values:
            value = lp.into
    return value


def _lumped_options(options: list[str], lumps: list[Lump]) -> list[str]:
    for lp in lumps:
        options = _lump_list(options, lp)
    return options


def load(db: Store, run_id: int | None = None, lumps: list[Lump] | None = None, *,
         min_cell: int | None = None) -> ExploreData:
    """Read stories, answers, teller answers and (with ``run_id``) patterns into one frame.
    ``min_cell``: the small-cell threshold, else the project's (``pni.toml``).

    Question columns are named by question id and hold, per kind: choice -> str, boolean ->
    "yes"/"no" (booleans are treated as a choice), scale -> float, multi-choice -> list of str.
    Text questions are left out. Lumps apply to choice, boolean and multi-choice questions.
    """
    import pandas as pd

    from pni.store import runs as runq
    from pni.store.stories import get_questions, list_stories

    lumps = list(lumps or [])
    questions = {q.id: q for q in get_questions(db)}
    stories = list_stories(db)
    _check_lumps(lumps, questions, stories)

    assigned: dict[str, Assignment] = {}
    patterns: list[Pattern] = []
    if run_id is not None:
        for row_a in runq.list_assignments(db, run_id):
            assigned[row_a.story_id] = row_a
        sizes = Counter(a.pattern_number for a in assigned.values()
                        if a.pattern_number is not None)
        # the run's patterns that hold any of its stories, each with the stories it holds
        patterns = [replace(p, size=sizes[p.number]) for p in runq.list_patterns(db, run_id)
                    if sizes[p.number]]

    asked = [q for q in questions.values() if q.kind != "text" and q.about in ("story", "teller")]
    rows: list[dict[str, Any]] = []
    texts: dict[str, str] = {}
    for s in stories:
        a = assigned.get(s.id)
        number = None if a is None else a.pattern_number
        row: dict[str, Any] = {
            "story_id": s.id, "title": s.title or "", "first_line": first_line(s.text),
            "teller_id": s.teller_id, "collection": s.collection, "source_kind": s.source_kind,
            "consent": s.consent, "in_run": a is not None,
            "pattern": None if a is None else a.pattern_title, "pattern_number": number,
            "x": None if a is None else a.x, "y": None if a is None else a.y,
        }
        texts[s.id] = s.text
        for q in asked:
            raw = (s.answers if q.about == "story" else s.teller_answers).get(q.id)
            mine = [lp for lp in lumps if lp.question == q.id]
            col = column_for(q.id)
            if q.kind == "scale":
                row[col] = _as_scale(raw)
            elif q.kind == "multi-choice":
                row[col] = _apply_lumps(_as_multi(raw), mine)
            elif q.kind == "boolean":
                row[col] = _apply_lumps(_as_bool(raw), mine)
            else:
                row[col] = _apply_lumps(_as_choice(raw), mine)
        rows.append(row)

    columns = list(META) + [column_for(q.id) for q in asked]
    frame = pd.DataFrame(rows, columns=columns)
    frame["in_run"] = frame["in_run"].astype(bool)
    frame["pattern_number"] = frame["pattern_number"].astype("Int64")
    for q in asked:
        if q.kind == "scale":
            frame[column_for(q.id)] = frame[column_for(q.id)].astype(float)

    variables = _variables(frame, asked, lumps)
    if min_cell is None:
        from pni.privacy.policy import project_settings

        min_cell = project_settings(db).min_cell
    return ExploreData(frame=frame, questions=questions, variables=variables, run_id=run_id,
                       patterns=patterns, lumps=lumps, texts=texts, min_cell=max(1, min_cell))


def column_for(qid: str) -> str:
    """The frame column of a question: its id, unless that clashes with a meta column."""
    return f"{qid}_answer" if qid in META else qid


def _check_lumps(lumps: list[Lump], questions: dict[str, Question], stories: list[Any]) -> None:
    for lp in lumps:
        q = questions.get(lp.question)
        if q is None:
            raise UsageError(f"{lp}: no question with id {lp.question!r}", param="lumps")
        if q.kind not in ("choice", "multi-choice", "boolean"):
            raise UsageError(f"{lp}: {lp.question!r} is a {q.kind} question; only choice,"
                             " multi-choice and boolean answers can be lumped", param="lumps")
        seen: set[str] = set(q.options) | ({YES, NO} if q.kind == "boolean" else set())
        for s in stories:
            raw = (s.answers if q.about == "story" else s.teller_answers).get(q.id)
            if q.kind == "boolean":
                b = _as_bool(raw)
                if b:
                    seen.add(b)
            else:
                seen.update(_as_multi(raw))
        seen.update(other.into for other in lumps if other.question == lp.question
                    and other is not lp)
        missing = [v for v in lp.values if v not in seen]
        if missing:
            raise UsageError(f"{lp}: {lp.question!r} has no answer "
                             + ", ".join(repr(m) for m in missing), param="lumps")


def _variables(frame: pd.DataFrame, asked: list[Question], lumps: list[Lump],
               data: ExploreData | None = None) -> list[Variable]:
    def unmerged(qid: str, options: list[str]) -> list[str]:
        return options if data is None else data._unmerged(qid, options)

    out: list[Variable] = []
    for q in asked:
        col = column_for(q.id)
        mine = [lp for lp in lumps if lp.question == q.id]
        if q.kind == "scale":
            out.append(Variable(col, q.text, "scale", q.about, q.id,
                                scale_min=q.scale_min, scale_max=q.scale_max))
        elif q.kind == "multi-choice":
            opts = list(q.options)
            for vals in frame[col]:
                for v in vals:
                    if v not in opts:
                        opts.append(v)
            for o in unmerged(q.id, _lumped_options(opts, mine)):
                out.append(Variable(f"{col}={o}", f"{q.text}: {o}", "choice", q.about, q.id,
                                    options=[YES, NO], option=o))
        elif q.kind == "boolean":
            out.append(Variable(col, q.text, "choice", q.about, q.id,
                                options=unmerged(q.id, _lumped_options([YES, NO], mine))))
        else:
            opts = unmerged(q.id, _lumped_options(list(q.options), mine))
            for v in frame[col].dropna():
                if v not in opts:
                    opts.append(v)
            out.append(Variable(col, q.text, "choice", q.about, q.id, options=opts))
    for col, label in ATTRIBUTES.items():
        out.append(Variable(col, label, "choice", "attribute", col,
                            options=sorted({v for v in frame[col].dropna()})))
    return out


def values(data: ExploreData, var: Variable, frame: pd.DataFrame | None = None) -> pd.Series:
    """The variable's values per story (index = the frame's): for a multi-choice indicator
    "yes"/"no" (missing when the story answered nothing to that question)."""
    f = data.frame if frame is None else frame
    if var.option is not None:
        col = column_for(var.question)
        return f[col].map(lambda vs: None if not vs else (YES if var.option in vs else NO))
    return f[var.id]


def explode(data: ExploreData, question: str) -> pd.DataFrame:
    """Long frame for a multi-choice question: one row per (story, selected option)."""
    col = column_for(question)
    f = data.frame[["story_id", "pattern", "pattern_number", col]].explode(col)
    return f.dropna(subset=[col]).rename(columns={col: "answer"})

