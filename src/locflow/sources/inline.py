"""Inline Markdown <-> numbered tags, so translators never see (or break) URLs and markup.

`tag("See **the [report](https://x.org)**")` gives `See <1>the <2>report</2></1>` plus the
table needed to turn the tags back into the exact original characters. Code spans, raw HTML,
bare URLs and anything already looking like a tag become self-closing atoms (`<3/>`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_INLINE = re.compile(
    r"""
    (?P<esc>\\[!-/:-;=-@\[-`{-~])                                  # backslash escape (not `\<`)
    |(?P<code>(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`))            # code span: atom
    |(?P<html><[A-Za-z/!?0-9][^<>\n]*>)                              # raw HTML, autolinks, tag look-alikes
    |(?P<img>!\[(?P<imgtext>(?:[^\[\]\\\n]|\\.)*)\](?P<imgdest>\([^()\s]*(?:\s+"[^"\n]*")?\)))
    |(?P<link>\[(?P<linktext>(?:[^\[\]\\\n]|\\.)+)\](?P<linkdest>\([^()\s]*(?:\s+"[^"\n]*")?\)))
    |(?P<strong>(?P<sd>\*\*|(?<!\w)__)(?=\S)(?P<strongtext>.+?)(?<=\S)(?P=sd))
    |(?P<em>(?P<ed>\*|(?<!\w)_)(?=[^\s*_])(?P<emtext>.+?)(?<=[^\s\\])(?P=ed)(?!\w))
    |(?P<url>(?:https?|ftp)://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'"*_])
    """,
    re.VERBOSE,
)
TAG_RE = re.compile(r"<(/?)(\d+)(/?)>")


@dataclass(frozen=True)
class Tag:
    """What tag n stands for: `close` is None for a self-closing atom."""

    open: str
    close: str | None = None


def tag(text: str) -> tuple[str, tuple[Tag, ...]]:
    """Replace inline markup by numbered tags; `detag` reverses it exactly."""
    tags: list[Tag] = []
    return _tag(text, tags), tuple(tags)


def _tag(text: str, tags: list[Tag]) -> str:
    out: list[str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        out.append(text[pos:m.start()])
        pos = m.end()
        kind = m.lastgroup if m.lastgroup in ("esc", "code", "html", "url") else _pair_kind(m)
        if kind == "esc":
            out.append(m.group())
            continue
        if kind in ("code", "html", "url"):
            tags.append(Tag(m.group()))
            out.append(f"<{len(tags)}/>")
            continue
        opener, inner, closer = _pair(m, kind)
        tags.append(Tag(opener, closer))
        n = len(tags)
        out.append(f"<{n}>{_tag(inner, tags)}</{n}>")
    out.append(text[pos:])
    return "".join(out)


def _pair_kind(m: re.Match[str]) -> str:
    for kind in ("img", "link", "strong", "em"):
        if m.group(kind) is not None:
            return kind
    return "esc"


def _pair(m: re.Match[str], kind: str) -> tuple[str, str, str]:
    if kind == "img":
        return "![", m["imgtext"], "]" + m["imgdest"]
    if kind == "link":
        return "[", m["linktext"], "]" + m["linkdest"]
    if kind == "strong":
        return m["sd"], m["strongtext"], m["sd"]
    return m["ed"], m["emtext"], m["ed"]


def detag(text: str, tags: tuple[Tag, ...]) -> str:
    """Turn numbered tags back into the markup they stand for; unknown tags are kept as written."""

    def replace(m: re.Match[str]) -> str:
        closing, number, selfclosing = m.group(1), int(m.group(2)), m.group(3)
        if not 1 <= number <= len(tags) or (closing and selfclosing):
            return m.group()
        t = tags[number - 1]
        if t.close is None:
            return t.open if selfclosing and not closing else m.group()
        if selfclosing:
            return m.group()
        return t.close if closing else t.open

    return TAG_RE.sub(replace, text)


def strip_tags(text: str) -> str:
    return TAG_RE.sub("", text)
