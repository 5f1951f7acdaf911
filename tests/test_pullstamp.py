"""The pull stamp: `locflow pull` on a tree exactly as a no-op pull left it answers without loading the
project, and any change at all (even one that keeps a file's size) goes to the full pull, which
then writes exactly what a pull without any state writes."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import pytest

from .conftest import edit_file, run_locflow, write
from .test_pull_incremental import ARTICLE, NEW_ARTICLE, SLUG, age, pulled, tree  # noqa: F401 - fixture

STAMP = Path(".locflow/cache/pull-stamp.json")


@pytest.fixture
def stamped(pulled: Path) -> Path:
    """The sample, pulled, with a stamp younger than every file by more than the racy window."""
    (pulled / STAMP).unlink(missing_ok=True)
    result = run_locflow("pull", cwd=pulled)
    assert result.returncode == 0 and "up to date" in result.stdout, result.stderr
    assert (pulled / STAMP).is_file()
    return pulled


def same_size(root: Path, rel: str = ARTICLE) -> None:
    """Change one letter of the article, keeping its size: only its mtime tells."""
    old, new = "## Як працюватиме система", "## Як працюватиме системи"
    assert len(old.encode()) == len(new.encode())
    edit_file(root, rel, old, new)


CHANGES: dict[str, Callable[[Path], None]] = {
    "article edited, same size": lambda root: same_size(root, ARTICLE),
    "article added": lambda root: write(root / "site/articles/riga-port-inspections.md", NEW_ARTICLE),
    "article deleted": lambda root: (root / ARTICLE).unlink(),
    "article renamed": lambda root: (root / ARTICLE).rename(root / "site/articles/0-kyiv.md"),
    "template edited": lambda root: edit_file(root, "site/templates/article.html", '{{ _("Related Articles") }}',
                                              '{{ _("Related Articles") }} {{ _("More from this section") }}'),
    "catalog edited by hand": lambda root: edit_file(root, f"locales/et/articles/{SLUG}.po",
                                                     '"X-Source-Language: uk\\n"\n', ""),
    "catalog deleted": lambda root: (root / f"locales/lv/articles/{SLUG}.po").unlink(),
    "template deleted": lambda root: (root / "locales/templates/ui.pot").unlink(),
    "stray catalog": lambda root: write(root / "locales/et/articles/gone-story.po", 'msgid ""\nmsgstr ""\n'),
    "stale temp file": lambda root: write(root / "locales/et/LC_MESSAGES/.ui.po.x1y2.tmp", "half"),
    "workflow edited": lambda root: edit_file(root, "workflow.yaml", "site: Estonian Free Press",
                                              "site: Estonian Free Press Weekly"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_goes_to_the_full_pull(stamped, change):
    stamp = json.loads((stamped / STAMP).read_text(encoding="utf-8"))
    answer = f"up to date ({stamp['templates']} templates, {stamp['catalogs']} catalogs)\n"
    full = stamped.parent / "full"
    shutil.copytree(stamped, full)
    shutil.rmtree(full / ".locflow")
    for root in (stamped, full):
        CHANGES[change](root)
        past = time.time() - 7200  # older than the stamp: only the stat itself can tell
        for path in root.rglob("*"):
            if path.is_file() and ".locflow" not in path.parts:
                os.utime(path, (past, past))
    with_stamp, without = run_locflow("pull", cwd=stamped), run_locflow("pull", cwd=full)
    assert (with_stamp.returncode, with_stamp.stdout, with_stamp.stderr) == \
        (without.returncode, without.stdout, without.stderr)
    if change == "stale temp file":
        assert not (stamped / "locales/et/LC_MESSAGES/.ui.po.x1y2.tmp").exists()
    else:
        assert with_stamp.stdout != answer
    assert tree(stamped) == tree(full)


def test_an_unchanged_tree_is_answered_from_the_stamp(stamped):
    again = run_locflow("pull", "--check", cwd=stamped)
    assert (again.returncode, again.stdout) == (0, "up to date (8 templates, 57 catalogs)\n")
    # The stamp answered: an article broken behind its back, size and mtime kept, is not read.
    path = stamped / ARTICLE
    st = path.stat()
    path.write_bytes(path.read_bytes().replace(b"language: uk", b"language: xx", 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert run_locflow("pull", cwd=stamped).stdout == again.stdout
    # Within the racy window the same trick is seen through: the full pull reads the article.
    os.utime(path)
    result = run_locflow("pull", cwd=stamped)
    assert result.returncode == 2 and f"{ARTICLE}:" in result.stderr


def test_no_stamp_without_the_cache_or_after_a_pull_that_changed_something(stamped, monkeypatch):
    (stamped / STAMP).unlink()
    same_size(stamped, ARTICLE)
    assert "updated" in run_locflow("pull", cwd=stamped).stdout
    assert not (stamped / STAMP).exists()  # what it wrote is racy: the next pull stamps
    monkeypatch.setenv("LOCFLOW_NO_CACHE", "1")
    assert "up to date" in run_locflow("pull", cwd=stamped).stdout
    assert not (stamped / STAMP).exists()


def test_template_warnings_come_back_from_the_stamp(stamped):
    write(stamped / "site/templates/partials/empty.html", '<p>{{ _("") }}</p>\n')
    age(stamped)
    first = run_locflow("pull", cwd=stamped)
    time.sleep(0.1)
    second = run_locflow("pull", cwd=stamped)
    assert "warning: site/templates/partials/empty.html:1:" in first.stderr
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)


def test_a_file_changed_while_the_pull_ran_is_never_stamped_current(stamped):
    """The stamp's racy window starts when the pull began: on an archive a pull takes minutes, and an
    article saved after the pull read it (long before the stamp is written) is not vouched for."""
    from locflow import pullstamp
    from locflow.project import Project

    project = Project.load(stamped / "workflow.yaml")
    stamp = json.loads((stamped / STAMP).read_text(encoding="utf-8"))
    began = time.time() - 60
    path = stamped / ARTICLE
    os.utime(path, (began + 30, began + 30))  # saved half-way through that pull
    pullstamp.record(project, stamp["templates"], stamp["catalogs"], (), started=began)
    assert pullstamp.lookup(stamped / "workflow.yaml") is None
    pullstamp.record(project, stamp["templates"], stamp["catalogs"], ())  # a pull that began after the save
    assert pullstamp.lookup(stamped / "workflow.yaml") is not None


def test_sync_with_nothing_to_do_leaves_the_stamp_alone(stamped):
    """`sync` runs the full pull path (no fast path answers it); finding the tree current, it keeps the
    stamp it found instead of writing the same stamp with a new time."""
    before = (stamped / STAMP).read_bytes(), (stamped / STAMP).stat().st_mtime_ns
    result = run_locflow("sync", cwd=stamped)
    assert result.returncode == 0, result.stderr
    assert ((stamped / STAMP).read_bytes(), (stamped / STAMP).stat().st_mtime_ns) == before


@pytest.mark.parametrize("field, value", [("warnings", "oops"), ("warnings", [{"a": 1}]), ("patterns", "site/*.md"),
                                          ("patterns", ["/etc/*"]), ("templates", "many"), ("sources", {"a": 5}),
                                          ("tree", 5), ("code", None)])
def test_a_stamp_edited_by_hand_is_not_trusted(stamped, field, value):
    """The stamp's answer is printed as it stands: one of another shape (edited by hand) is ignored
    and the full pull answers, never an internal error."""
    good = run_locflow("pull", cwd=stamped)
    stamp = json.loads((stamped / STAMP).read_text(encoding="utf-8"))
    (stamped / STAMP).write_text(json.dumps({**stamp, field: value}), encoding="utf-8")
    again = run_locflow("pull", cwd=stamped)
    assert (again.returncode, again.stdout, again.stderr) == (good.returncode, good.stdout, good.stderr)
