"""A throwaway PostgreSQL server for the tests: ``initdb`` and ``pg_ctl`` in a temporary folder,
listening only on a Unix socket there, run as an unprivileged user when the tests run as root
(PostgreSQL refuses to run as root). One server per test process; each test gets a new database.

Where PostgreSQL is not installed the tests that need it skip with the reason, except in CI
(``CI=true``), where a missing server is a failure: CI installs Debian's ``postgresql``.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

_SERVER: Server | None = None
_FAILED: str | None = None


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for cand in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return cand
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip, or fail in CI, where PostgreSQL tests must run."""
    if in_ci():
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


class Server:
    """One running server: ``url(dbname)`` connects to a database on it."""

    def __init__(self) -> None:
        initdb, pg_ctl = _tool("initdb"), _tool("pg_ctl")
        if not initdb or not pg_ctl:
            raise RuntimeError("initdb/pg_ctl not found (install Debian's postgresql package)")
        try:
            import psycopg  # noqa: F401
        except ImportError as e:
            raise RuntimeError("psycopg is not installed (pip install 'pni[postgresql]')") from e
        self.pg_ctl = pg_ctl
        self.folder = Path(tempfile.mkdtemp(prefix="pni-pg-"))
        self.data = self.folder / "data"
        self.user: str | None = None
        if os.geteuid() == 0:  # PostgreSQL will not run as root: run it as nobody
            self.user = "nobody"
            pw = pwd.getpwnam(self.user)
            os.chown(self.folder, pw.pw_uid, pw.pw_gid)
        self._run([initdb, "-D", str(self.data), "-U", "pni", "-A", "trust", "-E", "UTF8",
                   "--locale=C", "--no-sync"])
        opts = (f"-c listen_addresses='' -c unix_socket_directories='{self.folder}'"
                " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
                " -c max_connections=60 -c shared_buffers=32MB")
        self._run([pg_ctl, "-D", str(self.data), "-o", opts, "-l", str(self.folder / "log"),
                   "-w", "-t", "60", "start"])
        atexit.register(self.stop)

    def _run(self, cmd: list[str]) -> None:
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=self.folder, timeout=120)
        if res.returncode:
            raise RuntimeError(f"{Path(cmd[0]).name} failed: {res.stderr.strip()[-500:]}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://pni@/{dbname}?host={self.folder}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.data.exists():
            with contextlib.suppress(Exception):
                self._run([self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"])
        for _ in range(5):  # the server's last processes may still be writing as they exit
            shutil.rmtree(self.folder, ignore_errors=True)
            if not self.folder.exists():
                break
            time.sleep(0.5)


def server() -> Server:
    """The test process's server, started on first use (skips, or fails in CI, when it cannot
    start)."""
    global _SERVER, _FAILED
    if _SERVER is None and _FAILED is None:
        try:
            _SERVER = Server()
        except Exception as e:
            _FAILED = str(e)
    if _SERVER is None:
        unavailable(_FAILED or "unknown")
    assert _SERVER is not None
    return _SERVER


ENGINES = ["sqlite", "postgresql"]


def location_for(engine: str, tmp_path: Path) -> str:
    """A new, empty store's location on ``engine``: a file in ``tmp_path``, or a new database."""
    if engine == "postgresql":
        return server().new_database()
    return str(tmp_path / "pni.db")
