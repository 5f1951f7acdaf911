"""Write back an edited catalog keeping every untouched entry byte for byte.

A catalog re-wrapped by Poedit, Weblate or `msgcat --no-wrap` would otherwise come back in polib's
wrapping on the first approval, and its diff would show every entry. `read_po` remembers where
each entry was (the tokenizer's spans) and what it said; `render_edited` copies the original lines
of the entries that still say the same and renders only the changed ones. The result is parsed again and must give
exactly what a plain render gives, or the plain render is written instead.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polib

    from .potokens import Catalog


@dataclass(frozen=True)
class _Layout:
    """A catalog as it was read: its lines, its header, and where each entry began and what it said."""

    lines: list[str]
    header: tuple
    spans: dict[int, tuple[int, tuple]]  # id(entry) -> (first line index, fields when read)
    entries: list  # the entries themselves, so no other object takes their ids while the layout lives


# Keyed by id(POFile): polib's objects get no attributes of ours. An entry goes when its catalog does.
_LAYOUTS: dict[int, _Layout] = {}


def fields(entry: "polib.POEntry") -> tuple:
    """Everything an entry says, in a comparable form."""
    return (entry.obsolete, entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr,
            tuple(sorted((int(k), v) for k, v in entry.msgstr_plural.items())), tuple(entry.flags),
            entry.tcomment, entry.comment, tuple(entry.occurrences), entry.previous_msgctxt,
            entry.previous_msgid, entry.previous_msgid_plural)


def _header(po: "polib.POFile") -> tuple:
    return dict(po.metadata), po.header, po.metadata_is_fuzzy, po.encoding


def remember(po: "polib.POFile", tokens: "Catalog") -> None:
    """Called by read_po with the tokenizer's reading of the same text: the entries' spans."""
    if "\r" in tokens.text:
        return  # CRLF or CR files: a plain render normalises them, as before
    entries = list(po)
    spans = {id(e): (t.linenum - 1, fields(e)) for e, t in zip(entries, tokens)}
    _LAYOUTS[id(po)] = _Layout(tokens.text.split("\n"), _header(po), spans, entries)
    weakref.finalize(po, _LAYOUTS.pop, id(po), None)


def render_edited(po: "polib.POFile") -> bytes:
    """The catalog's bytes: original lines for unchanged entries, a fresh rendering for the rest."""
    from .catalog import render

    plain = render(po)
    layout = _LAYOUTS.get(id(po))
    if layout is None:
        return plain
    lines = layout.lines
    spans = [layout.spans.get(id(e)) for e in po]
    starts = [s[0] for s in spans if s is not None]
    if (layout.header != _header(po) or None in spans or starts != sorted(starts) or len(set(starts)) != len(starts)
            or not starts or starts[0] < 1):
        return plain  # new, removed or reordered entries, or a changed header: the plain render
    out = lines[:starts[0]]
    edited = False
    for entry, (start, was), end in zip(po, spans, starts[1:] + [len(lines)]):
        block = lines[start:end]
        if fields(entry) == was:
            out += block
            continue
        edited = True
        blank = len(block) - len(_without_trailing_blank(block))
        out += entry.__unicode__(po.wrapwidth).rstrip("\n").split("\n") + block[len(block) - blank:]
    try:
        data = "\n".join(out).encode(po.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return plain  # the plain render converts the catalog to UTF-8
    if not edited or data == plain:
        return data  # the file as it was, or a catalog already in polib's form: nothing to verify
    return data if _same_content(data, plain) else plain


def _without_trailing_blank(block: list[str]) -> list[str]:
    end = len(block)
    while end and not block[end - 1].strip():
        end -= 1
    return block[:end]


def _same_content(data: bytes, plain: bytes) -> bool:
    """The spliced text must read back as exactly what the plain render says."""
    from .catalog import read_po, render
    from .errors import LocflowError

    try:
        again = read_po(None, display="(spliced)", data=data, layout=False)
    except LocflowError:
        return False
    return render(again) == plain
