"""The sample fieldwork collects whole: every record accounted for, declared questions used."""

from __future__ import annotations

from pathlib import Path

import pytest

from pni.ingest.collect import collect
from pni.store import Store
from pni.store import stories as q
from tests.conftest import SAMPLES


def test_samples_collect_with_accounting_and_declared_questions(store: Store) -> None:
    report = collect(store, [SAMPLES])
    t = report.totals
    assert t["failed"] == 0
    assert t["read"] == t["stored"] + t["duplicates"] + t["rejected"]
    assert (t["duplicates"], t["rejected"]) == (1, 1)
    assert [r.reason for r in report.rejects] == ["empty story text"]
    # role, school and grade band are declared by the story form's form.toml: even the
    # transcripts read before it must not infer them
    inferred = {i.question.id for i in report.inferred}
    assert not inferred & {"role", "school", "grade_band", "feeling", "belonging"}
    kinds = {qu.id: qu.kind for qu in q.get_questions(store)}
    assert kinds["belonging"] == "scale" and kinds["topics"] == "multi-choice"
    # every source kind of the fieldwork arrived
    got = {s.source_kind for s in q.list_stories(store, with_answers=False)}
    assert got == {"story-form", "empathy-interview", "kiva-panel", "reflection"}
    again = collect(store, [SAMPLES])
    assert again.totals["stored"] == 0
    assert q.count_stories(store) == t["stored"]


def test_files_are_named_relative_to_the_store_whatever_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proj = tmp_path / "project"
    (proj / "data").mkdir(parents=True)
    (proj / "data" / "form.csv").write_text("id,story\n1,A day I remember.\n2,\n", "utf-8")
    for cwd in (proj, tmp_path, proj / "data"):
        monkeypatch.chdir(cwd)
        with Store.open(proj / "pni.db") as db:
            report = collect(db, [proj / "data"])
            assert [f.file for f in report.files] == ["data/form.csv"]
            assert db.scalar("SELECT count(*) FROM rejects") == 1
            assert db.scalar("SELECT count(*) FROM stories") == 1
