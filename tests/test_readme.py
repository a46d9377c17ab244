"""The README's examples run, and every command it names exists, so the README cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import typer

from pni.cli import app
from pni.store import Store
from tests.conftest import REPO
from tests.helpers import populate

README = (REPO / "README.md").read_text("utf-8")


def test_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    with Store.open(tmp_path / "pni.db") as db:
        populate(db, 8)
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    assert "S-" in capsys.readouterr().out


def test_named_commands_exist() -> None:
    root = typer.main.get_command(app)
    named = set(re.findall(r"`pni ([a-z]+)", README))
    assert {"collect", "cluster", "explore", "packet", "record", "prepare"} <= named
    listed = set(root.list_commands(click.Context(root)))  # type: ignore[attr-defined]
    assert named <= listed, named - listed


def test_setup_and_test_commands_match_ci() -> None:
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    setup = re.search(r"## Set up\n\n```bash\n(.+?)\n```", README, re.S)
    test = re.search(r"## Test\n\n```bash\n(.+?)\n```", README, re.S)
    assert setup and test
    assert setup.group(1).strip() in ci
    assert test.group(1).strip() in ci
