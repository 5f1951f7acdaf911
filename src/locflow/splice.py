"""Write back an edited catalog keeping every untouched entry byte for byte.

A catalog re-wrapped by Poedit, Weblate or `msgcat --no-wrap` would otherwise come back in polib's
wrapping on the first approval, and its diff would show every entry. `read_po` remembers where
each entry was (the tokenizer's spans) and what it said (`catalog.layout_of`); `render_edited`
copies the original lines of the entries that still say the same and renders only the changed
ones. The result is parsed again and must give exactly what a plain render gives, or the plain
render is written instead.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .catalog import entry_fields, header_fields, layout_of, read_po, render
from .errors import LocflowError

if TYPE_CHECKING:
    import polib


def render_edited(po: "polib.POFile") -> bytes:
    """The catalog's bytes: original lines for unchanged entries, a fresh rendering for the rest."""
    plain = render(po)
    layout = layout_of(po)
    if layout is None:
        return plain
    lines = layout.lines
    spans = [layout.spans.get(id(e)) for e in po]
    starts = [s[0] for s in spans if s is not None]
    if (layout.header != header_fields(po) or None in spans or starts != sorted(starts) or len(set(starts)) != len(starts)
            or not starts or starts[0] < 1):
        return plain  # new, removed or reordered entries, or a changed header: the plain render
    out = lines[:starts[0]]
    edited = False
    for entry, (start, was), end in zip(po, spans, starts[1:] + [len(lines)]):
        block = lines[start:end]
        if entry_fields(entry) == was:
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
    try:
        again = read_po(None, display="(spliced)", data=data, layout=False)
    except LocflowError:
        return False
    return render(again) == plain
