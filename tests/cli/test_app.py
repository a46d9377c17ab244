"""The CLI edge: help everywhere, one-line errors with documented exit codes, a light start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pni import __version__
from pni.cli import app

runner = CliRunner()
HEAVY = {"torch", "sentence_transformers", "transformers", "sklearn", "pandas", "scipy",
         "onnxruntime", "typst", "umap", "numba", "matplotlib"}


def test_every_command_has_help_text() -> None:
    from pni.cli.reference import commands as walk

    commands = [(p, c) for p, c, _ in walk()]
    top = {path[0] for path, _ in commands if len(path) == 1}
    assert top == {"prepare", "collect", "annotate", "imports", "stories", "cluster", "runs",
                   "patterns", "explore", "curate", "packet", "record", "return", "compare", "export",
                   "status", "store", "embed"}
    for path, cmd in commands:
        assert (cmd.help or "").strip(), f"pni {' '.join(path)} has no help text"
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.stdout


def test_the_command_list_is_built_lazily() -> None:
    """`pni --help` lists COMMANDS without importing a command module; each entry builds."""
    import subprocess
    import sys

    code = ("import sys; from pni.cli import app; from typer.testing import CliRunner;"
            "CliRunner().invoke(app, ['--help']);"
            "print(sorted(m for m in sys.modules if m.startswith('pni.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    from pni.cli import COMMANDS, build

    for name in COMMANDS:
        assert build(name).name == name


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"pni {__version__}"


def test_unknown_command_is_a_usage_error() -> None:
    result = runner.invoke(app, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command" in result.stderr


def test_missing_store_is_one_line_data_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--store", str(tmp_path / "nope.db")])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ") and "nope.db" in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_shows_the_exception(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--debug", "status", "--store", str(tmp_path / "nope.db")])
    assert result.exit_code != 0
    assert result.exception is not None
    assert "no store here yet" in str(result.exception)


def test_store_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pni.store import Store

    p = tmp_path / "env.db"
    Store.open(p).close()
    monkeypatch.setenv("PNI_STORE", str(p))
    result = runner.invoke(app, ["status", "--json"])
    assert result.exit_code == 0, result.output
    assert str(p) in result.stdout


def test_status_json_and_human(populated: Any) -> None:
    db, ids = populated
    result = runner.invoke(app, ["status", "--store", str(db.path), "--json"])
    assert result.exit_code == 0
    import json

    info = json.loads(result.stdout)
    assert info["counts"]["stories"] == len(ids)
    human = runner.invoke(app, ["status", "--store", str(db.path)])
    assert human.exit_code == 0
    assert human.stderr == ""
    assert "stories" in human.stdout and str(len(ids)) in human.stdout


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys; from pni.cli import app; from typer.testing import CliRunner;"
        "CliRunner().invoke(app, ['--help']);"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert not (loaded & HEAVY), f"heavy modules on the start-up path: {loaded & HEAVY}"


def test_python_dash_m() -> None:
    out = subprocess.run([sys.executable, "-m", "pni", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == f"pni {__version__}"


def test_quiet_and_verbose(populated: Any, tmp_path: Path) -> None:
    db, _ = populated
    (Path(db.path).parent / "names.txt").write_text("Nobody Here\n", "utf-8")
    base = ["explore", "--store", str(db.path), "--no-save"]
    loud = runner.invoke(app, base)
    assert loud.exit_code == 0 and "names.txt" in loud.stderr
    quiet = runner.invoke(app, ["-q", *base])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == loud.stdout
    verbose = runner.invoke(app, ["-v", *base])
    assert verbose.exit_code == 0 and "names.txt" in verbose.stderr


def test_error_names_the_flag_of_the_parameter(populated: Any) -> None:
    db, _ = populated
    r = runner.invoke(app, ["cluster", "--store", str(db.path), "--assign", "--assign-noise", "x"])
    assert r.exit_code == 2
    assert r.stderr.startswith("Usage error: --assign-noise: 'x': give a cosine similarity")


def test_click_errors_are_one_line(tmp_path: Path) -> None:
    for argv in (["stories", "list", "--consent", "maybe"], ["frobnicate"],
                 ["explore", "--names", str(tmp_path)], ["collect"]):
        r = runner.invoke(app, argv)
        assert r.exit_code == 2, argv
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Usage error: "), (argv, r.stderr)
        assert r.stdout == ""
