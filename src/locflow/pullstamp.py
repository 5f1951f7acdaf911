"""A stamp of the tree a pull found current, so the next `pull` on the same tree answers at once.

A pull that changes nothing still loads the project and asks the pull state about every unit; on
an archive of thousands of articles that costs seconds. When a pull wrote nothing, skipped
nothing and found no orphaned catalog, this stamp records what it saw: the stat (size, mtime_ns, inode)
of every file under the locales folder and of every file the source globs matched, the config's
bytes and locflow's code fingerprint. The next `pull` (or `pull --check`/`--dry-run`) re-runs the
globs and walks the locales folder; only when it finds exactly the same files with the same stat,
each older than the stamp by the racy window (as git trusts its index), is the stamped answer
given without loading anything. Any difference at all (a file added, removed, touched, written
too close to the stamp; another config; other code) goes to the full pull.
"""
from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .project import Project
    from .sources.extracted import ExtractWarning

NAME = "pull-stamp.json"


def _folder(root: Path) -> Path:
    from .cache import CACHE_DIR

    return root / CACHE_DIR / "cache"


def _tree(folder: str) -> dict[str, list[int]]:
    """(size, mtime_ns, inode) of every file under `folder` (hidden ones too), by path relative to it."""
    found: dict[str, list[int]] = {}
    cut = len(folder) + 1
    stack = [folder]
    while stack:
        here = stack.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                st = entry.stat()
                found[entry.path[cut:]] = [st.st_size, st.st_mtime_ns, entry.inode()]
    return found


def _sources(root: Path, patterns: list[str]) -> dict[str, list[int]]:
    """(size, mtime_ns, inode) of every file the globs match, as `Project.source_files` finds them (the
    inode of what a symlink points to: pointed elsewhere, it is another file)."""
    found: dict[str, list[int]] = {}
    cut = len(str(root)) + 1
    for pattern in patterns:
        for path in root.glob(pattern):
            st = os.stat(path)
            if stat.S_ISREG(st.st_mode):
                found[str(path)[cut:]] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return found


def _config_digest(config: Path) -> str:
    from .cache import digest

    return digest(config.read_bytes())


def record(project: "Project", templates: int, catalogs: int, warnings: tuple["ExtractWarning", ...],
           started: float | None = None) -> None:
    """Stamp the tree as one a pull found current (best effort: without a usable `.locflow`, no stamp).

    `started`: when that pull began. A file changed after the pull had read it, while it went on
    with the rest of an archive (minutes), is then racy, never taken as what the pull found current.
    """
    from .cache import enabled, usable
    from .catalog import atomic_write
    from .fingerprint import code_fingerprint

    root = project.root
    if not enabled() or not usable(root):
        return
    written_at = min(time.time(), started or time.time())  # before the stats: a file changed meanwhile is racy
    patterns = [p for c in project.config.catalogs.values() for p in c.sources]
    try:
        payload = {
            "code": code_fingerprint(), "config": os.path.abspath(project.config.path),
            "config_digest": _config_digest(project.config.path), "written_at": written_at,
            "locales": project.config.locales_dir, "patterns": patterns,
            # The tree as text inside the stamp: a lookup that fails on an edited article (the usual
            # change, found among the sources) does not decode the stat of every catalog.
            "tree": json.dumps(_tree(str(project.config.locales_path)), sort_keys=True, separators=(",", ":")),
            "sources": _sources(root, patterns),
            "templates": templates, "catalogs": catalogs,
            "warnings": [[w.path, w.line, w.message] for w in warnings],
        }
        if _still_valid(_folder(root) / NAME, payload):
            return  # a run with nothing to do writes nothing, not even its stamp
        atomic_write(_folder(root) / NAME, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    except OSError:
        return


def _still_valid(path: Path, payload: dict) -> bool:
    """The stamp on disk says what `payload` says and none of its files was racy when it was written."""
    try:
        old = json.loads(path.read_bytes())
        if {k: v for k, v in old.items() if k != "written_at"} != {k: v for k, v in payload.items()
                                                                   if k != "written_at"}:
            return False
        return not _racy(old["written_at"], old["sources"], json.loads(old["tree"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _racy(written_at: float, *stats: dict[str, list[int]]) -> bool:
    """A file of the stamp changed within the racy window before it was written: its mtime proves nothing."""
    from .cache import RACY_SECONDS

    limit = (written_at - RACY_SECONDS) * 1e9
    return any(max((mtime for _, mtime, _ in found.values()), default=0) >= limit for found in stats)


def _well_formed(data: object) -> bool:
    """The stamp as `record` writes it: its answer is printed as it stands, so its shape is checked."""
    def stats(found: object) -> bool:
        return isinstance(found, dict) and all(isinstance(v, list) and len(v) == 3 and all(isinstance(n, int) for n in v)
                                               for v in found.values())

    return (isinstance(data, dict) and all(isinstance(data.get(k), str) for k in ("code", "config", "config_digest",
                                                                                  "locales", "tree"))
            and isinstance(data.get("written_at"), (int, float))
            and isinstance(data.get("patterns"), list) and all(isinstance(p, str) and p and not p.startswith("/")
                                                               for p in data["patterns"])
            and stats(data.get("sources"))
            and all(isinstance(data.get(k), int) and not isinstance(data[k], bool) for k in ("templates", "catalogs"))
            and isinstance(data.get("warnings"), list)
            and all(isinstance(w, list) and len(w) == 3 and isinstance(w[0], str) and isinstance(w[2], str)
                    and (w[1] is None or isinstance(w[1], int)) for w in data["warnings"]))


def lookup(config: Path) -> dict | None:
    """The stamped answer (templates, catalogs, warnings) when the tree is exactly as stamped, else None."""
    from .cache import enabled, usable
    from .fingerprint import code_fingerprint

    root = config.parent
    if not enabled() or not usable(root):
        return None
    try:
        data = json.loads((_folder(root) / NAME).read_bytes())
        if not _well_formed(data):
            return None  # not what `record` writes (edited by hand): the full pull decides
        if data["code"] != code_fingerprint() or data["config"] != os.path.abspath(config) \
                or data["config_digest"] != _config_digest(config):
            return None
        # The sources first: an edited article, the usual change, is found without walking the catalogs.
        if _sources(root, data["patterns"]) != data["sources"]:
            return None
        tree = json.loads(data["tree"])
        if _tree(str(root / data["locales"])) != tree or _racy(data["written_at"], data["sources"], tree):
            return None  # changed, or a file changed too close to the stamp to trust its mtime
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return data
