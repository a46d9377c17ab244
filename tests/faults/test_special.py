"""Files that are not regular files: refused with one line, never read, never a hang."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tests.faults.harness import _runner, time_limit


def _run(*args: str) -> tuple[int, str]:
    from pni.cli import app

    with time_limit(20):
        res = _runner().invoke(app, list(args))
    return res.exit_code, res.stderr + res.stdout


@pytest.fixture
def good(tmp_path: Path) -> Path:
    p = tmp_path / "good.csv"
    p.write_text("id,story\nS1,The day the whole class waited for me.\n")
    return p


def test_fifo_named_is_refused(tmp_path: Path, good: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    store = str(tmp_path / "p.db")
    code, err = _run("collect", str(fifo), "--store", store)
    assert code == 2 and err.strip().splitlines() == [
        f"Usage error: {fifo}: is a FIFO (named pipe); pni reads only regular files"]
    code, err = _run("collect", str(good), "--form", str(fifo), "--store", store)
    assert code == 2 and "FIFO" in err and len(err.strip().splitlines()) == 1
    code, err = _run("record", str(tmp_path / "outcomes_pipe.csv"), "--store", store)
    assert code == 2
    os.mkfifo(tmp_path / "outcomes.csv")
    code, err = _run("record", str(tmp_path / "outcomes.csv"), "--store", store)
    assert code == 2 and "FIFO" in err


def test_devices_and_sockets(tmp_path: Path, good: Path) -> None:
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    code, err = _run("collect", str(zero), "--store", str(tmp_path / "p.db"))
    assert code == 2 and "is a device" in err and "Internal" not in err
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "zero.csv").symlink_to("/dev/zero")
    (folder / "dangling.csv").symlink_to(tmp_path / "nowhere")
    (folder / "good.csv").write_bytes(good.read_bytes())
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(folder / "s.csv"))
        code, err = _run("collect", str(folder), "--store", str(tmp_path / "p.db"))
    finally:
        sock.close()
    assert code == 0, err
    assert "a FIFO, socket or device" in err and "cannot be read" in err


def test_a_folder_where_a_file_belongs_is_one_line(tmp_path: Path) -> None:
    code, err = _run("cluster", "--names", str(tmp_path))
    assert code == 2 and err.strip().splitlines() == [
        f"Usage error: Invalid value for '--names': file '{tmp_path}' is a directory."]


def test_limits_are_documented() -> None:
    from pni import limits

    doc = (Path(__file__).resolve().parents[2] / "docs" / "collect.md").read_text()
    section = doc.split("## Limits", 1)[1].split("\n## ", 1)[0]
    for value in (limits.MAX_NESTING, limits.MAX_YAML_NODES, limits.MAX_NUMBER_DIGITS,
                  limits.MAX_STORY_CHARS, limits.MAX_FILE_BYTES):
        assert f"{value:,}" in section or f"{value} levels" in section, value
