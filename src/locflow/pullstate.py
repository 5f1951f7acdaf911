"""What the last pull left current, so the next one re-extracts and re-merges only what changed.

A unit of extraction is one article, or one labels catalog with all its templates. For each,
`.locflow/cache/pull-*.json` keeps the hash of its inputs (the source files' bytes) and the
hashes of the template and catalogs that were current for exactly those inputs. A unit whose
inputs and outputs still hash the same is not extracted or merged again: a catalog edited by
hand, a deleted template or an edited article sends its unit back to a full extraction. The
state file is keyed by workflow.yaml, the purge option and locflow's own code (see cache.py), so
any of those changing means one full pull. File hashes are trusted from size and mtime outside
the racy window, as git does.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .project import Project


class PullState:
    def __init__(self, project: "Project", purge_obsolete: bool) -> None:
        from .cache import FileCache, digest, enabled

        self.project = project
        self.cache = None
        if enabled():
            signature = digest(project.config.path.read_bytes() + (b"\0purge" if purge_obsolete else b"\0keep"))
            self.cache = FileCache(project.root, "pull", signature)

    def inputs(self, paths: list[Path], shown: list[str] | None = None) -> str:
        """One hash for a unit's source files: their names (`shown`, when the caller has them) and contents."""
        from .cache import digest

        if self.cache is None:
            return ""
        shown = shown or [self.project.display(p) for p in paths]
        return digest("\n".join(f"{rel}={self.cache.hash(p, rel)}" for p, rel in zip(paths, shown)).encode())

    def current(self, unit: str, inputs: str) -> dict[str, Any] | None:
        """The recorded outputs of a unit when its inputs and every output are as recorded."""
        if self.cache is None:
            return None
        known = self.cache.recall("@unit:" + unit, inputs)
        if known is None:
            return None
        root = str(self.project.root)
        for rel, expected in known["outputs"].items():
            try:
                if self.cache.hash(root + "/" + rel, rel) != expected:
                    return None
            except OSError:
                return None  # deleted (or unreadable): extract again
        return known

    def record(self, unit: str, inputs: str, outputs: dict[str, str], extra: dict[str, Any]) -> None:
        if self.cache is not None:
            self.cache.remember("@unit:" + unit, inputs, {"outputs": outputs, **extra})

    def forget(self, unit: str) -> None:
        if self.cache is not None:
            self.cache.forget("@unit:" + unit)

    def observed(self, path: Path, size: int, mtime_ns: int, hash: str) -> str:
        """A hash the planner took while reading the file anyway: no second read."""
        if self.cache is not None:
            self.cache.know_hash(path, size, mtime_ns, hash)
        return hash

    def file_hash(self, path: Path) -> str:
        from .cache import digest

        return self.cache.hash(path) if self.cache is not None else digest(path.read_bytes())

    def save(self) -> None:
        if self.cache is not None:
            self.cache.save()
