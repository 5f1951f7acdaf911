"""Markup, numbered tags, entities, URLs and e-mail addresses must come through unchanged."""
from __future__ import annotations

import re
from collections import Counter

from ..textscan import added_links, added_markup, html_tags
from .base import CatalogContext, entry_check, form_pairs, where

NUMBERED = re.compile(r"<(/?)(\d+)(/?)>")
HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?/?>")
ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);")
URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'\]\[)]*[^\s<>\"'\]\[.,;:!?)]")
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);)")


def _numbered(text: str) -> Counter:
    return Counter(m.group() for m in NUMBERED.finditer(text))


def _balanced(text: str) -> str | None:
    stack: list[str] = []
    for m in NUMBERED.finditer(text):
        closing, number, selfclosing = m.groups()
        if selfclosing:
            continue
        if not closing:
            stack.append(number)
        elif not stack or stack.pop() != number:
            return f"tag </{number}> closes out of order"
    return f"tag <{stack[-1]}> is never closed" if stack else None


@entry_check("markup", "error")
def markup(ctx: CatalogContext, entry) -> list[str]:
    """HTML tags (read as a browser reads them) and numbered tags: the source's set; an added tag only from a small
    formatting allowlist, without attributes, and closed; no bare & where the source escapes."""
    problems = []
    for index, source, text in form_pairs(entry):
        if "<" not in source and "<" not in text and "&" not in source:
            continue  # nothing that could be markup: the common case, decided without a tokenizer
        want, got = _numbered(source), _numbered(text)
        for tag in sorted(want - got):
            problems.append(f"{where(index)}{tag} is missing")
        for tag in sorted(got - want):
            problems.append(f"{where(index)}{tag} is not in the source")
        if want == got and (problem := _balanced(text)):
            problems.append(where(index) + problem)
        kept = Counter(t.key for t in html_tags(text))
        for tag in html_tags(source):
            if tag.kind != "end" and not kept[tag.key]:
                problems.append(f"{where(index)}{tag.text} is missing or changed")
            kept[tag.key] -= 1
        problems += [where(index) + p for p in added_markup(source, text)]
        # Entities may be spelled out ("&amp;" -> "and"), but a bare "&" in markup that escapes is broken.
        if ENTITY.search(source) and BARE_AMPERSAND.search(text):
            problems.append(f"{where(index)}bare '&' where the source writes an entity such as &amp;")
    return problems


@entry_check("urls", "error")
def urls(ctx: CatalogContext, entry) -> list[str]:
    """Links, images, autolinks, URLs (any scheme case, `//host`, relative) and e-mail addresses changed, dropped or
    added: a translation may not point readers anywhere the source does not."""
    problems = []
    for index, source, text in form_pairs(entry):
        for target in added_links(source, text):
            problems.append(f"{where(index)}link target {target} is not in the source")
        if "://" not in source and "@" not in source and "@" not in text:
            continue
        for pattern, kind in ((URL, "URL"), (EMAIL, "e-mail address")):
            want, got = Counter(pattern.findall(source)), Counter(pattern.findall(text))
            for item in sorted(want - got):
                problems.append(f"{where(index)}{kind} {item} is missing or changed")
            if kind == "e-mail address":
                for item in sorted(got - want):
                    problems.append(f"{where(index)}{kind} {item} is not in the source")
    return problems
