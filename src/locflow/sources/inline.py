"""Inline Markdown <-> numbered tags, so translators never see (or break) URLs and markup.

`See **the [report](https://x.org)**` gives `See <1>the <2>report</2></1>`: emphasis, strong,
strikethrough, links and images are pairs; code spans, raw HTML, autolinks, footnote
references, hard breaks and bare URLs are self-closing atoms (`<3/>`). The tags come from the
parser's events in one pass, so tagging is linear in the text whatever it holds.

`render` turns a translation back into Markdown: tags become the source's own characters, and
the translator's text is escaped where it would otherwise become Markdown syntax.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .markdown import Event

TAG_RE = re.compile(r"<(/?)(\d+)(/?)>")
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
PAIRS = frozenset({"Emphasis", "Strong", "Strikethrough", "Link", "Image"})
_BARE = re.compile(r"(?:https?|ftp)://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"*_]|<(/?)(\d+)(/?)>")
_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]|\\$|[*_\[\]<>`~]|!$")
_ESCAPE_CELL = re.compile(r"\\[!-/:-@\[-`{-~]|\\$|[*_\[\]<>`~|]|!$")  # a `|` would end the cell
_LINE_START = re.compile(r"#|[>+=-]|\d{1,9}(?=[.)])")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")


@dataclass(frozen=True)
class Tag:
    """What tag n stands for: `close` is None for a self-closing atom.

    `title` is the span of a link or image title inside `close`, so a translated title can be
    put in its place without touching the destination.
    """

    open: str
    close: str | None = None
    title: tuple[int, int] | None = None


@dataclass(frozen=True)
class Tagged:
    msgid: str
    tags: tuple[Tag, ...]
    start: int
    end: int
    titles: tuple[tuple[int, int, int], ...]  # (tag number, absolute start, absolute end)


def tag_events(source: str, run: list[Event]) -> Tagged:
    """Tag one block's inline events; the result spans from its first to its last event."""
    out: list[str] = []
    tags: list[list] = []  # [open, close, title] until frozen
    titles: list[tuple[int, int, int]] = []
    stack: list[tuple[int, Event, bool]] = []  # open pairs: (tag index, start event, has child)
    pos = _before_escape(source, run[0].start)
    first = pos
    after_break: int | None = None  # tag index of a hard break whose next line prefix follows
    after_soft = False
    skip = 0  # depth inside an autolink, which is one atom
    for ev in run:
        if skip:
            skip += 1 if ev.what == "start" else -1 if ev.what == "end" else 0
            continue
        if ev.what == "end":
            index, start_ev, had_child = stack.pop()
            if not had_child:  # `[](url)`: split after the opening bracket
                opener = "![" if ev.name == "Image" else "["
                tags[index][0] = opener
                pos = start_ev.start + len(opener)
            data = start_ev.data or {}
            end = ev.end
            if str(data.get("link_type", "")).startswith("Collapsed") and source.startswith("[]", end):
                end += 2  # the parser's span of `[text][]` stops before the `[]`
            close = source[pos:end]
            tags[index][1] = close
            if ev.name in ("Link", "Image") and data.get("link_type") in ("Shortcut", "Collapsed",
                                                                           "ShortcutUnknown", "CollapsedUnknown"):
                label = source[start_ev.start + len(tags[index][0]):pos]
                tags[index][1] = "][" + label + "]"  # a translated text keeps pointing at its label
            elif ev.name in ("Link", "Image") and data.get("title"):
                span = _title_span(close)
                if span:
                    tags[index][2] = span
                    titles.append((index + 1, pos + span[0], pos + span[1]))
            out.append(f"</{index + 1}>")
            pos = end
            after_break = None
            after_soft = False
            continue
        if stack and not stack[-1][2]:
            index, start_ev, _ = stack[-1]
            pos = _before_escape(source, ev.start)
            tags[index][0] = source[start_ev.start:pos]
            stack[-1] = (index, start_ev, True)
        if ev.start > pos:
            gap = source[pos:ev.start]
            if after_break is not None or after_soft:
                rest = gap.lstrip(" \t>")  # the next line's container prefix (`> `, indentation)
                if after_break is not None:
                    tags[after_break][0] += gap[:len(gap) - len(rest)]  # travels with the break
                gap = rest
            if gap and not (ev.name in ("SoftBreak", "HardBreak") and not gap.strip()):
                out.append(gap)  # a backslash escape, or spacing the parser left out of its events
        after_break = None
        after_soft = ev.name == "SoftBreak"
        pos = max(pos, ev.end)
        if ev.what == "start" and ev.name in ("Link", "Image") and (ev.data or {}).get("link_type") in (
                "Autolink", "Email"):
            out.append(_atom(tags, source[ev.start:ev.end]))
            pos = ev.end
            skip = 1
        elif ev.what == "start":
            tags.append(["", None, None])
            stack.append((len(tags) - 1, ev, False))
            out.append(f"<{len(tags)}>")
            pos = ev.start
        elif ev.name == "Text":
            _text(source[ev.start:ev.end], out, tags)
        elif ev.name == "SoftBreak":
            out.append(" ")
        elif ev.name == "HardBreak":
            out.append(_atom(tags, source[ev.start:ev.end]))
            after_break = len(tags) - 1
        else:  # code span, inline HTML, footnote reference, task box: never translated
            out.append(_atom(tags, source[ev.start:ev.end]))
    frozen = tuple(Tag(o, c, t) for o, c, t in tags)
    return Tagged("".join(out), frozen, first, pos, tuple(titles))


def _atom(tags: list[list], text: str) -> str:
    tags.append([text, None, None])
    return f"<{len(tags)}/>"


def _text(text: str, out: list[str], tags: list[list]) -> None:
    """Plain text, with bare URLs and tag look-alikes made atoms (MT and translators keep them)."""
    pos = 0
    for m in _BARE.finditer(text):
        out.append(text[pos:m.start()])
        out.append(_atom(tags, m.group()))
        pos = m.end()
    out.append(text[pos:])


def _title_span(close: str) -> tuple[int, int] | None:
    """Span of the title's text in a link closer such as `](/u "The title")`."""
    end = len(close.rstrip()) - 1  # the closing parenthesis
    if end < 1 or close[end] != ")":
        return None
    return title_at_end(close[:end])


def title_at_end(text: str) -> tuple[int, int] | None:
    """Span of a `"title"`, `'title'` or `(title)` that ends `text` (trailing blanks allowed)."""
    j = len(text.rstrip(" \t\r\n")) - 1
    delim = text[j] if j >= 0 else ""
    opener = {'"': '"', "'": "'", ")": "("}.get(delim)
    if opener is None or _escaped(text, j):
        return None
    k = j - 1
    while k >= 0:
        if text[k] == opener and not _escaped(text, k):
            return (k + 1, j)
        k -= 1
    return None


def _before_escape(source: str, at: int) -> int:
    """`at`, or one less when the character there is escaped by a backslash the parser skipped."""
    if at > 0 and source[at - 1] == "\\" and at < len(source) and source[at] in _PUNCT and not _escaped(source, at - 1):
        return at - 1
    return at


def _escaped(text: str, index: int) -> bool:
    n = 0
    while index - n - 1 >= 0 and text[index - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def tag_html_line(line: str) -> tuple[str, tuple[Tag, ...], int, int] | None:
    """The prose of one line of an HTML block, its tags as atoms; None when it has none."""
    pieces = list(re.finditer(r"<[^<>]*>|[^<>]+", line))
    if "".join(p.group() for p in pieces) != line:
        return None  # a tag split over lines: leave the line alone
    texts = [p for p in pieces if not p.group().startswith("<") and p.group().strip()]
    if not texts:
        return None
    start = texts[0].start() + len(texts[0].group()) - len(texts[0].group().lstrip())
    end = texts[-1].end() - (len(texts[-1].group()) - len(texts[-1].group().rstrip()))
    out: list[str] = []
    tags: list[list] = []
    for p in pieces:
        if p.end() <= start or p.start() >= end:
            continue
        chunk = line[max(p.start(), start):min(p.end(), end)]
        if chunk.startswith("<"):
            out.append(_atom(tags, chunk))
        else:
            _text(chunk, out, tags)
    return "".join(out), tuple(Tag(o) for o, _, _ in tags), start, end


def render(translation: str, tags: tuple[Tag, ...], context: str, titles: dict[int, str] | None = None) -> str:
    """A translation back to Markdown: tags restored, the translator's text escaped for `context`.

    Contexts: `block` (paragraphs, list items, quotes), `heading`, `cell`, `html` (a line of an
    HTML block) and `title` (a link or image title delimited by `"`, `'` or `(`).
    """
    text = re.sub(r"[ \t]*[\r\n][\r\n \t]*", " ", translation).strip()  # never a second line, never a new block
    # Blanks just inside a pair would stop `*` from opening or closing: move them outside.
    text = re.sub(r"<(\d+)>([ \t]+)", r"\2<\1>", text)
    text = re.sub(r"([ \t]+)</(\d+)>", r"</\2>\1", text).strip()
    starred = _starred(text, tags)
    out: list[str] = []
    line_start = context in ("block", "heading")
    pos = 0
    for m in TAG_RE.finditer(text):
        out.append(_escape(text[pos:m.start()], context, line_start, followed=True))
        pos = m.end()
        closing, number, selfclosing = m.group(1), int(m.group(2)), m.group(3)
        known = 1 <= number <= len(tags) and not (closing and selfclosing)
        t = tags[number - 1] if known else None
        if t is None or (t.close is None) != bool(selfclosing and not closing):
            out.append(_escape(m.group(), context, False, followed=True))  # an invented tag stays text
            line_start = False
            continue
        piece = t.open if not closing else _close(t, number, titles or {})
        if number in starred:
            piece = piece.replace("_", "*")
        out.append(piece)
        last = piece.rsplit("\n", 1)
        line_start = context in ("block", "heading") and len(last) == 2 and not last[1].strip(" \t>")
    out.append(_escape(text[pos:], context, line_start, followed=False))
    rendered = "".join(out)
    if context == "heading":
        rendered = re.sub(r"(?<![\\#])(#+)$", r"\\\1", rendered)  # not a closing sequence
    return rendered


def _starred(text: str, tags: tuple[Tag, ...]) -> set[int]:
    """`_` pairs the translation puts against a letter: `_` would not open or close there, `*` does."""
    found = set()
    for m in TAG_RE.finditer(text):
        number = int(m.group(2))
        if m.group(3) or not 1 <= number <= len(tags) or tags[number - 1].open not in ("_", "__"):
            continue
        beside = text[m.start() - 1:m.start()] if not m.group(1) else text[m.end():m.end() + 1]
        if beside.isalnum():
            found.add(number)
    return found


def _close(t: Tag, number: int, titles: dict[int, str]) -> str:
    close = t.close or ""
    if t.title and number in titles:
        a, b = t.title
        return close[:a] + titles[number] + close[b:]
    return close


def _escape(text: str, context: str, line_start: bool, followed: bool) -> str:
    if context == "html":
        return _escape_html(text)
    if context.startswith("title"):
        special = "()" if context.endswith(")") else context[-1]
        return re.sub(r"\\[!-/:-@\[-`{-~]|\\$|[" + re.escape(special) + "]",
                      lambda m: m.group() if len(m.group()) == 2 else "\\" + m.group(), text)

    def one(m: re.Match[str]) -> str:
        s = m.group()
        if len(s) == 2:
            return s  # an escape the source had, kept as written
        if s == "!":
            return "\\!" if followed else s  # `!` right before a link would make it an image
        return "\\" + s

    escaped = (_ESCAPE_CELL if context == "cell" else _ESCAPE).sub(one, text)
    if line_start:
        m = _LINE_START.match(escaped)
        if m:
            at = m.end() if m.group()[0].isdigit() else 0
            escaped = escaped[:at] + "\\" + escaped[at:]
    return escaped


def _escape_html(text: str) -> str:
    out = []
    pos = 0
    for m in re.finditer(r"&|<|>", text):
        out.append(text[pos:m.start()])
        if m.group() == "&":
            out.append("&" if _ENTITY.match(text, m.start()) else "&amp;")
        else:
            out.append("&lt;" if m.group() == "<" else "&gt;")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def strip_tags(text: str) -> str:
    return TAG_RE.sub("", text)
