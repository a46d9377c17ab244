"""Run one generated fault case through the real CLI (in this process, via Typer's runner) and
classify what happened. Shared by ``tests/faults/test_corpus.py`` and ``bench/faults.py``."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from tests.faults.generate import Case, csv_bytes

TIME_LIMIT_S = 20


class Hang(BaseException):
    """Raised by the alarm; a BaseException so that no reader boundary can swallow it."""


@dataclass
class Outcome:
    case: str
    group: str
    kind: str  # ok | rejected-file | refused | internal | no-file-named | hang | bad-exit | unbalanced
    code: int | None
    message: str
    seconds: float


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def _alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


_APP: Any = None


def _runner() -> Any:
    """Typer's runner, with the click command built once (building it is most of a run's time)."""
    global _APP
    import typer.testing

    from pni.cli import app

    if _APP is None:
        _APP = app
        command = typer.main.get_command(app)
        typer.testing._get_command = lambda a: command if a is app else typer.main.get_command(a)
    return typer.testing.CliRunner()


def _args(case: Case, corpus: Path, work: Path, store: Path) -> list[str]:
    path = corpus / case.name
    if case.mode == "collect":
        return ["collect", str(path), "--store", str(store)]
    if case.mode == "form":
        good = work / "stories.csv"
        good.write_bytes(csv_bytes())
        return ["collect", str(good), "--form", str(path), "--store", str(store)]
    if case.mode == "record":
        return ["record", str(path), "--store", str(store)]
    if case.mode == "manifest":
        return ["collect", str(path), "--store", str(store)]
    raise ValueError(case.mode)


def _balanced(store: Path) -> bool:
    """Every import row in the store accounts for each record it read."""
    if not store.exists():
        return True
    con = sqlite3.connect(store)
    try:
        bad = con.execute("SELECT count(*) FROM imports WHERE finished_at IS NOT NULL AND"
                          " read != stored + duplicates + rejected").fetchone()[0]
        counted = con.execute("SELECT coalesce(sum(stored), 0) FROM imports").fetchone()[0]
        stories = con.execute("SELECT count(*) FROM stories").fetchone()[0]
    finally:
        con.close()
    return bad == 0 and counted == stories


def run_case(case: Case, corpus: Path, work: Path, limit: int = TIME_LIMIT_S) -> Outcome:
    """Run ``case`` with a fresh store under ``work`` and judge it: exit 0 with balanced
    accounting, or exit 1 with an ``Error:`` line naming the file; never an internal error."""
    work.mkdir(parents=True, exist_ok=True)
    store = work / "pni.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    template = work / "template.db"
    if not template.exists():  # migrating a new store for every case would double the time
        from pni.store import Store

        Store.open(template).close()
    shutil.copyfile(template, store)
    args = _args(case, corpus, work, store)
    t0 = time.perf_counter()
    try:
        with time_limit(limit):
            res = _runner().invoke(_APP, args, catch_exceptions=True)
    except Hang as e:
        return Outcome(case.name, case.group, "hang", None, str(e), time.perf_counter() - t0)
    secs = time.perf_counter() - t0
    err = res.stderr
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        msg = f"{type(res.exception).__name__}: {res.exception}"
        return Outcome(case.name, case.group, "internal", res.exit_code, msg, secs)
    if "Internal error" in err or "Traceback" in err or "bug in pni" in err:
        return Outcome(case.name, case.group, "internal", res.exit_code, err.strip()[-300:], secs)
    target = Path(case.name).name
    if res.exit_code == 0:
        kind = "ok" if _balanced(store) else "unbalanced"
        return Outcome(case.name, case.group, kind, 0, "", secs)
    if res.exit_code == 1:
        lines = [ln for ln in err.splitlines() if ln.startswith(("Error:", "Usage error:"))]
        if case.mode == "form":
            target = Path(case.name).name
        named = [ln for ln in lines if target in ln or (case.mode == "manifest" and "pni.yaml" in ln)]
        if named:
            kind = "ok" if _balanced(store) else "unbalanced"
            return Outcome(case.name, case.group, "rejected-file" if kind == "ok" else kind, 1,
                           named[0][:300], secs)
        return Outcome(case.name, case.group, "no-file-named", 1, err.strip()[-300:], secs)
    usage = [ln for ln in err.splitlines() if ln.startswith("Usage error:") and target in ln]
    if res.exit_code == 2 and usage:  # e.g. an outcomes file with an unknown extension
        return Outcome(case.name, case.group, "refused", 2, usage[0][:300], secs)
    return Outcome(case.name, case.group, "bad-exit", res.exit_code, err.strip()[-300:], secs)
