"""The CommonMark spec examples through segmentation, a stand-in translation and reassembly.

Shared by the acceptance test and the README's figures. Each example becomes an article body;
every msgid gets every letter changed (tags kept); the published Markdown and the source are
rendered by markdown-it-py (an independent CommonMark renderer, tables and strikethrough on)
and compared: the same elements with the same `href`/`src`, every prose text node with a
letter translated (a node that is only a URL or an e-mail address is not prose), every code
text node unchanged (code, pre, script, style, textarea).
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from locflow.sources.articles import assemble, parse_article, translated

DATA = Path(__file__).parent / "data"
FRONT = "---\nslug: spec\ntitle: Spec example\nlanguage: en\ndate: 2026-01-01\nsection: S\nauthor: A\nsummary: S\n---\n"
_TAG = re.compile(r"(</?\d+/?>)")
RAW = ("code", "pre", "script", "style", "textarea")  # their text is never translated
_URI = re.compile(r"[\W_]*(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:\S*|[^\s@<>]+@[^\s@<>]+)[\W_]*")
_LETTERS = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                         "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM")


def examples(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def stand_in(msgid: str) -> str:
    """Every letter changed (ROT13 for ASCII, a case swap or a shift elsewhere), every tag kept."""
    out = []
    for i, part in enumerate(_TAG.split(msgid)):
        if i % 2:
            out.append(part)
            continue
        out.append("".join(_other(ch) for ch in part.translate(_LETTERS)))
    return "".join(out)


def _other(ch: str) -> str:
    if ch.isascii() or not ch.isalpha():
        return ch
    swapped = ch.swapcase()
    return swapped if len(swapped) == 1 and swapped != ch else "ж" if ch != "ж" else "з"


def _render(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


class _Shape(HTMLParser):
    """Elements with href/src, and text nodes labelled code or prose."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple] = []
        self.code = 0

    def handle_starttag(self, tag, attrs):
        keep = tuple(sorted((k, v) for k, v in attrs if k in ("href", "src")))
        self.items.append(("<", tag, keep))
        if tag in RAW:
            self.code += 1

    def handle_endtag(self, tag):
        self.items.append((">", tag))
        if tag in RAW:
            self.code -= 1

    def handle_data(self, data):
        if self.items and self.items[-1][0] in ("code", "prose") and self.items[-1][1] == bool(self.code):
            kind, _, text = self.items.pop()
            data = text + data
        self.items.append(("code" if self.code else "prose", bool(self.code), data))


def shape(html: str) -> list[tuple]:
    parser = _Shape()
    parser.feed(html)
    parser.close()
    return parser.items


def check(markdown: str, render=None) -> str | None:
    """None when the example survives; otherwise what went wrong.

    `render` is the CommonMark renderer that compares (default: markdown-it-py).
    """
    render = render or _render
    text = FRONT + markdown
    article = parse_article(text, Path("spec.md"))
    if assemble(article, lambda unit: None) != text:
        return "untranslated round trip is not byte-exact"
    body = {u.msgid: stand_in(u.msgid) for u in article.units if u.kind not in ("title", "summary")}
    published = translated(article, "et", body)
    published_body = published[published.index("\n---\n") + 5:]
    source, target = shape(render(markdown)), shape(render(published_body))
    if len(source) != len(target):
        return "element structure differs"
    for a, b in zip(source, target):
        if a[0] in ("<", ">"):
            if a != b:
                return f"element differs: {a} vs {b}"
        elif a[0] != b[0]:
            return "text node kind differs"
        elif a[0] == "code" and a[2] != b[2]:
            return f"code changed: {a[2]!r} -> {b[2]!r}"
        elif a[0] == "prose" and re.search(r"[A-Za-z]", a[2]) and a[2] == b[2] and not _URI.fullmatch(a[2]):
            return f"prose not translated: {a[2]!r}"
    return None
