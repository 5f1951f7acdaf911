"""An article body -> translation units, from the Markdown parser's events and their positions.

One unit per leaf block (heading, paragraph, tight list item, table cell, footnote paragraph,
a prose line of an HTML block) wherever it sits in quotes and lists, plus link and image
titles. A unit knows the exact span it replaces; everything between units (container
prefixes, list markers, table pipes, fences, code, link definitions) is never touched.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass

from .inline import PAIRS, Tag, render, strip_tags, tag_events, tag_html_line
from .markdown import Event, events

_PROSE = re.compile(r"[^\W\d_]")
_LEAVES = frozenset({"Paragraph", "Heading", "CodeBlock", "HtmlBlock", "Table"})
# A link reference definition on one line whose title is on that line too (titles over several
# lines stay as written). Only text outside every leaf block can be a definition.
_DEFINITION = re.compile(r"""^(?:[ \t]*>)*[ \t]*\[(?:[^\[\]\\\n]|\\.){1,999}\]:[ \t]*(?:<[^<>\n]*>|[^\s<]\S*)[ \t]+
    (?:"(?P<d>(?:[^"\\\n]|\\.)*)"|'(?P<s>(?:[^'\\\n]|\\.)*)'|\((?P<p>(?:[^()\\\n]|\\.)*)\))[ \t]*$""",
                         re.M | re.X)


@dataclass(frozen=True)
class Unit:
    kind: str
    msgid: str
    line: int
    start: int
    end: int
    raw: str
    tags: tuple[Tag, ...] = ()
    yaml: bool = False  # a front-matter value: rendered as a YAML scalar
    context: str = "block"  # how a translation is escaped (see inline.render)
    titles: tuple[tuple[int, "Unit"], ...] = ()  # (tag number, title unit) inside this unit

    def render(self, translation: str | None, translate=None) -> str:
        """Source text for this span: the original when untranslated, else the translation.

        `translate` gives the translations of the link titles inside this unit.
        """
        titles = {}
        for number, unit in self.titles:
            text = translate(unit) if translate else None
            if text is not None and text != unit.msgid:
                titles[number] = unit.render(text)
        if translation is None or translation == self.msgid:
            if not titles:
                return self.raw
            out, pos = [], self.start
            for number, unit in self.titles:
                if number in titles:
                    out += [self.raw[pos - self.start:unit.start - self.start], titles[number]]
                    pos = unit.end
            return "".join(out) + self.raw[pos - self.start:]
        if self.yaml:
            return json.dumps(translation, ensure_ascii=False)
        return render(translation, self.tags, self.context, titles)


def body_units(text: str, first: int, line_of) -> list[Unit]:
    """Units of the Markdown in `text[first:]`; `line_of(offset)` gives a 1-based line number."""
    body = text[first:]
    units: list[Unit] = []

    def titles_of(tagged) -> list[tuple[int, Unit]]:
        found = []
        for number, start, end in tagged.titles:
            unit = _plain(kind="link-title", text=text, start=first + start, end=first + end, line_of=line_of,
                          context="title" + body[end])
            if unit:
                found.append((number, unit))
        return found

    def add(kind: str, context: str, run: list[Event]) -> None:
        while run and run[0].name == "TaskListMarker":
            run = run[1:]
        if not run:
            return
        tagged = tag_events(body, run)
        titles = titles_of(tagged)
        if _only_image(run):  # a picture on its own: its alt text is the unit, as it always was
            units.extend(u for _, u in titles)
            titles, run, kind = [], run[1:-1], "image-alt"
            if not run:
                return
            tagged = tag_events(body, run)
        if not _PROSE.search(strip_tags(tagged.msgid)):
            units.extend(u for _, u in titles)  # nothing to translate around them
            return
        start, end = first + tagged.start, first + tagged.end
        units.append(Unit(kind=kind, msgid=tagged.msgid, line=line_of(start), start=start, end=end,
                          raw=text[start:end], tags=tagged.tags, context=context, titles=tuple(titles)))
        units.extend(u for _, u in titles)

    stack: list[Event] = []
    run: list[Event] = []
    html: list[Event] = []

    def flush() -> None:
        nonlocal run
        if run:
            kind, context = _kind(stack)
            add(kind, context, run)
        run = []

    leaf_starts: list[int] = []
    leaf_ends: list[int] = []
    for ev in events(body):
        if ev.what == "start" and ev.name in _LEAVES:
            leaf_starts.append(ev.start)
            leaf_ends.append(ev.end)
        inline = ev.name in PAIRS
        if ev.what == "start" and not inline:
            flush()
            stack.append(ev)
        elif ev.what == "end" and not inline:
            flush()
            opened = stack.pop()
            if opened.name == "HtmlBlock":
                units.extend(_html_units(text, first, html, line_of))
                html = []
        elif stack and stack[-1].name == "CodeBlock":
            continue
        elif ev.name == "Html" and stack and stack[-1].name == "HtmlBlock":
            html.append(ev)
        elif ev.name == "Rule":
            flush()
        else:
            run.append(ev)
    flush()
    for m in _DEFINITION.finditer(body):
        group = next(g for g in ("d", "s", "p") if m.group(g) is not None)
        at = bisect.bisect_right(leaf_starts, m.start(group)) - 1
        if at >= 0 and m.start(group) < leaf_ends[at]:
            continue  # inside a paragraph or code: not a definition
        unit = _plain(kind="link-title", text=text, start=first + m.start(group), end=first + m.end(group),
                      line_of=line_of, context="title" + body[m.end(group)])
        if unit:
            units.append(unit)
    units.sort(key=lambda u: u.start)
    return units


def _only_image(run: list[Event]) -> bool:
    return (len(run) >= 2 and run[0].what == "start" and run[0].name == "Image" and run[-1].what == "end"
            and (run[0].data or {}).get("link_type") in ("Inline", "Reference")
            and all(ev.name == "Text" for ev in run[1:-1]))


def _kind(stack: list[Event]) -> tuple[str, str]:
    """Unit kind and escaping context of inline content directly inside the innermost block."""
    top = stack[-1].name if stack else "Paragraph"
    if top == "Heading":
        return "heading", "heading"
    if top == "TableCell":
        head = any(ev.name == "TableHead" for ev in stack)
        return ("table-header" if head else "table-cell"), "cell"
    if top == "Item":
        return "list-item", "block"
    parent = stack[-2].name if len(stack) >= 2 else ""
    return {"Item": "list-item", "BlockQuote": "quote", "FootnoteDefinition": "footnote"}.get(parent, "paragraph"), "block"


def _plain(kind: str, text: str, start: int, end: int, line_of, context: str) -> Unit | None:
    raw = text[start:end]
    if not _PROSE.search(raw) or "\n" in raw or "\r" in raw:
        return None  # a title over several lines stays as written
    return Unit(kind=kind, msgid=raw, line=line_of(start), start=start, end=end, raw=raw, context=context)


_RAW_OPEN = re.compile(r"<(script|style|pre|textarea)(?=[\s>/]|$)|<!--|<\?|<!\[CDATA\[|<![A-Za-z]", re.I)


def _raw_close(opener: re.Match[str]) -> str:
    if opener.group(1):
        return "</" + opener.group(1).lower() + ">"
    return {"<!--": "-->", "<?": "?>", "<![CDATA[": "]]>"}.get(opener.group(), ">")


def _prose_parts(line: str, closing: str | None) -> tuple[list[tuple[int, int]], str | None]:
    """Parts of one HTML line outside script, style, pre, textarea, comments and declarations."""
    parts, pos = [], 0
    while pos <= len(line):
        if closing:
            at = line.lower().find(closing, pos)
            if at < 0:
                return parts, closing
            pos, closing = at + len(closing), None
            continue
        m = _RAW_OPEN.search(line, pos)
        parts.append((pos, m.start() if m else len(line)))
        if not m:
            break
        closing, pos = _raw_close(m), m.end()
    return parts, closing


def _html_units(text: str, first: int, lines: list[Event], line_of) -> list[Unit]:
    """Prose of an HTML block, line by line, each tag an atom; never script, style, pre, textarea or comments."""
    units = []
    closing: str | None = None
    for ev in lines:
        line = text[first + ev.start:first + ev.end].rstrip("\r\n")
        parts, closing = _prose_parts(line, closing)
        for a, b in parts:
            found = tag_html_line(line[a:b])
            if found is None:
                continue
            msgid, tags, x, y = found
            if not _PROSE.search(strip_tags(msgid)):
                continue
            start = first + ev.start + a + x
            units.append(Unit(kind="html", msgid=msgid, line=line_of(start), start=start, end=start + y - x,
                              raw=line[a + x:a + y], tags=tags, context="html"))
    return units
