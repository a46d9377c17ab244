"""The public library API: every advertised name resolves, lazily."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pni
from tests.helpers import fake_run, populate


def test_every_public_name_resolves() -> None:
    for name in pni.__all__:
        assert getattr(pni, name) is not None, name


def test_import_pni_is_light() -> None:
    code = "import sys, pni; print(sorted(m for m in sys.modules if m.startswith('pni')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['pni']"


def test_a_script_can_run_the_pipeline(tmp_path: Path) -> None:
    with pni.Store.open(tmp_path / "pni.db") as db:
        ids = populate(db, 40)
        run = fake_run(db, ids)
        report = pni.build_report(db, run_id=run)
        assert report.observations
        packets = pni.build_packets(db, pni.PacketOptions(groups=1, cards=500, run_id=run))
    paths = pni.write_packets(packets, tmp_path / "packet.md", "md")
    assert paths[0].read_text("utf-8").startswith("#")
