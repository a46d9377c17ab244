"""Catalysis meets the catalyst's file (``pni.curate``): a report written into a new
``catalysis.yaml``, and a ``catalysis.yaml`` applied to a report (the catalyst's pattern titles
before any test is run, so every chart, table and observation uses them; the catalyst's
observations, grouped by perspective, in place of pni's, hidden ones never)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pni.curate.match import Match, match_patterns, printable, remap_test, unmatched_lines
from pni.curate.model import (
    VERSION,
    Catalysis,
    CuratedPattern,
    Interpretation,
)
from pni.curate.model import (
    CuratedObservation as FileObservation,
)
from pni.explore.models import CuratedInterpretation, CuratedObservation, Curation

if TYPE_CHECKING:
    from pathlib import Path

    from pni.explore.data import ExploreData
    from pni.explore.models import ExploreReport, Observation, TestResult
    from pni.privacy import Redactor

STRENGTH = {"small": 1, "medium": 2, "large": 3}


def to_file(report: ExploreReport) -> Catalysis:
    """A new ``catalysis.yaml`` from a report: every pattern with its title and stories, every
    observation with a title, its text, a strength from its effect size and its
    interpretations; no perspective or theme yet."""
    tests = {t.id: t for t in report.tests}
    patterns = [CuratedPattern(id=int(p["number"]), title=str(p["title"]),
                               stories=list(report.pattern_stories.get(int(p["number"]), [])))
                for p in report.patterns]
    obs = []
    by_rank = {o.rank: o for o in report.observations}
    lead_order = report.review or list(by_rank)
    ordered = []
    for rank in lead_order:  # the review queue: each lead, then what says much the same
        ordered.append(by_rank[rank])
        ordered += [o for o in report.observations if o.duplicate_of == rank]
    ordered += [o for o in report.observations if o not in ordered]
    for o in ordered:
        t = tests.get(o.test_id or "")
        title = f"{t.a_label} × {t.b_label}" if t is not None else o.text[:60]
        obs.append(FileObservation(
            id=f"o{o.rank}", title=title, text=o.text,
            strength=STRENGTH.get(o.magnitude or ""), test=o.test_id,
            stories=list(o.story_ids),
            interpretations=[Interpretation(name=f"Interpretation {i}", text=x)
                             for i, x in enumerate(o.interpretations, 1)]))
    run = report.run["id"] if report.run else None
    return Catalysis(version=VERSION, run=run, min_cell=report.params.get("min_cell"),
                     small_cell_rule=report.params.get("small_cell_rule"), patterns=patterns,
                     observations=obs)


def apply_patterns(data: ExploreData, cat: Catalysis, red: Redactor) -> Match:
    """Give the run's patterns the catalyst's titles (redacted), in ``data`` (in memory)."""
    rf = data.run_frame()
    current = {int(p.number): set(rf.loc[rf["pattern_number"] == p.number, "story_id"])
               for p in data.patterns}
    m = match_patterns(cat.patterns, current, run_id=data.run_id, file_run=cat.run)
    for i, p in enumerate(data.patterns):
        cp = m.matched.get(p.number)
        if cp is None or not cp.title.strip():
            continue
        title = (red.redact(cp.title) or "") if red.enabled else cp.title
        data.frame.loc[data.frame["pattern_number"] == p.number, "pattern"] = title
        data.patterns[i] = replace(p, title=title)
    return m


def curation(cat: Catalysis, path: Path, m: Match, observations: list[Observation],
             tests: list[TestResult], red: Redactor, min_cell: int,
             run_id: int | None) -> Curation:
    """What the report shows of the file: its printable observations (redacted; numbers of the
    test behind each, from this report), perspectives, themes, remarkable patterns, what no
    longer matches, and the candidates of this report the file does not hold yet."""
    def r(text: str) -> str:
        return (red.redact(text) or "") if red.enabled else text

    by_test = {t.id: t for t in tests}
    shown, stale = printable(cat, min_cell)
    out = Curation(path=str(path),
                   perspectives={p.name: r(p.text) for p in cat.perspectives},
                   themes=[t.model_dump() for t in cat.themes],
                   remarkable={k: cp.remarkable for k, cp in m.matched.items()
                               if cp.remarkable},
                   hidden=sum(o.hidden for o in cat.observations),
                   unmatched=unmatched_lines(m, run_id) + ([stale] if stale else []))
    for name in cat.perspective_order():
        out.perspectives.setdefault(name, "")
    in_file: set[str] = set()
    for o in cat.observations:
        test = remap_test(o.test, m.numbers)
        if test:
            in_file.add(test)
        if o.test and test not in by_test and not o.hidden:
            out.unmatched.append(f'observation {o.id} "{o.title}": its test ({o.test}) is not '
                                 "in this report; shown as written")
    for o in shown:
        test = remap_test(o.test, m.numbers)
        t = by_test.get(test or "")
        out.observations.append(CuratedObservation(
            id=o.id, title=r(o.title), text=r(o.text), strength=o.strength,
            perspective=o.perspective,
            interpretations=[CuratedInterpretation(name=r(x.name), text=r(x.text))
                             for x in o.interpretations if x.name or x.text],
            story_ids=list(o.stories), test_id=test if t is not None else None,
            q=None if t is None else t.q, effect=None if t is None else t.effect,
            effect_name=None if t is None else t.effect_name,
            magnitude=None if t is None else t.magnitude))
    out.new = [ob.rank for ob in observations if ob.test_id not in in_file]
    return out


def group(c: Curation) -> list[tuple[str | None, list[CuratedObservation]]]:
    """The curated observations by perspective: declared ones in order, then none."""
    out: list[tuple[str | None, list[CuratedObservation]]] = []
    for name in [*c.perspectives, None]:
        items = [o for o in c.observations if o.perspective == name]
        if items:
            out.append((name, items))
    return out


def stories_of(c: Curation) -> list[str]:
    return [sid for o in c.observations for sid in o.story_ids]
