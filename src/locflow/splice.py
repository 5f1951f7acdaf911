"""Write back an edited catalog keeping every untouched entry byte for byte.

A catalog re-wrapped by Poedit, Weblate or `msgcat --no-wrap` would otherwise come back in polib's
wrapping on the first approval, and its diff would show every entry. `read_po` remembers where
each entry was and what it said; `render_edited` copies the original lines of the entries that
still say the same and renders only the changed ones. The result is parsed again and must give
exactly what a plain render gives, or the plain render is written instead.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polib

_ORIGINAL = "_locflow_original"  # on the POFile: (lines, header snapshot)
_SPAN = "_locflow_span"  # on each entry: (first line, fields when read)


def fields(entry: "polib.POEntry") -> tuple:
    """Everything an entry says, in a comparable form."""
    return (entry.obsolete, entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr,
            tuple(sorted((int(k), v) for k, v in entry.msgstr_plural.items())), tuple(entry.flags),
            entry.tcomment, entry.comment, tuple(entry.occurrences), entry.previous_msgctxt,
            entry.previous_msgid, entry.previous_msgid_plural)


def _header(po: "polib.POFile") -> tuple:
    return dict(po.metadata), po.header, po.metadata_is_fuzzy, po.encoding


def remember(po: "polib.POFile", text: str) -> None:
    """Called by read_po on the text it parsed (LF line ends only)."""
    if "\r" in text:
        return  # CRLF or CR files: a plain render normalises them, as before
    setattr(po, _ORIGINAL, (text.split("\n"), _header(po)))
    for entry in po:
        setattr(entry, _SPAN, (entry.linenum - 1, fields(entry)))


def render_edited(po: "polib.POFile") -> bytes:
    """The catalog's bytes: original lines for unchanged entries, a fresh rendering for the rest."""
    from .catalog import render

    plain = render(po)
    original = getattr(po, _ORIGINAL, None)
    if original is None:
        return plain
    lines, header = original
    spans = [getattr(e, _SPAN, None) for e in po]
    starts = [s[0] for s in spans if s is not None]
    if (header != _header(po) or None in spans or starts != sorted(starts) or len(set(starts)) != len(starts)
            or not starts or starts[0] < 1):
        return plain  # new, removed or reordered entries, or a changed header: the plain render
    if all(fields(e) == s[1] for e, s in zip(po, spans)):
        return "\n".join(lines).encode(po.encoding or "utf-8", errors="strict") if _encodable(lines, po) else plain
    out = lines[:starts[0]]
    bounds = starts[1:] + [len(lines)]
    for entry, (start, was), end in zip(po, spans, bounds):
        block = lines[start:end]
        if fields(entry) == was:
            out += block
            continue
        blank = len(block) - len(_strip_trailing_blank(block))
        out += entry.__unicode__(po.wrapwidth).rstrip("\n").split("\n") + block[len(block) - blank:]
    text = "\n".join(out)
    if text.encode(po.encoding or "utf-8", errors="replace") == plain:
        return plain  # a catalog already in polib's form: nothing to verify
    if not _same_content(text, plain, po):
        return plain
    try:
        return text.encode(po.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return plain


def _strip_trailing_blank(block: list[str]) -> list[str]:
    end = len(block)
    while end and not block[end - 1].strip():
        end -= 1
    return block[:end]


def _encodable(lines: list[str], po: "polib.POFile") -> bool:
    try:
        "\n".join(lines).encode(po.encoding or "utf-8")
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def _same_content(text: str, plain: bytes, po: "polib.POFile") -> bool:
    """The spliced text must read back as exactly what the plain render says."""
    from .catalog import read_po, render
    from .errors import LocflowError

    try:
        again = read_po(None, display="(spliced)", data=text.encode(po.encoding or "utf-8"))
    except (LocflowError, UnicodeEncodeError, LookupError):
        return False
    return render(again) == plain
