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

import re
from functools import lru_cache

from .catalog import SOURCE_HEADER
from .errors import LocflowError
from .potokens import declared_charset, tokenize

_SEPARATORS = "\u2028\u2029\x85\x1c\x1d\x1e\x0b\x0c"

# The layout polib and locflow write, as one regular expression: comments first (`#`, `# `, `#.`,
# `#:`, `#,`, `#|`), then msgctxt, msgid, msgid_plural and msgstr or msgstr[0], [1] … in order,
# each with its continuation strings, common escapes only, no obsolete entries. A catalog in it
# is valid PO (what potokens would check line by line) and every block is `_plain`.
_STR = r'"[^"\\\n\r]*(?:\\[ntr"\\][^"\\\n\r]*)*"'  # unrolled: no alternation per character
_COMMENT = r"#(?:[ .:,][^\n]*)?\n"
_PREVIOUS = rf"#\| (?:(?:msgctxt|msgid|msgid_plural) )?{_STR}\n"


def _key(word: str) -> str:
    return rf"{word} {_STR}\n(?:{_STR}\n)*"


_FORMS = ""
for _n in reversed(range(8)):
    _FORMS = _key(rf"msgstr\[{_n}\]") + (f"(?:{_FORMS})?" if _FORMS else "")
_ENTRY = (rf"(?:{_COMMENT}|{_PREVIOUS})*(?:{_key('msgctxt')})?{_key('msgid')}"
          rf"(?:{_key('msgid_plural')}{_FORMS}|{_key('msgstr')})")
_SIMPLE_PO = re.compile(rf"{_ENTRY}(?:\n{_ENTRY})*")


def simple_po(text: str) -> bool:
    """Whether `text` is in the layout locflow writes (see _SIMPLE_PO): then it needs no line-by-line check."""
    return _SIMPLE_PO.fullmatch(text) is not None


def merge_keeps(template: str, raw: bytes, nplurals: int, *, source_language: str | None,
                purge_obsolete: bool) -> bool:
    """True when `catalog.merge(template, catalog)` would give the catalog's own content."""
    if raw.startswith(b"\xef\xbb\xbf") or b"\r" in raw:
        return False
    try:
        text = raw.decode(declared_charset(raw))
    except (LookupError, UnicodeDecodeError):
        return False
    simple = simple_po(text)
    if any(c in text for c in _SEPARATORS) or (not simple and not _parses(text)):
        return False
    wanted = _template(template)
    blocks = text.rstrip("\n").split("\n\n")
    if len(blocks) <= len(wanted) or not _header(blocks[0], source_language):
        return False
    for ref, block in zip(wanted, blocks[1:]):
        if not _entry(ref, block.split("\n"), nplurals, simple):
            return False
    rest = blocks[len(wanted) + 1:]
    return not (purge_obsolete and rest) and all(_obsolete(b.split("\n")) for b in rest)


def _parses(text: str) -> bool:
    """The one PO reader's verdict, for a layout the regular expression above does not cover."""
    try:
        tokenize(text)
    except LocflowError:
        return False
    return True


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


def _entry(ref: tuple[list[str], list[str] | None, bool], lines: list[str], nplurals: int,
           simple: bool = False) -> bool:
    ref_source, ref_flags, plural = ref
    if simple:
        # Comments, then the keys up to the first msgstr, then the forms (the layout is checked).
        start = 0
        while lines[start][0] == "#":
            start += 1
        end = start
        while not lines[end].startswith("msgstr"):
            end += 1
        comments = lines[:start]
        if [x for x in comments if x[:2] in ("#.", "#:")] + lines[start:end] != ref_source:
            return False
        flags, forms = _flags(comments), _forms(lines[end:])
        if ref_flags is None or flags is None:
            return False
        return _fuzzy_ok(ref_flags, plural, nplurals, flags, forms, comments)
    if not _plain(lines) or any(x.startswith("#~") for x in lines):
        return False
    if _source(lines) != ref_source:
        return False
    flags = _flags(lines)
    if ref_flags is None or flags is None:
        return False
    return _fuzzy_ok(ref_flags, plural, nplurals, flags, _forms(lines), lines)


def _fuzzy_ok(ref_flags: list[str], plural: bool, nplurals: int, flags: list[str], forms: dict[str, bool],
              lines: list[str]) -> bool:
    """The forms the language needs, and the flags and previous msgid the merge would keep."""
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
