"""The project lock: two runs that write catalogs never interleave.

`.locflow/lock` is held (filelock: an OS-level lock, released even if the process is killed)
while translate, pull, review and import write. A second run waits up to `lock_timeout`
seconds from workflow.yaml, saying so, then fails clearly.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from .errors import LocflowError

LOCK_NAME = "lock"


@contextmanager
def project_lock(root, timeout: float, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    from filelock import FileLock, Timeout

    folder = root / ".locflow"
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    lock = FileLock(str(folder / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if waiting is not None:
            waiting(f"another locflow run is writing this project; waiting up to {timeout:g}s for it to finish")
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise LocflowError(f"another locflow run held the project lock for more than {timeout:g}s",
                               path=str(folder / LOCK_NAME),
                               hint="let it finish, or raise `lock_timeout` in workflow.yaml") from None
    try:
        yield
    finally:
        lock.release()
