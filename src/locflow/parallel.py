"""Per-file work on every core, when there is enough of it to pay for the processes.

Workers are forked, so they inherit the parent's loaded project and config through
`shared()`; only small job descriptions and JSON-able results cross the pipes.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Sequence

MIN_BYTES = 4_000_000  # below this, starting worker processes costs more than it saves
_SHARED: Any = None


def shared() -> Any:
    """What the parent passed to `run_all` (inside a worker or in-process)."""
    return _SHARED


def run_all(func: Callable[[Any], Any], jobs: Sequence[Any], *, weight: int, context: Any = None) -> list[Any]:
    global _SHARED
    _SHARED = context
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2 or weight < MIN_BYTES or not hasattr(os, "fork"):
        return [func(job) for job in jobs]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Thousands of small catalogs: hand each worker batches, not one file per round trip through
    # the pipe; a few batches per worker still balance big and small files.
    chunksize = max(1, len(jobs) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_one_thread_each) as pool:
        return list(pool.map(func, jobs, chunksize=chunksize))


def _one_thread_each() -> None:
    """The processes already take every core; a library's own thread pool (lingua's rayon) in
    each of them would only make them fight over the cores. And a worker ends with its parent: a
    killed pull (SIGKILL, an OOM kill, a CI timeout) must not leave workers running its batches."""
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    _end_with_parent()


def _end_with_parent() -> None:
    """Linux: SIGTERM when the parent dies (prctl PR_SET_PDEATHSIG); elsewhere a worker finds out
    when its pipe closes."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the prctl took effect
        os._exit(1)
