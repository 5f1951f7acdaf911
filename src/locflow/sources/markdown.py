"""The one Markdown parser of locflow: pulldown-cmark (through pyromark) with source positions.

CommonMark plus GFM tables, strikethrough, task lists and footnotes. Segmentation reads its
events with character offsets; the site renders with the same options, so what the articles
contain and what the pages show come from one grammar.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """One parser event: `what` is start, end or leaf; `start`/`end` are character offsets."""

    what: str
    name: str
    data: Any
    start: int
    end: int


def _options() -> Any:
    import pyromark

    o = pyromark.Options
    return o.ENABLE_TABLES | o.ENABLE_FOOTNOTES | o.ENABLE_STRIKETHROUGH | o.ENABLE_TASKLISTS


def _char_offsets(text: str, offsets: set[int]) -> dict[int, int] | None:
    """Character index of each of these UTF-8 byte offsets (character starts), or None when the text
    is ASCII. Only the offsets the events name are converted: one decode of the text, in pieces."""
    if text.isascii():
        return None
    data = text.encode("utf-8")
    found: dict[int, int] = {}
    chars = done = 0
    for offset in sorted(offsets):
        chars += len(data[done:offset].decode("utf-8"))
        done = offset
        found[offset] = chars
    return found


def _split(raw: Any) -> tuple[str, str, Any]:
    if isinstance(raw, str):
        return "leaf", raw, None
    ((key, value),) = raw.items()
    if key in ("Start", "End"):
        if isinstance(value, dict):
            ((name, data),) = value.items()
            return key.lower(), name, data
        return key.lower(), value, None
    return "leaf", key, value


def events(text: str) -> list[Event]:
    """Every event of `text` with its source span in characters."""
    import pyromark

    raws = list(pyromark.events_with_range(text, options=_options()))
    table = _char_offsets(text, {span[k] for _, span in raws for k in ("start", "end")})
    out = []
    for raw, span in raws:
        what, name, data = _split(raw)
        start, end = span["start"], span["end"]
        if table is not None:
            start, end = table[start], table[end]
        out.append(Event(what, name, data, start, end))
    return out


def to_html(text: str) -> str:
    """Markdown to HTML with the segmenter's grammar; raw HTML is passed through (sanitise after)."""
    import pyromark

    return pyromark.html(text, options=_options())
