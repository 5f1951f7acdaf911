"""Markdown articles with YAML front matter -> translation units, and back again.

Units: title and summary from the front matter, then every leaf block of the body (see
`blocks`). Every unit remembers the span of the source text it replaces, so `assemble`
rebuilds an article from the untouched skeleton plus one rendering per unit; with the source
strings it gives back the original file byte for byte.
"""
from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import LocflowError, decode_position
from .blocks import Unit, body_units
from .extracted import Extracted, Message

REQUIRED_FIELDS = ("slug", "title", "language", "date", "section", "author", "summary")
SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")  # fullmatch: `$` would accept "baltic\n"
RESERVED_SLUGS = ("index",)  # the site writes <lang>/index.html itself


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
    units += body_units(text, offsets[close + 1], lambda at: bisect.bisect_right(offsets, at))
    return Article(path=path, text=text, meta=meta, units=tuple(units))


def _line_offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def _front_matter(yaml_text: str, shown: str) -> tuple[dict, dict[str, tuple[int, int]]]:
    from ..yamlio import load_yaml, simple_mapping

    simple = simple_mapping(yaml_text)
    if simple is not None:
        meta, where = simple
    else:
        data = load_yaml(yaml_text, shown, line_offset=1, what="broken front matter")
        if not isinstance(data, dict):
            raise LocflowError("front matter must be a mapping of fields", path=shown, line=2, col=1)
        meta = {str(k): v for k, v in data.items()}
        where = {str(k): data.lc.value(k) for k in data}
    missing = [f for f in REQUIRED_FIELDS if f not in meta]
    if missing:
        raise LocflowError("front matter lacks " + ", ".join(f"`{m}`" for m in missing), path=shown, line=2,
                           hint="required fields: " + ", ".join(REQUIRED_FIELDS))
    # line within the file (0-based) once `---` is counted
    positions = {key: (line + 1, col) for key, (line, col) in where.items()}
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
    if slug in RESERVED_SLUGS:
        line, col = positions["slug"]
        raise LocflowError(f"slug `{slug}` is reserved: the site's front page is <lang>/{slug}.html", path=shown,
                           line=line + 1, col=col + 1, hint="give the article a slug of its own")
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
    from ..yamlio import simple_scalar

    simple = simple_scalar(raw)
    if simple is not None:
        return simple
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load("v: " + raw + "\n")["v"]
    except (YAMLError, TypeError, KeyError):
        return None


def assemble(article: Article, translate: Callable[[Unit], str | None]) -> str:
    """Rebuild the article text, each unit rendered from `translate(unit)` (None keeps the source)."""
    out: list[str] = []
    pos = 0
    for unit in sorted(article.units, key=lambda u: u.start):
        if unit.start < pos:
            continue  # a link title inside a unit: its unit renders it
        out.append(article.text[pos:unit.start])
        out.append(unit.render(translate(unit), translate))
        pos = unit.end
    out.append(article.text[pos:])
    return "".join(out)


def read_article(path: Path, shown: str, languages: tuple[str, ...]) -> Article:
    """An article whose language is one of the site's."""
    article = load_article(path, shown)
    if article.language not in languages:
        line = next((i + 1 for i, t in enumerate(article.text.splitlines()) if t.startswith("language:")), 2)
        raise LocflowError(f"article language `{article.language}` is not one of the site's languages",
                           path=shown, line=line, hint="languages: " + ", ".join(languages))
    return article


def languages_by_slug(paths: list[Path]) -> dict[str, str]:
    """slug -> language from each article's front matter, by a look at its first lines (no parse)."""
    found: dict[str, str] = {}
    for path in paths:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
        slug = re.search(r"(?m)^slug:[ \t]*[\"']?([a-z0-9-]+)", head)
        lang = re.search(r"(?m)^language:[ \t]*[\"']?([A-Za-z_]+)", head)
        if slug and lang:
            found[slug.group(1)] = lang.group(1)
    return found


def extract_article(path: Path, shown: str, languages: tuple[str, ...]) -> Extracted:
    """The articles kind's template: one entry per distinct unit text, its kinds as the comment."""
    article = read_article(path, shown, languages)
    by_id: dict[str, Message] = {}
    for unit in article.units:
        message = by_id.get(unit.msgid)
        if message is None:
            # Article prose is no format string: "50% of" must not be flagged python-format.
            message = by_id[unit.msgid] = Message(msgid=unit.msgid, comments=[unit.kind])
        elif unit.kind not in message.comments[0].split(", "):
            message.comments[0] += ", " + unit.kind
        message.locations.append((shown, unit.line))
    return Extracted(tuple(by_id.values()), slug=article.slug, language=article.language)


def translated(article: Article, language: str, translations: dict[str, str]) -> str:
    """The article's Markdown in `language`: units replaced, front matter `language` set."""
    text = assemble(article, lambda u: translations.get(u.msgid))
    return re.sub(r"(?m)^(language:[ \t]*)\S+", lambda m: m.group(1) + language, text, count=1)
