"""noop.merge_keeps: a pull's cheap first comparison never says "unchanged" when the merge would change
the catalog (checked against the full merge on the sample's catalogs and on random hand edits of them)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from .conftest import REPO
from locflow.catalog import merge, plural_forms, read_po, render
from locflow.errors import LocflowError
from locflow.noop import merge_keeps
from locflow.project import Project
from locflow.pull import extract_unit, load_pages, template_of

PROJECT = Project.load(REPO / "workflow.yaml")
ARTICLES = PROJECT.config.catalogs["articles"]
CASES = []  # (template bytes, catalog path, language, source language)
for _article in load_pages(PROJECT, ARTICLES):
    _pot = render(template_of(PROJECT, extract_unit(PROJECT, ARTICLES, [_article.path])))
    for _lang in PROJECT.config.languages:
        if _lang != _article.language:
            CASES.append((_pot, PROJECT.po_path(ARTICLES, _lang, _article.slug), _lang, _article.language))
for _lang in PROJECT.config.languages:
    CASES.append((PROJECT.template_path(PROJECT.config.catalogs["ui"]).read_bytes(),
                  PROJECT.po_path(PROJECT.config.catalogs["ui"], _lang), _lang, None))


def full_merge_keeps(template: bytes, raw: bytes, language: str, source: str | None, purge: bool) -> bool | None:
    """What pull's full path decides: None when the catalog does not even parse."""
    try:
        old = read_po(Path("x.po"), data=raw, layout=False)
    except LocflowError:
        return None
    pot = read_po(Path("x.pot"), data=template, layout=False)
    merged = merge(pot, old, language, PROJECT.config.site, purge_obsolete=purge, source_language=source)
    return render(merged) == render(old)


def test_every_sample_catalog_is_recognised_as_current():
    for template, path, lang, source in CASES:
        assert merge_keeps(template.decode(), path.read_bytes(), plural_forms(lang)[0], source_language=source,
                           purge_obsolete=False), path


LINES = ["#, fuzzy", "#,fuzzy", "#, fuzzy, python-format", "#, python-format, fuzzy", "#, python-format",
         '#| msgid "Old text"', "# translator note", "#", "#.  paragraph", "#. paragraph", "#: elsewhere.md:3",
         '#~ msgid "Gone"', '#~ msgstr "Läinud"', '#~ msgstr ""', "#~| msgid \"x\"", ' msgstr "indented"',
         'msgstr ""', 'msgstr "x"', '"continued"', '""', "", 'msgstr[0] ""', 'msgstr[1] "a"', 'msgctxt "ctx"',
         '"X-Source-Language: et\\n"', '"X-Source-Language: uk\\n"', '"Language: et\\n"', "#x odd comment",
         'msgid_plural "many"', "\ufeff"]


@st.composite
def edits(draw):
    template, path, lang, source = draw(st.sampled_from(CASES))
    lines = path.read_text(encoding="utf-8").split("\n")
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "insert", "swap", "duplicate", "replace"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "insert":
            lines.insert(i, draw(st.sampled_from(LINES)))
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        else:
            lines[i] = draw(st.sampled_from(LINES))
    return template, "\n".join(lines).encode("utf-8"), lang, source, draw(st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_a_yes_is_always_right(case):
    template, raw, lang, source, purge = case
    if merge_keeps(template.decode(), raw, plural_forms(lang)[0], source_language=source, purge_obsolete=purge):
        assert full_merge_keeps(template, raw, lang, source, purge) is True


@pytest.mark.parametrize("edit", ["header comment", "source header", "reference", "fuzzy on empty", "previous"])
def test_changes_the_merge_makes_are_seen(edit):
    template, path, lang, source = CASES[0]
    text = path.read_text(encoding="utf-8")
    if edit == "header comment":
        text = text.split("\n", 1)[1]
    elif edit == "source header":
        text = text.replace(f'"X-Source-Language: {source}\\n"\n', "")
    elif edit == "reference":
        text = text.replace(".md:3\n", ".md:4\n", 1)
    elif edit == "fuzzy on empty":
        text = text.rstrip("\n") + '\n\n#, fuzzy\nmsgid "Brand new"\nmsgstr ""\n'
    else:
        head, _, rest = text.partition("\n#. ")
        text = head + '\n#| msgid "An older title"\n#. ' + rest
    raw = text.encode("utf-8")
    assert not merge_keeps(template.decode(), raw, plural_forms(lang)[0], source_language=source, purge_obsolete=False)
    assert full_merge_keeps(template, raw, lang, source, False) is not True


PO_LINES = ['# c', '#. x', '#: a.md:1', '#, fuzzy', '#,fuzzy', '#| msgid "old"', '#', '#~ msgid "x"', '#x',
            'msgctxt "c"', 'msgid "a"', 'msgid ""', 'msgid_plural "b"', 'msgstr ""', 'msgstr "t\\n"',
            'msgstr[0] "x"', 'msgstr[1] "y"', 'msgstr[2] "z"', 'msgstr[9] "z"', '"cont"', '"bad \\q"',
            '"unterminated', '  msgid "x"', 'msgid "a" "b"', '"\\\\"']


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PO_LINES), min_size=1, max_size=7), min_size=1, max_size=4))
def test_the_simple_layout_is_valid_po(blocks):
    from locflow.noop import simple_po
    from locflow.potokens import tokenize

    text = "\n\n".join("\n".join(block) for block in blocks) + "\n"
    if simple_po(text):
        tokenize(text)  # the one PO reader accepts it (raises LocflowError otherwise)


def test_locflow_writes_the_simple_layout():
    from locflow.noop import simple_po

    for path in sorted((REPO / "locales").rglob("*.po*")):
        assert simple_po(path.read_text(encoding="utf-8")) or "#~" in path.read_text(encoding="utf-8"), path
