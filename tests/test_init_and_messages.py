"""`init` leaves a project git can hold; usage errors are one line; new catalogs pass `msgfmt -c` quietly."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib
import pytest

from .conftest import pull


def locflow(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "locflow", *args], capture_output=True, text=True, cwd=cwd)


def test_init_writes_a_gitignore_for_what_locflow_generates(tmp_path: Path):
    (tmp_path / ".gitignore").write_text("node_modules/\nbuild/\n")
    result = locflow("init", "--site", "My News", "--languages", "et,lv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["node_modules/", "build/"]  # kept as it was
    assert {".locflow/", "build/", "report.html"} <= set(lines) and lines.count("build/") == 1
    again = locflow("init", "--site", "My News", "--languages", "et,lv", "--force", cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / ".gitignore").read_text().splitlines() == lines


@pytest.mark.parametrize("args, says", [
    (["init", "--languages", "et"], "error: Missing option '--site'."),
    (["status", "--bogus"], "error: No such option: --bogus"),
    (["review", "approve"], "error: Missing option"),
])
def test_a_usage_error_is_one_line_like_every_other_error(tmp_path: Path, args: list[str], says: str):
    result = locflow(*args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(says), result.stderr
    assert len(lines) == 2 and lines[1].startswith("  hint: see `"), result.stderr
    assert "╭" not in result.stderr and "Traceback" not in result.stderr


def test_new_catalogs_pass_msgfmt_check_without_warnings(project: Path):
    assert pull(project).exit_code == 0
    for path in sorted((project / "locales").rglob("*.po")):
        proc = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert proc.returncode == 0 and proc.stderr == "", (path, proc.stderr)
    header = polib.pofile(str(project / "locales" / "et" / "LC_MESSAGES" / "ui.po")).metadata
    assert (header["PO-Revision-Date"], header["Last-Translator"], header["Language-Team"]) == \
        ("1970-01-01 00:00+0000", "none yet", "Estonian")
