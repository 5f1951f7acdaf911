"""Mask what machine translation must not touch, and check it all came back intact.

Placeholders, markup, entities, the segmenter's numbered tags, URLs, e-mail addresses and
do-not-translate terms become opaque tokens `[X1X]` that MT engines pass through; leading and
trailing whitespace is cut off before sending (Google strips it) and put back afterwards.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# printf-style only where the entry is flagged python-format: "50% of" in prose is no placeholder.
_PRINTF = [
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]",  # %(name)s
    # No space flag: babel flags "100% independent" python-format, and `% i` there is prose.
    r"%[-#0+]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?[diouxXeEfFgGcrsa]",          # %s %d %5.2f
    r"%%",
]
_PATTERNS = [
    r"\{\{|\}\}",
    r"\{[A-Za-z_0-9][A-Za-z_0-9.\[\]]*(?:![rsa])?(?::[^{}]*)?\}",              # {author} {0} {x:>3}
    r"</?\d+/?>",                                                              # segmenter tags
    r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>",                              # HTML/XML tags
    r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);",                         # entities
    r"(?:https?|ftp)://[^\s<>\"'\]\[]*[^\s<>\"'\]\[.,;:!?)]",                  # URLs
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",                        # e-mail
]
_TOKEN_FORMAT = "[X{}X]"
_TOKEN_RE = re.compile(r"\[\s*[Xx]\s*(\d+)\s*[Xx]\s*\]")


@dataclass(frozen=True)
class Masked:
    text: str  # what is sent
    tokens: tuple[str, ...]  # token i+1 stands for tokens[i]
    lead: str
    trail: str


@functools.lru_cache(maxsize=64)
def _compile(printf: bool, terms: tuple[str, ...]) -> re.Pattern[str]:
    parts = [r"(?<!\w)" + re.escape(t) + r"(?!\w)" for t in sorted(terms, key=len, reverse=True)]
    parts += (_PRINTF if printf else []) + _PATTERNS
    return re.compile("|".join(f"(?:{p})" for p in parts))


def mask(text: str, terms: tuple[str, ...] = (), *, printf: bool = True,
         replacements: dict[str, str] | None = None) -> Masked:
    """Tokens in order of appearance.

    `terms` are do-not-translate glossary terms (restored as they are); `replacements` maps a
    source term to its invariant mandated translation (NATO -> НАТО), restored as the latter.
    """
    body = text.strip()
    start = text.find(body) if body else len(text)
    lead, trail = text[:start], text[start + len(body):]
    swap = replacements or {}
    pattern = _compile(printf, tuple(dict.fromkeys([*terms, *sorted(swap)])))
    tokens: list[str] = []

    def replace(m: re.Match[str]) -> str:
        tokens.append(swap.get(m.group(), m.group()))
        return _TOKEN_FORMAT.format(len(tokens))

    return Masked(pattern.sub(replace, body), tuple(tokens), lead, trail)


@dataclass(frozen=True)
class Restored:
    text: str
    problems: tuple[str, ...]  # empty when every token came back exactly once


def unmask(translated: str, masked: Masked) -> Restored:
    problems: list[str] = []
    seen: dict[int, int] = {}

    def replace(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if not 1 <= n <= len(masked.tokens):
            problems.append(f"unknown token {m.group()!r}")
            return m.group()
        seen[n] = seen.get(n, 0) + 1
        return masked.tokens[n - 1]

    body = _TOKEN_RE.sub(replace, translated.strip())
    for n, token in enumerate(masked.tokens, 1):
        count = seen.get(n, 0)
        if count == 0:
            problems.append(f"dropped {token!r}")
        elif count > 1:
            problems.append(f"duplicated {token!r}")
    if not body and masked.text:
        problems.append("empty translation")
    return Restored(masked.lead + body + masked.trail, tuple(problems))
