"""Markdown articles with YAML front matter -> translation units, and back again.

Units: title, summary, headings, paragraphs, list items, block quotes and image alt text.
Every unit remembers the span of the source text it replaces, so `assemble` rebuilds an
article from the untouched skeleton plus one rendering per unit; with the source strings
it gives back the original file byte for byte.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import LocflowError, decode_position
from .inline import Tag, detag, strip_tags, tag

REQUIRED_FIELDS = ("slug", "title", "language", "date", "section", "author", "summary")
SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")  # fullmatch: `$` would accept "baltic\n"

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^( {0,3}#{1,6})(?:[ \t]+|$)")
_HEADING_CLOSE = re.compile(r"(?:[ \t]+#+)?[ \t]*$")
_LIST = re.compile(r"^( {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+)")
_QUOTE = re.compile(r"^( {0,3}>[ \t]?)")
_QUOTE_CONT = re.compile(r"^( {0,3}(?:>[ \t]?)?)")
_IMAGE_LINE = re.compile(r"^( {0,3}!\[)((?:[^\[\]\\\n]|\\.)*)(\]\([^()\s]*(?:\s+\"[^\"\n]*\")?\)[ \t]*)$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_HTML = re.compile(r"^ {0,3}<")
_INDENT = re.compile(r"^(?: {4}|\t)")
_LEAD = re.compile(r"^[ \t]*")


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

    def render(self, translation: str | None) -> str:
        """Source text for this span: the original when untranslated, else the translation."""
        if translation is None or translation == self.msgid:
            return self.raw
        if self.yaml:
            return json.dumps(translation, ensure_ascii=False)
        return detag(" ".join(translation.split("\n")), self.tags)


@dataclass(frozen=True)
class Article:
    path: Path
    text: str
    meta: dict
    units: tuple[Unit, ...] = field(repr=False)

    @property
    def slug(self) -> str:
        return str(self.meta["slug"])

    @property
    def language(self) -> str:
        return str(self.meta["language"])


def load_article(path: Path, display: str | None = None) -> Article:
    shown = display or str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise LocflowError("article not found", path=shown) from None
    except UnicodeDecodeError as exc:
        raise LocflowError("article is not UTF-8", path=shown, **decode_position(exc)) from None
    return parse_article(text, path, shown)


def parse_article(text: str, path: Path, shown: str | None = None) -> Article:
    shown = shown or str(path)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").lstrip("\ufeff") != "---":
        raise LocflowError("article has no front matter", path=shown, line=1, col=1,
                           hint="start the file with a `---` line, the YAML fields, and another `---`")
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") in ("---", "...")), None)
    if close is None:
        raise LocflowError("front matter is not closed", path=shown, line=1, col=1,
                           hint="end the YAML fields with a `---` line")
    offsets = _line_offsets(lines)
    meta, positions = _front_matter("".join(lines[1:close]), shown)
    units = [*_front_units(meta, positions, lines, offsets, shown)]
    units += _body_units(lines, close + 1, offsets)
    return Article(path=path, text=text, meta=meta, units=tuple(units))


def _line_offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def _front_matter(yaml_text: str, shown: str) -> tuple[dict, dict[str, tuple[int, int]]]:
    from ..yamlio import load_yaml

    data = load_yaml(yaml_text, shown, line_offset=1, what="broken front matter")
    if not isinstance(data, dict):
        raise LocflowError("front matter must be a mapping of fields", path=shown, line=2, col=1)
    missing = [f for f in REQUIRED_FIELDS if f not in data]
    if missing:
        raise LocflowError("front matter lacks " + ", ".join(f"`{m}`" for m in missing), path=shown, line=2,
                           hint="required fields: " + ", ".join(REQUIRED_FIELDS))
    positions = {}
    for key in data:
        line, col = data.lc.value(key)
        positions[str(key)] = (line + 1, col)  # line within the file (0-based) once `---` is counted
    meta = {str(k): v for k, v in data.items()}
    try:
        _dt.date.fromisoformat(str(meta["date"]))
    except ValueError:
        line, col = positions["date"]
        raise LocflowError(f"`date` {meta['date']!r} is not a date", path=shown, line=line + 1, col=col + 1,
                           hint="write it as YYYY-MM-DD") from None
    slug = meta["slug"]
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        line, col = positions["slug"]
        raise LocflowError(f"slug {slug!r} is not a safe file name", path=shown, line=line + 1, col=col + 1,
                           hint="use lowercase letters, digits and hyphens, e.g. `baltic-air-policing`")
    for key in ("title", "summary", "language", "author", "section"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            line, col = positions[key]
            raise LocflowError(f"`{key}` must be a non-empty string", path=shown, line=line + 1, col=col + 1)
    return meta, positions


def _front_units(meta: dict, positions: dict, lines: list[str], offsets: list[int], shown: str) -> list[Unit]:
    units = []
    for key in ("title", "summary"):
        line, col = positions[key]
        content = lines[line].rstrip("\r\n")
        raw = content[col:].rstrip(" \t")
        if _yaml_scalar(raw) != meta[key]:
            raise LocflowError(f"`{key}` must be written on one line", path=shown, line=line + 1, col=col + 1,
                               hint='quote it: title: "..."')
        start = offsets[line] + col
        units.append(Unit(kind=key, msgid=meta[key], line=line + 1, start=start, end=start + len(raw),
                          raw=raw, yaml=True))
    return units


def _yaml_scalar(raw: str) -> object:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load("v: " + raw + "\n")["v"]
    except (YAMLError, TypeError, KeyError):
        return None


def _body_units(lines: list[str], first: int, offsets: list[int]) -> list[Unit]:
    units: list[Unit] = []
    i = first
    n = len(lines)

    def text(k: int) -> str:
        return lines[k].rstrip("\r\n")

    def blank(k: int) -> bool:
        return not text(k).strip()

    def starts_block(k: int) -> bool:
        t = text(k)
        return bool(blank(k) or _FENCE.match(t) or _HEADING.match(t) or _LIST.match(t) or _QUOTE.match(t)
                    or _BREAK.match(t) or _IMAGE_LINE.match(t))

    while i < n:
        t = text(i)
        if blank(i) or _BREAK.match(t):
            i += 1
        elif m := _FENCE.match(t):
            fence = m.group(1)
            i += 1
            while i < n and not text(i).lstrip(" ").startswith(fence):
                i += 1
            i += 1
        elif _HTML.match(t) or _INDENT.match(t):
            while i < n and not blank(i):
                i += 1
        elif m := _HEADING.match(t):
            body = t[m.end():]
            body = body[: _HEADING_CLOSE.search(body).start()]
            _add(units, "heading", lines, offsets, [(i, m.end(), m.end() + len(body))])
            i += 1
        elif m := _IMAGE_LINE.match(t):
            start = m.end(1)
            _add(units, "image-alt", lines, offsets, [(i, start, start + len(m.group(2)))])
            i += 1
        elif m := _LIST.match(t):
            spans = [_span(t, i, m.end())]
            i += 1
            while i < n and not starts_block(i):
                spans.append(_span(text(i), i, _LEAD.match(text(i)).end()))
                i += 1
            _add(units, "list-item", lines, offsets, spans)
        elif m := _QUOTE.match(t):
            spans = [_span(t, i, m.end())]
            i += 1
            while i < n and not blank(i) and not _FENCE.match(text(i)):
                q = _QUOTE_CONT.match(text(i))
                spans.append(_span(text(i), i, q.end()))
                i += 1
            _add(units, "quote", lines, offsets, spans)
        else:
            spans = [_span(t, i, _LEAD.match(t).end())]
            i += 1
            while i < n and not starts_block(i) and not _HTML.match(text(i)):
                spans.append(_span(text(i), i, _LEAD.match(text(i)).end()))
                i += 1
            _add(units, "paragraph", lines, offsets, spans)
    return units


def _span(line_text: str, index: int, start: int) -> tuple[int, int, int]:
    return (index, start, len(line_text.rstrip(" \t")))


def _add(units: list[Unit], kind: str, lines: list[str], offsets: list[int],
         spans: list[tuple[int, int, int]]) -> None:
    parts = [lines[i][a:b] for i, a, b in spans if b > a]
    if not parts:
        return
    first_line, first_col, _ = next(s for s in spans if s[2] > s[1])
    last_line, _, last_end = [s for s in spans if s[2] > s[1]][-1]
    start = offsets[first_line] + first_col
    end = offsets[last_line] + last_end
    joined = " ".join(parts)
    msgid, tags = tag(joined)
    if not any(ch.isalpha() for ch in strip_tags(msgid)):
        return  # nothing a translator could change: numbers, code or links only
    raw = parts[0] if len(parts) == 1 else "".join(lines[first_line:last_line + 1])[first_col:end - offsets[first_line]]
    units.append(Unit(kind=kind, msgid=msgid, line=first_line + 1, start=start, end=end, raw=raw, tags=tags))


def assemble(article: Article, translate: Callable[[Unit], str | None]) -> str:
    """Rebuild the article text, each unit rendered from `translate(unit)` (None keeps the source)."""
    out: list[str] = []
    pos = 0
    for unit in sorted(article.units, key=lambda u: u.start):
        out.append(article.text[pos:unit.start])
        out.append(unit.render(translate(unit)))
        pos = unit.end
    out.append(article.text[pos:])
    return "".join(out)
