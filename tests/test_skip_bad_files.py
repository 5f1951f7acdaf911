"""One bad article or corrupt catalog is reported with file:line and skipped; the rest is done; exit 2."""
from __future__ import annotations

import polib
import pytest

from .conftest import snapshot, write
from .mt_server import MTServer
from .test_translate import write_project

BAD_ARTICLE = """\
---
slug: no-title
language: en
date: 2026-10-03
section: National Security
author: Kadri Saar
summary: "The title field is missing."
---

A paragraph that never reaches a catalog.
"""


def test_pull_skips_an_article_missing_a_field_and_pulls_the_rest(project, run_cli):
    write(project / "site" / "articles" / "aaa-no-title.md", BAD_ARTICLE)  # sorted first: it used to stop all
    result = run_cli("pull", cwd=project)
    assert result.exit_code == 2
    assert "error: site/articles/aaa-no-title.md:" in result.stderr and "title" in result.stderr
    assert (project / "locales" / "et" / "articles" / "harbour-drill.po").is_file()
    assert (project / "locales" / "et" / "LC_MESSAGES" / "ui.po").is_file()
    assert not (project / "locales" / "templates" / "articles" / "no-title.pot").exists()


def test_pull_skips_a_corrupt_catalog_and_merges_the_others(project, run_cli):
    assert run_cli("pull", cwd=project).exit_code == 0
    broken = project / "locales" / "lv" / "LC_MESSAGES" / "ui.po"
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    write(project / "site" / "templates" / "extra.html", '{{ _("A brand new label") }}\n')
    before = broken.read_bytes()
    result = run_cli("pull", cwd=project)
    assert result.exit_code == 2
    assert "error: locales/lv/LC_MESSAGES/ui.po:" in result.stderr
    assert broken.read_bytes() == before  # never half-fixed
    et = polib.pofile(str(project / "locales" / "et" / "LC_MESSAGES" / "ui.po"))
    assert any(e.msgid == "A brand new label" for e in et)


def test_purge_removes_nothing_while_an_article_cannot_be_read(project, run_cli):
    assert run_cli("pull", cwd=project).exit_code == 0
    (project / "site" / "articles" / "harbour-drill.md").write_text(BAD_ARTICLE.replace("no-title", "harbour-drill"))
    before = snapshot(project)
    result = run_cli("pull", "--purge-obsolete", cwd=project)
    assert result.exit_code == 2
    assert (project / "locales" / "et" / "articles" / "harbour-drill.po").is_file()
    assert {k for k in before if k.startswith("locales/")} <= set(snapshot(project))


@pytest.fixture(scope="module")
def server():
    srv = MTServer().start()
    yield srv
    srv.stop()


def test_translate_skips_a_corrupt_catalog_and_translates_the_rest(tmp_path, server, run_cli):
    from locflow.project import Project
    from locflow.pull import pull as do_pull

    server.reset()
    config = write_project(tmp_path, server.url)
    do_pull(Project.load(config))
    broken = tmp_path / "locales" / "et" / "LC_MESSAGES" / "ui.po"
    broken.write_text(broken.read_text(encoding="utf-8").replace('msgid "Subscribe"', 'msgid "Subscribe\\q"'),
                      encoding="utf-8")
    before = broken.read_bytes()
    result = run_cli("translate", "--catalog", "ui", cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert "error: locales/et/LC_MESSAGES/ui.po:" in result.stderr
    assert broken.read_bytes() == before
    lv = polib.pofile(str(tmp_path / "locales" / "lv" / "LC_MESSAGES" / "ui.po"))
    assert all(e.msgstr or any(e.msgstr_plural.values()) for e in lv if not e.obsolete)
