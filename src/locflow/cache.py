"""A cache of per-file results under `.locflow/`, keyed by file content, never stale.

Every cache file is keyed by a fingerprint of locflow's own code (`fingerprint.py`), so an
edited check or extractor never serves results computed by the old code.
A file's entry is trusted when its size, mtime_ns and inode are unchanged and it was not modified
within the racy window around the cache write (as git does); otherwise the content hash
decides, and a changed file is re-read. Results are JSON-able data; a corrupt or foreign
cache file is ignored, never an error.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .fingerprint import code_fingerprint

CACHE_DIR = ".locflow"
RACY_SECONDS = 2.0
KEEP_OTHERS = 3  # caches of other code versions or selections kept besides the current one


def usable(root: Path) -> bool:
    """False when `.locflow` (or its cache folder) is a symlink: a cache read from, or written to, a
    folder outside the project could feed a run someone else's answers."""
    folder = root / CACHE_DIR
    return not folder.is_symlink() and not (folder / "cache").is_symlink()


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Miss:
    rel: str
    size: int
    mtime_ns: int
    ino: int
    hash: str
    data: bytes


class FileCache:
    """One JSON file mapping relative paths to (stat, hash, value) for one kind of result."""

    def __init__(self, root: Path, name: str, signature: str = "") -> None:
        self.root = root
        key = digest(f"{code_fingerprint()}\0{signature}".encode())[:12]
        self.name = name
        self.path = root / CACHE_DIR / "cache" / f"{name}-{key}.json"
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        self.written_at = 0.0
        self.usable = usable(root)
        try:
            if not self.usable:
                raise OSError("state folder is a symlink")
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("code") == code_fingerprint():
                self.entries = {key: item for key, item in data["files"].items() if _well_formed(key, item)}
                self.written_at = float(data.get("written_at", 0.0))
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            self.entries = {}

    def get(self, path: "Path | str", compute: Callable[[bytes], Any], *, key: str | None = None) -> Any:
        """Cached value for the file, or `compute(content)` stored for next time."""
        found, miss = self.lookup(path, key=key)
        if miss is None:
            return found
        value = compute(miss.data)
        self.store(miss, value)
        return value

    def lookup(self, path: "Path | str", *, key: str | None = None) -> tuple[Any, "Miss | None"]:
        """(value, None) on a hit; (None, miss) when the caller must compute and `store` it."""
        rel = key or path.relative_to(self.root).as_posix()
        st = os.stat(path)  # `path` may be a str: thousands of catalogs, no Path for each
        item = self.entries.get(rel)
        if item and item["size"] == st.st_size and item["mtime_ns"] == st.st_mtime_ns and item["ino"] == st.st_ino \
                and st.st_mtime < self.written_at - RACY_SECONDS:
            return item["value"], None
        with open(path, "rb") as handle:
            data = handle.read()
        h = digest(data)
        if item and item["hash"] == h:
            item.update(size=st.st_size, mtime_ns=st.st_mtime_ns, ino=st.st_ino)
            self.dirty = True
            return item["value"], None
        return None, Miss(rel, st.st_size, st.st_mtime_ns, st.st_ino, h, data)

    def store(self, miss: "Miss", value: Any) -> None:
        self.entries[miss.rel] = {"size": miss.size, "mtime_ns": miss.mtime_ns, "ino": miss.ino, "hash": miss.hash,
                                  "value": value}
        self.dirty = True

    def hash(self, path: "Path | str", rel: str | None = None) -> str:
        """Content hash of a file, re-read only when its stat changed (`rel`: its path from the root, if known).

        `lookup` and `store` inline, and the hash not stored twice: the project checks fingerprint
        every source file with it.
        """
        key = "#" + (rel or path.relative_to(self.root).as_posix())
        item = self.entries.get(key)
        st = os.stat(path)
        if item is not None and item["size"] == st.st_size and item["mtime_ns"] == st.st_mtime_ns \
                and item["ino"] == st.st_ino and st.st_mtime < self.written_at - RACY_SECONDS:
            return item["hash"]
        with open(path, "rb") as handle:
            h = digest(handle.read())
        if item is None or (item["hash"], item["size"], item["mtime_ns"], item["ino"]) != (h, st.st_size,
                                                                                          st.st_mtime_ns, st.st_ino):
            self.entries[key] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ino": st.st_ino, "hash": h}
            self.dirty = True
        return h

    def value(self, key: str, fingerprint: str, compute: Callable[[], Any]) -> Any:
        """A result that depends on many files, keyed by a fingerprint the caller computes."""
        item = self.entries.get(key)
        if item and item.get("hash") == fingerprint:
            return item["value"]
        value = compute()
        self.remember(key, fingerprint, value)
        return value

    def recall(self, key: str, fingerprint: str) -> Any:
        """The value stored under `key` for exactly this fingerprint, else None."""
        item = self.entries.get(key)
        return item["value"] if item and item.get("hash") == fingerprint else None

    def remember(self, key: str, fingerprint: str, value: Any) -> None:
        self.entries[key] = {"size": -1, "mtime_ns": -1, "ino": -1, "hash": fingerprint, "value": value}
        self.dirty = True

    def forget(self, key: str) -> None:
        if self.entries.pop(key, None) is not None:
            self.dirty = True

    def _encoded(self, written_at: float) -> Iterator[bytes]:
        """The cache file, one entry at a time: `json.dumps` of all of them at once would hold the
        whole text (and its bytes) in memory, hundreds of megabytes after a cold check of an archive."""
        yield f'{{"code":{json.dumps(code_fingerprint())},"written_at":{json.dumps(written_at)},"files":{{'.encode()
        yield from _encoded_entries(self.entries)
        yield b"}}"

    def save(self) -> None:
        """Best effort: a read-only tree or a full disk only costs speed next time."""
        if not self.dirty or not self.usable:
            return
        from .catalog import atomic_write

        new = not self.path.exists()
        try:
            atomic_write(self.path, self._encoded(time.time()))
            ignore_state_folder(self.root)
        except OSError:
            return
        self.dirty = False
        if new:  # another code version's (or check selection's) cache may be left: keep a few
            prune(self.path.parent, re.escape(self.name) + r"-[0-9a-f]{12}\.json", self.path, KEEP_OTHERS)


def _well_formed(key: str, item: Any) -> bool:
    """An entry as `store`, `hash` or `remember` write it; one edited by hand is dropped (computed again)."""
    return (isinstance(item, dict) and all(type(item.get(k)) is int for k in ("size", "mtime_ns", "ino"))
            and isinstance(item.get("hash"), str) and (key.startswith("#") or "value" in item))


def _encoded_entries(entries: dict[str, Any]) -> Iterator[bytes]:
    for i, (key, value) in enumerate(entries.items()):
        yield (("," if i else "") + json.dumps(key, ensure_ascii=False) + ":"
               + json.dumps(value, ensure_ascii=False, separators=(",", ":"))).encode("utf-8")


def prune(folder: Path, pattern: str, keep: Path, spare: int) -> None:
    """Delete the entries of `folder` whose name fully matches `pattern`, but `keep` and the `spare`
    most recently written others. Every code version (and config) writes its own cache, and nothing
    else ever removes the old ones: on an archive they are megabytes each. Best effort."""
    import shutil

    try:
        found = [p for p in folder.iterdir() if re.fullmatch(pattern, p.name) and p.name != keep.name]
        found.sort(key=lambda p: p.lstat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for path in found[spare:]:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue


def ignore_state_folder(root: Path) -> None:
    """`.locflow/` keeps its own .gitignore: nothing in it is ever committed."""
    ignore = root / CACHE_DIR / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")


def enabled() -> bool:
    return os.environ.get("LOCFLOW_NO_CACHE", "") in ("", "0")
