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


def remove_stale_temp_files(folder) -> list:
    """Temp files of an atomic write (`.name.XXXX.tmp`) left by a killed run. Called under the lock,
    when no other locflow run can be writing one."""
    import os
    from fnmatch import fnmatch
    from pathlib import Path

    removed = []
    folder = Path(folder)
    if folder.is_dir() and not folder.is_symlink():
        # os.walk, not rglob: the locales of an archive hold thousands of catalogs and no temp file.
        for here, _, names in os.walk(folder):
            for name in names:
                if not (name.startswith(".") and fnmatch(name, ".*.tmp")):
                    continue
                stray = Path(here, name)
                if stray.is_file() and not stray.is_symlink():
                    try:
                        stray.unlink()
                        removed.append(stray)
                    except OSError:
                        pass
    return removed


@contextmanager
def project_lock(root, timeout: float, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    from filelock import FileLock, Timeout

    folder = root / ".locflow"
    if folder.is_symlink():
        raise LocflowError(".locflow is a symlink: locflow keeps its lock and cache inside the project only",
                           path=str(folder), hint="remove the link; locflow creates the folder itself")
    lock = FileLock(str(folder / LOCK_NAME))
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
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
    except OSError as exc:
        # A read-only checkout: the user's situation to fix, not a bug in locflow.
        raise LocflowError(f"cannot take the project lock: {exc.strerror or exc}", path=str(folder / LOCK_NAME),
                           hint="this command writes the project: run it in a writable copy") from None
    try:
        yield
    finally:
        lock.release()
