"""docs/cli.md is generated from the commands (cog) and must be fresh: every command, option and
environment variable documented; the README links it."""

from __future__ import annotations

import re
from pathlib import Path

from cogapp import Cog

from pni.cli.reference import commands
from pni.environment import VARIABLES

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "cli.md"


def test_reference_is_fresh() -> None:
    rc = Cog().main(["cog", "--check", str(DOC)])
    assert rc == 0, "docs/cli.md is stale: run `cog -r docs/cli.md`"


def _sections() -> dict[str, str]:
    text = DOC.read_text("utf-8")
    heads = list(re.finditer(r"^## (.+)$", text, flags=re.M))
    return {m.group(1): text[m.end(): heads[i + 1].start() if i + 1 < len(heads) else None]
            for i, m in enumerate(heads)}


def test_every_command_and_option_is_documented() -> None:
    sections = _sections()
    for path, cmd, _ in commands():
        title = "pni " + " ".join(path) if path else "pni"
        assert title in sections, f"{title} is missing from docs/cli.md"
        for p in cmd.params:
            if getattr(p, "hidden", False) or p.param_type_name == "argument":
                continue
            for opt in p.opts:
                assert opt in sections[title], f"{title} {opt} is not documented"


def test_every_environment_variable_is_declared_and_documented() -> None:
    used = set()
    for f in (REPO / "src" / "pni").rglob("*.py"):
        # in strings, docs and help texts ("PNI_X", $PNI_X, ``PNI_X=1``), not Python names
        used |= set(re.findall(r"""(?<=["'$`])PNI_[A-Z_]+\b""", f.read_text("utf-8")))
    assert used <= set(VARIABLES), f"declare in pni.environment: {sorted(used - set(VARIABLES))}"
    doc = DOC.read_text("utf-8")
    for name in VARIABLES:
        assert f"`{name}`" in doc


def test_readme_links_the_reference() -> None:
    assert "docs/cli.md" in (REPO / "README.md").read_text("utf-8")
