"""The fast path for warm status/check answers exactly like the typer CLI, and never from a stale cache."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from locflow.cli import app
from locflow.fastpath import parse

from .conftest import copy_sample, edit_file


def fast(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "locflow", *args], cwd=root, capture_output=True, text=True, env=env)


def slow(root: Path, *args: str):
    """The typer path, run from the project folder as `fast` is (check paths are relative to it)."""
    here = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(app, ["--config", str(root / "workflow.yaml"), *args], env={"COLUMNS": "120"})
    finally:
        os.chdir(here)


@pytest.mark.parametrize("args", [
    ["status", "--format", "json"], ["status"], ["status", "--lang", "et,ru", "--format", "json"],
    ["status", "--catalog", "articles"], ["check", "--format", "json"], ["check"],
    ["check", "--format", "github"], ["check", "--format", "junit", "--lang", "uk"],
    ["check", "--only", "unreviewed", "--catalog", "articles/kyiv-disinformation-response"],
])
def test_fast_path_prints_what_typer_prints(sample, args):
    expected = slow(sample, *args)
    for _ in range(2):  # cold, then from the output cache
        got = fast(sample, *args)
        assert got.returncode == expected.exit_code
        assert got.stdout == expected.stdout


def test_output_cache_follows_edits_even_within_the_same_second(sample):
    first = fast(sample, "status", "--format", "json").stdout
    assert fast(sample, "status", "--format", "json").stdout == first
    path = sample / "locales/et/LC_MESSAGES/ui.po"
    po = polib.pofile(str(path))
    po[0].msgstr = ""
    po.save()
    changed = fast(sample, "status", "--format", "json").stdout
    assert changed != first and '"untranslated": 1' in changed
    # a same-size edit right after a cached run is still seen
    assert fast(sample, "status", "--format", "json").stdout == changed
    article = sample / "locales/uk/articles/chisinau-energy-interconnection.po"
    text = article.read_text(encoding="utf-8")
    assert "#, fuzzy\n" in text
    article.write_text(text.replace("#, fuzzy\n", "#, fuzzz\n", 1), encoding="utf-8")
    again = fast(sample, "status", "--format", "json").stdout
    assert again != changed


def test_check_errors_and_usage_go_the_usual_way(sample):
    bad = fast(sample, "check", "--only", "nonsense")
    assert bad.returncode == 2 and "unknown check" in bad.stderr and "Traceback" not in bad.stderr
    (sample / "workflow.yaml").write_text("site: x\nlanguages: [en, xx]\nsource_language: en\n")
    broken = fast(sample, "status")
    assert broken.returncode == 2 and "workflow.yaml:2" in broken.stderr


@pytest.mark.parametrize("argv, handled", [
    (["status"], True), (["status", "--format=json"], True), (["--config", "w.yaml", "check", "-f", "github"], True),
    (["status", "--help"], False), (["--version"], False), (["check", "--list"], False),
    (["status", "--format", "xml"], False), (["check", "--lang"], False), ([], False), (["--debug", "status"], False),
])
def test_parse_hands_everything_unusual_to_typer(argv, handled):
    assert (parse(argv) is not None) is handled


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".locflow" not in p.parts}


@pytest.mark.parametrize("args", [["pull"], ["pull", "--dry-run"], ["pull", "--check"], ["pull", "--purge-obsolete"]])
def test_fast_pull_prints_and_writes_what_typer_does(tmp_path, args):
    """`pull` skips typer's command tree: same output, exit code and files, after an edit, a new
    article and a deleted one (an orphan), and then again on the tree it left."""
    trees = [copy_sample(tmp_path / "fast"), copy_sample(tmp_path / "slow")]
    for root in trees:
        edit_file(root, "site/articles/baltic-air-policing-rotation.md", "Allied jets begin", "Allied jets start")
        (root / "site/articles/eu-dual-use-export-checks.md").unlink()
        article = (root / "site/articles/chisinau-energy-interconnection.md").read_text(encoding="utf-8")
        (root / "site/articles/new-story.md").write_text(
            article.replace("slug: chisinau-energy-interconnection", "slug: new-story"), encoding="utf-8")
    fast_root, slow_root = trees
    for _ in range(2):
        got, expected = fast(fast_root, *args), slow(slow_root, *args)
        assert (got.returncode, got.stdout) == (expected.exit_code, expected.stdout)
        assert _tree(fast_root).keys() == _tree(slow_root).keys()
        assert _tree(fast_root) == _tree(slow_root)


def test_fast_pull_errors_go_the_usual_way(sample):
    (sample / "site/articles/baltic-air-policing-rotation.md").write_text("---\nslug: [\n---\n", encoding="utf-8")
    got, expected = fast(sample, "pull"), slow(sample, "pull")
    assert got.returncode == expected.exit_code == 2
    assert got.stdout == expected.stdout and "skipped 1 file" in got.stdout
    assert "baltic-air-policing-rotation.md" in got.stderr and "Traceback" not in got.stderr
    (sample / "workflow.yaml").write_text("site: x\nlanguages: [en, xx]\nsource_language: en\n")
    broken = fast(sample, "pull")
    assert broken.returncode == 2 and "workflow.yaml:2" in broken.stderr and "Traceback" not in broken.stderr


@pytest.mark.parametrize("content", ["null", "[]", '{"length": "x"}', '{"files": {"a": 5}, "code": 1}'])
def test_a_cache_file_edited_by_hand_is_recomputed_not_a_crash(sample, content):
    """Any file under .locflow/cache/ that is not what locflow wrote is ignored: the answer is
    computed again, the same as without a cache (never a traceback, never exit 1 for it)."""
    for args in (["status", "--format", "json"], ["check", "--format", "json"]):
        first = fast(sample, *args)
        for path in (sample / ".locflow" / "cache").glob("*.json"):
            path.write_text(content, encoding="utf-8")
        again = fast(sample, *args)
        assert (again.returncode, again.stdout) == (first.returncode, first.stdout), again.stderr
        assert "Traceback" not in again.stderr


def test_an_internal_error_is_one_line_and_exit_2(sample, tmp_path):
    """A bug in locflow on the fast path reads as the typer path prints it: one line naming the
    exception and how to see the traceback, exit 2 (never 1, which means findings)."""
    shadow = tmp_path / "shadow" / "locflow"
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[1] / "src" / "locflow", shadow,
                    ignore=shutil.ignore_patterns("__pycache__"))
    status = shadow / "status.py"
    status.write_text(status.read_text(encoding="utf-8").replace(
        '    files = project.catalog_files(languages, catalogs, shard)\n',
        '    files = project.catalog_files(languages, catalogs, shard)\n    raise ZeroDivisionError("boom")\n', 1),
        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(shadow.parent), "COLUMNS": "200"}
    result = subprocess.run([sys.executable, "-m", "locflow", "status", "--format", "json"], cwd=sample,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "internal error: ZeroDivisionError: boom" in result.stderr and "locflow --debug" in result.stderr
