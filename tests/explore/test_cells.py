from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app
from pni.explore.models import ExploreReport
from pni.explore.report import build_report
from pni.models import Question
from pni.render import report_csv, report_md, write_report
from pni.settings import Settings, load_settings, save_settings
from pni.store import Store
from pni.store import stories as q
from tests.explore.conftest import add_story
from tests.helpers import QUESTIONS, fake_run, populate

SMALL = "counselor"


def _school(db: Store) -> None:
    """The fixture school plus one group, counselors, of 3 tellers (2 stories each) who all
    answered alike, so that without suppression the report would single them out."""
    ids = populate(db, 60)
    role = next(x for x in QUESTIONS if x.id == "role")
    with db.transaction():
        q.upsert_question(db, Question(**{**role.model_dump(),
                                          "options": [*role.options, SMALL]}))
    for i in range(6):
        ids.append(add_story(db, f"I remember the day the hall was quiet, number {i}.",
                             teller=f"c-{i % 3}", title=f"Quiet day {i}",
                             answers={"feeling": "hurt", "belonging": 1, "listened_to": False,
                                      "topics": ["belonging"]},
                             teller_answers={"role": SMALL, "school": "Birchwood Elementary",
                                             "grade_band": "K-2"}))
    fake_run(db, ids)


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
    assert "groups of fewer than 5 tellers are merged" in text
    role = next(d for d in rep.voices.dimensions if d.id == "role")
    assert all(g.tellers >= 5 for g in role.groups if g.stories)
    with (tmp_path / "suppressed" / "csv" / "notes.csv").open(encoding="utf-8") as fh:
        notes = [r["note"] for r in csv.DictReader(fh)]
    assert any("fewer than 5 tellers" in n for n in notes)
    assert any(n.startswith("Consent: the text of 6 stories is withheld") for n in notes)


def test_small_groups_merge_into_other_when_other_is_big_enough(store: Store) -> None:
    _school(store)
    for i in range(2):
        add_story(store, f"The bus was late again, time {i}.", teller=f"k-{i}",
                  answers={"feeling": "proud"}, teller_answers={"role": "coach"})
    rep = build_report(store, settings=Settings(min_cell=5))
    role = next(d for d in rep.voices.dimensions if d.id == "role")
    other = next(g for g in role.groups if g.value == "other")
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
    assert "groups of fewer than 4 tellers" in r.stderr
    assert "Consent: the text of 6 stories is withheld" in r.stderr
