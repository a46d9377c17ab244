"""Observations: notable results in plain words, with the numbers and the stories behind them and
at least two competing interpretations from editable templates (prompts/explore/
interpretations.yaml), phrased as questions for the group. Never one interpretation, never a verdict.

Questions are named by short names (``pni.explore.labels``: "belonging" for "In this story, how
much did you feel you belonged?", overridable in the templates' ``labels:``), and each
observation prints the questions it names in full once, after its numbers:

    In stories where someone listened, belonging was rated higher than in those where no one
    listened (median 4 vs 2; mean 3.7 vs 2; 52 and 27 stories). Questions: someone listened =
    "In this story, did someone listen to you?"; belonging = "In this story, how much did you
    feel you belonged?"

The interpretations are chosen by kind, by what the groups are (stories, or tellers: a
``_teller`` variant) and by direction (``_lower``, ``_less``, ``_opposite``), the most particular
the templates have.

A result is notable when its BH q-value is at most the threshold (default 0.1) and its effect is
at least small. Observations are ranked by q, then by effect magnitude. Where several notable
tests share one pattern (or one pair of questions), only the strongest becomes an observation;
the others are counted in its numbers as ``related_tests``.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pni.errors import DataError
from pni.explore.data import NO, YES, ExploreData, Variable, values
from pni.explore.labels import Label, Labels
from pni.explore.models import Observation, TestResult
from pni.explore.stats import MAGNITUDES

TEMPLATES_FILE = Path("explore") / "interpretations.yaml"
MIN_INTERPRETATIONS = 2


# -- templates -------------------------------------------------------------------------------------
def default_templates_path() -> Path:
    """``explore/interpretations.yaml`` in the prompts folder (``pni.paths.prompts_dir``)."""
    from pni.paths import prompts_dir

    return prompts_dir() / TEMPLATES_FILE


class Templates:
    """Interpretation templates per observation kind, and the caution line."""

    def __init__(self, kinds: dict[str, list[str]], caution: str, source: str = "",
                 labels: dict[str, Any] | None = None) -> None:
        self.kinds = kinds
        self.caution = caution
        self.source = source
        #: the project's short names for questions: question id -> a name, or {name, yes, no}
        self.labels: dict[str, Any] = dict(labels or {})

    @classmethod
    def load(cls, path: str | Path | None = None) -> Templates:
        """Read a templates file (default: ``default_templates_path()``); a clear DataError when
        it is missing or malformed."""
        import yaml

        p = Path(path) if path else default_templates_path()
        try:
            doc = yaml.safe_load(p.read_text("utf-8"))
        except FileNotFoundError:
            raise DataError("interpretation templates not found (set PNI_PROMPTS or use "
                            "--interpretations FILE)", file=p) from None
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else None
            raise DataError(f"not valid YAML: {getattr(e, 'problem', e)}", file=p,
                            locator=where) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("kinds"), dict):
            raise DataError("expected a mapping with 'kinds' (kind -> list of templates)", file=p)
        kinds: dict[str, list[str]] = {}
        for k, v in doc["kinds"].items():
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise DataError(f"kind {k!r}: expected a list of strings", file=p)
            kinds[str(k)] = [" ".join(x.split()) for x in v if x.strip()]
        if len(kinds.get("generic", [])) < MIN_INTERPRETATIONS:
            raise DataError(f"'generic' needs at least {MIN_INTERPRETATIONS} templates", file=p)
        caution = " ".join(str(doc.get("caution") or "").split())
        labels = doc.get("labels") or {}
        if not isinstance(labels, dict):
            raise DataError("'labels': expected a mapping of question id -> short name", file=p)
        for k, v in list(labels.items()):
            if isinstance(v, dict):  # YAML reads the keys yes and no as true and false
                v = labels[k] = {({True: "yes", False: "no"}.get(x, x) if isinstance(x, bool)
                                  else x): y for x, y in v.items()}
            ok = isinstance(v, str) or (isinstance(v, dict) and set(v) <= {"name", "yes", "no"}
                                        and all(isinstance(x, str) for x in v.values()))
            if not ok:
                raise DataError(f"label {k!r}: expected a short name, or a mapping with name, "
                                "yes and no", file=p)
        return cls(kinds, caution, str(p), {str(k): v for k, v in labels.items()})

    def interpretations(self, keys: str | list[str], fields: dict[str, Any]) -> list[str]:
        """The filled-in templates of the first of ``keys`` the file has (most particular first,
        e.g. 'scale_choice_pair_teller_lower', then 'scale_choice_pair'), topped up from
        'generic' to at least two."""
        chosen: list[str] = []
        for key in [keys] if isinstance(keys, str) else keys:
            if self.kinds.get(key):
                chosen = list(self.kinds[key])
                break
        for g in self.kinds["generic"]:
            if len(chosen) >= MIN_INTERPRETATIONS:
                break
            if g not in chosen:
                chosen.append(g)
        return [fill(t, fields) for t in chosen]


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, fields: dict[str, Any]) -> str:
    """``str.format_map`` that leaves unknown placeholders as written and never raises."""
    try:
        return string.Formatter().vformat(template, (), _Keep(fields))
    except (ValueError, IndexError, AttributeError):
        return template


# -- words -----------------------------------------------------------------------------------------
def ratio_words(ratio: float) -> str:
    """'about twice', 'about half', 'about 1.6 times' ... the expected rate.

    >>> ratio_words(2.1), ratio_words(0.5), ratio_words(1.6)
    ('about twice', 'about half', 'about 1.6 times')
    """
    named = [(2, "about twice"), (3, "about three times"), (4, "about four times"),
             (0.5, "about half"), (1 / 3, "about a third"), (0.25, "about a quarter")]
    for value, words in named:
        if abs(ratio - value) <= 0.12 * value:
            return words
    return f"about {ratio:.1f} times"


def _q(text: str) -> str:
    return f'"{text}"'


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x == x else "?"


class Words:
    """How an observation names its questions and its groups of stories, in short labels
    (``pni.explore.labels``): "stories where someone listened", "those from tellers whose school
    is "Alder"", "stories marked "assessment" for topic"."""

    def __init__(self, data: ExploreData, templates: Templates) -> None:
        self.data, self.tpl = data, templates
        # the project's own names (prompts) first, then the short names the sources gave
        given = {q.id: q.short for q in data.questions.values() if q.short}
        self.labels = Labels({**given, **templates.labels})
        for q in data.questions.values():  # in the form's order, so names are unique the same way
            self.labels.of(q.id, q.text, boolean=q.kind == "boolean")

    def label(self, var: Variable) -> Label:
        if var.about == "attribute":
            return Label(var.label.casefold())
        q = self.data.questions.get(var.question)
        text = q.text if q is not None else _base(var)
        return self.labels.of(var.question, text, boolean=q is not None and q.kind == "boolean")

    def name(self, var: Variable) -> str:
        return self.label(var).name

    def question_text(self, var: Variable) -> str:
        q = self.data.questions.get(var.question)
        return q.text if q is not None else _base(var)

    def tellers(self, var: Variable, answer: str) -> str:
        """Tellers by their answer to a teller question: 'tellers whose role is "student"'."""
        name = self.name(var)
        if var.about == "attribute":
            return f"tellers in {name} {_q(answer)}"
        if " " not in name and not name.endswith("s") and name.isalpha():
            return f"tellers whose {name} is {_q(answer)}"
        return f"tellers who answered {_q(answer)} for {name}"

    def stories(self, var: Variable, answer: str, head: str = "stories") -> str:
        """A group of stories by one answer: 'stories where someone listened', 'those marked
        "family" for topic', 'stories from tellers whose school is "Alder"'."""
        lab = self.label(var)
        if var.option is not None:
            neg = "" if answer == YES else "not "
            return f"{head} {neg}marked {_q(var.option)} for {lab.name}"
        if var.about == "attribute":
            return f"{head} from {lab.name} {_q(answer)}"
        if var.about == "teller":
            return f"{head} from {self.tellers(var, answer)}"
        if answer in (YES, NO) and lab.yes and lab.no:
            return f"{head} where {lab.yes if answer == YES else lab.no}"
        if lab.name.startswith("who ") and len(lab.name.split()) > 1:
            return f"{head} where {_q(answer)} {lab.name[4:]}"
        if lab.name.split()[0] in ("how", "what", "which", "why", "when", "where"):
            return f"{head} answered {_q(answer)} ({lab.name})"
        return f"{head} where {lab.name} was {_q(answer)}"

    def others(self, var: Variable, answer: str) -> str:
        """The group a first one is compared with, briefly: 'those where no one listened',
        'those with "Cedar Valley High School"'."""
        lab = self.label(var)
        if var.option is not None or (var.about == "story" and answer in (YES, NO)
                                      and lab.yes and lab.no):
            return self.stories(var, answer, "those")
        return f"those with {_q(answer)}"

    def questions_line(self, *variables: Variable) -> str:
        """' Questions: belonging = "In this story, how much did you feel you belonged?"; ...'
        (each question whose short name is not already its whole text; '' when none is)."""
        parts: list[str] = []
        for v in variables:
            if v.about == "attribute":
                continue
            text, name = self.question_text(v), self.name(v)
            if name.casefold() == text.rstrip("?.! ").casefold():
                continue
            part = f"{name} = {_q(text)}"
            if part not in parts:
                parts.append(part)
        if not parts:
            return ""
        return f" {'Questions' if len(parts) > 1 else 'Question'}: {'; '.join(parts)}"


def _base(var: Variable) -> str:
    """The question's text (without the option, for a multi-choice indicator)."""
    return var.label.rsplit(": ", 1)[0] if var.option is not None else var.label


# -- observation builders --------------------------------------------------------------------------
def _pick_cell(t: TestResult, row: int | None,
               prefer_yes: tuple[bool, bool]) -> tuple[int, int] | None:
    """The cell that departs most from independence, over-represented first (largest adjusted
    residual); for multi-choice indicators only the "selected" row or column. Never a cell the
    small-cell rule hid (None when every cell is hidden)."""
    d = t.detail
    res = d["residuals"]
    rows = range(len(d["rows"])) if row is None else [row]
    best, where = -float("inf"), None
    for i in rows:
        if prefer_yes[0] and d["rows"][i] != YES and YES in d["rows"]:
            continue
        for j in range(len(d["cols"])):
            if prefer_yes[1] and d["cols"][j] != YES and YES in d["cols"]:
                continue
            if res[i][j] is not None and res[i][j] > best:
                best, where = res[i][j], (i, j)
    return where


def _rate_sentence(where: str, group: str, obs: int, total: int, exp: float) -> str:
    """'In pattern "x", stories marked "family" for topic turn up about twice as often as
    expected (9 of 14; expected 4.6).'"""
    if obs == 0:
        return (f"{_cap(where)}, {group} don't turn up at all: none of {total} "
                f"(expected {_num(exp)}).")
    ratio = obs / exp if exp else float("inf")
    return (f"{_cap(where)}, {group} turn up {ratio_words(ratio)} as often as expected "
            f"({obs} of {total}; expected {_num(exp)}).")


def _direction(up: bool) -> str:
    return "" if up else "_lower"


def _keys(base: str, about: str, direction: str) -> list[str]:
    """Template keys from the most particular ('scale_choice_pair_teller_lower') to the kind."""
    return [base + about + direction, base + about, base + direction, base]


def _about(var: Variable) -> str:
    return "_teller" if var.about in ("teller", "attribute") else ""


def _obs_pattern_choice(t: TestResult, data: ExploreData, w: Words) -> Observation | None:
    d = t.detail
    var = data.variable(t.b)
    cell = _pick_cell(t, 0, (False, var.option is not None))
    if cell is None:
        return None
    i, j = cell
    answer = d["cols"][j]
    obs, exp = d["counts"][i][j], d["expected"][i][j]
    rf = data.run_frame()
    vals = values(data, var, rf)
    inside = (rf["pattern_number"] == d["pattern_number"]).fillna(False)
    total = int((inside & vals.notna()).sum())
    title = d["pattern_title"]
    group = w.stories(var, answer)
    text = (_rate_sentence(f"in pattern {_q(title)}", group, obs, total, exp)
            + w.questions_line(var))
    ids = rf.loc[inside & (vals == answer), "story_id"].tolist()
    more = obs >= exp
    shown = var.option if var.option is not None else answer
    teller = var.about in ("teller", "attribute")
    fields = {"pattern": title, "question": w.name(var), "question_text": w.question_text(var),
              "answer": shown, "group": group,
              "tellers": w.tellers(var, answer) if teller else "the tellers of these stories",
              "more_or_less": "more often" if more else "less often",
              "observed": obs, "total": total}
    base = "pattern_teller" if teller else "pattern_choice"
    numbers = {"observed": obs, "expected": _num(exp), "stories_in_pattern": total,
               "ratio": round(obs / exp, 2) if exp else None,
               "adjusted_residual": d["residuals"][i][j]}
    keys = [base + ("" if more else "_less"), base, "pattern_choice"]
    return _make(t, text, numbers, ids, w.tpl.interpretations(keys, fields))


def _obs_choice_choice(t: TestResult, data: ExploreData, w: Words) -> Observation | None:
    d = t.detail
    va, vb = data.variable(t.a), data.variable(t.b)
    cell = _pick_cell(t, None, (va.option is not None, vb.option is not None))
    if cell is None:
        return None
    i, j = cell
    ans_a, ans_b = d["rows"][i], d["cols"][j]
    obs, exp = d["counts"][i][j], d["expected"][i][j]
    sa, sb = values(data, va), values(data, vb)
    total = int(((sa == ans_a) & sb.notna()).sum())
    text = (_rate_sentence(f"among {w.stories(va, ans_a)}", w.stories(vb, ans_b, "those"),
                           obs, total, exp) + w.questions_line(va, vb))
    ids = data.frame.loc[(sa == ans_a) & (sb == ans_b), "story_id"].tolist()
    base = "choice_choice"
    (sv, s_ans), (tv, t_ans) = (va, ans_a), (vb, ans_b)
    if (va.about == "teller") != (vb.about == "teller"):
        base = "choice_teller"
        if va.about == "teller":
            (sv, s_ans), (tv, t_ans) = (vb, ans_b), (va, ans_a)
    more = obs >= exp
    fields = {"question": w.name(sv), "answer": sv.option or s_ans,
              "other_question": w.name(tv), "other_answer": tv.option or t_ans,
              "question_text": w.question_text(sv), "other_question_text": w.question_text(tv),
              "group": w.stories(va, ans_a), "others": w.stories(vb, ans_b),
              "other_group": w.stories(vb, ans_b, "ones"), "story_group": w.stories(sv, s_ans),
              "tellers": (w.tellers(tv, t_ans) if tv.about in ("teller", "attribute")
                          else "the tellers of these stories"),
              "more_or_less": "more often" if more else "less often",
              "observed": obs, "total": total}
    numbers = {"observed": obs, "expected": _num(exp), "group_total": total,
               "ratio": round(obs / exp, 2) if exp else None,
               "adjusted_residual": d["residuals"][i][j]}
    keys = [base + ("" if more else "_less"), base, "choice_choice"]
    return _make(t, text, numbers, ids, w.tpl.interpretations(keys, fields))


def _medians(g: dict[str, Any]) -> str:
    return f"median {_num(g['median'])}, mean {_num(g['mean'])}, {g['n']} stories"


def _pair_numbers(ga: dict[str, Any], gb: dict[str, Any]) -> str:
    return (f"median {_num(ga['median'])} vs {_num(gb['median'])}; mean {_num(ga['mean'])} vs "
            f"{_num(gb['mean'])}; {ga['n']} and {gb['n']} stories")


def _obs_pattern_scale(t: TestResult, data: ExploreData, w: Words) -> Observation:
    d = t.detail
    var = data.variable(t.b)
    up = t.effect > 0
    direction = "higher" if up else "lower"
    title = d["pattern_title"]
    ga, gb = d["group_a"], d["group_b"]
    name = w.name(var)
    text = (f"In pattern {_q(title)}, {name} was rated {direction} than in the other stories "
            f"({_pair_numbers(ga, gb)})." + w.questions_line(var))
    rf = data.run_frame()
    sub = rf.loc[(rf["pattern_number"] == d["pattern_number"]).fillna(False)].dropna(
        subset=[var.id]).sort_values(var.id, ascending=direction == "lower")
    fields = {"pattern": title, "question": name, "question_text": w.question_text(var),
              "direction": direction, "n_a": ga["n"], "n_b": gb["n"]}
    numbers = {"pattern": ga, "rest": gb}
    return _make(t, text, numbers, sub["story_id"].tolist(),
                 w.tpl.interpretations(_keys("pattern_scale", "", _direction(up)), fields))


def _extremes(groups: dict[str, dict[str, Any]]) -> tuple[str, str]:
    order = sorted(groups, key=lambda k: (groups[k]["median"], groups[k]["mean"]))
    return order[0], order[-1]


def _obs_patterns_scale(t: TestResult, data: ExploreData, w: Words) -> Observation:
    d = t.detail
    var = data.variable(t.b)
    low, high = _extremes(d["groups"])
    name = w.name(var)
    text = (f"{_cap(name)} was rated differently from pattern to pattern: lowest in {_q(low)} "
            f"({_medians(d['groups'][low])}), highest in {_q(high)} "
            f"({_medians(d['groups'][high])})." + w.questions_line(var))
    rf = data.run_frame().dropna(subset=[var.id])
    ids = (rf.loc[rf["pattern"] == low].sort_values(var.id)["story_id"].tolist()
           + rf.loc[rf["pattern"] == high].sort_values(var.id, ascending=False)["story_id"]
           .tolist())
    fields = {"question": name, "question_text": w.question_text(var), "low": low, "high": high}
    return _make(t, text, {"groups": d["groups"]}, ids,
                 w.tpl.interpretations(["patterns_scale"], fields))


def _obs_scale_scale(t: TestResult, data: ExploreData, w: Words) -> Observation:
    va, vb = data.variable(t.a), data.variable(t.b)
    pos = t.effect > 0
    na, nb = w.name(va), w.name(vb)
    text = (f"Where {na} was rated higher, {nb} tended to be rated "
            f"{'higher too' if pos else 'lower'} (Spearman's rho {t.effect:.2f}; {t.n} stories)."
            + w.questions_line(va, vb))
    f = data.frame.dropna(subset=[va.id, vb.id])
    ma, mb = f[va.id].median(), f[vb.id].median()
    sel = (f[va.id] > ma) & ((f[vb.id] > mb) if pos else (f[vb.id] < mb))
    fields = {"question": na, "other_question": nb, "question_text": w.question_text(va),
              "other_question_text": w.question_text(vb),
              "rise_or_fall": "rise together" if pos else "move in opposite directions"}
    keys = ["scale_scale" + ("" if pos else "_opposite"), "scale_scale"]
    return _make(t, text, {"rho": t.effect, "n": t.n}, f.loc[sel, "story_id"].tolist(),
                 w.tpl.interpretations(keys, fields))


def _obs_scale_choice_pair(t: TestResult, data: ExploreData, w: Words) -> Observation:
    d = t.detail
    vs, vc = data.variable(t.a), data.variable(t.b)
    ans_a, ans_b = d["answer_a"], d["answer_b"]
    ga, gb = d["group_a"], d["group_b"]
    up = t.effect > 0
    direction = "higher" if up else "lower"
    name, group = w.name(vs), w.stories(vc, ans_a)
    text = (f"In {group}, {name} was rated {direction} than in {w.others(vc, ans_b)} "
            f"({_pair_numbers(ga, gb)})." + w.questions_line(vc, vs))
    sc = values(data, vc)
    f = data.frame.loc[sc == ans_a].dropna(subset=[vs.id]).sort_values(
        vs.id, ascending=direction == "lower")
    teller = vc.about in ("teller", "attribute")
    fields = {"question": name, "other_question": w.name(vc),
              "question_text": w.question_text(vs), "other_question_text": w.question_text(vc),
              "answer": ans_a, "other_answer": ans_b, "direction": direction,
              "group": group, "others": w.stories(vc, ans_b),
              "tellers": w.tellers(vc, ans_a) if teller else "the tellers of these stories",
              "n_a": ga["n"], "n_b": gb["n"]}
    keys = _keys("scale_choice_pair", _about(vc), _direction(up))
    return _make(t, text, {ans_a: ga, ans_b: gb}, f["story_id"].tolist(),
                 w.tpl.interpretations(keys, fields))


def _obs_scale_choice(t: TestResult, data: ExploreData, w: Words) -> Observation:
    d = t.detail
    vs, vc = data.variable(t.a), data.variable(t.b)
    low, high = _extremes(d["groups"])
    name, cname = w.name(vs), w.name(vc)
    text = (f"{_cap(name)} was rated differently depending on {cname}: lowest for {_q(low)} "
            f"({_medians(d['groups'][low])}), highest for {_q(high)} "
            f"({_medians(d['groups'][high])})." + w.questions_line(vc, vs))
    sc = values(data, vc)
    f = data.frame.loc[sc == low].dropna(subset=[vs.id]).sort_values(vs.id)
    fields = {"question": name, "other_question": cname, "question_text": w.question_text(vs),
              "other_question_text": w.question_text(vc), "low": low, "high": high}
    keys = _keys("scale_choice", _about(vc), "")
    return _make(t, text, {"groups": d["groups"]}, f["story_id"].tolist(),
                 w.tpl.interpretations(keys, fields))


BUILDERS: dict[str, Callable[[TestResult, ExploreData, Words], Observation | None]] = {
    "pattern_choice": _obs_pattern_choice,
    "pattern_scale": _obs_pattern_scale,
    "patterns_scale": _obs_patterns_scale,
    "choice_choice": _obs_choice_choice,
    "scale_scale": _obs_scale_scale,
    "scale_choice_pair": _obs_scale_choice_pair,
    "scale_choice": _obs_scale_choice,
}


def _make(t: TestResult, text: str, numbers: dict[str, Any], ids: list[str],
          interpretations: list[str]) -> Observation:
    nums = {"test": t.test, t.statistic_name: t.statistic, "p": t.p, "q": t.q,
            t.effect_name: t.effect, "n": t.n, **numbers}
    if t.note:
        nums["note"] = t.note
    return Observation(rank=0, lens=t.lens, kind=t.kind, text=text, numbers=nums,
                       story_ids=[str(i) for i in ids], interpretations=interpretations,
                       q=t.q, effect=t.effect, effect_name=t.effect_name,
                       magnitude=t.magnitude, test_id=t.id)


def _family(t: TestResult, data: ExploreData) -> tuple[str, ...]:
    """Tests that say one thing several ways share a family; one observation per family."""
    def q(vid: str) -> str:
        try:
            return data.variable(vid).question
        except KeyError:
            return vid
    if t.kind in ("pattern_choice", "pattern_scale"):
        return (t.kind, t.a, q(t.b))
    if t.kind == "scale_choice_pair":
        return (t.kind, t.a, q(t.b), str(t.detail.get("answer_a")))
    return (t.kind, q(t.a), q(t.b))


def rank_key(t: TestResult) -> tuple[float, int, float]:
    """Ranking: lowest q first, then larger effect magnitude, then larger |effect|."""
    return (t.q if t.q is not None else 1.0, -MAGNITUDES.index(t.magnitude), -abs(t.effect))


def make_observations(tests: list[TestResult], data: ExploreData, templates: Templates,
                      *, limit: int | None = None) -> list[Observation]:
    """One observation per family of notable tests, ranked; each with >= 2 interpretations."""
    notable = sorted((t for t in tests if t.notable), key=rank_key)
    out: list[Observation] = []
    seen: dict[tuple[str, ...], Observation] = {}
    words = Words(data, templates)
    for t in notable:
        fam = _family(t, data)
        if fam in seen:
            prior = seen[fam]
            prior.numbers["related_tests"] = prior.numbers.get("related_tests", 0) + 1
            continue
        ob = BUILDERS[t.kind](t, data, words)
        if ob is None:  # every cell of the test hidden by the small-cell rule
            continue
        if len(ob.interpretations) < MIN_INTERPRETATIONS:  # the templates guarantee this
            raise DataError(f"fewer than {MIN_INTERPRETATIONS} interpretations for {t.kind}",
                            file=templates.source)
        seen[fam] = ob
        out.append(ob)
        if limit is not None and len(out) >= limit:
            break
    for k, ob in enumerate(out, 1):
        ob.rank = k
    return out


def caution(templates: Templates, *, n_tests: int, n_stories: int, q_threshold: float) -> str:
    """The caution line about multiple comparisons and small samples."""
    return fill(templates.caution, {"n_tests": n_tests, "n_stories": n_stories,
                                    "q_threshold": q_threshold,
                                    "q_percent": _num(q_threshold * 100)})
