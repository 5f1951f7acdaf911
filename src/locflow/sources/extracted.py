"""What a source kind's extractor hands to pull: a template's messages, and what it left out."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Message:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    locations: list[tuple[str, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExtractWarning:
    """Something in a template that is no error but drops a string (`_("")`), with its file:line."""

    path: str
    line: int
    message: str


@dataclass(frozen=True)
class Extracted:
    """One template's strings, as a kind's extractor found them in its sources."""

    messages: tuple[Message, ...]  # the template's entries, in order
    warnings: tuple[ExtractWarning, ...] = ()
    slug: str | None = None  # per-source kinds: the name of the source's template and catalogs
    language: str | None = None  # the sources' own language; None: workflow.yaml's source_language
