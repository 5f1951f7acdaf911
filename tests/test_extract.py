"""Extraction: UI labels from Jinja2 templates (plurals, contexts, comments) into the POT."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import build_project, po, pull, write
from locflow.errors import LocflowError
from locflow.sources.templates import extract_templates

PAGE = """\
{# a note for the developers, not for translators #}
<a href="/">{{ _("Home") }}</a>
{# Translators: label of the newsletter submit button #}
<button>{{ pgettext("button", "Subscribe") }}</button>
<h3>{{ pgettext("heading", "Subscribe") }}</h3>
{# Translators: estimated reading time #}
<span>{{ ngettext("%(num)d min read", "%(num)d mins read", minutes) }}</span>
<p>{% trans author=article.author %}By {{ author }}{% endtrans %}</p>
<p>{% trans count=n %}{{ count }} article
   found{% pluralize %}{{ count }} articles found{% endtrans %}</p>
<p>{{ npgettext("comments", "%(num)d reply", "%(num)d replies", r) }}</p>
<p>{{ gettext("Related Articles") }}</p>
<p>{{ _("") }}</p>
"""

FOOTER = """\
{# Translators: top navigation link to the front page #}
<a href="/">{{ _("Home") }}</a>
<p>{{ _("All rights reserved.") }}</p>
"""


def extract(tmp_path: Path, files: dict[str, str]):
    paths = [write(tmp_path / name, text) for name, text in files.items()]
    return extract_templates(tmp_path, paths)


def by_key(messages):
    return {(m.msgctxt, m.msgid): m for m in messages}


def test_every_gettext_form_is_extracted(tmp_path):
    messages = extract(tmp_path, {"page.html": PAGE})
    assert [(m.msgctxt, m.msgid, m.msgid_plural) for m in messages] == [
        (None, "Home", None),
        ("button", "Subscribe", None),
        ("heading", "Subscribe", None),
        (None, "%(num)d min read", "%(num)d mins read"),
        (None, "By %(author)s", None),
        (None, "%(count)s article found", "%(count)s articles found"),  # trimmed, like `babel.cfg: trimmed`
        ("comments", "%(num)d reply", "%(num)d replies"),
        (None, "Related Articles", None),
    ]


def test_locations_are_file_and_line(tmp_path):
    found = by_key(extract(tmp_path, {"page.html": PAGE}))
    assert found[(None, "Home")].locations == [("page.html", 2)]
    assert found[("heading", "Subscribe")].locations == [("page.html", 5)]
    assert found[(None, "%(count)s article found")].locations == [("page.html", 9)]
    assert found[("comments", "%(num)d reply")].locations == [("page.html", 11)]


def test_only_translator_comments_are_extracted_and_tag_is_stripped(tmp_path):
    found = by_key(extract(tmp_path, {"page.html": PAGE}))
    assert found[("button", "Subscribe")].comments == ["label of the newsletter submit button"]
    assert found[("heading", "Subscribe")].comments == []
    assert found[(None, "%(num)d min read")].comments == ["estimated reading time"]
    assert found[(None, "Home")].comments == []  # the developer note has no `Translators:` tag


def test_duplicates_across_files_merge_locations_and_comments(tmp_path):
    messages = extract(tmp_path, {"a/page.html": PAGE, "b/footer.html": FOOTER})
    homes = [m for m in messages if m.msgid == "Home"]
    assert len(homes) == 1
    assert homes[0].locations == [("a/page.html", 2), ("b/footer.html", 2)]
    assert homes[0].comments == ["top navigation link to the front page"]
    # first-seen order: the footer's new string comes after everything in page.html
    assert messages[-1].msgid == "All rights reserved."


def test_same_msgid_in_two_contexts_stays_two_messages(tmp_path):
    messages = extract(tmp_path, {"page.html": PAGE})
    assert sorted(m.msgctxt for m in messages if m.msgid == "Subscribe") == ["button", "heading"]


def test_template_syntax_error_names_file_and_line(tmp_path):
    # A template Jinja cannot parse must stop the pull: silently skipping it would make
    # every one of its strings obsolete in every catalog.
    broken = '<p>{{ _("Home") }}</p>\n<p>{{ _("Oops" }}</p>\n'
    with pytest.raises(LocflowError) as info:
        extract(tmp_path, {"broken.html": broken})
    assert info.value.path == "broken.html"
    assert info.value.line == 2


def test_unclosed_trans_block_is_an_error(tmp_path):
    with pytest.raises(LocflowError) as info:
        extract(tmp_path, {"broken.html": "<p>{{ _('Home') }}</p>\n<p>{% trans %}Never closed\n"})
    assert info.value.path == "broken.html"
    assert info.value.line is not None


def test_template_not_utf8(tmp_path):
    path = write(tmp_path / "latin.html", "<p>{{ _('Caf\xe9') }}</p>\n".encode("latin-1"))
    with pytest.raises(LocflowError) as info:
        extract_templates(tmp_path, [path])
    assert "UTF-8" in info.value.message
    assert info.value.path == "latin.html"


# --- the POT a pull writes -----------------------------------------------------------------------

@pytest.fixture
def pot(tmp_path):
    root = build_project(tmp_path / "proj", templates={"page.html": PAGE, "partials/footer.html": FOOTER})
    assert pull(root).exit_code == 0
    return root / "locales" / "templates" / "ui.pot"


def test_pot_entries_carry_context_plural_comments_and_references(pot):
    catalog = po(pot)
    entries = {(e.msgctxt, e.msgid): e for e in catalog}
    assert len(entries) == len(catalog) == 9
    reading = entries[(None, "%(num)d min read")]
    assert reading.msgid_plural == "%(num)d mins read"
    assert reading.comment == "estimated reading time"
    assert reading.occurrences == [("site/templates/page.html", "7")]
    assert reading.msgstr_plural == {0: "", 1: ""}
    assert entries[("button", "Subscribe")].comment == "label of the newsletter submit button"
    assert entries[(None, "Home")].occurrences == [("site/templates/page.html", "2"),
                                                   ("site/templates/partials/footer.html", "2")]


def test_pot_marks_python_format_only_where_there_are_placeholders(pot):
    entries = {(e.msgctxt, e.msgid): e for e in po(pot)}
    assert "python-format" in entries[(None, "By %(author)s")].flags
    assert "python-format" in entries[("comments", "%(num)d reply")].flags
    assert "python-format" not in entries[(None, "Related Articles")].flags
    assert "python-format" not in entries[("button", "Subscribe")].flags


def test_pot_header_has_no_language_and_no_dates(pot):
    catalog = po(pot)
    assert "Language" not in catalog.metadata
    assert "Plural-Forms" not in catalog.metadata
    assert "POT-Creation-Date" not in catalog.metadata  # reproducible: no timestamps
    assert catalog.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_pot_is_valid_for_gettext_tools(pot, tmp_path):
    # msgcat parses and re-emits it; it must agree on the set of messages.
    out = tmp_path / "roundtrip.pot"
    proc = subprocess.run(["msgcat", "-o", str(out), str(pot)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    ours = {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in po(pot)}
    theirs = {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in po(out)}
    assert ours == theirs


def test_article_units_become_pot_entries(tmp_path):
    article = """\
---
slug: radar-upgrade
title: "Coastal radar gets an upgrade"
language: en
date: 2026-10-01
section: Defence
author: Kadri Saar
summary: "Three stations receive new antennas."
---

Three stations on the coast receive new antennas this month.

## What changes

Three stations on the coast receive new antennas this month.

The work costs about 50% of the **original** budget.
"""
    root = build_project(tmp_path / "proj", articles={"radar.md": article})
    assert pull(root).exit_code == 0
    catalog = po(root / "locales" / "templates" / "articles" / "radar-upgrade.pot")
    entries = {e.msgid: e for e in catalog}
    assert list(entries) == [
        "Coastal radar gets an upgrade",
        "Three stations receive new antennas.",
        "Three stations on the coast receive new antennas this month.",
        "What changes",
        "The work costs about 50% of the <1>original</1> budget.",
    ]
    assert entries["Coastal radar gets an upgrade"].comment == "title"
    assert entries["Three stations receive new antennas."].comment == "summary"
    assert entries["What changes"].comment == "heading"
    repeated = entries["Three stations on the coast receive new antennas this month."]
    assert repeated.comment == "paragraph"
    assert repeated.occurrences == [("site/articles/radar.md", "11"), ("site/articles/radar.md", "15")]
    # article prose is not a format string
    assert entries["The work costs about 50% of the <1>original</1> budget."].flags == []


# --- flags and comments as pybabel writes them; babel's warnings as findings ---------------------

PYBABEL_PAGE = """\
{# Translators: the share button;
   network is Facebook, X or Telegram #}
<a>{{ _("Share on {network}") }}</a>
{# Translators: shown at the top
   of every article #}
<b>{{ _("100% independent") }}</b>
<b>{{ _("50% of readers finished this article") }}</b>
<b>{{ _("By %(author)s") }}</b>
<b>{{ _("Save 20%% today") }}</b>
<b>{{ _("Home") }}</b>
<b>{{ _("Save 5%") }}</b>
<p>{{ _("") }}</p>
"""


def test_flags_and_comments_are_those_pybabel_writes(tmp_path):
    import sys

    root = build_project(tmp_path / "proj", templates={"page.html": PYBABEL_PAGE}, articles={})
    (root / "site" / "articles").mkdir(parents=True, exist_ok=True)
    write(root / "workflow.yaml", (root / "workflow.yaml").read_text().split("  articles:")[0])
    assert pull(root).exit_code == 0
    ours = {e.msgid: (sorted(e.flags), e.comment) for e in po(root / "locales" / "templates" / "ui.pot")}
    write(tmp_path / "babel.cfg", "[jinja2: **.html]\nextensions=jinja2.ext.i18n\ntrimmed=true\n"
                                  "newstyle_gettext=true\n")
    out = tmp_path / "pybabel.pot"
    proc = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(tmp_path / "babel.cfg"),
                           "-c", "Translators:", "--no-wrap", "-o", str(out), "site"], cwd=root, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    theirs = {e.msgid: (sorted(e.flags), e.comment) for e in po(out)}
    assert ours == theirs
    assert ours["Share on {network}"] == (["python-brace-format"],
                                          "the share button;    network is Facebook, X or Telegram")
    assert ours["100% independent"][0] == ["python-format"]


def test_an_empty_msgid_is_a_finding_not_raw_stderr(tmp_path, run_cli):
    import json

    root = build_project(tmp_path / "proj", templates={"page.html": PYBABEL_PAGE})
    result = run_cli("pull", cwd=root)
    assert result.exit_code == 0
    assert "It is reserved by GNU gettext" not in result.output
    assert "warning: site/templates/page.html:12: empty msgid" in result.stderr
    checked = run_cli("check", "--format", "json", cwd=root)
    assert "It is reserved by GNU gettext" not in checked.output
    found = [f for f in json.loads(checked.stdout)["findings"] if f["check"] == "empty-msgid"]
    assert [(f["path"], f["line"], f["severity"]) for f in found] == [("site/templates/page.html", 12, "warning")]
    # It belongs to the template's catalog: --catalog selects it, another catalog's run does not list it.
    assert found[0]["catalog"] == "ui"
    others = run_cli("check", "--format", "json", "--only", "empty-msgid", "--catalog", "articles", cwd=root)
    assert json.loads(others.stdout)["findings"] == []
    mine = run_cli("check", "--format", "json", "--only", "empty-msgid", "--catalog", "ui", "--lang", "et", cwd=root)
    assert [f["line"] for f in json.loads(mine.stdout)["findings"]] == [12]


# --- `extract:` per file pattern, as pybabel's mapping file ------------------------------------

VIEWS_PY = '''\
from gettext import gettext as _, ngettext, pgettext


def page(n):
    # Translators: the page title
    title = _("Defence news")
    many = ngettext("%(n)d article", "%(n)d articles", n)
    return title, many, pgettext("menu", "Home")
'''

MAPPED = """\
site: Example
source_language: en
languages: [en, et]
catalogs:
  ui:
    kind: labels
    sources: ["app/**/*.py", "templates/*.html"]
    extract:
      "templates/draft.html": ignore
      "app/**.py": python
      "templates/**.html": jinja2
"""


def mapped_project(root: Path) -> Path:
    write(root / "app" / "news" / "views.py", VIEWS_PY)
    write(root / "templates" / "base.html", '<h1>{{ _("Defence news") }}</h1><p>{% trans %}Read more{% endtrans %}</p>\n')
    write(root / "templates" / "draft.html", '{{ _("Not ready") }}\n')
    write(root / "workflow.yaml", MAPPED)
    return root


def test_extract_mapping_reads_python_and_templates_as_pybabel_does(tmp_path, run_cli):
    import sys

    root = mapped_project(tmp_path / "proj")
    assert run_cli("pull", cwd=root).exit_code == 0
    ours = {(e.msgctxt, e.msgid, e.msgid_plural, e.comment, tuple(e.occurrences))
            for e in po(root / "locales" / "templates" / "ui.pot")}
    write(tmp_path / "mapping.cfg", "[ignore: templates/draft.html]\n[python: app/**.py]\n"
                                    "[jinja2: templates/**.html]\nextensions=jinja2.ext.i18n\n")
    out = tmp_path / "pybabel.pot"
    proc = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(tmp_path / "mapping.cfg"),
                           "-c", "Translators:", "--strip-comments", "-o", str(out), "."], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    theirs = {(e.msgctxt, e.msgid, e.msgid_plural, e.comment, tuple(e.occurrences)) for e in po(out)}
    assert ours == theirs
    assert (None, "Defence news", "", "the page title",
            (("app/news/views.py", "6"), ("templates/base.html", "1"))) in ours
    assert not any(msgid == "Not ready" for _, msgid, *_ in ours)


def test_without_extract_every_source_is_a_jinja2_template(tmp_path):
    paths = [write(tmp_path / "a.html", '{{ _("Home") }}\n')]
    assert [m.msgid for m in extract_templates(tmp_path, paths, methods=())] == ["Home"]


def test_python_syntax_error_names_file_and_line(tmp_path):
    paths = [write(tmp_path / "app" / "bad.py", 'x = _("unclosed bracket"\ny = 2\n')]
    with pytest.raises(LocflowError) as err:
        extract_templates(tmp_path, paths, methods=(("**.py", "python"),))
    assert err.value.path == "app/bad.py"
    assert err.value.line == 1 and "never closed" in err.value.message  # where the bracket opens, not the EOF


def test_a_source_no_extract_pattern_names_is_an_error_not_a_silent_template(tmp_path):
    """Found by a user: `app/*.py` does not match app/sub/more.py, which was then read as Jinja2 and gave nothing."""
    paths = [write(tmp_path / "app" / "sub" / "more.py", 'x = _("Hidden")\n')]
    with pytest.raises(LocflowError) as err:
        extract_templates(tmp_path, paths, methods=(("app/*.py", "python"),))
    assert err.value.path == "app/sub/more.py" and "no `extract:` pattern" in err.value.message
    assert [m.msgid for m in extract_templates(tmp_path, paths, methods=(("app/**.py", "python"),))] == ["Hidden"]


def test_a_custom_extractor_named_module_function_is_used(tmp_path, monkeypatch):
    write(tmp_path / "myextract.py", "def extract(fileobj, keywords, comment_tags, options):\n"
                                     "    for n, line in enumerate(fileobj.read().decode().splitlines(), 1):\n"
                                     "        if line.startswith('LABEL '):\n"
                                     "            yield n, '_', line[6:], []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    paths = [write(tmp_path / "labels.txt", "LABEL Front page\nother\nLABEL Archive\n")]
    found = extract_templates(tmp_path, paths, methods=(("*.txt", "myextract:extract"),))
    assert [(m.msgid, m.locations) for m in found] == [("Front page", [("labels.txt", 1)]),
                                                      ("Archive", [("labels.txt", 3)])]


@pytest.mark.parametrize("extract, message", [
    ('      "app/**.py": pyhton\n', "unknown extraction method `pyhton`"),
    ('      - python\n', "`extract` must map file patterns"),
])
def test_a_bad_extract_mapping_is_a_config_error_at_its_line(tmp_path, run_cli, extract, message):
    root = mapped_project(tmp_path / "proj")
    text = MAPPED.split("    extract:\n")[0] + "    extract:\n" + extract
    write(root / "workflow.yaml", text)
    result = run_cli("pull", cwd=root)
    assert result.exit_code == 2
    assert message in result.stderr and "workflow.yaml:" in result.stderr


def test_extract_on_an_articles_catalog_is_refused(tmp_path, run_cli):
    root = mapped_project(tmp_path / "proj")
    write(root / "workflow.yaml", MAPPED + "  articles:\n    kind: articles\n    sources: [\"site/*.md\"]\n"
                                           "    extract:\n      \"**.md\": python\n")
    result = run_cli("status", cwd=root)
    assert result.exit_code == 2 and "`extract` applies to labels catalogs" in result.stderr
