"""Zero network, proved: the main job runs under a syscall audit and no process it starts may
try an AF_INET/AF_INET6 connection or a DNS lookup (local AF_UNIX sockets are fine)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_NET = re.compile(r"(connect|sendto|sendmsg)\(\d+, \{sa_family=AF_INET6?,.*")


def attempts(trace: str) -> list[str]:
    """Lines of an ``strace -f -e trace=connect,sendto,sendmsg`` log that try the network."""
    return [m.group(0)[:160] for m in map(_NET.search, trace.splitlines()) if m]


def test_attempts_are_recognised() -> None:
    log = ('123 connect(12, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1\n'
           '124 connect(12, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr('
           '"10.0.0.53")}, 16) = 0\n'
           '125 connect(3, {sa_family=AF_INET6, sin6_port=htons(443)}, 28) = -1\n')
    assert len(attempts(log)) == 2


@pytest.mark.model
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (.ci/run"
                    " installs it)")
def test_prepare_makes_no_network_attempt(tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("PNI_STORE", None)
    env.pop("PNI_FAKE_EMBEDDER", None)
    for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ORT_DISABLE_TELEMETRY", "DO_NOT_TRACK"):
        env.pop(k, None)  # pni must switch them off itself
    res = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace),
         sys.executable, "-m", "pni", "prepare", str(REPO / "sample_stories"), "-o",
         str(tmp_path / "out"), "--to", "md"],
        capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    found = attempts(trace.read_text())
    assert not found, "network attempts:\n" + "\n".join(found[:10])
