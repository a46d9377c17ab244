"""The review queue on the sample fieldwork: pni's candidate observations by q, effect and
stories, near-duplicates folded under the one they repeat, and questions that may measure the
same thing set apart; q never printed as 0."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pni.explore.models import Observation
from pni.explore.report import build_report
from pni.explore.review import order, questions
from pni.ingest.collect import collect
from pni.render import report_html, report_md
from pni.store import Store
from tests.conftest import SAMPLES


def _ob(rank: int, test: str, q: float, effect: float, name: str, ids: list[str]) -> Observation:
    return Observation(rank=rank, lens="answer", kind="x", text=f"o{rank}", q=q, effect=effect,
                       effect_name=name, story_ids=ids, test_id=test)


def test_order_folds_and_flags() -> None:
    obs = [_ob(1, "answer|belonging|listened_to|yes|no", 1e-8, 0.85, "rank_biserial",
               ["a", "b", "c"]),
           _ob(2, "answer|surprise|how_common", 1e-7, 0.58, "epsilon_squared", ["d", "e"]),
           _ob(3, "answer|surprise|how_common|x|y", 1e-6, -0.93, "rank_biserial", ["d"]),
           _ob(4, "answer|surprise|listened_to|yes|no", 1e-5, 0.66, "rank_biserial",
               ["a", "b", "c"]),
           _ob(5, "answer|belonging|school|A|B", 0.01, 0.3, "rank_biserial", ["f"]),
           _ob(6, "answer|topics=work|role", 0.01, 0.4, "cramers_v", ["g", "h"])]
    assert order(obs) == [1, 6, 5, 2]  # equal q: the larger effect first; flagged last
    assert obs[2].duplicate_of == 2 and obs[2].duplicate_why == "the same questions"
    assert obs[3].duplicate_of == 1 and obs[3].duplicate_why == "nearly the same stories"
    assert obs[1].same_measure and obs[2].same_measure and not obs[0].same_measure
    assert questions(obs[5]) == ("role", "topics")


def test_the_overall_test_leads_its_pairs() -> None:
    pair = _ob(1, "answer|belonging|how_common|rare|often", 1e-6, -0.6, "rank_biserial", ["a"])
    overall = _ob(2, "answer|belonging|how_common", 1e-4, 0.3, "epsilon_squared", ["a", "b"])
    other = _ob(3, "answer|belonging|how_common|rare|never", 1e-3, -0.5, "rank_biserial", ["c"])
    assert order([pair, overall, other]) == [2]
    assert pair.duplicate_of == 2 and other.duplicate_of == 2 and overall.duplicate_of is None


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with Store.open(tmp_path_factory.mktemp("s") / "pni.db") as db:
        collect(db, [SAMPLES])
        return build_report(db)


def test_samples_queue(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    by = {o.rank: o for o in report.observations}
    leads = [by[k] for k in report.review]
    assert {o.rank for o in report.observations} == set(report.review) | {
        o.rank for o in report.observations if o.duplicate_of is not None}
    pairs = [questions(o) for o in leads]
    assert len(pairs) == len(set(pairs))  # one lead per pair of questions
    flagged = [o for o in leads if o.same_measure]
    assert ("how_common", "surprise") in [questions(o) for o in flagged]
    assert leads[-len(flagged):] == flagged if flagged else True
    html = report_html.render(report)
    md = report_md.render(report)
    assert "Questions that may measure the same thing" in html and "say much the same" in html
    assert "### Questions that may measure the same thing" in md
    for text in (html.replace("&lt;", "<"), md):
        assert "q = 0.000" not in text and "q 0.000" not in text
        assert "q < 0.001" in text
    first = [m.group(1) for m in re.finditer(r'<article class="obs" id="obs-(\d+)"', html)]
    assert first[0] == str(report.review[0])
