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
        self.pattern = {a["story_id"]: a["pattern_number"]
                        for a in runq.list_assignments(db, run)}
        self.stories = [s for s in list_stories(db) if s.consent == "yes"]
        from pni.privacy.metadata import card_question_ids
        from pni.store.stories import get_questions

        gate = Gate.open(db)
        questions = {q.id: q for q in get_questions(db)}
        on_cards = card_question_ids(questions, gate.settings.card_questions)
        teller_qs = sorted({k for s in self.stories for k in s.teller_answers} & on_cards)
        self.withheld = gate.card_withheld(self.stories, teller_qs)
        self.other = self._merged(db)

    @staticmethod
    def _merged(db: Store) -> set[str]:
        from pni.explore.cells import suppress_small
        from pni.explore.data import load

        data = load(db)
        suppress_small(data)
        return {q for q in data.merged}

    def value(self, s: Any, key: str) -> Any:
        if key in ("collection", "source_kind"):
            return getattr(s, key)
        if key in s.teller_answers:
            return None if key in self.withheld.get(s.id, ()) else s.teller_answers[key]
        return s.answers.get(key)

    def matches(self, s: Any, flt: dict[str, Any]) -> bool:
        if "pattern" in flt and self.pattern.get(s.id) != flt["pattern"]:
            return False
        if "story" in flt and s.id != flt["story"]:
            return False
        if "stories" in flt and s.id not in flt["stories"]:
            return False
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
    with (d / "stories.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "label", "consent"])
        for i, r in enumerate(rows):
            w.writerow([r["id"], r["text"], r["label"], "no" if i % 11 == 0 else "yes"])
    (d / "form.toml").write_text(FORM, "utf-8")
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
    yield store, path


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
    el, flt = _mark(page, "svg.map circle[data-selects]", lambda f: f["story"] in printable)
    el.click(force=True)
    assert page.listed() == [flt["story"]]


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
    checked = 0
    for raw in filters:
        flt = json.loads(raw)
        if flt.get("answer") == "other" or flt.get("question") in oracle.other:
            continue  # merged answers: the oracle reads raw answers
        page.page.evaluate("f => window.pniStoryBrowser.apply(f)", flt)
        assert sorted(page.listed()) == sorted(oracle.select(flt)), flt
        checked += 1
    assert checked > 150


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
        for raw in marks:
            flt = json.loads(raw)
            if flt.get("answer") == "other":
                continue
            page.page.evaluate("f => window.pniStoryBrowser.apply(f)", flt)
            assert sorted(page.listed()) == sorted(oracle.select(flt)), flt
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
