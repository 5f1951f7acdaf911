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


def _char_offsets(text: str) -> list[int] | None:
    """Character index of every UTF-8 byte offset that starts a character (None when ASCII)."""
    if text.isascii():
        return None
    table = [0] * (len(text.encode("utf-8")) + 1)
    pos = 0
    for index, ch in enumerate(text):
        table[pos] = index
        pos += len(ch.encode("utf-8"))
    table[pos] = len(text)
    return table


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

    table = _char_offsets(text)
    out = []
    for raw, span in pyromark.events_with_range(text, options=_options()):
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
