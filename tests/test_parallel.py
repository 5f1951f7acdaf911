"""Workers on every core: they end with their parent, whatever kills it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """\
import os, sys, time
from locflow.parallel import run_all

def job(n):
    print("worker", os.getpid(), flush=True)
    time.sleep(60)
    return n

run_all(job, list(range(4)), weight=10**9)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: run_all starts no worker")
def test_workers_end_when_the_pull_is_killed(tmp_path):
    script = tmp_path / "busy.py"
    script.write_text(SCRIPT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers = {int(proc.stdout.readline().split()[1]) for _ in range(2)}
    assert proc.pid not in workers and all(alive(pid) for pid in workers)
    os.kill(proc.pid, signal.SIGKILL)  # no handler, no cleanup: as the OOM killer or a CI timeout
    proc.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers)
