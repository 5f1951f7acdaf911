"""Whether merging a template into a catalog would leave it as it is, decided from the text alone.

A pull without its state (a fresh CI clone) would otherwise parse, merge and render every
catalog to learn that nothing changed. A catalog a pull wrote from the same template has, entry
by entry, the template's own lines for source references, extracted comments, context and
source text, in the template's order: those are compared as bytes with the rendered template,
and what the merge decides from the rest (fuzzy flag, previous msgid, plural forms, obsolete
entries, the X-Source-Language header) is checked line by line. Anything unusual (another
editor's layout, odd flags, a BOM, a syntax error) answers False, and the full merge decides:
a True answer is only ever given when the merge keeps every field as it is.
"""
from __future__ import annotations

from functools import lru_cache

from .catalog import SOURCE_HEADER, _charset, syntax_error

_SEPARATORS = "\u2028\u2029\x85\x1c\x1d\x1e\x0b\x0c"


def merge_keeps(template: str, raw: bytes, nplurals: int, *, source_language: str | None,
                purge_obsolete: bool) -> bool:
    """True when `catalog.merge(template, catalog)` would give the catalog's own content."""
    if raw.startswith(b"\xef\xbb\xbf") or b"\r" in raw:
        return False
    try:
        text = raw.decode(_charset(raw))
    except (LookupError, UnicodeDecodeError):
        return False
    if any(c in text for c in _SEPARATORS) or syntax_error(text) is not None:
        return False
    wanted = _template(template)
    blocks = text.rstrip("\n").split("\n\n")
    if len(blocks) <= len(wanted) or not _header(blocks[0], source_language):
        return False
    for ref, block in zip(wanted, blocks[1:]):
        if not _entry(ref, block.split("\n"), nplurals):
            return False
    rest = blocks[len(wanted) + 1:]
    return not (purge_obsolete and rest) and all(_obsolete(b.split("\n")) for b in rest)


def _header(block: str, source_language: str | None) -> bool:
    lines = block.split("\n")
    if not lines[0].startswith("# ") or len(lines[0]) < 3:
        return False  # an empty header comment is replaced by the default one
    start = next((i for i, x in enumerate(lines) if not (x.startswith("# ") or x in ("#", "#, fuzzy"))), len(lines))
    body = lines[start:]
    if body[:2] != ['msgid ""', 'msgstr ""'] or any(not (x.startswith('"') and x.endswith('\\n"')) for x in body[2:]):
        return False  # one "Key: value\n" per line, as locflow and polib write it
    if source_language is None:
        return True
    declared = [x for x in body[2:] if x.startswith(f'"{SOURCE_HEADER}:')]
    return declared == [f'"{SOURCE_HEADER}: {source_language}\\n"']


@lru_cache(maxsize=8)
def _template(template: str) -> tuple[tuple[list[str], list[str] | None, bool], ...]:
    """Per template entry: its source lines, its flags, whether it is plural (shared by every language)."""
    blocks = template.rstrip("\n").split("\n\n")[1:]
    return tuple((_source(lines), _flags(lines), any(x.startswith("msgid_plural") for x in lines))
                 for lines in (b.split("\n") for b in blocks))


def _entry(ref: tuple[list[str], list[str] | None, bool], lines: list[str], nplurals: int) -> bool:
    ref_source, ref_flags, plural = ref
    if not _plain(lines) or any(x.startswith("#~") for x in lines):
        return False
    if _source(lines) != ref_source:
        return False
    flags = _flags(lines)
    if ref_flags is None or flags is None:
        return False
    forms = _forms(lines)
    if plural and list(forms) != [f"msgstr[{i}]" for i in range(nplurals)]:
        return False
    if not plural and list(forms) != ["msgstr"]:
        return False
    fuzzy = "fuzzy" in flags
    if fuzzy and not any(forms.values()):
        return False  # the merge drops `fuzzy` from an empty entry
    expected = list(ref_flags)
    if fuzzy:
        expected.insert(len(expected) if flags.index("fuzzy") > 0 else 0, "fuzzy")
    if flags != expected:
        return False
    return fuzzy or not any(x.startswith("#|") for x in lines)  # a previous msgid only stays on fuzzy entries


def _obsolete(lines: list[str]) -> bool:
    """An obsolete entry the merge keeps as it is: translated, without comments it would drop."""
    body = [x[2:].strip() for x in lines if x.startswith("#~")]
    if not body or not _plain([x for x in lines if not x.startswith("#~")]) or not _plain(body) \
            or any(x.startswith(("#.", "#:", "#|")) for x in lines + body):
        return False
    forms = _forms(body)
    return bool(forms) and any(forms.values())


_PLAIN = ("# ", "#.", "#:", "#,", "#|", "#~ ", "msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[", '"')


def _plain(lines: list[str]) -> bool:
    """Every line one polib reads the way it looks (no indentation, no comment style of its own),
    comments first, then the keywords and their strings."""
    if not all(x == "#" or x.startswith(_PLAIN) for x in lines):
        return False
    if any(x.startswith('"') and (i == 0 or not lines[i - 1].startswith(("msg", '"'))) for i, x in enumerate(lines)):
        return False  # a string continues a keyword's string, nothing else
    body = next((i for i, x in enumerate(lines) if not x.startswith("#") or x.startswith("#~")), len(lines))
    return not any(x.startswith("#") and not x.startswith("#~") for x in lines[body:])


def _source(lines: list[str]) -> list[str]:
    """The lines a merge takes from the template: comments, references, context, source text."""
    kept = []
    owner = ""
    for x in lines:
        if not x.startswith('"'):
            owner = x
        if x.startswith(("#.", "#:", "msgctxt", "msgid")) or (x.startswith('"') and owner.startswith(("msgctxt",
                                                                                                    "msgid"))):
            kept.append(x)
    return kept


def _flags(lines: list[str]) -> list[str] | None:
    found = [x for x in lines if x.startswith("#,")]
    if not found:
        return []
    if len(found) > 1:
        return None
    flags = [c.strip() for c in found[0][3:].split(",")]
    return flags if found[0] == "#, " + ", ".join(flags) and all(flags) else None


def _forms(lines: list[str]) -> dict[str, bool]:
    """msgstr keyword -> whether that form is non-empty, in file order."""
    forms: dict[str, bool] = {}
    current = None
    for x in lines:
        if x.startswith("msgstr"):
            current, _, value = x.partition(" ")
            if current in forms:
                return {"duplicate": False}
            forms[current] = value != '""'
        elif x.startswith('"') and current is not None:
            forms[current] = forms[current] or x != '""'
        else:
            current = None
    return forms
