"""A wheel carries what pni reads at run time outside Python code: migrations, templates, the
typst packet, and the facilitator-editable prompts (copied in from the top-level prompts/)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_ships_prompts_templates_and_migrations(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    wheel = next(tmp_path.glob("pni-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_prompts = {f"pni/prompts/{p.relative_to(REPO / 'prompts').as_posix()}"
                       for p in (REPO / "prompts").rglob("*") if p.is_file()}
    assert shipped_prompts and shipped_prompts <= names, shipped_prompts - names
    migrations = {f"pni/store/migrations/{p.name}"
                  for p in (REPO / "src/pni/store/migrations").glob("*.sql")}
    assert migrations <= names
    assert {"pni/render/typst/packet.typ", "pni/render/templates/report.html.j2",
            "pni/render/templates/packet.html.j2", "pni/py.typed"} <= names
