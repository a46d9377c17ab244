"""Every command prints its data on stdout, and it parses in each --format: the contract that
lets people pipe pni into jq, csvkit or a spreadsheet. Notices stay on stderr."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pni.cli import app
from pni.store import Store
from tests.helpers import fake_run, populate

runner = CliRunner()
FIX = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
FORMATS = ["table", "json", "jsonl", "csv"]
OUTCOMES = ("session,group,exercise,kind,text,stories,patterns\n"
            "S1,1,landscape,discovery,Quiet kids go unseen,SYN-000,1\n")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("formats") / "pni.db"
    with Store.open(p) as db:
        fake_run(db, populate(db, 60))
    return p


@pytest.fixture
def db(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PNI_FAKE_EMBEDDER", "1")
    p = tmp_path / "pni.db"
    shutil.copy(base, p)
    return p


def _collection(db: Path) -> str:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return str(con.execute("SELECT name FROM collections ORDER BY id").fetchone()[0])
    finally:
        con.close()


def _outcomes(db: Path) -> str:
    f = db.parent / "outcomes.csv"
    f.write_text(OUTCOMES, "utf-8")
    return str(f)


# (argv without --format, the JSON key that must be there); argv gets the store path
COMMANDS: dict[str, Callable[[Path], tuple[list[str], str]]] = {
    "status": lambda d: (["status", "--store", str(d)], "counts"),
    "stories list": lambda d: (["stories", "list", "--store", str(d)], "stories"),
    "stories show": lambda d: (["stories", "show", "SYN-000", "--store", str(d)], "story"),
    "runs list": lambda d: (["runs", "list", "--store", str(d)], "runs"),
    "runs show": lambda d: (["runs", "show", "--store", str(d)], "run"),
    "patterns list": lambda d: (["patterns", "list", "--store", str(d)], "patterns"),
    "patterns show": lambda d: (["patterns", "show", "1", "--store", str(d)], "pattern"),
    "patterns assignments": lambda d: (["patterns", "assignments", "--store", str(d)],
                                       "assignments"),
    "patterns tree": lambda d: (["patterns", "tree", "--store", str(d)], "themes"),
    "collect": lambda d: (["collect", str(FIX / "form" / "stories.csv"), "--store",
                           str(d.parent / "new.db")], "files"),
    "cluster": lambda d: (["cluster", "--store", str(d), "--min-size", "5"], "patterns"),
    "explore": lambda d: (["explore", "--store", str(d), "--no-save"], "tests"),
    "packet": lambda d: (["packet", "--store", str(d), "--to", "md", "-o",
                          str(d.parent / "packet.md")], "packets"),
    "record": lambda d: (["record", _outcomes(d), "--store", str(d)], "files"),
    "compare": lambda d: (["compare", _collection(d), _collection(d), "--store", str(d)],
                          "comparison"),
    "prepare": lambda d: (["prepare", str(FIX / "form" / "stories.csv"), "-o",
                           str(d.parent / "out"), "--to", "md", "--fake-embedder"], "packets"),
    "annotate": lambda d: (["annotate", _annotations(d), "--store", str(d)], "conflicts"),
    "imports list": lambda d: (["imports", "list", "--store", _collected(d)], "imports"),
    "export narrafirma": lambda d: (["export", "narrafirma", "--store", str(d), "-o",
                                     str(d.parent / "nf")], "files"),
    "export qdpx": lambda d: (["export", "qdpx", "--store", str(d), "-o",
                               str(d.parent / "p.qdpx")], "project"),
    "embed": lambda d: (["embed", "--store", str(d)], "embedding"),
    "store copy": lambda d: (["store", "copy", str(d), str(d.parent / "copy.db")], "tables"),
    "store policy": lambda d: (["store", "policy", "--store", str(d)], "policy"),
    "curate show": lambda d: (["curate", "show", "--file", _catalysis(d), "--store", str(d)],
                              "patterns"),
    "curate propose": lambda d: (["curate", "propose", "--file", _catalysis(d), "--store",
                                  str(d), "--fake-embedder"], "proposals"),
}
# commands whose data is not a list of records (they write files or change the store)
NOT_LISTED = {"imports remove", "stories export", "return", "curate init", "curate export",
              "curate import"}


def _annotations(db: Path) -> str:
    f = db.parent / "codes.csv"
    f.write_text("id,theme,feeling\nSYN-000,belonging,none-of-these\n", "utf-8")
    return str(f)  # 'feeling' differs from the stored answer: a conflict, the data of jsonl/csv


def _catalysis(db: Path) -> str:
    f = db.parent / "catalysis.yaml"
    if not f.exists():
        r = runner.invoke(app, ["curate", "init", "--store", str(db), "-o", str(f)])
        assert r.exit_code == 0, r.stderr
    return str(f)


def _collected(db: Path) -> str:
    new = db.parent / "imported.db"
    r = runner.invoke(app, ["collect", str(FIX / "form" / "stories.csv"), "--store", str(new)])
    assert r.exit_code == 0, r.stderr
    return str(new)


def test_every_command_is_in_the_format_test() -> None:
    from pni.cli.reference import commands

    leaves = {" ".join(p) for p, c, _ in commands() if p and not hasattr(c, "commands")}
    assert leaves - NOT_LISTED == set(COMMANDS), leaves ^ set(COMMANDS)


def _source_id_if_stories(key: str, record: dict[str, object]) -> None:
    """Wherever stories are listed, the source's own id stands beside pni's."""
    if key in ("stories", "story", "assignments"):
        assert "source_id" in record


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_data_on_stdout_in_every_format(name: str, fmt: str, db: Path) -> None:
    argv, key = COMMANDS[name](db)
    r = runner.invoke(app, [*argv, "--format", fmt])
    assert r.exit_code == 0, (name, fmt, r.stderr)
    out = r.stdout
    assert out.strip(), f"pni {name} --format {fmt} printed no data on stdout"
    assert "Traceback" not in r.stderr
    if fmt == "json":
        doc = json.loads(out)
        assert isinstance(doc, dict) and key in doc
        first = doc[key][0] if isinstance(doc[key], list) and doc[key] else doc[key]
        if isinstance(first, dict):
            _source_id_if_stories(key, first)
    elif fmt == "jsonl":
        lines = [json.loads(line) for line in out.splitlines()]
        assert lines and all(isinstance(x, dict) for x in lines)
        _source_id_if_stories(key, lines[0])
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows and all(len(x) == len(rows[0]) for x in rows)
        _source_id_if_stories(key, rows[0])
    else:
        with pytest.raises(json.JSONDecodeError):
            json.loads(out)
        assert "│" not in out  # piped: plain columns, never a box folded at 80 characters


@pytest.mark.parametrize("name", ["stories list", "patterns list", "status"])
def test_json_is_shorthand_for_format_json(name: str, db: Path) -> None:
    argv, key = COMMANDS[name](db)
    a = runner.invoke(app, [*argv, "--json"])
    b = runner.invoke(app, [*argv, "--format", "json"])
    assert a.stdout == b.stdout and key in json.loads(a.stdout)
    both = runner.invoke(app, [*argv, "--json", "--format", "csv"])
    assert both.exit_code == 2 and "choose one" in both.stderr and both.stdout == ""


def test_piped_tables_keep_whole_values(db: Path) -> None:
    long_name = "a-collection-name-far-longer-than-eleven-characters"
    with Store.open(db) as s:
        s.execute("UPDATE collections SET name = ?", (long_name,))
    r = runner.invoke(app, ["stories", "list", "--store", str(db), "--limit", "3"])
    lines = r.stdout.splitlines()
    assert sum(long_name in line for line in lines) == 3
