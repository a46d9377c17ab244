"""NarraFirma's chart set (``pni.explore.charts``) against oracles worked out by hand from the
store: counts per bin, Spearman's rho from scipy, q from the report's own tests, the small-cell
rule on every bin, cell and point, and write-ins only from printable stories."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pni.cli import app
from pni.explore.models import ExploreReport
from pni.explore.report import build_report
from pni.render import report_html
from pni.store import Store
from pni.store.stories import list_stories
from tests.conftest import SAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ExploreReport, list[Any]]]:
    d = tmp_path_factory.mktemp("charts")
    shutil.copy(SAMPLES / "names.txt", d / "names.txt")
    store = d / "pni.db"
    env = {"PNI_HOME": str(d / "home")}
    for args in (["collect", str(SAMPLES)], ["cluster", "--fake-embedder"]):
        r = runner.invoke(app, [*args, "--store", str(store)], env=env)
        assert r.exit_code == 0, r.stderr
    with Store.open(store) as db:
        rep = build_report(db)
        stories = list_stories(db)
    yield store, rep, stories


def _teller(s: Any) -> str:
    return s.teller_id or f"story:{s.id}"


def test_a_multiple_histogram_counts_as_by_hand(made: tuple[Path, ExploreReport, list[Any]]
                                                ) -> None:
    _, rep, stories = made
    assert rep.charts is not None
    mh = next(m for m in rep.charts.multi_histograms
              if m.scale == "belonging" and m.choice == "listened_to")
    mc = rep.params["min_cell"]
    for h in mh.histograms:
        want = "yes" if h.group == "yes" else "no"
        for b in h.bins:
            hit = [s for s in stories
                   if isinstance(s.answers.get("belonging"), (int, float))
                   and float(s.answers["belonging"]) == float(b.label)
                   and ({True: "yes", False: "no"}.get(s.answers.get("listened_to"))) == want]
            if b.count is None:
                assert b.selects is None and b.why in ("small", "complement")
                if b.why == "small":
                    assert 0 < len({_teller(s) for s in hit}) < mc
            else:
                assert b.count == len(hit), (h.group, b.label)
                assert b.count == 0 or len({_teller(s) for s in hit}) >= mc
                if b.count:
                    assert b.selects == {"and": [
                        {"question": "listened_to", "answer": want},
                        {"question": "belonging", "min": float(b.label),
                         "max": float(b.label)}]}
    # the report's tests of the pair, the overall one first; q as the report has it
    ids = {t.id: t for t in rep.tests}
    assert mh.tests and all(ids[t.id].q == t.q for t in mh.tests)
    mh = next(m for m in rep.charts.multi_histograms
              if m.scale == "surprise" and m.choice == "how_common")
    assert mh.tests[0].id == "answer|surprise|how_common" and mh.tests[0].test == "kruskal-wallis"
    assert len(mh.tests) > 1 and all(t.test == "mann-whitney" for t in mh.tests[1:])
    # patterns and collections are choice questions too
    assert {m.choice for m in rep.charts.multi_histograms} >= {"pattern", "collection"}


def test_rho_is_scipys_and_q_the_reports(made: tuple[Path, ExploreReport, list[Any]]) -> None:
    from scipy import stats

    _, rep, stories = made
    assert rep.charts is not None
    pairs = [(float(s.answers["belonging"]), float(s.answers["surprise"])) for s in stories
             if s.answers.get("belonging") is not None and s.answers.get("surprise") is not None]
    want = stats.spearmanr([p[0] for p in pairs], [p[1] for p in pairs]).statistic
    sc = rep.charts.scatters[0]
    assert {sc.x, sc.y} == {"belonging", "surprise"} and sc.n == len(pairs)
    assert sc.rho == pytest.approx(want, abs=1e-4)
    t = next(t for t in rep.tests if t.kind == "scale_scale")
    assert sc.test is not None and sc.test.q == t.q
    cm = rep.charts.correlation
    assert cm is not None and cm.rho[0][1] == cm.rho[1][0] == pytest.approx(want, abs=1e-4)
    assert cm.q[0][1] == t.q and cm.rho[0][0] is None
    assert cm.selects[0][1] == {"answered": ["belonging", "surprise"]}
    # the points hold every pair exactly once; a shown one is from min_cell tellers or more
    mc = rep.params["min_cell"]
    seen = 0
    for p in sc.points:
        at = [s for s in stories if s.answers.get(sc.x) is not None
              and s.answers.get(sc.y) is not None
              and float(s.answers[sc.x]) == float(p.x_label)
              and float(s.answers[sc.y]) == float(p.y_label)]
        seen += len(at)
        if p.count is None:
            assert p.selects is None
        else:
            assert p.count == len(at) and len({_teller(s) for s in at}) >= mc
    assert seen == len(pairs)


def test_every_hidden_mark_selects_nothing(made: tuple[Path, ExploreReport, list[Any]]) -> None:
    _, rep, _ = made
    c = rep.charts
    assert c is not None and c.contingency_histograms and c.multi_scatters
    bins = [b for m in c.multi_histograms for h in m.histograms for b in h.bins]
    bins += [b for g in c.integrity for b in g.bins]
    assert any(b.count is None for b in bins)
    assert all(b.selects is None for b in bins if b.count is None)
    cells = [x for ch in c.contingency_histograms for row in ch.cells for x in row]
    assert any(x.count is None for x in cells)
    assert all(x.selects is None and not x.bins for x in cells if x.count is None)
    points = [p for ms in c.multi_scatters for sc in ms.panels for p in sc.points]
    assert all(p.selects is None for p in points if p.count is None)
    # a panel of fewer tellers than the rule allows shows nothing at all
    for ms in c.multi_scatters:
        for sc in ms.panels:
            assert not sc.suppressed or (not sc.points and sc.rho is None and sc.n is None)


def test_integrity_graphs_are_narrafirmas_five(made: tuple[Path, ExploreReport, list[Any]]
                                               ) -> None:
    import numpy as np

    _, rep, stories = made
    assert rep.charts is not None
    g = {x.name: x for x in rep.charts.integrity}
    assert list(g) == ["All scale values", "Participant means",
                       "Participant standard deviations", "Unanswered choice questions",
                       "Unanswered scale questions"]
    scale = [float(s.answers[q]) for s in stories for q in ("belonging", "surprise")
             if s.answers.get(q) is not None]
    assert g["All scale values"].n == len(scale)
    per: dict[str, list[float]] = {}
    for s in stories:
        for q in ("belonging", "surprise"):
            if s.answers.get(q) is not None:
                per.setdefault(_teller(s), []).append(float(s.answers[q]))
    means = [float(np.mean(v)) for v in per.values()]
    assert g["Participant means"].n == len(means)
    assert g["Participant means"].mean == pytest.approx(np.mean(means), abs=1e-3)
    mc = rep.params["min_cell"]
    for name in ("Participant means", "Participant standard deviations"):
        bins = g[name].bins
        # which tellers answered alike is a count, never who: no bin lists their stories
        assert all(b.selects is None for b in bins)
        assert all(b.count == 0 or b.count >= mc for b in bins if b.count is not None)
        assert sum(b.count or 0 for b in bins) <= len(means)
    unanswered = {q.text: q.unanswered for q in rep.integrity.questions}
    assert all(b.count == unanswered[b.label] for b in g["Unanswered scale questions"].bins)


def test_write_ins_only_from_printable_stories(made: tuple[Path, ExploreReport, list[Any]]
                                               ) -> None:
    _, rep, stories = made
    assert rep.charts is not None
    consent = {s.id: s.consent for s in stories}
    w = next(w for w in rep.charts.write_ins if w.question == "one_word")
    assert w.kind == "text" and len(w.items) > 10
    assert all(consent[it["story"]] == "yes" for it in w.items)
    said_no = [s for s in stories if s.consent == "no" and s.answers.get("one_word")]
    assert said_no, "the samples hold a write-in from a teller who said no"
    assert not {s.id for s in said_no} & {it["story"] for it in w.items}
    # only story questions: teller questions' own words are never listed
    teller_qs = {q for s in stories for q in s.teller_answers}
    assert not {w.question for w in rep.charts.write_ins} & teller_qs


def test_the_charts_in_report_html(made: tuple[Path, ExploreReport, list[Any]],
                                   tmp_path: Path) -> None:
    _, rep, _ = made
    html = report_html.render(rep)
    for anchor in ("correlation-map", "scatter-plots", "multiple-scatter-plots",
                   "multiple-histograms", "contingency-histograms", "write-in-texts",
                   "integrity-graphs"):
        assert f'id="{anchor}"' in html
    # q is never printed as 0
    assert "q &lt; 0.001" in html and "q 0.000" not in html and "q = 0.000" not in html
    # one self-contained file of a sane size
    assert len(html.encode()) < 4_000_000 and "http://" not in html.replace(
        "http://www.w3.org", "")
    # black and white: hatchings defined once, used by the correlation map and the heat maps
    assert html.count('<pattern id="hatch-up"') == 1
    assert 'fill="url(#hatch-up)"' in html and 'fill="url(#hatch-dots)"' in html
    # marker shapes tell panels apart in the multiple scatter plots
    assert '<path d="M' in html and 'class="pt"' in html


def test_the_markdown_report_says_where_the_charts_are(
        made: tuple[Path, ExploreReport, list[Any]]) -> None:
    from pni.render import report_md

    _, rep, _ = made
    assert rep.charts is not None
    md = report_md.render(rep)
    line = next(ln for ln in md.splitlines() if ln.startswith("NarraFirma's further charts"))
    assert f"{len(rep.charts.multi_histograms)} multiple histograms" in line
    assert "1 scatter plot," in line and "correlation map" in line


def test_hide_cube_leaves_no_line_with_one_hidden_cell() -> None:
    """Three-way tables (a multiple scatter's panels, a contingency-histogram's bins): every
    cell of fewer tellers is hidden, and no line along any axis keeps a single hidden cell
    beside shown ones (its total, shown by another chart, would give it back)."""
    import itertools
    import random

    from pni.explore.charts import hide_cube

    rng = random.Random(7)
    for _ in range(200):
        g, r, c = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 5)
        counts = [[[rng.choice([0, 0, 1, 2, 3, 6, 9, 14]) for _ in range(c)] for _ in range(r)]
                  for _ in range(g)]
        why = hide_cube(counts, counts, 5)
        for a, b, k in itertools.product(range(g), range(r), range(c)):
            n = counts[a][b][k]
            assert (why[a][b][k] == "small") == (0 < n < 5)
        lines = [[(a, b, k) for k in range(c)] for a in range(g) for b in range(r)]
        lines += [[(a, b, k) for b in range(r)] for a in range(g) for k in range(c)]
        lines += [[(a, b, k) for a in range(g)] for b in range(r) for k in range(c)]
        for line in lines:
            hidden = [x for x in line if why[x[0]][x[1]][x[2]] is not None]
            assert len(hidden) != 1 or len(line) == 1, (counts, why, line)
