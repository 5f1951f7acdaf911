"""Article segmentation: units, numbered tags, and the byte-for-byte round trip."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locflow.errors import LocflowError
from locflow.sources.articles import assemble, parse_article
from locflow.sources.inline import detag, strip_tags, tag

ARTICLE = """\
---
slug: sample-story
title: "Allied jets *begin* rotation"
language: en
date: 2026-10-14
section: National Security
author: Kadri Saar
summary: Four jets arrive in Ämari.
---

## What changes

The [NATO](https://www.nato.int/air-policing) mission *continues* with `QRA` alerts.

- first item with **bold**
- second item

> A quote, with a link to <https://example.org/q>.

![Two jets on the runway at Ämari](/images/jets.jpg)

```
code block, never translated
```

1. ordered item
"""


def units(text: str):
    return parse_article(text, Path("a.md")).units


def test_units_cover_every_translatable_block():
    found = [(u.kind, u.msgid) for u in units(ARTICLE)]
    assert found == [
        ("title", "Allied jets *begin* rotation"),
        ("summary", "Four jets arrive in Ämari."),
        ("heading", "What changes"),
        ("paragraph", "The <1>NATO</1> mission <2>continues</2> with <3/> alerts."),
        ("list-item", "first item with <1>bold</1>"),
        ("list-item", "second item"),
        ("quote", "A quote, with a link to <1/>."),
        ("image-alt", "Two jets on the runway at Ämari"),
        ("list-item", "ordered item"),
    ]


def test_unit_lines_point_into_the_file():
    lines = ARTICLE.splitlines()
    for unit in units(ARTICLE):
        assert strip_tags(unit.msgid).split()[0].strip("*") in lines[unit.line - 1]


def test_identity_reassembly_is_byte_identical():
    article = parse_article(ARTICLE, Path("a.md"))
    assert assemble(article, lambda u: u.msgid) == ARTICLE
    assert assemble(article, lambda u: None) == ARTICLE


def test_translation_restores_urls_and_markup():
    article = parse_article(ARTICLE, Path("a.md"))
    translated = {
        "The <1>NATO</1> mission <2>continues</2> with <3/> alerts.":
            "<1>NATO</1> missioon <2>jätkub</2> <3/> valmidusega.",
        "Allied jets *begin* rotation": 'Liitlaste hävitajad "alustavad"',
    }
    out = assemble(article, lambda u: translated.get(u.msgid))
    assert "[NATO](https://www.nato.int/air-policing) missioon *jätkub* `QRA` valmidusega." in out
    assert 'title: "Liitlaste hävitajad \\"alustavad\\""' in out
    assert "code block, never translated" in out
    reparsed = parse_article(out, Path("a.md"))
    assert reparsed.meta["title"] == 'Liitlaste hävitajad "alustavad"'


def test_multiline_paragraph_is_one_unit_and_round_trips():
    text = ARTICLE.replace("The [NATO]", "The first line\nwraps here. The [NATO]")
    found = [u for u in units(text) if u.kind == "paragraph"]
    assert len(found) == 1 and found[0].msgid.startswith("The first line wraps here.")
    article = parse_article(text, Path("a.md"))
    assert assemble(article, lambda u: u.msgid) == text


def test_crlf_article_round_trips():
    text = ARTICLE.replace("\n", "\r\n")
    article = parse_article(text, Path("a.md"))
    assert [u.msgid for u in article.units] == [u.msgid for u in units(ARTICLE)]
    assert assemble(article, lambda u: u.msgid) == text


@pytest.mark.parametrize(
    "text, message",
    [
        ("no front matter\n", "no front matter"),
        ("---\ntitle: x\n", "not closed"),
        ("---\ntitle: [unclosed\n---\n", "broken front matter"),
        ("---\nslug: ../etc/passwd\ntitle: t\nlanguage: en\ndate: 2026-01-01\nsection: s\nauthor: a\nsummary: s\n---\n",
         "not a safe file name"),
        ("---\nslug: ok\ntitle: t\n---\n", "lacks"),
    ],
)
def test_broken_articles_name_file_and_line(text, message):
    with pytest.raises(LocflowError) as info:
        parse_article(text, Path("site/articles/x.md"), "site/articles/x.md")
    assert message in info.value.message
    assert info.value.where.startswith("site/articles/x.md:")


def test_unsafe_slug_points_at_its_line():
    text = "---\ntitle: t\nslug: A B\nlanguage: en\ndate: 2026-01-01\nsection: s\nauthor: a\nsummary: s\n---\n"
    with pytest.raises(LocflowError) as info:
        parse_article(text, Path("x.md"), "x.md")
    assert info.value.line == 3


# --- properties ---------------------------------------------------------------------------------

INLINE_ALPHABET = st.sampled_from(list("ab xyz*_[]()!<>`/\\:.-0123456789#\"'") + ["https://", "é", "Ж", "\u0301"])
inline_text = st.lists(INLINE_ALPHABET, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(inline_text)
def test_tagging_round_trips_exactly(text):
    tagged, tags = tag(text)
    assert detag(tagged, tags) == text


@settings(max_examples=300, deadline=None)
@given(inline_text)
def test_tags_in_output_are_well_formed(text):
    tagged, tags = tag(text)
    # every tag number used is defined, and pairs open before they close
    import re

    opened = []
    for m in re.finditer(r"<(/?)(\d+)(/?)>", tagged):
        n = int(m.group(2))
        assert 1 <= n <= len(tags)
        if m.group(3):
            assert tags[n - 1].close is None
        elif m.group(1):
            assert opened and opened.pop() == n
        else:
            opened.append(n)
    assert not opened


line = st.lists(st.sampled_from(list("abc ÄõЖ*_[]()`!<>#-1.") + ["[l](https://e.org/x)", "**b**", " "]),
                min_size=1, max_size=25).map("".join)
block = st.one_of(
    line.map(lambda s: s.strip() or "x"),
    line.map(lambda s: "## " + s),
    line.map(lambda s: "- " + s),
    line.map(lambda s: "1. " + s),
    line.map(lambda s: "> " + s),
    st.tuples(line, line).map(lambda p: p[0].strip() + "\n" + p[1]),
    line.map(lambda s: "![" + s.replace("[", "").replace("]", "") + "](/i.jpg)"),
    st.just("```\ncode\n```"),
    st.just("---"),
)
FRONT = "---\nslug: s\ntitle: T\nlanguage: en\ndate: 2026-01-01\nsection: S\nauthor: A\nsummary: S x\n---\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(block, max_size=8), st.sampled_from(["\n", "\r\n"]), st.sampled_from(["\n\n", "\n \n", "\n\n\n"]))
def test_article_segmentation_round_trips(blocks, newline, separator):
    text = (FRONT + separator.join(blocks) + "\n").replace("\n", newline)
    article = parse_article(text, Path("a.md"))
    assert assemble(article, lambda u: u.msgid) == text
    spans = sorted((u.start, u.end) for u in article.units)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # units never overlap
    for unit in article.units:
        if "\n" not in unit.raw and "\r" not in unit.raw:
            assert detag(unit.msgid, unit.tags) == unit.raw  # structural, not a copy of the source
