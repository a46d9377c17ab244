"""Two cycles side by side (pni.explore.compare): true counts per collection, small groups in
labelled rows, an answer nobody gave read as 0, not as merged."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pni.cli import app
from pni.explore.compare import compare
from pni.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_two_collections_side_by_side(tmp_path: Path) -> None:
    from pni.ingest.collect import collect

    with Store.open(tmp_path / "pni.db") as db:
        collect(db, [ROOT / "sample_stories"])
        c = compare(db, "Kiva panels, spring 2026", "Spring story form 2026")
        role = next(t for t in c.tables if t.id == "role")
        rows = {r.label: r for r in role.rows}
        assert rows["student"].a is not None and rows["student"].a.stories == 45
        assert rows["student"].b is not None and rows["student"].b.stories == 39
        # the form's teachers are 14 (exact); among the kiva panels' tellers fewer: merged
        assert rows["teacher"].b is not None and rows["teacher"].b.stories == 14
        assert rows["teacher"].a is None
        school = {r.label: r for r in next(t for t in c.tables if t.id == "school").rows}
        assert school["Birchwood Elementary"].a is not None
        assert school["Birchwood Elementary"].a.stories == 0  # nobody, not hidden
        for t in c.tables:
            for r in t.rows:
                for side in (r.a, r.b):
                    assert side is None or side.stories is None or side.stories == 0 or (
                        side.stories >= 5 or "fewer than" in r.label or "no answer" in r.label)
    bad = CliRunner().invoke(app, ["compare", "Kiva panels, spring 2026", "Nope", "--store",
                                   str(tmp_path / "pni.db")])
    assert bad.exit_code == 2 and "no collection 'Nope'" in bad.stderr
    ok = CliRunner().invoke(app, ["compare", "Kiva panels, spring 2026",
                                  "Spring story form 2026", "--store", str(tmp_path / "pni.db"),
                                  "--json"])
    assert ok.exit_code == 0, ok.stderr
    assert json.loads(ok.stdout)["comparison"]["stories"]["Spring story form 2026"] == 73
