"""The archive generator deletes and rewrites its output folder: only one it wrote itself."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import REPO

SCRIPT = REPO / "benchmarks" / "archive.py"


def generate(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--articles", "2", "--out", str(out)], capture_output=True,
                          text=True, timeout=300)


def test_it_regenerates_its_own_archive_and_refuses_other_folders(tmp_path):
    out = tmp_path / "archive"
    first = generate(out)
    assert first.returncode == 0, first.stderr
    assert len(list((out / "site" / "articles").glob("*.md"))) == 2 and (tmp_path / "archive-flat").is_dir()
    assert generate(out).returncode == 0  # its own archive: replaced
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.txt").write_text("keep me", encoding="utf-8")  # someone's folder as --out
    (tmp_path / "other").mkdir()  # empty, but its -flat sibling is someone's
    for out, kept in ((tmp_path / "notes", tmp_path / "notes"), (tmp_path / "other", tmp_path / "other-flat")):
        if kept.name.endswith("-flat"):
            kept.mkdir()
            (kept / "notes.txt").write_text("keep me", encoding="utf-8")
        refused = generate(out)
        assert refused.returncode != 0 and "is not an archive this script wrote" in refused.stderr
        assert (kept / "notes.txt").read_text(encoding="utf-8") == "keep me"
