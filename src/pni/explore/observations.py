"""Observations: notable results in plain words, with the numbers and the stories behind them and
at least two competing interpretations from editable templates (prompts/explore/
interpretations.yaml), phrased as questions for the group. Never one interpretation, never a verdict.

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
from pni.explore.data import YES, ExploreData, Variable, values
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

    def __init__(self, kinds: dict[str, list[str]], caution: str, source: str = "") -> None:
        self.kinds = kinds
        self.caution = caution
        self.source = source

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
        return cls(kinds, caution, str(p))

    def interpretations(self, key: str, fallback: str, fields: dict[str, Any]) -> list[str]:
        """The filled-in templates for ``key`` (else ``fallback``), topped up from 'generic' to at
        least two."""
        chosen = list(self.kinds.get(key) or self.kinds.get(fallback) or [])
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


#: How a group of stories is named, by role in the sentence and by what the variable is: an option
#: of a multi-choice question, a teller question, a story attribute, or a story question.
_PHRASES: dict[str, dict[str, str]] = {
    "predicate": {  # what a group of stories did
        "option": "were {neg}marked {option} for {base}",
        "teller": "come from tellers who answered {answer} to {label}",
        "attribute": "come from {lower} {answer}",
        "story": "were answered {answer} to {label}",
    },
    "subject": {  # a group of stories
        "option": "stories {neg}marked {option} for {base}",
        "teller": "stories whose tellers answered {answer} to {label}",
        "attribute": "stories from {lower} {answer}",
        "story": "stories answered {answer} to {label}",
    },
    "group": {  # who a group of stories comes from, for interpretations
        "option": "the tellers of stories {neg}marked {option} for {base}",
        "teller": "tellers who answered {answer} to {label}",
        "attribute": "tellers in {lower} {answer}",
        "story": "the tellers of stories answered {answer} to {label}",
    },
}


def _phrase(role: str, var: Variable, answer: str) -> str:
    if var.option is not None:
        form = "option"
    else:
        form = var.about if var.about in ("teller", "attribute") else "story"
    return _PHRASES[role][form].format(
        neg="" if answer == YES else "not ", option=_q(var.option or ""),
        base=_q(var.label.rsplit(": ", 1)[0]), answer=_q(answer), label=_q(var.label),
        lower=var.label.lower())


def predicate(var: Variable, answer: str) -> str:
    """What a group of stories did, e.g. 'come from tellers who answered "student" to "Role"'."""
    return _phrase("predicate", var, answer)


def subject(var: Variable, answer: str) -> str:
    """A group of stories, e.g. 'stories whose tellers answered "student" to "Role"'."""
    return _phrase("subject", var, answer)


def group_words(var: Variable, answer: str) -> str:
    """Who a group of stories comes from, for interpretations."""
    return _phrase("group", var, answer)


def _base(var: Variable) -> str:
    """The question's text (without the option, for a multi-choice indicator)."""
    return var.label.rsplit(": ", 1)[0] if var.option is not None else var.label


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x == x else "?"


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


def _rate_sentence(lead: str, pred: str, obs: int, total: int, exp: float) -> str:
    if obs == 0:
        return (f"None of the {total} {lead} {pred.replace('come from', 'came from', 1)} "
                f"(expected {_num(exp)}).")
    ratio = obs / exp if exp else float("inf")
    return (f"{_cap(lead)} {pred} at {ratio_words(ratio)} the expected rate "
            f"({obs} of {total}; expected {_num(exp)}).")


def _obs_pattern_choice(t: TestResult, data: ExploreData, tpl: Templates) -> Observation | None:
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
    lead = f"stories in pattern {_q(title)}"
    text = _rate_sentence(lead, predicate(var, answer), obs, total, exp)
    ids = rf.loc[inside & (vals == answer), "story_id"].tolist()
    more = "more often" if obs >= exp else "less often"
    shown = var.option if var.option is not None else answer
    fields = {"pattern": title, "question": var.label.rsplit(": ", 1)[0], "answer": shown,
              "group": group_words(var, answer), "more_or_less": more}
    key = "pattern_teller" if var.about == "teller" else "pattern_choice"
    numbers = {"observed": obs, "expected": _num(exp), "stories_in_pattern": total,
               "ratio": round(obs / exp, 2) if exp else None,
               "adjusted_residual": d["residuals"][i][j]}
    return _make(t, text, numbers, ids, tpl.interpretations(key, "pattern_choice", fields))


def _obs_choice_choice(t: TestResult, data: ExploreData, tpl: Templates) -> Observation | None:
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
    text = _rate_sentence(subject(va, ans_a), predicate(vb, ans_b), obs, total, exp)
    ids = data.frame.loc[(sa == ans_a) & (sb == ans_b), "story_id"].tolist()
    key = "choice_choice"
    (sv, s_ans), (tv, t_ans) = (va, ans_a), (vb, ans_b)
    if (va.about == "teller") != (vb.about == "teller"):
        key = "choice_teller"
        if va.about == "teller":
            (sv, s_ans), (tv, t_ans) = (vb, ans_b), (va, ans_a)
    fields = {"question": _base(sv), "answer": sv.option or s_ans, "other_question": _base(tv),
              "other_answer": tv.option or t_ans, "group": group_words(tv, t_ans),
              "more_or_less": "more often" if obs >= exp else "less often"}
    numbers = {"observed": obs, "expected": _num(exp), "group_total": total,
               "ratio": round(obs / exp, 2) if exp else None,
               "adjusted_residual": d["residuals"][i][j]}
    return _make(t, text, numbers, ids, tpl.interpretations(key, "choice_choice", fields))


def _medians(g: dict[str, Any]) -> str:
    return f"median {_num(g['median'])}, mean {_num(g['mean'])}, {g['n']} stories"


def _obs_pattern_scale(t: TestResult, data: ExploreData, tpl: Templates) -> Observation:
    d = t.detail
    var = data.variable(t.b)
    direction = "higher" if t.effect > 0 else "lower"
    title = d["pattern_title"]
    ga, gb = d["group_a"], d["group_b"]
    text = (f"Stories in pattern {_q(title)} have {direction} answers to {_q(var.label)} than "
            f"the rest of the stories (median {_num(ga['median'])} vs {_num(gb['median'])}; "
            f"mean {_num(ga['mean'])} vs {_num(gb['mean'])}; {ga['n']} and {gb['n']} stories).")
    rf = data.run_frame()
    sub = rf.loc[(rf["pattern_number"] == d["pattern_number"]).fillna(False)].dropna(
        subset=[var.id]).sort_values(var.id, ascending=direction == "lower")
    fields = {"pattern": title, "question": var.label, "direction": direction}
    numbers = {"pattern": ga, "rest": gb}
    return _make(t, text, numbers, sub["story_id"].tolist(),
                 tpl.interpretations("pattern_scale", "pattern_scale", fields))


def _extremes(groups: dict[str, dict[str, Any]]) -> tuple[str, str]:
    order = sorted(groups, key=lambda k: (groups[k]["median"], groups[k]["mean"]))
    return order[0], order[-1]


def _obs_patterns_scale(t: TestResult, data: ExploreData, tpl: Templates) -> Observation:
    d = t.detail
    var = data.variable(t.b)
    low, high = _extremes(d["groups"])
    text = (f"Answers to {_q(var.label)} differ across patterns: lowest in {_q(low)} "
            f"({_medians(d['groups'][low])}), highest in {_q(high)} "
            f"({_medians(d['groups'][high])}).")
    rf = data.run_frame().dropna(subset=[var.id])
    ids = (rf.loc[rf["pattern"] == low].sort_values(var.id)["story_id"].tolist()
           + rf.loc[rf["pattern"] == high].sort_values(var.id, ascending=False)["story_id"]
           .tolist())
    fields = {"question": var.label, "low": low, "high": high}
    return _make(t, text, {"groups": d["groups"]}, ids,
                 tpl.interpretations("patterns_scale", "patterns_scale", fields))


def _obs_scale_scale(t: TestResult, data: ExploreData, tpl: Templates) -> Observation:
    va, vb = data.variable(t.a), data.variable(t.b)
    pos = t.effect > 0
    if pos:
        text = (f"Answers to {_q(va.label)} and {_q(vb.label)} tend to rise together "
                f"(Spearman's rho {t.effect:.2f}; {t.n} stories).")
    else:
        text = (f"As answers to {_q(va.label)} rise, answers to {_q(vb.label)} tend to fall "
                f"(Spearman's rho {t.effect:.2f}; {t.n} stories).")
    f = data.frame.dropna(subset=[va.id, vb.id])
    ma, mb = f[va.id].median(), f[vb.id].median()
    sel = (f[va.id] > ma) & ((f[vb.id] > mb) if pos else (f[vb.id] < mb))
    fields = {"question": va.label, "other_question": vb.label,
              "rise_or_fall": "rise together" if pos else "move in opposite directions"}
    return _make(t, text, {"rho": t.effect, "n": t.n}, f.loc[sel, "story_id"].tolist(),
                 tpl.interpretations("scale_scale", "scale_scale", fields))


def _obs_scale_choice_pair(t: TestResult, data: ExploreData, tpl: Templates) -> Observation:
    d = t.detail
    vs, vc = data.variable(t.a), data.variable(t.b)
    ans_a, ans_b = d["answer_a"], d["answer_b"]
    ga, gb = d["group_a"], d["group_b"]
    direction = "higher" if t.effect > 0 else "lower"
    text = (f"{_cap(subject(vc, ans_a))} have {direction} answers to {_q(vs.label)} than "
            f"those with {_q(ans_b)} (median {_num(ga['median'])} vs {_num(gb['median'])}; mean "
            f"{_num(ga['mean'])} vs {_num(gb['mean'])}; {ga['n']} and {gb['n']} stories).")
    sc = values(data, vc)
    f = data.frame.loc[sc == ans_a].dropna(subset=[vs.id]).sort_values(
        vs.id, ascending=direction == "lower")
    fields = {"question": vs.label, "other_question": vc.label, "answer": ans_a,
              "other_answer": ans_b, "direction": direction,
              "group": f'{group_words(vc, ans_a)} (compared with "{ans_b}")'}
    return _make(t, text, {ans_a: ga, ans_b: gb}, f["story_id"].tolist(),
                 tpl.interpretations("scale_choice_pair", "scale_choice_pair", fields))


def _obs_scale_choice(t: TestResult, data: ExploreData, tpl: Templates) -> Observation:
    d = t.detail
    vs, vc = data.variable(t.a), data.variable(t.b)
    low, high = _extremes(d["groups"])
    text = (f"Answers to {_q(vs.label)} differ across answers to {_q(vc.label)}: lowest for "
            f"{_q(low)} ({_medians(d['groups'][low])}), highest for {_q(high)} "
            f"({_medians(d['groups'][high])}).")
    sc = values(data, vc)
    f = data.frame.loc[sc == low].dropna(subset=[vs.id]).sort_values(vs.id)
    fields = {"question": vs.label, "other_question": vc.label, "low": low, "high": high}
    return _make(t, text, {"groups": d["groups"]}, f["story_id"].tolist(),
                 tpl.interpretations("scale_choice", "scale_choice", fields))


BUILDERS: dict[str, Callable[[TestResult, ExploreData, Templates], Observation | None]] = {
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
    for t in notable:
        fam = _family(t, data)
        if fam in seen:
            prior = seen[fam]
            prior.numbers["related_tests"] = prior.numbers.get("related_tests", 0) + 1
            continue
        ob = BUILDERS[t.kind](t, data, templates)
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
