"""Incremental pull: with the state a previous pull left in .locflow/, every kind of change gives
exactly what a full pull (no state) gives: the same files, byte for byte, and the same report."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from .conftest import REPO, copy_sample, edit_file, pull, write
from locflow.checks.runner import run_checks
from locflow.fingerprint import code_fingerprint
from locflow.project import Project

ARTICLE = "site/articles/kyiv-disinformation-response.md"
SLUG = "kyiv-disinformation-response"

NEW_ARTICLE = """\
---
slug: riga-port-inspections
title: "Riga port steps up container inspections"
language: en
date: 2026-11-02
section: National Security
author: Ilze Berzina
summary: "Customs officers now scan every container bound for the east."
---

Customs officers at the port of Riga began scanning every container bound for the east on Monday.

- Scanners run around the clock.
- Results go to a shared register.
"""


def tree(root: Path) -> dict[str, bytes]:
    """Every project file but locflow's own state."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".locflow" not in p.relative_to(root).parts}


def age(root: Path) -> None:
    """Files last touched an hour ago: out of the racy window, so their stat is trusted."""
    past = time.time() - 3600
    for p in root.rglob("*"):
        if p.is_file() and ".locflow" not in p.parts:
            os.utime(p, (past, past))


@pytest.fixture
def pulled(tmp_path: Path) -> Path:
    """The sample project after a pull that left its state in .locflow/."""
    root = copy_sample(tmp_path / "base")
    age(root)
    first = pull(root)
    assert first.exit_code == 0 and "up to date" in first.stdout, first.output
    assert list((root / ".locflow" / "cache").glob("pull-*/*.json"))
    return root


def twins(pulled: Path, change: Callable[[Path], None], *args: str) -> tuple[str, Path]:
    """Apply `change` to two copies, pull one with the state and one without; both must agree."""
    incremental = pulled.parent / "incremental"
    full = pulled.parent / "full"
    shutil.copytree(pulled, incremental)
    shutil.copytree(pulled, full)
    shutil.rmtree(full / ".locflow")
    change(incremental)
    change(full)
    inc_run, full_run = pull(incremental, *args), pull(full, *args)
    assert (inc_run.exit_code, inc_run.output) == (full_run.exit_code, full_run.output)
    assert tree(incremental) == tree(full)
    again = pull(incremental, *args)  # and the state it recorded is right too
    if inc_run.exit_code == 0:
        assert again.exit_code == 0 and "up to date" in again.stdout, again.output
    else:
        assert (again.exit_code, again.output) == (inc_run.exit_code, inc_run.output)
    return inc_run.output, incremental


def test_nothing_changed_writes_nothing_and_reads_no_unchanged_source(pulled):
    output, root = twins(pulled, lambda root: None)
    assert "up to date" in output
    # With the state, an article whose size and mtime are unchanged is not read again (git's rule):
    # break its front matter behind the pull's back, keeping both.
    path = root / ARTICLE
    st = path.stat()
    text = path.read_bytes()
    path.write_bytes(text.replace(b"language: uk", b"language: xx", 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert "up to date" in pull(root).stdout
    shutil.rmtree(root / ".locflow")
    assert pull(root).exit_code == 2  # without the state it reads the article and refuses it


def test_article_edited_rewrites_only_its_template_and_catalogs(pulled):
    def change(root: Path) -> None:
        edit_file(root, ARTICLE, "## Як працюватиме система", "## Як працюватиме нова система")

    output, _ = twins(pulled, change)
    updated = [line.split(" ", 1)[1] for line in output.splitlines() if line.startswith("updated locales/")]
    assert updated and all(SLUG in path for path in updated), output
    assert f"locales/templates/articles/{SLUG}.pot" in updated


def test_article_added(pulled):
    output, root = twins(pulled, lambda root: write(root / "site/articles/riga-port-inspections.md", NEW_ARTICLE))
    assert (root / "locales/et/articles/riga-port-inspections.po").is_file()
    assert "riga-port-inspections" in output


@pytest.mark.parametrize("purge", [False, True])
def test_article_deleted(pulled, purge):
    args = ("--purge-obsolete",) if purge else ()
    output, root = twins(pulled, lambda root: (root / ARTICLE).unlink(), *args)
    assert "its article is gone" in output
    assert (root / f"locales/et/articles/{SLUG}.po").exists() is not purge


def test_article_renamed(pulled):
    def change(root: Path) -> None:
        (root / ARTICLE).rename(root / "site/articles/0-kyiv.md")  # same slug, new file: new source references

    output, root = twins(pulled, change)
    assert "site/articles/0-kyiv.md" in (root / f"locales/templates/articles/{SLUG}.pot").read_text(encoding="utf-8")


def test_slug_changed(pulled):
    output, _ = twins(pulled, lambda root: edit_file(root, ARTICLE, f"slug: {SLUG}", "slug: kyiv-fact-checks"))
    assert "kyiv-fact-checks" in output and "its article is gone" in output


def test_duplicate_slug_is_found_with_the_state_too(pulled):
    def change(root: Path) -> None:
        write(root / "site/articles/zz-copy.md", (root / ARTICLE).read_text(encoding="utf-8"))

    output, _ = twins(pulled, change)  # both refuse, with the same message
    assert f"slug `{SLUG}` is also used by {ARTICLE}" in output


def test_ui_template_edited(pulled):
    def change(root: Path) -> None:
        edit_file(root, "site/templates/article.html", '{{ _("Related Articles") }}',
                  '{{ _("Related Articles") }} {{ _("More from this section") }}')

    output, root = twins(pulled, change)
    assert "More from this section" in (root / "locales/et/LC_MESSAGES/ui.po").read_text(encoding="utf-8")
    assert "articles/" not in output


def test_glossary_edited(pulled):
    def change(root: Path) -> None:
        with (root / "glossaries/terms.csv").open("a", encoding="utf-8") as handle:
            handle.write("riga,term,no,Capital of Latvia.,Riga,Riia,Rīga,Ryga,Ryga,Riga,Рига,Рига"
                         ",,,,,,,,\n")

    output, _ = twins(pulled, change)
    assert "up to date" in output


@pytest.mark.parametrize("how", ["entry removed", "header removed", "translation edited", "catalog deleted",
                                 "template deleted", "re-wrapped"])
def test_catalog_edited_by_hand(pulled, how):
    rel = f"locales/et/articles/{SLUG}.po"

    def change(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        if how == "entry removed":
            blocks = text.split("\n\n")
            path.write_text("\n\n".join(blocks[:2] + blocks[3:]), encoding="utf-8")
        elif how == "header removed":
            edit_file(root, rel, '"X-Source-Language: uk\\n"\n', "")
        elif how == "translation edited":
            blocks = text.split("\n\n")
            blocks[2] = blocks[2].rsplit('msgstr "', 1)[0] + 'msgstr "Käsitsi muudetud"'
            path.write_text("\n\n".join(blocks), encoding="utf-8")
        elif how == "catalog deleted":
            path.unlink()
        elif how == "template deleted":
            (root / f"locales/templates/articles/{SLUG}.pot").unlink()
        else:
            import polib

            catalog = polib.pofile(str(path), wrapwidth=40)
            catalog.save()

    output, _ = twins(pulled, change)
    if how in ("translation edited", "re-wrapped"):
        assert "up to date" in output
    else:
        assert "updated" in output


def test_workflow_edited(pulled):
    def change(root: Path) -> None:
        edit_file(root, "workflow.yaml", "site: Estonian Free Press", "site: Estonian Free Press Weekly")

    output, _ = twins(pulled, change)
    assert "updated" in output


def test_stale_check_agrees_with_and_without_the_state(pulled, monkeypatch):
    edit_file(pulled, ARTICLE, "## Як працюватиме система", "## Як працюватиме нова система")
    with_state = run_checks(Project.load(pulled / "workflow.yaml"), only=["stale"])
    monkeypatch.setenv("LOCFLOW_NO_CACHE", "1")
    without = run_checks(Project.load(pulled / "workflow.yaml"), only=["stale"])
    assert with_state.findings == without.findings
    assert {f.path for f in with_state.findings} == {f"locales/{lang}/articles/{SLUG}.po"
                                                      for lang in ["en", "et", "lv", "lt", "pl", "ro", "ru"]}


def test_fingerprint_follows_the_code(tmp_path):
    package = tmp_path / "locflow"
    shutil.copytree(REPO / "src" / "locflow", package, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_fingerprint(package)
    assert before == code_fingerprint.__wrapped__(REPO / "src" / "locflow")
    checks = package / "checks" / "chars.py"
    checks.write_text(checks.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert code_fingerprint.__wrapped__(package) != before


def test_locflow_upgraded(pulled, tmp_path):
    """A newer locflow (here: one whose templates say more) must not trust the old one's state."""
    upgraded = tmp_path / "upgraded"
    shutil.copytree(REPO / "src" / "locflow", upgraded / "locflow", ignore=shutil.ignore_patterns("__pycache__"))
    source = upgraded / "locflow" / "sources" / "articles.py"
    text = source.read_text(encoding="utf-8")
    assert "comments=[unit.kind])" in text
    source.write_text(text.replace("comments=[unit.kind])", "comments=[unit.kind + ' (v2)'])"), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(upgraded), COLUMNS="200", NO_COLOR="1")

    def run(root: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "locflow", "pull"], cwd=root, capture_output=True, text=True,
                              env=env, timeout=120)

    incremental, full = pulled.parent / "incremental", pulled.parent / "full"
    shutil.copytree(pulled, incremental)
    shutil.copytree(pulled, full)
    shutil.rmtree(full / ".locflow")
    inc_run, full_run = run(incremental), run(full)
    assert inc_run.returncode == full_run.returncode == 0, inc_run.stderr
    assert inc_run.stdout == full_run.stdout
    assert "(v2)" in (incremental / f"locales/templates/articles/{SLUG}.pot").read_text(encoding="utf-8")
    assert tree(incremental) == tree(full)


def test_a_skipped_catalog_is_planned_again_once_it_is_fixed(pulled):
    """A catalog that cannot be read is skipped; its unit is not recorded, so once the catalog is
    repaired the next pull merges the article's change into it, as a full pull does."""
    rel = f"locales/et/articles/{SLUG}.po"
    good = (pulled / rel).read_bytes()
    incremental, full = pulled.parent / "incremental", pulled.parent / "full"
    shutil.copytree(pulled, incremental)
    shutil.copytree(pulled, full)
    shutil.rmtree(full / ".locflow")
    for root in (incremental, full):
        edit_file(root, ARTICLE, "## Як працюватиме система", "## Як працюватиме нова система")
        (root / rel).write_bytes(good + b'\nmsgid "unterminated\n')
        broken = pull(root)
        assert broken.exit_code == 2 and f"{rel}:" in broken.stderr
        assert (root / rel).read_bytes().endswith(b'"unterminated\n')  # never half-fixed
        (root / rel).write_bytes(good)
    inc_run, full_run = pull(incremental), pull(full)
    assert inc_run.exit_code == full_run.exit_code == 0, inc_run.output
    assert f"updated {rel}" in inc_run.stdout and inc_run.stdout == full_run.stdout
    assert tree(incremental) == tree(full)


def test_template_warnings_are_repeated_when_the_state_vouches_for_the_labels(pulled):
    write(pulled / "site/templates/partials/empty.html", '<p>{{ _("") }}</p>\n')
    first, second = pull(pulled), pull(pulled)
    warning = "warning: site/templates/partials/empty.html:1:"
    assert warning in first.stderr and "up to date" in second.stdout
    assert warning in second.stderr  # from the state: the template was not extracted again
    findings = run_checks(Project.load(pulled / "workflow.yaml"), only=["empty-msgid"]).findings
    assert [(f.check, f.path, f.line) for f in findings] == [("empty-msgid", "site/templates/partials/empty.html", 1)]


CUSTOM = """\
site: Example
source_language: en
languages: [en, et]
catalogs:
  ui:
    kind: labels
    sources: ["labels.txt"]
    extract:
      "labels.txt": {module}:extract
"""
EXTRACTOR = """\
def extract(fileobj, keywords, comment_tags, options):
    for n, line in enumerate(fileobj.read().decode().splitlines(), 1):
        if line.startswith("LABEL "):
            yield n, "_", line[6:]{change}, []
"""


def test_a_custom_extractor_is_run_on_every_pull(tmp_path, monkeypatch):
    """The project's own extractor is code locflow's fingerprint does not cover: no state or stamp
    vouches for its catalog, so an edited extractor shows on the next pull."""
    import sys

    module = "locflow_test_extractor"
    monkeypatch.syspath_prepend(str(tmp_path / "code"))
    write(tmp_path / "code" / f"{module}.py", EXTRACTOR.format(change=""))
    root = tmp_path / "proj"
    write(root / "workflow.yaml", CUSTOM.format(module=module))
    write(root / "labels.txt", "LABEL Front page\n")
    assert pull(root).exit_code == 0
    age(root)
    assert "up to date" in pull(root).stdout
    assert not (root / ".locflow" / "cache" / "pull-stamp.json").exists()
    write(tmp_path / "code" / f"{module}.py", EXTRACTOR.format(change=".upper()"))
    monkeypatch.delitem(sys.modules, module, raising=False)
    again = pull(root)
    assert again.exit_code == 0 and "updated locales/templates/ui.pot" in again.stdout, again.output
    assert 'msgid "FRONT PAGE"' in (root / "locales/et/LC_MESSAGES/ui.po").read_text(encoding="utf-8")


def shards(root: Path) -> dict[str, int]:
    """Each pull-state shard file -> its mtime_ns."""
    return {p.name: p.stat().st_mtime_ns for p in (root / ".locflow" / "cache").glob("pull-*/*.json")}


def test_an_edited_article_rewrites_one_shard_of_the_state(pulled):
    """On an archive the state of 2,000 articles must not be rewritten for one: only the shard that
    holds the edited article's unit changes."""
    age(pulled)
    pull(pulled)  # records the new stats
    before = shards(pulled)
    assert len(before) > 1  # the sample's units are spread over several shards
    time.sleep(0.01)
    edit_file(pulled, ARTICLE, "## Як працюватиме система", "## Як працюватиме нова система")
    assert "updated" in pull(pulled).stdout
    after = shards(pulled)
    assert after.keys() == before.keys()
    assert [name for name in after if after[name] != before[name]] == [f"{shard_of(f'articles:{ARTICLE}'):02d}.json"]


def shard_of(unit: str) -> int:
    import zlib

    from locflow.pullstate import SHARDS

    return zlib.crc32(unit.encode("utf-8")) % SHARDS


@pytest.mark.parametrize("damage", ["not JSON", "another locflow's", "wrong shape", "a unit's wrong shape",
                                    "a record cut short", "a size that is no number", "emptied"])
def test_a_damaged_shard_is_pulled_again_not_trusted(pulled, damage):
    """A shard that cannot be read, or was written by other code, is ignored: its units are extracted
    and merged again, and the result is what a full pull gives."""
    import json

    path = next(p for p in (pulled / ".locflow" / "cache").glob("pull-*/*.json")
                if f'"articles:{ARTICLE}"' in p.read_text(encoding="utf-8"))
    data = json.loads(path.read_text(encoding="utf-8"))
    if damage == "not JSON":
        path.write_text('{"code": "', encoding="utf-8")
    elif damage == "another locflow's":
        path.write_text(json.dumps({**data, "code": "0" * 32}), encoding="utf-8")
    elif damage == "wrong shape":
        path.write_text(json.dumps({**data, "units": [1, 2]}), encoding="utf-8")
    elif damage == "a unit's wrong shape":
        path.write_text(json.dumps({**data, "units": {**data["units"], f"articles:{ARTICLE}": "?"}}), encoding="utf-8")
    elif damage == "a size that is no number":
        for unit in data["units"].values():
            for files in unit[:2]:
                files[:] = [" ".join([r.rsplit(" ", 4)[0], "big", *r.rsplit(" ", 3)[1:]]) for r in files]
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "a record cut short":
        unit = data["units"][f"articles:{ARTICLE}"]
        unit[1][0] = unit[1][0].rsplit(" ", 2)[0]
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text("", encoding="utf-8")

    def change(root: Path) -> None:  # behind a trusted stat: only a re-extraction finds it
        rel = f"locales/et/articles/{SLUG}.po"
        st = (root / rel).stat()
        blocks = (root / rel).read_text(encoding="utf-8").split("\n\n")
        (root / rel).write_text("\n\n".join(blocks[:2] + blocks[3:]), encoding="utf-8")
        os.utime(root / rel, ns=(st.st_atime_ns, st.st_mtime_ns))

    output, incremental = twins(pulled, change)
    assert f"updated locales/et/articles/{SLUG}.po" in output
    rewritten = json.loads((incremental / path.relative_to(pulled)).read_text(encoding="utf-8"))
    assert rewritten["code"] == code_fingerprint() and f"articles:{ARTICLE}" in rewritten["units"]  # written anew


def test_a_touched_file_is_hashed_once_then_trusted_again(pulled):
    """Same bytes, new mtime (a checkout, `touch`): the content decides, nothing is re-extracted, and
    the new stat is recorded so the next pull trusts it without reading."""
    age(pulled)
    pull(pulled)  # records the new stats
    before = shards(pulled)
    past = time.time() - 60
    os.utime(pulled / f"locales/lv/articles/{SLUG}.po", (past, past))
    assert "up to date" in pull(pulled).stdout
    refreshed = shards(pulled)
    assert [name for name in refreshed if refreshed[name] != before[name]] == \
        [f"{shard_of(f'articles:{ARTICLE}'):02d}.json"]
    assert "up to date" in pull(pulled).stdout
    assert shards(pulled) == refreshed  # nothing new to record


def test_states_of_other_versions_do_not_pile_up(tmp_path):
    """Each code version and config writes its own state; a new one removes all but the latest other
    (which may be `pull --purge-obsolete`'s), and the one-file state older locflows wrote."""
    root = copy_sample(tmp_path / "site")
    cache = root / ".locflow" / "cache"
    cache.mkdir(parents=True)
    for n, name in enumerate(["pull-aaaaaaaaaaaa", "pull-bbbbbbbbbbbb", "pull-cccccccccccc"]):
        (cache / name).mkdir()
        (cache / name / "00.json").write_text("{}", encoding="utf-8")
        os.utime(cache / name, (1000 + n, 1000 + n))  # c is the latest of them
    (cache / "pull-dddddddddddd.json").write_text("{}", encoding="utf-8")
    os.utime(cache / "pull-dddddddddddd.json", (500, 500))
    (cache / "pull-stamp.json").write_text("{}", encoding="utf-8")
    assert pull(root).exit_code == 0
    left = sorted(p.name for p in cache.iterdir() if p.name.startswith("pull-"))
    assert len(left) == 3 and "pull-cccccccccccc" in left and "pull-stamp.json" in left, left
    assert not (cache / "pull-dddddddddddd.json").exists()


@pytest.mark.parametrize("stamp", [True, False])
def test_a_source_swapped_for_one_of_the_same_size_and_mtime_is_seen(pulled, stamp):
    """Size and mtime are not enough (git compares the inode too): an article link pointed at
    another file of the same size and mtime, or a file replaced by `mv`, is another file."""
    drafts = pulled / "site" / "drafts"
    drafts.mkdir()
    article = pulled / ARTICLE
    shutil.move(article, drafts / "v1.md")
    article.symlink_to(Path("..") / "drafts" / "v1.md")
    text = (drafts / "v1.md").read_text(encoding="utf-8")
    old, new = "## Як працюватиме система", "## Як працюватиме системи"
    assert len(old.encode()) == len(new.encode())
    (drafts / "v2.md").write_text(text.replace(old, new), encoding="utf-8")
    age(pulled)  # both versions: the same size and the same mtime
    assert "up to date" in pull(pulled).stdout  # the same text behind a link: the new stat is recorded
    assert "up to date" in pull(pulled).stdout
    if not stamp:
        (pulled / ".locflow" / "cache" / "pull-stamp.json").unlink()
    article.unlink()
    article.symlink_to(Path("..") / "drafts" / "v2.md")
    full = pulled.parent / "full"
    shutil.copytree(pulled, full, symlinks=True)
    shutil.rmtree(full / ".locflow")
    inc_run, full_run = pull(pulled), pull(full)
    assert "updated" in inc_run.stdout and (inc_run.exit_code, inc_run.output) == (full_run.exit_code, full_run.output)
    assert tree(pulled) == tree(full)
