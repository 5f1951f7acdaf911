"""A fingerprint of locflow's own code, the key of everything `.locflow/` remembers.

`__version__` is not bumped when a check or the extractor changes, so a cache keyed by it would
serve old findings in a developer's checkout. The fingerprint hashes the package's own files
instead (names and bytes of every .py file under the package, in sorted order); it changes with
any edit, an upgrade or a different checkout, and costs a few milliseconds per process.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def code_fingerprint(package: Path = PACKAGE) -> str:
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()
