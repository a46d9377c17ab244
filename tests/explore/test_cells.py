from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app
from pni.explore.models import ExploreReport
from pni.explore.report import build_report
from pni.render import report_csv, report_md, write_report
from pni.settings import Settings, load_settings, save_settings
from pni.store import Store
from tests.explore.conftest import add_story
from tests.helpers import LIBRARIAN, SMALL
from tests.helpers import small_groups as _school


def _everything(rep: ExploreReport, folder: Path) -> str:
    html = write_report(rep, folder / "r.html", "html")[0].read_text("utf-8")
    csvs = "".join(p.read_text("utf-8") for p in report_csv.write(rep, folder / "csv"))
    return html + report_md.render(rep) + csvs + rep.model_dump_json()


def test_a_group_of_three_tellers_is_in_no_output(store: Store, tmp_path: Path) -> None:
    _school(store)
    shown = build_report(store, settings=Settings(min_cell=1))
    assert SMALL in _everything(shown, tmp_path / "open")  # the fixture would single them out
    rep = build_report(store, settings=Settings(min_cell=5))
    text = _everything(rep, tmp_path / "suppressed")
    assert SMALL not in text
    assert rep.params["min_cell"] == 5
    assert "no number describes fewer than 5 tellers" in text
    role = next(d for d in rep.voices.dimensions if d.id == "role")
    assert all(g.tellers is None or g.tellers >= 5 for g in role.groups if g.stories)
    with (tmp_path / "suppressed" / "csv" / "notes.csv").open(encoding="utf-8") as fh:
        notes = [r["note"] for r in csv.DictReader(fh)]
    assert any("fewer than 5 tellers" in n for n in notes)
    # the 6 stories without recorded consent are the 3 counselors': a group by their answer
    assert any(n.startswith("Consent: the text of stories from fewer than 5 tellers is "
                            "withheld") for n in notes)
    assert "unknown" not in rep.integrity.consent and len(rep.integrity.consent) == 1
    assert any(n.startswith("Consent: the text of 6 stories is withheld") for n in shown.notes)


def test_small_groups_merge_into_other_when_other_is_big_enough(store: Store) -> None:
    _school(store)
    for i in range(2):
        add_story(store, f"The bus was late again, time {i}.", teller=f"k-{i}",
                  answers={"feeling": "proud"}, teller_answers={"role": "coach"})
    rep = build_report(store, settings=Settings(min_cell=5))
    role = next(d for d in rep.voices.dimensions if d.id == "role")
    other = next(g for g in role.groups if g.merged)
    assert other.value == "other answers (fewer than 5 tellers each)"
    assert (other.stories, other.tellers) == (8, 5)
    assert "coach" not in rep.model_dump_json()


def test_explore_cli_reads_the_threshold_from_pni_toml(store: Store, store_path: Path) -> None:
    _school(store)
    save_settings(Settings(min_cell=4), store_path.parent / "pni.toml")
    assert load_settings(store_path).min_cell == 4
    r = CliRunner().invoke(app, ["explore", "--store", str(store_path), "--json", "--no-save"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["params"]["min_cell"] == 4 and SMALL not in r.stdout
    assert "no number describes fewer than 4 tellers" in r.stderr
    assert "Consent: the text of stories from fewer than 4 tellers is withheld" in r.stderr


def _counts(rep: ExploreReport) -> list[tuple[str, int | None]]:
    """Every count of a group of tellers the report shows, with where it is."""
    out: list[tuple[str, int | None]] = []
    for h in rep.heatmaps:
        out += [(f"heatmap {h.variable}", c) for row in h.counts for c in row]
    for pm in rep.voices.patterns:
        out += [(f"mix {pm.number} {d}", c["stories"]) for d, rows in pm.mix.items()
                for c in rows]
    for d in rep.voices.dimensions:
        out += [(f"voices {d.id}", n) for g in d.groups for n in (g.stories, g.tellers)]
    for t in rep.tests:
        out += [(f"test {t.id}", c) for row in t.detail.get("counts", []) for c in row]
    for qi in rep.integrity.questions:
        out += [(f"integrity {qi.id}", c) for c in [*qi.distribution.values(),
                                                    *qi.counts.values()]]
    for o in rep.observations:
        out += [(f"observation {o.rank}", o.numbers.get("observed"))]
    return out


def _lines_hidden(mask: list[list[bool]]) -> list[int]:
    """How many cells each row and column of a table hides."""
    return [sum(r) for r in mask] + [sum(c) for c in zip(*mask, strict=True)]


def test_no_cross_table_count_describes_fewer_than_n_tellers(store: Store,
                                                             tmp_path: Path) -> None:
    _school(store, cross=True)
    open_ = build_report(store, settings=Settings(min_cell=1))
    small = [(w, c) for w, c in _counts(open_) if c is not None and 0 < c < 5]
    assert any(w == "heatmap role" for w, _ in small)  # min_cell = 1: nothing hidden
    assert not any(h.suppressed for h in open_.heatmaps)
    trust = next(x for x in open_.integrity.questions if x.id == "trust")
    assert trust.mean == 5 and not trust.suppressed
    assert any(pm.number == 5 and pm.mix["role"] for pm in open_.voices.patterns)

    rep = build_report(store, settings=Settings(min_cell=5))
    assert [(w, c) for w, c in _counts(rep) if c is not None and 0 < c < 5] == []
    role = next(h for h in rep.heatmaps if h.variable == "role")
    lib = role.cols.index(LIBRARIAN)
    assert role.counts[0][lib] is None and role.counts[1][lib] is None
    assert role.residuals[0][lib] is None
    small_row = role.rows.index(next(p["title"] for p in rep.patterns if p["number"] == 5))
    assert all(c is None for c in role.counts[small_row])
    for h in rep.heatmaps:  # no hidden cell alone in its row or column (subtraction)
        assert 1 not in _lines_hidden(h.suppressed) if h.suppressed else True
    mix5 = next(pm for pm in rep.voices.patterns if pm.number == 5)
    assert mix5.suppressed and all(c["stories"] is None for rows in mix5.mix.values()
                                   for c in rows)
    assert any(s.a == "pattern 5" and "fewer than 5 tellers" in s.reason for s in rep.skipped)
    assert not any(t.id.startswith("pattern|5|") for t in rep.tests)
    trust = next(x for x in rep.integrity.questions if x.id == "trust")
    assert (trust.mean, trust.median, trust.sd, trust.minimum, trust.distribution) == (
        None, None, None, None, {})
    assert trust.suppressed == "not shown: fewer than 5 tellers answered"
    safety = next(x for x in rep.integrity.questions if x.id == "safety")
    assert safety.distribution["1"] is None and safety.distribution["4"] is None
    assert safety.mean is not None

    text = _everything(rep, tmp_path / "out")
    assert "not shown: fewer than 5 tellers answered" in text
    md = report_md.render(rep)
    html = write_report(rep, tmp_path / "r.html", "html")[0].read_text("utf-8")
    assert "\\<5" in md and "&lt;5" in html
    with (tmp_path / "out" / "csv" / "voices.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    hidden = [r for r in rows if r["suppressed"] == "True"]
    assert hidden and all(r["stories"] == "" and r["share"] == "" for r in hidden)
    with (tmp_path / "out" / "csv" / "integrity.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["question"] in ("trust", "safety")]
    assert {(r["question"], r["answer"], r["stories"]) for r in rows
            if r["suppressed"] == "True"} == {("trust", "", ""), ("safety", "1", ""),
                                              ("safety", "4", "")}
    doc = json.loads(rep.model_dump_json())
    hm = next(h for h in doc["heatmaps"] if h["variable"] == "role")
    assert hm["counts"][0][lib] is None and hm["suppressed"][0][lib] is True


def test_a_lone_small_group_is_merged_with_the_smallest_beside_it(store: Store,
                                                                    tmp_path: Path) -> None:
    _school(store)  # 3 counselors: alone too few, no story without a role to merge them with
    rep = build_report(store, settings=Settings(min_cell=5))
    role = next(d for d in rep.voices.dimensions if d.id == "role")
    assert not any(g.suppressed for g in role.groups)  # no group is hidden or written small
    merged = [g for g in role.groups if g.merged]
    assert len(merged) == 1 and merged[0].value.endswith(
        ", or another answer held by fewer than 5 tellers")
    open_role = {g.value: g for g in next(
        d for d in build_report(store, settings=Settings(min_cell=1)).voices.dimensions
        if d.id == "role").groups}
    big = merged[0].value.split(",")[0]
    assert merged[0].stories == open_role[big].stories + open_role[SMALL].stories
    assert all(open_role[g.value].stories == g.stories for g in role.groups if not g.merged)
    for pm in rep.voices.patterns:  # the whole run's shares are shown: the table's margins
        assert all(c["whole_share"] is not None for c in pm.mix["role"])
    md = report_md.render(rep)
    assert "counted together in a row that says so" in md
    report_csv.write(rep, tmp_path / "csv")
    with (tmp_path / "csv" / "voices.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh)
                if r["dimension"] == "role" and r["pattern"] == "(all stories)"]
    assert [r["merged"] for r in rows].count("True") == 1 and SMALL not in str(rows)


def test_no_statistic_of_a_table_with_a_hidden_cell(store: Store) -> None:
    from pni.explore.lenses import withheld_reason

    _school(store, cross=True)
    rep = build_report(store, settings=Settings(min_cell=5))
    withheld = {(s.a, s.b) for s in rep.skipped if s.reason == withheld_reason(5)}
    assert ("pattern 1", "role") in withheld  # 3 librarians in pattern 1: chi2 would pin them
    tested = {(t.a, t.b) for t in rep.tests}
    assert not withheld & tested
    assert not any("suppressed" in t.detail for t in rep.tests)
    ids = {t.id for t in rep.tests}
    assert rep.observations and all(o.test_id in ids for o in rep.observations)
    assert "statistic not shown: a cell is under 5 tellers" in report_md.render(rep)
    assert rep.params["small_cell_rule"] == 3
    open_ = build_report(store, settings=Settings(min_cell=1))
    assert withheld <= {(t.a, t.b) for t in open_.tests}  # tested when the rule is off
