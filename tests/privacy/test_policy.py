"""The policy a store keeps for every machine (``pni.privacy.policy``): a team's shared store
holds one policy, and a facilitator's own pni.toml can make it stricter, never looser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pni.cli import app
from pni.privacy.gate import Gate
from pni.privacy.policy import project_settings, save_policy, stored_policy
from pni.settings import Settings, load_settings, save_settings
from pni.store import Store
from tests.store.postgres import ENGINES, location_for

runner = CliRunner()


def test_the_strictest_of_two_policies() -> None:
    mine = Settings(min_cell=3, include_unknown_consent=True, phone_region="US",
                    redact_names=False, redact_contacts=True, card_questions=["role"])
    team = Settings(min_cell=10, include_unknown_consent=False, phone_region="mx, US",
                    redact_names=True, redact_contacts=False)
    s = mine.strictest(team)
    assert (s.min_cell, s.include_unknown_consent, s.redact_names, s.redact_contacts) == (
        10, False, True, True)
    assert s.phone_region == "US,MX" and s.card_questions == ["role"]
    assert team.strictest(mine).min_cell == 10  # either way round
    assert "names_file" not in team.shared() and "path" not in team.shared()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_store_keeps_its_policy_for_every_machine(engine: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The lead saves a policy with a threshold of 10 into the shared store; a facilitator whose
    own pni.toml says 1 and prints unknown consent still gets 10 and no unknown consent, in the
    gate every output passes; their stricter redaction still holds."""
    lead, other = tmp_path / "lead", tmp_path / "other"
    lead.mkdir()
    other.mkdir()
    monkeypatch.chdir(lead)
    where = location_for(engine, lead)
    with Store.open(where) as db:
        assert stored_policy(db) is None
        save_settings(Settings(min_cell=10), load_settings(db.path).path or lead / "pni.toml")
        with db.transaction():
            save_policy(db, load_settings(db.path))
    if engine == "sqlite":  # the same file, opened from another folder with its own pni.toml
        moved = other / "pni.db"
        Path(where).rename(moved)
        where = str(moved)
    monkeypatch.chdir(other)
    with Store.open(where) as db:
        save_settings(Settings(min_cell=1, include_unknown_consent=True, phone_region="GB"),
                      other / "pni.toml")
        s = project_settings(db)
        assert (s.min_cell, s.include_unknown_consent, s.phone_region) == (10, False, "GB,US")
        gate = Gate.open(db)
        assert gate.min_cell == 10 and not gate.include_unknown
        assert project_settings(db, Settings(min_cell=2)).min_cell == 2  # a caller's explicit


def test_store_policy_command_shows_saves_and_warns(tmp_path: Path) -> None:
    db_path = tmp_path / "pni.db"
    Store.open(db_path).close()
    save_settings(Settings(min_cell=8), tmp_path / "pni.toml")
    r = runner.invoke(app, ["store", "policy", "--store", str(db_path), "--json"])
    assert r.exit_code == 0, r.stderr
    rows = {x["setting"]: x for x in json.loads(r.stdout)["policy"]}
    assert rows["min_cell"]["value"] == "8" and rows["min_cell"]["store"] is None
    r = runner.invoke(app, ["store", "policy", "--save", "--store", str(db_path)])
    assert r.exit_code == 0 and "every machine that opens it" in r.stderr
    save_settings(Settings(min_cell=5), tmp_path / "pni.toml")  # looser on this machine
    r = runner.invoke(app, ["store", "policy", "--store", str(db_path), "--json"])
    rows = {x["setting"]: x for x in json.loads(r.stdout)["policy"]}
    assert (rows["min_cell"]["value"], rows["min_cell"]["pni_toml"],
            rows["min_cell"]["store"]) == ("8", "5", "8")
    r = runner.invoke(app, ["store", "policy", "--save", "--store", str(db_path)])
    assert "Looser than the policy the store kept before: min_cell" in r.stderr
    r = runner.invoke(app, ["status", "--store", str(db_path), "--json"])
    policy = next(s for s in json.loads(r.stdout)["sections"]
                  if s["title"].startswith("Privacy policy"))
    assert ["min_cell", "5"] in policy["rows"] and "shared policy" in policy["title"]
