"""A lean single-pass PO reader for the read-only hot paths: `status` and `check`.

polib builds a full object model (about 2 s for 8 x 20k entries); status and the checks
need only each entry's strings, flags and comments. Anything the scanner does not recognise
raises Unsure, and the caller falls back to the full parser (catalog.read_po), which reports
errors with file:line: the two never disagree on a valid file, and broken files get the
same message. Catalogs are always *written* through polib.
"""
from __future__ import annotations

import re

from .states import nplurals_of, state_of

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r"\\(.)")
_HEADER_LINE = re.compile(r"^([^:\n]+):[ \t]*(.*)$", re.M)


class Unsure(Exception):
    """The scanner met something it does not handle: use the full parser."""


def _string(line: str, start: int) -> str:
    """The quoted string starting at `start`, unescaped; Unsure when the line is not one string."""
    rest = line[start:].strip()
    if len(rest) < 2 or rest[0] != '"' or rest[-1] != '"':
        raise Unsure
    body = rest[1:-1]
    if "\\" not in body:
        if '"' in body:
            raise Unsure
        return body
    trailing = len(body) - len(body.rstrip("\\"))
    if trailing % 2 or '"' in body.replace('\\\\', "").replace('\\"', ""):
        raise Unsure  # an unescaped quote inside, or a closing quote that is itself escaped
    return _ESCAPE_RE.sub(_unescape, body)


def _unescape(m: re.Match) -> str:
    try:
        return _ESCAPES[m.group(1)]
    except KeyError:
        raise Unsure from None  # \q, octal, hex: the full parser decides (and names the line)


class LiteEntry:
    """The fields of polib.POEntry that status and the checks read, with the same meaning."""

    __slots__ = ("msgid", "msgid_plural", "msgctxt", "msgstr", "msgstr_plural", "flags", "tcomment", "comment",
                 "linenum", "obsolete", "previous_msgid", "previous_msgid_plural", "previous_msgctxt",
                 "_locflow_pairs")

    def __init__(self, linenum: int) -> None:
        self.msgid = ""
        self.msgid_plural = ""
        self.msgctxt: str | None = None
        self.msgstr = ""
        self.msgstr_plural: dict[int, str] = {}
        self.flags: list[str] = []
        self.tcomment = ""
        self.comment = ""
        self.linenum = linenum
        self.obsolete = False
        self.previous_msgid: str | None = None
        self.previous_msgid_plural: str | None = None
        self.previous_msgctxt: str | None = None
        self._locflow_pairs = None  # memo of checks.base.form_pairs


class LiteCatalog(list):
    """Entries (header excluded) plus the header's metadata, like polib.POFile."""

    def __init__(self, entries: list[LiteEntry], metadata: dict[str, str]) -> None:
        super().__init__(entries)
        self.metadata = metadata


def parse(text: str) -> LiteCatalog:
    """Entries of PO text; Unsure on anything a strict reading would question."""
    entries: list[LiteEntry] = []
    metadata: dict[str, str] = {}
    seen: set[tuple[str | None, str]] = set()
    entry: LiteEntry | None = None
    parts: dict[str, list[str]] = {}  # field -> string pieces of the current entry
    current: list[str] | None = None
    has_msgid = has_msgstr = False
    tcomments: list[str] = []
    comments: list[str] = []
    previous: dict[str, list[str]] = {}

    def finish() -> None:
        nonlocal entry, parts, current, has_msgid, has_msgstr, tcomments, comments, previous
        if entry is not None and has_msgid:
            if not has_msgstr:
                raise Unsure  # msgid without msgstr
            entry.msgid = "".join(parts["msgid"])
            entry.msgctxt = "".join(parts["msgctxt"]) if "msgctxt" in parts else None
            entry.msgid_plural = "".join(parts.get("msgid_plural", ()))
            plural_keys = sorted(k for k in parts if k.startswith("msgstr["))
            if bool(plural_keys) != ("msgid_plural" in parts) or (plural_keys and "msgstr" in parts):
                raise Unsure  # msgstr[N] without msgid_plural or the other way round: msgfmt rejects it
            if plural_keys:
                entry.msgstr_plural = {int(k[7:-1]): "".join(parts[k]) for k in plural_keys}
                if sorted(entry.msgstr_plural) != list(range(len(entry.msgstr_plural))):
                    raise Unsure  # msgstr[99999999999999999999]: msgfmt says "plural form has wrong index"
            entry.msgstr = "".join(parts.get("msgstr", ()))
            entry.tcomment = "\n".join(tcomments)
            entry.comment = "\n".join(comments)
            for name, value in previous.items():
                setattr(entry, "previous_" + name, "".join(value))
            if not entry.obsolete:
                key = (entry.msgctxt, entry.msgid)
                if key in seen:
                    raise Unsure  # duplicate definition: the full parser names it with its line
                seen.add(key)
            if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
                if not metadata and not entries:
                    metadata.update((k.strip(), v.strip()) for k, v in _HEADER_LINE.findall(entry.msgstr))
                else:
                    raise Unsure
            else:
                entries.append(entry)
        elif entry is not None and (parts or previous):
            raise Unsure
        entry = None
        parts, previous = {}, {}
        current = None
        has_msgid = has_msgstr = False
        tcomments, comments = [], []

    for number, raw in enumerate(text.split("\n"), 1):  # not splitlines(): U+2028 may sit inside strings
        line = raw.strip()
        if not line:
            continue
        if entry is None:
            entry = LiteEntry(number)
        if line[0] == "#":
            if has_msgstr and not line.startswith("#~"):
                finish()
                entry = LiteEntry(number)
            second = line[1:2]
            if second == "~":
                line = line[2:].lstrip()
                if not line:
                    continue
                if line[0] == "|":
                    continue  # previous msgid of an obsolete entry
                if has_msgstr and line.startswith(("msgctxt", "msgid")) and not line.startswith("msgid_plural"):
                    finish()
                    entry = LiteEntry(number)
                entry.obsolete = True
            elif second == ",":
                entry.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
                continue
            elif second == ".":
                comments.append(line[2:].strip())
                continue
            elif second == ":":
                continue
            elif second == "|":
                rest = line[2:].strip()
                for name in ("msgctxt", "msgid_plural", "msgid"):
                    if rest.startswith(name):
                        current = previous.setdefault(name, [])
                        current.append(_string(rest, len(name)))
                        break
                else:
                    if rest.startswith('"') and current is not None:
                        current.append(_string(rest, 0))
                    else:
                        raise Unsure
                continue
            else:
                if second in (" ", ""):
                    tcomments.append(raw.strip()[2:] if raw.strip()[1:2] == " " else "")
                    continue
                raise Unsure  # "#x" comment styles polib reads in its own way
        if line[0] == '"':
            if current is None:
                raise Unsure
            current.append(_string(line, 0))
            continue
        if line.startswith("msgctxt"):
            if has_msgid:
                finish()
                entry = LiteEntry(number)
            current = parts["msgctxt"] = [_string(line, 7)]
        elif line.startswith("msgid_plural"):
            if not has_msgid:
                raise Unsure
            current = parts["msgid_plural"] = [_string(line, 12)]
        elif line.startswith("msgid"):
            if has_msgid:
                finish()
                entry = LiteEntry(number)
            current = parts["msgid"] = [_string(line, 5)]
            has_msgid = True
        elif line.startswith("msgstr"):
            if not has_msgid:
                raise Unsure
            if line.startswith("msgstr["):
                close = line.find("]")
                if close < 0 or not line[7:close].isdigit():
                    raise Unsure
                key, start = line[:close + 1], close + 1
            else:
                key, start = "msgstr", 6
            if key in parts:
                raise Unsure
            current = parts[key] = [_string(line, start)]
            has_msgstr = True
        else:
            raise Unsure
    finish()
    return LiteCatalog(entries, metadata)


def count_states(text: str) -> dict[str, int]:
    """{state: n, "obsolete": n}, as states.state_of counts polib's entries (the same function decides)."""
    counts = {"untranslated": 0, "fuzzy": 0, "machine": 0, "reviewed": 0, "approved": 0, "obsolete": 0}
    catalog = parse(text)
    nplurals = nplurals_of(catalog.metadata)
    for entry in catalog:
        counts["obsolete" if entry.obsolete else state_of(entry, nplurals).value] += 1
    return counts
