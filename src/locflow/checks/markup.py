"""Markup, numbered tags, entities, URLs and e-mail addresses must come through unchanged."""
from __future__ import annotations

import re
from collections import Counter

from .base import CatalogContext, entry_check, form_pairs, where

NUMBERED = re.compile(r"<(/?)(\d+)(/?)>")
HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?/?>")
ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);")
URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'\]\[)]*[^\s<>\"'\]\[.,;:!?)]")
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


# Formatting a translator may add for their language's conventions without breaking anything.
HARMLESS = {"b", "i", "em", "strong", "sup", "sub", "small", "abbr", "span", "br", "nobr", "wbr"}
BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);)")


def _tags(text: str) -> Counter:
    found = Counter(m.group() for m in NUMBERED.finditer(text))
    # Tags compare with their attributes: a changed href, or an added onclick, is a finding.
    found.update(m.group() for m in HTML_TAG.finditer(text))
    return found


def _harmless(tag: str) -> bool:
    """A bare formatting tag (`<b>`, `</i>`, `<br/>`): no attributes, so no handlers or links."""
    m = re.fullmatch(r"</?([A-Za-z]+)\s*/?>", tag)
    return bool(m) and m.group(1).lower() in HARMLESS


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
    """HTML/XML tags and the segmenter's numbered tags: same set, balanced; no bare & where the source escapes."""
    problems = []
    for index, source, text in form_pairs(entry):
        if "<" not in source and "<" not in text and "&" not in source:
            continue  # nothing that could be markup: the common case, decided without regexes
        want, got = _tags(source), _tags(text)
        extra = Counter({t: n for t, n in (got - want).items() if not _harmless(t)})
        for tag in sorted(want - got):
            problems.append(f"{where(index)}{tag} is missing")
        for tag in sorted(extra):
            problems.append(f"{where(index)}{tag} is not in the source")
        if not want - got and not extra and (problem := _balanced(text)):
            problems.append(where(index) + problem)
        # Entities may be spelled out ("&amp;" -> "and"), but a bare "&" in markup that escapes is broken.
        if ENTITY.search(source) and BARE_AMPERSAND.search(text):
            problems.append(f"{where(index)}bare '&' where the source writes an entity such as &amp;")
    return problems


@entry_check("urls", "error")
def urls(ctx: CatalogContext, entry) -> list[str]:
    """URLs and e-mail addresses changed, dropped or added."""
    problems = []
    for index, source, text in form_pairs(entry):
        if "://" not in source and "://" not in text and "@" not in source and "@" not in text:
            continue
        for pattern, kind in ((URL, "URL"), (EMAIL, "e-mail address")):
            want, got = Counter(pattern.findall(source)), Counter(pattern.findall(text))
            for item in sorted(want - got):
                problems.append(f"{where(index)}{kind} {item} is missing or changed")
            for item in sorted(got - want):
                problems.append(f"{where(index)}{kind} {item} is not in the source")
    return problems
