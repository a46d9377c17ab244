from __future__ import annotations

from pathlib import Path

import pytest

from pni.errors import DataError
from pni.explore.data import load
from pni.explore.lenses import run_lenses
from pni.explore.models import ExploreReport, Observation
from pni.explore.observations import Templates, _num, fill, make_observations, ratio_words
from pni.explore.report import build_report
from pni.ingest.collect import collect
from pni.store import Store
from tests.conftest import SAMPLES


def test_every_observation_has_two_or_more_interpretations(
        with_run: tuple[Store, list[str], int]) -> None:
    db, ids, run_id = with_run
    data = load(db, run_id, min_cell=1)
    res = run_lenses(data, min_subset=10)
    obs = make_observations(res.tests, data, Templates.load())
    assert len(obs) >= 5
    kinds = {o.kind for o in obs}
    assert {"pattern_choice", "patterns_scale", "choice_choice", "scale_choice_pair"} <= kinds
    for o in obs:
        assert len(o.interpretations) >= 2
        assert all(i.rstrip().endswith("?") for i in o.interpretations)  # questions, not verdicts
        assert "{" not in " ".join(o.interpretations)  # every placeholder filled
        assert o.q is not None and o.q <= 0.1 and o.magnitude != "negligible"
        assert o.story_ids and set(o.story_ids) <= set(ids)
        assert o.numbers["n"] > 0
    assert [o.rank for o in obs] == list(range(1, len(obs) + 1))
    assert [o.q for o in obs] == sorted(o.q for o in obs if o.q is not None)


def test_plain_words_for_a_teller_group(with_run: tuple[Store, list[str], int]) -> None:
    db, _, run_id = with_run
    data = load(db, run_id, min_cell=1)
    obs = make_observations(run_lenses(data).tests, data, Templates.load())
    ob = next(o for o in obs if o.test_id == "answer|listened_to|role")
    # short names ("someone listened", "role"), the "no" answer as its own clause, the same
    # numbers as before; the question that the short name abbreviates printed once, in full
    assert ob.text == ('Among stories where no one listened, those from tellers whose role is '
                       '"student" turn up about 2.5 times as often as expected '
                       '(12 of 12; expected 4.8). Question: someone listened = '
                       '"Did someone listen?"')
    assert len(ob.story_ids) == 12
    assert ob.numbers["observed"] == 12


def _sentence_numbers(o: Observation) -> str:
    """What the numbers in an observation's sentence must read, from its numbers."""
    n = o.numbers
    if o.kind in ("pattern_choice", "choice_choice"):
        total = n.get("stories_in_pattern", n.get("group_total"))
        if n["observed"] == 0:
            return f"none of {total} (expected {n['expected']})"
        return f"({n['observed']} of {total}; expected {n['expected']})"
    if o.kind in ("pattern_scale", "scale_choice_pair"):
        ga, gb = (n["pattern"], n["rest"]) if o.kind == "pattern_scale" else [
            v for k, v in n.items() if isinstance(v, dict) and "median" in v]
        return (f"(median {_num(ga['median'])} vs {_num(gb['median'])}; mean "
                f"{_num(ga['mean'])} vs {_num(gb['mean'])}; {ga['n']} and {gb['n']} stories)")
    if o.kind == "scale_scale":
        return f"(Spearman's rho {n['rho']:.2f}; {n['n']} stories)"
    return "(median "


def test_sentences_name_questions_briefly_and_once(with_run: tuple[Store, list[str], int]
                                                    ) -> None:
    db, _, run_id = with_run
    data = load(db, run_id, min_cell=1)
    obs = make_observations(run_lenses(data, min_subset=10).tests, data, Templates.load())
    texts = {q.text for q in data.questions.values() if len(q.text.split()) > 1}
    for o in obs:
        # the numbers are the test's, word for word (catches a sentence that drops or swaps one)
        assert _sentence_numbers(o) in o.text, o.text
        for t in texts:  # a long question text at most once, and never in an interpretation
            assert o.text.count(f'"{t}"') <= 1, o.text
            assert all(t not in i for i in o.interpretations), o.interpretations
        if any(f'"{t}"' in o.text for t in texts):  # in full after the numbers, not before
            assert o.text.index(" Question") > o.text.index(_sentence_numbers(o)), o.text
        # one sentence each: a question for the group, short
        for i in o.interpretations:
            assert i.count("?") == 1 and i.endswith("?") and len(i) < 240, i
        assert "compared with" not in o.text and "Could the tellers of" not in " ".join(
            o.interpretations)


def test_interpretations_follow_kind_direction_and_who(tmp_path: Path,
                                                       with_run: tuple[Store, list[str], int]
                                                       ) -> None:
    """Each observation takes the most particular templates the file has: a lower scale in a
    teller group reads scale_choice_pair_teller_lower, a count below expectation reads
    pattern_choice_less, two scales moving apart scale_scale_opposite."""
    db, _, run_id = with_run
    keys = ["scale_choice_pair", "scale_choice_pair_lower", "scale_choice_pair_teller",
            "scale_choice_pair_teller_lower", "pattern_choice", "pattern_choice_less",
            "pattern_teller", "pattern_teller_less", "choice_choice", "choice_choice_less",
            "choice_teller", "choice_teller_less", "scale_scale", "scale_scale_opposite",
            "pattern_scale", "pattern_scale_lower", "patterns_scale", "scale_choice",
            "scale_choice_teller"]
    body = "".join(f"  {k}:\n    - {k} one?\n    - {k} two?\n" for k in keys)
    p = tmp_path / "t.yaml"
    p.write_text("caution: c\nkinds:\n" + body + "  generic:\n    - A?\n    - B?\n",
                 encoding="utf-8")
    data = load(db, run_id, min_cell=1)
    obs = make_observations(run_lenses(data, min_subset=10).tests, data, Templates.load(p))
    seen = set()
    for o in obs:
        parts = (o.test_id or "").split("|")
        first, second = data.variable(parts[1]) if parts[0] == "answer" else None, \
            data.variable(parts[2])
        teller = second.about != "story"
        neg = o.effect is not None and o.effect < 0
        fewer = "observed" in o.numbers and o.numbers["observed"] < float(o.numbers["expected"])
        want = {"pattern_choice": ("pattern_teller" if teller else "pattern_choice")
                + ("_less" if fewer else ""),
                "choice_choice": ("choice_teller" if first is not None
                                  and (first.about == "teller") != (second.about == "teller")
                                  else "choice_choice") + ("_less" if fewer else ""),
                "scale_choice_pair": "scale_choice_pair" + ("_teller" if teller else "")
                + ("_lower" if neg else ""),
                "scale_choice": "scale_choice" + ("_teller" if teller else ""),
                "pattern_scale": "pattern_scale" + ("_lower" if neg else ""),
                "patterns_scale": "patterns_scale",
                "scale_scale": "scale_scale" + ("_opposite" if neg else "")}[o.kind]
        assert o.interpretations == [f"{want} one?", f"{want} two?"], (o.test_id, want)
        seen.add(want)
    # not one set of templates for everything: direction and teller groups are exercised
    assert {"scale_choice_pair_lower", "scale_choice_pair_teller_lower", "scale_choice_teller",
            "pattern_teller", "choice_teller"} <= seen


def test_a_project_names_its_questions(tmp_path: Path, with_run: tuple[Store, list[str], int]
                                       ) -> None:
    db, _, run_id = with_run
    src = Templates.load().source
    doc = Path(src).read_text("utf-8").replace(
        "labels: {}", "labels:\n  listened_to: {name: being heard, yes: someone heard them,"
                      " no: nobody heard them}\n  role: part in school")
    p = tmp_path / "t.yaml"
    p.write_text(doc, encoding="utf-8")
    data = load(db, run_id, min_cell=1)
    obs = make_observations(run_lenses(data).tests, data, Templates.load(p))
    ob = next(o for o in obs if o.test_id == "answer|listened_to|role")
    assert ob.text.startswith("Among stories where nobody heard them, those from tellers who "
                              'answered "student" for part in school turn up')
    assert ob.text.endswith('Questions: being heard = "Did someone listen?"; part in school = '
                            '"Role"')
    bad = tmp_path / "bad.yaml"
    bad.write_text("kinds:\n  generic: ['A?', 'B?']\nlabels:\n  role: {colour: red}\n", "utf-8")
    with pytest.raises(DataError, match="label 'role'"):
        Templates.load(bad)
    bad.write_text("kinds:\n  generic: ['A?', 'B?']\nlabels: [role]\n", "utf-8")
    with pytest.raises(DataError, match="labels"):
        Templates.load(bad)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> ExploreReport:
    with Store.open(tmp_path_factory.mktemp("s") / "pni.db") as db:
        collect(db, [SAMPLES])
        return build_report(db)


def test_the_samples_read_as_a_catalyst_would_write(samples: ExploreReport) -> None:
    obs = {o.test_id: o for o in samples.observations}
    first = obs["answer|belonging|listened_to|yes|no"]
    assert first.text == (
        "In stories where someone listened, belonging was rated higher than in those where no "
        "one listened (median 4 vs 2; mean 3.7 vs 2; 52 and 27 stories). Questions: someone "
        'listened = "In this story, did someone listen to you?"; belonging = "In this story, '
        'how much did you feel you belonged?"')
    assert first.interpretations[0].startswith("Do stories where someone listened describe")
    school = next(o for t, o in obs.items() if t.startswith("answer|belonging|school|"))
    assert school.text.startswith("In stories from tellers whose school is ")
    assert "tellers whose school is" in school.interpretations[0]
    assert school.interpretations != first.interpretations
    # "happens all the time" against "not surprising" is still set apart, not a finding
    flagged = [o for o in samples.observations if o.same_measure]
    assert any(o.test_id and o.test_id.startswith("answer|surprise|how_common")
               for o in flagged)
    kw = obs["answer|surprise|how_common"]
    assert kw.text.startswith("Surprise was rated differently depending on how often it "
                              'happens: lowest for "happens all the time"')
    # no two kinds share their interpretations word for word
    by_kind: dict[str, set[str]] = {}
    for o in samples.observations:
        by_kind.setdefault(o.kind, set()).add(o.interpretations[1])
    sets = list(by_kind.values())
    assert all(not (a & b) for i, a in enumerate(sets) for b in sets[i + 1:])


def test_templates_are_topped_up_to_two(tmp_path: Path, with_run: tuple[Store, list[str], int]
                                        ) -> None:
    db, _, run_id = with_run
    p = tmp_path / "t.yaml"
    p.write_text("caution: careful\nkinds:\n  pattern_choice:\n    - Only {pattern}?\n"
                 "  generic:\n    - Could it be A?\n    - Or B?\n", encoding="utf-8")
    data = load(db, run_id, min_cell=1)
    obs = make_observations(run_lenses(data).tests, data, Templates.load(p))
    pc = next(o for o in obs if o.kind == "pattern_choice")
    assert pc.interpretations[0].startswith("Only ") and pc.interpretations[1] == "Could it be A?"
    other = next(o for o in obs if o.kind == "choice_choice")
    assert other.interpretations == ["Could it be A?", "Or B?"]


def test_bad_template_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        Templates.load(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kinds: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError, match="YAML"):
        Templates.load(bad)
    one = tmp_path / "one.yaml"
    one.write_text("kinds:\n  generic:\n    - Only one?\n", encoding="utf-8")
    with pytest.raises(DataError, match="at least 2"):
        Templates.load(one)


def test_words() -> None:
    assert ratio_words(1.95) == "about twice"
    assert ratio_words(0.34) == "about a third"
    assert ratio_words(1.3) == "about 1.3 times"
    assert fill("{known} and {unknown}", {"known": "x"}) == "x and {unknown}"
    assert fill("{0} {broken", {}) == "{0} {broken"
