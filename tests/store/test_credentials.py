"""A PostgreSQL password never leaves the URL it was given in: not in a message, an error,
`pni status`, a `--json` output, a file pni writes, nor in the store itself (and not in a copy
of it); and connections ask for TLS (``sslmode=prefer``, libpq's default) unless the URL or
``PGSSLMODE`` says otherwise.

The throwaway server trusts its Unix socket, so a password in the URL is accepted and unused:
the commands below run for real with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from pni.store import Store
from tests.store.postgres import location_for

REPO = Path(__file__).resolve().parents[2]
SECRET = "Pw-7f3kq9Zx"
SAMPLES = REPO / "sample_stories"


def _with_password(url: str, secret: str = SECRET) -> str:
    """``postgresql://pni@/db?host=...`` with a password: ``postgresql://pni:SECRET@/db...``."""
    assert url.startswith("postgresql://pni@")
    return url.replace("postgresql://pni@", f"postgresql://pni:{quote(secret)}@", 1)


def _pni(folder: Path, *args: str, store: str | None = None,
         **env: str) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PNI_FAKE_EMBEDDER": "1", **env}
    e.pop("PNI_STORE", None)
    if store is not None:
        e["PNI_STORE"] = store
    return subprocess.run([sys.executable, "-m", "pni", *args], capture_output=True, text=True,
                          cwd=folder, env=e, timeout=300)


def _dump(db: Store) -> str:
    """Every value of every table, as text."""
    parts = []
    for table in db.table_names():
        for row in db.query(f'SELECT * FROM "{table}"'):
            for v in row.values():
                parts.append(bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview)
                             else str(v))
    return "\n".join(parts)


def test_a_password_is_never_printed_nor_stored(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    url = _with_password(location_for("postgresql", tmp_path))
    copy_to = _with_password(location_for("postgresql", tmp_path))
    seen: list[str] = []

    def run(*args: str, ok: bool = True, store: str | None = url) -> str:
        res = _pni(folder, *args, store=store)
        assert (res.returncode == 0) == ok, (args, res.stderr[-1500:])
        seen.append(f"{res.stdout}\n{res.stderr}")
        return res.stdout + res.stderr

    run("collect", str(SAMPLES / "story_form"), str(SAMPLES / "markdown"))
    run("collect", str(SAMPLES / "markdown"), "--json")
    run("cluster", "--json")
    run("explore", "--json", "--no-save")
    for cmd in (["status"], ["status", "--json"], ["stories", "list", "--json"],
                ["imports", "list", "--json"], ["runs", "list", "--json"], ["runs", "show"],
                ["patterns", "list", "--json"], ["patterns", "assignments", "--format", "csv"],
                ["store", "policy", "--save"], ["store", "policy", "--json"]):
        run(*cmd)
    # a store named on the command line, and in errors
    assert "***" in run("status", "--store", url, store=None)
    run("stories", "show", "S-nope", ok=False)
    run("imports", "remove", "999", ok=False)
    wrong = url.replace("/t_", "/gone_", 1)  # a database that does not exist
    assert "***" in run("status", store=wrong, ok=False)
    bad_host = f"postgresql://ana:{SECRET}@127.0.0.1:9/district"  # nothing listens there
    run("status", store=bad_host, ok=False)
    # pni store copy both ways: what it prints, and what the copies hold
    run("store", "copy", url, str(folder / "copy.db"), store=None)
    run("store", "copy", str(folder / "copy.db"), copy_to, "--json", store=None)
    run("export", "narrafirma", "-o", str(folder / "nf.json"))

    printed = "\n".join(seen)
    assert SECRET not in printed, printed[printed.find(SECRET) - 300:][:600]
    assert "pni:***@" in printed  # the store is named, its password masked
    for where in (url, copy_to, str(folder / "copy.db")):
        with Store.open(where, create=False) as db:
            assert db.scalar("SELECT count(*) FROM stories")
            assert SECRET not in _dump(db), where
    for f in folder.rglob("*"):
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes(), f


def _sslmode(db: Store) -> str | None:
    opts = {o.keyword: o.val for o in db.conn.pgconn.info}
    v = opts.get(b"sslmode")
    return None if v is None else v.decode()


@pytest.mark.parametrize(("given", "env", "expected"), [
    ("", None, "prefer"),                      # TLS whenever the server offers it
    ("&sslmode=disable", None, "disable"),     # the URL decides
    ("", "allow", "allow"),                    # so does PGSSLMODE
])
def test_connections_prefer_tls_unless_told_otherwise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str, env: str | None,
        expected: str) -> None:
    url = location_for("postgresql", tmp_path) + given
    if env is None:
        monkeypatch.delenv("PGSSLMODE", raising=False)
    else:
        monkeypatch.setenv("PGSSLMODE", env)
    with Store.open(url) as db:
        assert _sslmode(db) == expected
