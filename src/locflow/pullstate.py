"""What the last pull left current, so the next one re-extracts and re-merges only what changed.

A unit of extraction is one article, or one labels catalog with all its templates. For each, the
state keeps its source files and the template and catalogs that were current for exactly those
sources, each file as its path, size, mtime_ns, inode and content hash. A unit whose files all still
hash the same is not extracted or merged again: a catalog edited by hand, a deleted template or
an edited article sends its unit back to a full extraction. A file's hash is trusted from its
size, mtime and inode outside the racy window around the state's write, as git trusts its index.

The state lives in `.locflow/cache/pull-<key>/`, keyed by workflow.yaml, the purge option and
locflow's own code (see fingerprint.py), so any of those changing means one full pull. Units are
spread over a fixed number of shard files by a hash of their key: a pull after one edited article
rewrites one shard, not the state of the whole archive. Each shard is written atomically and is
whole on its own; a corrupt or foreign one is ignored (its units are pulled again), never an error.
"""
from __future__ import annotations

import json
import os
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import RACY_SECONDS, digest

if TYPE_CHECKING:
    from .project import Project

SHARDS = 64
KEEP_OTHERS = 1  # the state of `pull --purge-obsolete` besides `pull`'s (their keys differ)
# A file as the state keeps it: "<path from the root> <size> <mtime_ns> <inode> <hash>". One string,
# not an object: an archive's state holds ~20,000 of them, and decoding is most of reading it. The
# inode too (git compares it as well): a file swapped for another of the same size and mtime
# (a symlink pointed elsewhere, `mv`) is another file.
Record = str


class PullState:
    def __init__(self, project: "Project", purge_obsolete: bool) -> None:
        from .cache import CACHE_DIR, enabled, usable
        from .fingerprint import code_fingerprint

        self.project = project
        self.root = str(project.root)
        self.enabled = enabled() and usable(project.root)
        self.code = code_fingerprint()
        signature = digest(project.config.path.read_bytes() + (b"\0purge" if purge_obsolete else b"\0keep"))
        key = digest(f"{self.code}\0{signature}".encode())[:12]
        self.folder = project.root / CACHE_DIR / "cache" / f"pull-{key}"
        self.units: list[dict[str, list]] = [{} for _ in range(SHARDS)]
        self.written_at = [0.0] * SHARDS  # per shard: a file is racy against the write of its own shard
        self.dirty: set[int] = set()
        if self.enabled:
            self._load()

    def _load(self) -> None:
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            stem, dot, ext = name.partition(".")
            if ext != "json" or not stem.isdigit() or int(stem) >= SHARDS:
                continue
            try:
                data = json.loads((self.folder / name).read_bytes())
                if data["code"] == self.code and _well_formed(data["units"]):
                    self.units[int(stem)] = data["units"]
                    self.written_at[int(stem)] = float(data["written_at"])
            except (OSError, ValueError, KeyError, TypeError):
                continue

    @staticmethod
    def _shard(unit: str) -> int:
        return zlib.crc32(unit.encode("utf-8")) % SHARDS

    def inputs(self, unit: str, paths: list[Path], stats: list[os.stat_result],
               shown: list[str] | None = None) -> list[Record]:
        """A unit's source files as records (`stats`: their stat, taken before anything read them;
        `shown`: their paths from the root, when the caller has them); a file is read only when its
        stat differs from what this unit last recorded."""
        if not self.enabled:
            return []
        shown = shown or [self.project.display(p) for p in paths]
        i = self._shard(unit)
        recorded = self.units[i].get(unit)
        before = recorded[0] if recorded else []
        found = []
        for n, (path, rel) in enumerate(zip(paths, shown)):
            old = before[n] if n < len(before) else None  # the same sources in the same order, usually
            if old is not None and old.rsplit(" ", 4)[0] != rel:
                old = next((r for r in before if r.rsplit(" ", 4)[0] == rel), None)
            found.append(self._record(str(path), rel, old, self.written_at[i], stats[n]))
        return found

    def current(self, unit: str, inputs: list[Record]) -> dict[str, Any] | None:
        """The unit's outputs (paths from the root) and what its extraction said, when its sources are
        the recorded ones and every output still hashes as recorded; else None."""
        if not self.enabled:
            return None
        i = self._shard(unit)
        recorded = self.units[i].get(unit)
        if recorded is None or (inputs != recorded[0] and not _same_files(recorded[0], inputs)):
            return None
        limit, root = self.written_at[i] - RACY_SECONDS, self.root + "/"
        outputs: list[str] = []
        fresh = None  # the records again, only when a stat changed and the content did not
        for n, old in enumerate(recorded[1]):  # ~20,000 files in an archive: the stat test inline
            rel, size, mtime, ino, h = old.rsplit(" ", 4)
            outputs.append(rel)
            try:
                st = os.stat(root + rel)
                if st.st_mtime < limit and st.st_size == int(size) and st.st_mtime_ns == int(mtime) \
                        and st.st_ino == int(ino):
                    continue
                new = self._record(root + rel, rel, None, 0.0, st)
            except (OSError, ValueError):
                return None  # deleted or unreadable (or a record edited by hand): extract again
            if new[-len(h):] != h:
                return None
            if new != old:  # touched, same content: trust the new stat next time
                fresh = fresh or list(recorded[1])
                fresh[n] = new
        if fresh is not None or inputs != recorded[0]:
            self.units[i][unit] = [inputs, fresh or recorded[1], recorded[2]]
            self.dirty.add(i)
        return {"outputs": outputs, **recorded[2]}

    def _record(self, path: str, rel: str, old: Record | None, written_at: float,
                st: os.stat_result | None = None) -> Record:
        """The file's record, its hash taken from `old` when the stat (`st`, if taken already) matches
        outside the racy window."""
        st = st or os.stat(path)
        if old is not None and st.st_mtime < written_at - RACY_SECONDS:
            _, size, mtime, ino, h = old.rsplit(" ", 4)
            if size == str(st.st_size) and mtime == str(st.st_mtime_ns) and ino == str(st.st_ino):
                return old
        with open(path, "rb") as handle:
            return f"{rel} {st.st_size} {st.st_mtime_ns} {st.st_ino} {digest(handle.read())}"

    def output(self, path: Path, observed: tuple[int, int, int, str] | None = None,
               data: bytes | None = None) -> Record:
        """An output's record: from what the planner read (`observed`: its stat before the read and
        the hash of what it read), from what the pull just wrote (`data`), or read now."""
        rel = self.project.display(path)
        if observed is not None:
            return f"{rel} {observed[0]} {observed[1]} {observed[2]} {observed[3]}"
        if data is not None:  # stat after the write: mtime is racy until the shard is older than it
            st = os.stat(path)
            return f"{rel} {st.st_size} {st.st_mtime_ns} {st.st_ino} {digest(data)}"
        return self._record(str(path), rel, None, 0.0)

    def record(self, unit: str, inputs: list[Record], outputs: list[Record], extra: dict[str, Any]) -> None:
        if self.enabled:
            i = self._shard(unit)
            self.units[i][unit] = [inputs, outputs, extra]
            self.dirty.add(i)

    def forget(self, unit: str) -> None:
        if self.enabled:
            i = self._shard(unit)
            if self.units[i].pop(unit, None) is not None:
                self.dirty.add(i)

    def save(self) -> None:
        """The shards that changed (best effort: a read-only tree or a full disk only costs speed next time)."""
        if not self.dirty:
            return
        from .cache import ignore_state_folder, prune
        from .catalog import atomic_write

        now = time.time()
        new = not self.folder.is_dir()
        try:
            for i in sorted(self.dirty):
                payload = {"code": self.code, "written_at": now, "units": self.units[i]}
                atomic_write(self.folder / f"{i:02d}.json",
                             json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            ignore_state_folder(self.project.root)
        except OSError:
            return
        self.dirty.clear()
        if new:  # other code versions' and configs' states (and the one-file state of older locflows)
            prune(self.folder.parent, r"pull-[0-9a-f]{12}(\.json)?", self.folder, KEEP_OTHERS)


def _well_formed(units: Any) -> bool:
    """A shard as `save` writes it (a file edited by hand is ignored, not a crash later on)."""
    return isinstance(units, dict) and all(
        isinstance(unit, list) and len(unit) == 3 and isinstance(unit[2], dict)
        and all(isinstance(files, list) and all(isinstance(r, str) and r.count(" ") >= 4 for r in files)
                for files in unit[:2])
        for unit in units.values())


def _same_files(recorded: list[Record], inputs: list[Record]) -> bool:
    """The same source files with the same content (their stat may differ)."""
    return len(recorded) == len(inputs) and all(
        a.rsplit(" ", 4)[0] == b.rsplit(" ", 4)[0] and a.rsplit(" ", 1)[1] == b.rsplit(" ", 1)[1]
        for a, b in zip(recorded, inputs))

