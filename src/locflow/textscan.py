"""What untrusted text would do in a browser: its tags (as an HTML tokenizer sees them) and link targets.

A regex misses `<svg/onload=…>` and `<img/src/onerror=…>`; the standard library's HTML
tokenizer reads them as browsers do. Link targets come from a CommonMark parser (inline
links, images, autolinks, reference definitions), from URL-bearing attributes of tags, and
from bare URLs in any scheme case, protocol-relative (`//host`) or `www.`-style. The markup
and urls checks, the MT engine and publish all ask this module, so they agree.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser

NUMBERED = re.compile(r"<(/?)(\d+)(/?)>")
# Formatting a translator may add for their language's conventions: no attributes, so no
# handlers or links; an added one must be closed.
ALLOWED_ADDED = frozenset({"b", "i", "em", "strong", "sup", "sub", "small", "abbr", "span", "br", "nobr", "wbr"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "data",
                            "background", "cite", "longdesc", "manifest", "ping", "codebase", "lowsrc", "dynsrc"})
# A scheme in any case (`HTTPS://`), protocol-relative `//host.tld`, or `www.host.tld`.
BARE_URL = re.compile(r"(?i)(?<![\w/])(?:[a-z][a-z0-9+.-]*:)?//[^\s<>\"'()\[\]]+|(?<![\w./])www\.[^\s<>\"'()\[\]]+")
_URL_END = ".,;:!?*_"
_MAYBE_LINK = re.compile(r"\]\s*[(:\[]|[<:]|//|(?i:www\.)")


@dataclass(frozen=True)
class Tag:
    """One token of markup: a start or end tag, or a comment/declaration (`kind` says which)."""

    kind: str  # "start", "end", "comment"
    name: str
    attrs: tuple[tuple[str, str | None], ...]
    text: str  # as written, for messages

    @property
    def key(self) -> tuple:
        """Identity for comparing source and translation: spelling, quoting and attribute order aside."""
        return (self.kind, self.name, tuple(sorted(self.attrs, key=lambda a: (a[0], a[1] or ""))))

    @property
    def handlers(self) -> list[str]:
        return [name for name, _ in self.attrs if name.startswith("on")]


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[Tag] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(Tag("start", tag, tuple(attrs), self.get_starttag_text() or f"<{tag}>"))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.tags.append(Tag("start", tag, tuple(attrs), self.get_starttag_text() or f"<{tag}/>"))
        self.tags.append(Tag("end", tag, (), ""))  # `<b/>` opens nothing in HTML, but counts as closed here

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(Tag("end", tag, (), f"</{tag}>"))

    def handle_comment(self, data: str) -> None:
        self.tags.append(Tag("comment", "!--", (), f"<!--{data}-->"))

    def handle_decl(self, decl: str) -> None:
        self.tags.append(Tag("comment", "!", (), f"<!{decl}>"))

    def handle_pi(self, data: str) -> None:
        self.tags.append(Tag("comment", "?", (), f"<?{data}>"))

    def unknown_decl(self, data: str) -> None:
        self.tags.append(Tag("comment", "![", (), f"<![{data}]>"))


@functools.lru_cache(maxsize=4096)
def html_tags(text: str) -> tuple[Tag, ...]:
    """Tags of `text` as a browser's tokenizer reads them; the segmenter's numbered tags are not HTML."""
    if "<" not in text:
        return ()
    parser = _Tokenizer()
    parser.feed(NUMBERED.sub(" ", text))
    parser.close()
    return tuple(parser.tags)


def unclosed(tags: tuple[Tag, ...]) -> dict[str, int]:
    """Per tag name, opens never closed plus closes never opened (void elements aside)."""
    stack: list[str] = []
    stray: dict[str, int] = {}
    for tag in tags:
        if tag.kind == "start" and tag.name not in VOID:
            stack.append(tag.name)
        elif tag.kind == "end" and tag.name not in VOID:
            if tag.name in stack:
                while stack and stack[-1] != tag.name:
                    stray[stack[-1]] = stray.get(stack[-1], 0) + 1
                    stack.pop()
                stack.pop()
            else:
                stray[tag.name] = stray.get(tag.name, 0) + 1
    for name in stack:
        stray[name] = stray.get(name, 0) + 1
    return stray


def added_markup(source: str, text: str) -> list[str]:
    """Why the markup `text` adds to `source` is unsafe: attributes, handlers, tags off the allowlist, unclosed."""
    if "<" not in text:
        return []
    have: dict[tuple, int] = {}
    for tag in html_tags(source):
        have[tag.key] = have.get(tag.key, 0) + 1
    problems: list[str] = []
    for tag in html_tags(text):
        if have.get(tag.key, 0):
            have[tag.key] -= 1
            continue
        if tag.kind == "end":
            continue  # judged by the balance below
        if tag.kind == "comment":
            problems.append(f"{tag.text} is not in the source (comments and declarations are markup)")
        elif tag.handlers:
            problems.append(f"{tag.text} is not in the source and has an event handler ({', '.join(tag.handlers)})")
        elif tag.attrs:
            problems.append(f"{tag.text} is not in the source (an added tag may not carry attributes)")
        elif tag.name not in ALLOWED_ADDED:
            problems.append(f"{tag.text} is not in the source")
    want, got = unclosed(html_tags(source)), unclosed(html_tags(text))
    for name in sorted(got):
        if got[name] > want.get(name, 0):
            problems.append(f"<{name}> is never closed (or closed without being opened)")
    return list(dict.fromkeys(problems))


def _clean_url(url: str) -> str:
    return url.rstrip(_URL_END)


@functools.lru_cache(maxsize=4096)
def link_targets(text: str) -> tuple[str, ...]:
    """Every link target `text` would make: Markdown links, images, autolinks and reference
    definitions, URL attributes of HTML tags, bare URLs (any scheme case, `//host`, `www.`)."""
    if not _MAYBE_LINK.search(text):
        return ()
    found: list[str] = []
    for tag in html_tags(text):
        found += [(value or "").strip() for name, value in tag.attrs if name in URL_ATTRIBUTES]
    found += [_clean_url(m.group()) for m in BARE_URL.finditer(NUMBERED.sub(" ", text))]
    if "](" in text.replace(" ", "") or "]:" in text or "<" in text or "][" in text:
        found += _markdown_targets(text)
    return tuple(t for t in found if t)


@functools.lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def _markdown_targets(text: str) -> list[str]:
    found = []
    stack = list(_parser().parse(NUMBERED.sub(" ", text)))
    while stack:
        token = stack.pop()
        if token.type in ("link_open", "image"):
            found.append(str(token.attrs.get("href") or token.attrs.get("src") or "").strip())
        stack.extend(token.children or ())
    return found


def _norm(target: str) -> str:
    """Scheme and host compare without case (`HTTPS://Example.org` is `https://example.org`); the rest exactly."""
    return _ORIGIN.sub(lambda m: m.group().lower(), target.strip(), count=1)


_ORIGIN = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//[^/?#]*", re.I)


def added_links(source: str, text: str) -> list[str]:
    """Link targets, images, autolinks and URLs in `text` that `source` does not have."""
    targets = link_targets(text)
    if not targets:
        return []
    have = {_norm(t) for t in link_targets(source)}
    return list(dict.fromkeys(t for t in targets if _norm(t) not in have))


# C0 and C1 controls other than tab and newline: terminal escapes (ESC [ 2 J), NUL, CR tricks.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_characters(text: str) -> list[str]:
    """The control characters of `text` (other than `\\n` and `\\t`), as escapes: `\\x1b`, `\\x00`."""
    return list(dict.fromkeys(f"\\x{ord(c):02x}" for c in CONTROL.findall(text)))


def visible(text: str) -> str:
    """Text safe to print on a terminal: C0/C1 controls other than newline and tab shown as `\\xNN`."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
