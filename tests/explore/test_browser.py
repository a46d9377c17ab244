"""The report's story browser in a real browser (headless chromium through Playwright, no
network): every chart mark lists exactly its stories in the store; search, filters, samples and
named selections work. Made from the sample fieldwork with the fake embedder."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pni.cli import app
from pni.explore.report import build_report
from pni.privacy.gate import Gate
from pni.render import report_html
from pni.store import Store
from pni.store import runs as runq
from pni.store.stories import list_stories
from tests.conftest import SAMPLES
from tests.explore.browser import Browser, browser

pytestmark = pytest.mark.browser
runner = CliRunner()


class Oracle:
    """Which stories a filter selects, worked out from the store itself: stories whose consent
    allows printing, their run's pattern, their raw answers; a teller answer counts only where
    the story's card shows it (the card rule of ``Gate.card_withheld``)."""

    def __init__(self, db: Store) -> None:
        run = runq.latest_run_id(db, kind=None)
        assert run is not None
        self.pattern = {a.story_id: a.pattern_number
                        for a in runq.list_assignments(db, run)}
        self.stories = [s for s in list_stories(db) if s.consent == "yes"]
        from pni.privacy.metadata import card_question_ids
        from pni.store.stories import get_questions

        gate = Gate.open(db)
        questions = {q.id: q for q in get_questions(db)}
        on_cards = card_question_ids(questions, gate.settings.card_questions)
        teller_qs = sorted({k for s in self.stories for k in s.teller_answers} & on_cards)
        self.withheld = gate.card_withheld(self.stories, teller_qs)
        self.merge = self._merged(db)
        self.other = set(self.merge)
        from pni.store.codes import story_codes

        self.codes = story_codes(db)

    @staticmethod
    def _merged(db: Store) -> dict[str, tuple[set[str], bool]]:
        """The small-cell merge (question -> answers of too few tellers, and whether they
        went into "other" or were left out), as ``pni.explore.cells.suppress_small`` made it."""
        from pni.explore.cells import suppress_small
        from pni.explore.data import load

        data = load(db)
        suppress_small(data)
        return dict(data.merged)

    def raw(self, s: Any, key: str) -> Any:
        if key in ("collection", "source_kind"):
            return getattr(s, key)
        if key in s.teller_answers:
            return None if key in self.withheld.get(s.id, ()) else s.teller_answers[key]
        return s.answers.get(key)

    def value(self, s: Any, key: str) -> Any:
        """A story's answer as the report counts it: booleans as yes/no, and an answer of too
        few tellers as "other" (or none, where even together they were too few)."""
        v = self.raw(s, key)
        if isinstance(v, bool):
            v = "yes" if v else "no"
        if key not in self.merge:
            return v
        small, keep = self.merge[key]

        def one(x: Any) -> Any:
            return ("other" if keep else None) if str(x) in small else x

        if isinstance(v, list):
            out = []
            for x in v:
                y = one(x)
                if y is not None and y not in out:
                    out.append(y)
            return out
        return None if v is None else one(v)

    def matches(self, s: Any, flt: dict[str, Any]) -> bool:
        """The report's filter language (a chart mark's ``data-selects``), read from the store."""
        if "and" in flt and not all(self.matches(s, g) for g in flt["and"]):
            return False
        if "any" in flt and not any(self.matches(s, g) for g in flt["any"]):
            return False
        if any(_empty(self.value(s, q)) for q in flt.get("answered", ())):
            return False
        if "pattern" in flt and self.pattern.get(s.id) != flt["pattern"]:
            return False
        if "story" in flt and s.id != flt["story"]:
            return False
        if "stories" in flt and s.id not in flt["stories"]:
            return False
        if "question" in flt and "min" in flt:
            v = _number(self.value(s, flt["question"]))
            return v is not None and flt["min"] <= v <= flt["max"]
        if "question" in flt and flt["answer"] is None:
            return _empty(self.value(s, flt["question"]))
        if "question" in flt:
            v, want = self.value(s, flt["question"]), flt["answer"]
            if isinstance(v, bool):
                v = "yes" if v else "no"
            if isinstance(v, list):
                return want in [str(x) for x in v]
            if isinstance(want, float):
                return v is not None and float(v) == want
            return v is not None and str(v) == want
        return True

    def select(self, flt: dict[str, Any]) -> list[str]:
        return [s.id for s in self.stories if self.matches(s, flt)]


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == []


def _number(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def answers_named(flt: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every (question, answer) a filter names, at any depth (None: a range or "answered")."""
    out = [(flt["question"], flt.get("answer")) for _ in [0] if "question" in flt]
    out += [(q, None) for q in flt.get("answered", ())]
    for g in (*flt.get("and", ()), *flt.get("any", ())):
        out += answers_named(g)
    return out


def merged(oracle: Oracle, flt: dict[str, Any]) -> bool:
    """Whether a filter names an answer the small-cell merge changed."""
    return any(a == "other" or q in oracle.other for q, a in answers_named(flt))


def check_marks(page: Browser, oracle: Oracle, marks: list[str]) -> int:
    """Apply each mark's filter as a click applies it and compare the listed stories with the
    oracle's; returns how many of the marks name an answer the small-cell merge changed."""
    n_merged = 0
    for raw in marks:
        flt = json.loads(raw)
        n_merged += merged(oracle, flt)
        page.page.evaluate("f => window.pniStoryBrowser.apply(f)", flt)
        assert sorted(page.listed()) == sorted(oracle.select(flt)), flt
    return n_merged


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The sample fieldwork collected and clustered (fake embedder), and its report.html."""
    d = tmp_path_factory.mktemp("samples")
    shutil.copy(SAMPLES / "names.txt", d / "names.txt")
    store = d / "pni.db"
    env = {"PNI_HOME": str(d / "home")}
    r = runner.invoke(app, ["collect", str(SAMPLES), "--store", str(store)], env=env)
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(app, ["cluster", "--store", str(store), "--fake-embedder"], env=env)
    assert r.exit_code == 0, r.stderr
    with Store.open(store) as db:
        path = report_html.write(build_report(db), d / "report.html")
    yield store, path


EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval" / "counsel_chat" / "counsel_chat.csv"
FORM = """
[[questions]]
id = "label"
column = "label"
text = "What is it about?"
kind = "choice"
about = "story"
"""


@pytest.fixture(scope="module")
def eval_corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """An eval corpus (counsel_chat: 662 questions, 15 topics as a choice question; every 11th
    teller said no), collected, clustered with the fake embedder, and its report.html."""
    if not EVAL.is_file():
        pytest.skip(f"no eval corpus at {EVAL}")
    import csv

    d = tmp_path_factory.mktemp("eval")
    with EVAL.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    yield _collected_report(d, FORM, ["id", "text", "label", "consent"], [
        [r["id"], r["text"], r["label"], "no" if i % 11 == 0 else "yes"]
        for i, r in enumerate(rows)])


def _collected_report(d: Path, form: str, header: list[str],
                      rows: list[list[str]]) -> tuple[Path, Path]:
    """``rows`` written as a CSV with ``form``, collected, clustered with the fake embedder,
    and its report.html: (the store, the report)."""
    import csv

    with (d / "stories.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    (d / "form.toml").write_text(form, "utf-8")
    store = d / "pni.db"
    env = {"PNI_HOME": str(d / "home")}
    r = runner.invoke(app, ["collect", str(d / "stories.csv"), "--store", str(store), "--form",
                            str(d / "form.toml"), "--map", "id=id", "--map", "text=text",
                            "--map", "consent=consent"], env=env)
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(app, ["cluster", "--store", str(store), "--fake-embedder"], env=env)
    assert r.exit_code == 0, r.stderr
    with Store.open(store) as db:
        path = report_html.write(build_report(db), d / "report.html")
    return store, path


DRUGLIB = EVAL.parents[1] / "druglib_reviews" / "druglib_reviews.csv"
DRUG_FORM = """
[[questions]]
id = "label"
column = "label"
text = "What was it taken for?"
kind = "choice"
about = "story"

[[questions]]
id = "rating"
column = "rating"
text = "How would you rate it?"
kind = "scale"
about = "story"
min = 1
max = 10

[[questions]]
id = "effective"
column = "effective"
text = "How well did it work?"
kind = "scale"
about = "story"
min = 1
max = 5

[[questions]]
id = "side_effects"
column = "side_effects"
text = "Side effects"
kind = "choice"
about = "story"
options = ["No Side Effects", "Mild Side Effects", "Moderate Side Effects",
           "Severe Side Effects", "Extremely Severe Side Effects"]
"""
EFFECTIVE = {"Ineffective": 1, "Marginally Effective": 2, "Moderately Effective": 3,
             "Considerably Effective": 4, "Highly Effective": 5}


@pytest.fixture(scope="module")
def drug_reviews(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """300 reviews of an eval corpus (druglib_reviews: every 6th row) with two scale questions
    (the rating 1-10; effectiveness as 1-5) and two choice questions (the condition, the side
    effects); every 11th teller said no. Collected, clustered (fake embedder), report.html."""
    if not DRUGLIB.is_file():
        pytest.skip(f"no eval corpus at {DRUGLIB}")
    import csv

    d = tmp_path_factory.mktemp("druglib")
    with DRUGLIB.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[::6][:300]
    yield _collected_report(
        d, DRUG_FORM, ["id", "text", "label", "rating", "effective", "side_effects", "consent"],
        [[r["id"], r["text"], r["label"], r["rating"], EFFECTIVE.get(r["effectiveness"], ""),
          r["side_effects"], "no" if i % 11 == 0 else "yes"] for i, r in enumerate(rows)])


def test_every_chart_mark_of_an_eval_corpus_with_scales(drug_reviews: tuple[Path, Path]) -> None:
    """NarraFirma's chart set on 300 drug reviews: every mark of every chart (histogram bins,
    scatter points, correlation and contingency-histogram cells, integrity bars) lists
    exactly its stories; every 10th map dot too."""
    with Store.open(drug_reviews[0]) as db:
        oracle = Oracle(db)
    for page in browser():
        page.open(drug_reviews[1])
        filters = page.page.eval_on_selector_all(
            "[data-selects]", "els => els.map(e => e.getAttribute('data-selects'))")
        dots = [f for f in filters if '"story"' in f]
        marks = [f for f in dict.fromkeys(filters) if '"story"' not in f] + dots[::10]
        kinds = {k for raw in marks for k in json.loads(raw)}
        assert {"and", "answered", "any", "question"} <= kinds
        ranges = [raw for raw in marks if '"min"' in raw]
        assert len(ranges) > 100
        checked_merged = check_marks(page, oracle, marks)
        assert len(marks) > 300 and checked_merged > 50
        assert page.blocked == [] and page.errors == []


@pytest.fixture(scope="module")
def oracle(samples: tuple[Path, Path]) -> Oracle:
    with Store.open(samples[0]) as db:
        return Oracle(db)


@pytest.fixture
def page(samples: tuple[Path, Path]) -> Iterator[Browser]:
    for b in browser():
        b.open(samples[1])
        yield b
        assert b.blocked == [], f"the report asked the network for {b.blocked}"
        assert b.errors == [], b.errors


def _mark(page: Browser, css: str, want: Any = None) -> tuple[Any, dict[str, Any]]:
    """The first element matching ``css`` whose filter passes ``want``, and its filter."""
    for el in page.page.query_selector_all(css):
        flt = json.loads(el.get_attribute("data-selects"))
        if want is None or want(flt):
            return el, flt
    raise AssertionError(f"no mark {css}")


def test_a_pattern_lists_its_stories(page: Browser, oracle: Oracle) -> None:
    el, flt = _mark(page, ".legend span[data-selects]", lambda f: f["pattern"] == 3)
    el.click()
    assert sorted(page.listed()) == sorted(oracle.select(flt))
    assert len(page.listed()) > 5
    assert page.page.get_attribute("#story-browser", "class") == "docked"
    assert page.page.text_content("#sb-count").startswith(f"{len(page.listed())} of ")


def test_a_heat_map_cell_lists_its_stories(page: Browser, oracle: Oracle) -> None:
    story_q = ("feeling", "who_helped", "topics", "listened_to", "how_common")
    el, flt = _mark(page, "svg.heat rect[data-selects]",
                    lambda f: f["question"] in story_q and f["answer"] != "other"
                    and len(oracle.select(f)) > 2)
    el.click()
    listed = page.listed()
    assert listed and sorted(listed) == sorted(oracle.select(flt))
    # a teller question on the cards (role): its stories whose card shows that answer
    el, flt = _mark(page, "svg.heat rect[data-selects]",
                    lambda f: f["question"] == "role" and len(oracle.select(f)) > 2)
    el.click()
    assert sorted(page.listed()) == sorted(oracle.select(flt))
    # one no card prints (school): its cells select nothing, so no filter reaches it
    assert not any(json.loads(e.get_attribute("data-selects")).get("question") == "school"
                   for e in page.page.query_selector_all("[data-selects]"))


def test_a_bar_a_bin_and_a_dot_list_their_stories(page: Browser, oracle: Oracle) -> None:
    el, flt = _mark(page, "svg.bars rect[data-selects]",
                    lambda f: f["question"] == "who_helped")
    el.click()
    assert sorted(page.listed()) == sorted(oracle.select(flt)) and page.listed()
    el, flt = _mark(page, "svg.hist rect[data-selects]", lambda f: len(oracle.select(f)) > 2)
    el.click()
    assert sorted(page.listed()) == sorted(oracle.select(flt)) and page.listed()
    printable = {s.id for s in oracle.stories}
    el, flt = _mark(page, "svg.map .dot[data-selects]", lambda f: f["story"] in printable)
    el.click(force=True)
    assert page.listed() == [flt["story"]]


def test_chart_marks_list_their_stories(page: Browser, oracle: Oracle) -> None:
    """A bin of a multiple histogram, a point of a scatter plot, a cell of the correlation map
    and of a contingency-histogram: each lists exactly its stories."""
    p = page.page
    p.eval_on_selector_all("details.chart", "ds => ds.forEach(d => { d.open = true; })")
    el, flt = _mark(page, 'details[data-chart="multi-histogram"] svg.mh rect[data-selects]',
                    lambda f: "and" in f and f["and"][0].get("question") == "listened_to"
                    and len(oracle.select(f)) > 2)
    assert flt["and"][1]["question"] == "belonging" and "min" in flt["and"][1]
    el.click()
    assert sorted(page.listed()) == sorted(oracle.select(flt)) and page.listed()
    assert "belonging" in p.text_content("#sb-active").lower() or p.text_content("#sb-active")
    p.click("#story-browser .sb-close")
    el, flt = _mark(page, 'details[data-chart="scatter"] svg.scatter [data-selects]',
                    lambda f: len(oracle.select(f)) > 2)
    el.click()
    assert sorted(page.listed()) == sorted(oracle.select(flt)) and page.listed()
    p.click("#story-browser .sb-close")
    el, flt = _mark(page, "svg.corr rect[data-selects]")
    el.click()
    assert flt == {"answered": ["belonging", "surprise"]}
    assert sorted(page.listed()) == sorted(oracle.select(flt)) and len(page.listed()) > 20
    p.click("#story-browser .sb-close")
    el, flt = _mark(page, "svg.ch rect[data-selects]", lambda f: not merged(oracle, f))
    el.click()
    assert sorted(page.listed()) == sorted(oracle.select(flt)) and page.listed()
    # a hidden bin, cell or point selects nothing
    assert not page.page.query_selector_all(".hidden-cell[data-selects]")


def test_a_mark_opens_from_the_keyboard(page: Browser, oracle: Oracle) -> None:
    el, flt = _mark(page, "svg.bars rect[data-selects]", lambda f: len(oracle.select(f)) > 2)
    el.focus()
    page.page.keyboard.press("Enter")
    assert sorted(page.listed()) == sorted(oracle.select(flt))
    assert "picked" in (el.get_attribute("class") or "")


def test_every_mark_lists_exactly_its_stories(page: Browser, oracle: Oracle) -> None:
    """Each distinct data-selects filter on the page, applied as a click applies it."""
    filters = page.page.eval_on_selector_all(
        "[data-selects]", "els => [...new Set(els.map(e => e.getAttribute('data-selects')))]")
    assert len(filters) > 150
    checked_merged = check_marks(page, oracle, filters)
    # every mark, those naming an answer the small-cell merge changed ("other") among them
    assert len(filters) > 600 and checked_merged > 20


def test_every_mark_of_an_eval_corpus(eval_corpus: tuple[Path, Path]) -> None:
    """The same on 662 stories of another shape: no teller answers, one 15-answer question.
    Every mark but the map's dots, and every 10th dot."""
    with Store.open(eval_corpus[0]) as db:
        oracle = Oracle(db)
    for page in browser():
        page.open(eval_corpus[1])
        filters = page.page.eval_on_selector_all(
            "[data-selects]", "els => els.map(e => e.getAttribute('data-selects'))")
        dots = [f for f in filters if '"story"' in f]
        marks = [f for f in dict.fromkeys(filters) if '"story"' not in f] + dots[::10]
        assert len(dots) == 662 and len(marks) > 100
        check_marks(page, oracle, marks)
        assert page.blocked == [] and page.errors == []
        assert len(oracle.stories) == 662 - 61


def test_search_and_filters(page: Browser, oracle: Oracle) -> None:
    p = page.page
    total = len(oracle.stories)
    assert len(page.listed()) == total
    p.fill("#sb-search", "homework")
    hits = [s.id for s in oracle.stories
            if "homework" in f"{s.title or ''} {s.text}".lower()]
    assert hits and sorted(page.listed()) == sorted(hits)
    # a story is found by the card code the room names it by, and its row shows that code
    codes = oracle.codes
    sid = oracle.stories[3].id
    p.fill("#sb-search", codes[sid].lower())
    listed = page.listed()
    assert sid in listed and all(codes[x].startswith(codes[sid]) for x in listed)
    row = p.text_content(f'li[data-story-id="{sid}"] summary') or ""
    assert row.startswith(codes[sid] + " ")
    p.fill("#sb-search", "")
    p.select_option('select[data-facet="feeling"]', value=json.dumps("hurt"))
    want = oracle.select({"question": "feeling", "answer": "hurt"})
    assert sorted(page.listed()) == sorted(want)
    assert p.text_content("#sb-count") == f"{len(want)} of {total} stories"
    # the other facets' counts follow the selection
    both = oracle.select({"question": "feeling", "answer": "hurt"})
    n_nobody = len([sid for sid in both if sid in set(
        oracle.select({"question": "who_helped", "answer": "nobody"}))])
    label = p.eval_on_selector('select[data-facet="who_helped"]',
                               "s => [...s.options].find(o => o.value === '\"nobody\"').text")
    assert label == f"nobody ({n_nobody})"
    p.select_option('select[data-facet="pattern"]', value="2")
    want = [sid for sid in want if oracle.pattern.get(sid) == 2]
    assert sorted(page.listed()) == sorted(want)
    p.click("#sb-clear")
    assert len(page.listed()) == total


def test_samples_and_named_selections(page: Browser, oracle: Oracle) -> None:
    p = page.page
    el, _ = _mark(page, ".legend span[data-selects]", lambda f: f["pattern"] == 1)
    el.click()
    pattern = set(page.listed())
    p.click('button[data-sample="10"]')
    sample = page.listed()
    assert len(sample) == 10 and set(sample) <= pattern
    assert "random sample of 10 from" in p.text_content("#sb-sample-note")
    p.fill("#sb-name", "ten from pattern 1")
    p.click("#sb-save")
    with p.expect_download() as dl:
        p.click('#sb-saved li[data-selection="ten from pattern 1"] button:text("story ids")')
    body = Path(dl.value.path()).read_text("utf-8")
    assert sorted(body.split()) == sorted(sample)
    assert sorted(p.input_value("#sb-export").split()) == sorted(sample)
    with p.expect_download() as dl:
        p.click("#sb-export-all")
    saved = json.loads(Path(dl.value.path()).read_text("utf-8"))
    assert saved["selections"][0]["name"] == "ten from pattern 1"
    p.click("#sb-clear")
    p.click('#sb-saved li[data-selection="ten from pattern 1"] button:text("show")')
    assert sorted(page.listed()) == sorted(sample)


DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_screenshots_for_the_walkthrough(samples: tuple[Path, Path], tmp_path: Path) -> None:
    """The pictures in docs/explore.md, made from the samples with a catalyst's edits: written
    to docs/img/ with PNI_WRITE_DOCS=1, else to a temporary folder (and checked either way)."""
    import os

    import yaml

    d = tmp_path / "project"
    d.mkdir()
    for name in ("pni.db", "names.txt", "pni.toml"):
        if (samples[0].parent / name).exists():
            shutil.copy(samples[0].parent / name, d / name)
    r = runner.invoke(app, ["curate", "init", "--store", str(d / "pni.db")])
    assert r.exit_code == 0, r.stderr
    cat = d / "catalysis.yaml"
    doc = yaml.safe_load(cat.read_text("utf-8"))
    doc["patterns"][0]["title"] = "Grades that say nothing"
    doc["patterns"][0]["remarkable"] = "yes"
    doc["perspectives"] = [{"name": "Being heard", "text": "What listening does to belonging"}]
    doc["observations"][0].update(title="Belonging rises when someone listens",
                                  perspective="Being heard", strength=3)
    doc["observations"][0]["interpretations"] = [
        {"name": "Listening makes belonging", "text": "Could being listened to be what makes a "
         "student feel they belong?"},
        {"name": "Belonging gets you heard", "text": "Or do those who already belong find "
         "someone who listens?"}]
    cat.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")
    with Store.open(d / "pni.db") as db:
        report = report_html.write(build_report(db), d / "report.html")
    out = DOCS_IMG if os.environ.get("PNI_WRITE_DOCS") else tmp_path / "img"
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    for page in browser(viewport=(1400, 900)):
        p = page.page
        page.open(report)
        p.eval_on_selector("#map", "e => e.scrollIntoView()")
        p.click('.legend span[data-selects="{\\"pattern\\":1}"]')
        p.eval_on_selector("#map", "e => e.scrollIntoView()")
        shots.append(out / "explore-pattern.png")
        p.screenshot(path=str(shots[-1]))
        p.click("#story-browser .sb-close")
        p.eval_on_selector("#heatmaps", "e => e.scrollIntoView()")
        el, _ = _mark(page, "svg.heat rect[data-selects]",
                      lambda f: f == {"pattern": 2, "question": "role", "answer": "student"})
        el.click()
        p.eval_on_selector("#heatmaps", "e => e.scrollIntoView()")
        shots.append(out / "explore-heatmap.png")
        p.screenshot(path=str(shots[-1]))
        p.click("#story-browser .sb-close")
        p.eval_on_selector(
            'details[data-chart="multi-histogram"][data-scale="belonging"]'
            '[data-choice="listened_to"]', "e => { e.open = true; e.scrollIntoView(); }")
        el, _ = _mark(page, 'details[data-choice="listened_to"] svg.mh rect[data-selects]',
                      lambda f: f["and"][0].get("answer") == "yes")
        el.click()
        p.eval_on_selector('details[data-choice="listened_to"]', "e => e.scrollIntoView()")
        shots.append(out / "explore-charts.png")
        p.screenshot(path=str(shots[-1]))
        p.click("#story-browser .sb-close")
        p.eval_on_selector("#observations", "e => e.scrollIntoView()")
        shots.append(out / "explore-observations.png")
        p.screenshot(path=str(shots[-1]))
        p.eval_on_selector("#browse", "e => e.scrollIntoView()")
        p.click("#sb-clear")
        p.eval_on_selector(".sb-filters", "e => e.open = true")
        p.select_option('select[data-facet="listened_to"]', value=json.dumps("no"))
        p.click('button[data-sample="10"]')
        p.eval_on_selector("#sb-list details", "e => e.open = true")
        p.eval_on_selector("#browse", "e => e.scrollIntoView()")
        shots.append(out / "explore-browser.png")
        p.screenshot(path=str(shots[-1]))
        assert page.blocked == [] and page.errors == []
    for shot in shots:
        assert shot.stat().st_size > 30_000, shot
