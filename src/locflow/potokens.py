"""The one PO reader: a strict single-pass tokenizer with each entry's line span.

Validation, `status`, the checks and splice all read catalogs through `parse`; commands that
edit build polib objects from its entries (catalog.read_po) and polib writes them. It applies
msgfmt's rules (a file msgfmt rejects is a LocflowError with file:line) and reads fields with
polib's meaning, so that polib's writer gives the same catalog back. It splits lines at "\\n"
only: U+2028 and the other characters `str.splitlines()` breaks at may sit inside strings.
"""
from __future__ import annotations

import gc
import re

from .errors import LocflowError, decode_position

MAX_CATALOG_BYTES = 64 * 1024 * 1024  # 30 times the largest real catalog we know; a 300 MB one sank the machine
MAX_STRING_CHARS = 256 * 1024  # one msgid, msgstr or form: a long article paragraph is a few thousand
SYNTAX_HINT = "fix the entry by hand or restore it from version control"

_CHARSET = re.compile(rb'"Content-Type:[^"\n]*charset=([A-Za-z0-9._-]+)')
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r'\\(?:([ntr"\\abfv])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))', re.S)
_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"', re.S)
_PREVIOUS = ("msgctxt", "msgid_plural", "msgid")
_MARKED = {":", ",", "."}
_KEYWORD = {"msgid ": "msgid", 'msgid"': "msgid", "msgid\t": "msgid", "msgid_": "msgid_plural",
            "msgstr": "msgstr", "msgctx": "msgctxt"}  # by a line's first six characters


class Entry:
    """One message with polib.POEntry's field names and meanings, and where it stands in the file."""

    __slots__ = ("msgid", "msgid_plural", "msgctxt", "msgstr", "msgstr_plural", "flags", "tcomment", "comment",
                 "_references", "linenum", "end", "obsolete", "previous_msgid", "previous_msgid_plural",
                 "previous_msgctxt", "_locflow_pairs")

    def __init__(self, linenum: int) -> None:
        self.msgid = ""
        self.msgid_plural = ""
        self.msgctxt: str | None = None
        self.msgstr = ""
        self.msgstr_plural: dict[int, str] = {}
        self.flags: list[str] = []
        self.tcomment = ""
        self.comment = ""
        self._references: list[str] = []  # the text of its `#:` lines: status and the checks never split them
        self.linenum = linenum  # first line of the entry (its first comment), 1-based, as polib counts
        self.end = linenum  # its last line (the last string of its msgstr)
        self.obsolete = False
        self.previous_msgid: str | None = None
        self.previous_msgid_plural: str | None = None
        self.previous_msgctxt: str | None = None
        self._locflow_pairs = None  # checks.base.form_pairs remembers its answer here

    @property
    def occurrences(self) -> list[tuple[str, str]]:
        """`#:` references as polib splits them: (file, line), line "" when there is none."""
        out = []
        for item in " ".join(self._references).split():
            name, sep, number = item.rpartition(":")
            out.append((name, number) if sep and number.isdigit() else (item, ""))
        return out


class Catalog(list):
    """The entries in file order (the header entry excluded) and the header's parts, as polib.POFile has them."""

    def __init__(self) -> None:
        super().__init__()
        self.metadata: dict[str, str] = {}
        self.header = ""  # the comment lines above the first entry
        self.header_flags: list[str] = []  # `#, fuzzy` on the header entry: polib's metadata_is_fuzzy
        self.header_entry: Entry | None = None
        self.text = ""  # what was read, for splice.py to copy unchanged entries' lines from


def declared_charset(raw: bytes) -> str:
    """The charset the header's Content-Type declares (not any `charset=` in a comment)."""
    m = _CHARSET.search(raw[:8192])
    name = m.group(1).decode("ascii") if m else "utf-8"
    return "utf-8" if name.upper() == "CHARSET" else name


def check_file_size(data: bytes, shown: str) -> None:
    """Refuse a catalog too large to be a real one before any parser spends memory on it."""
    if len(data) > MAX_CATALOG_BYTES:
        raise LocflowError(f"catalog is {len(data) // (1024 * 1024)} MB, over the {MAX_CATALOG_BYTES // (1024 * 1024)} MB "
                           "limit", path=shown, hint="a catalog this large is damaged or hostile; restore it from "
                           "version control")


def decode(data: bytes, shown: str) -> str:
    """A catalog's text in its declared charset, without a byte order mark."""
    check_file_size(data, shown)
    try:
        text = data.decode(declared_charset(data))
    except LookupError as exc:
        raise LocflowError(f"unknown charset: {exc}", path=shown) from None
    except UnicodeDecodeError as exc:
        raise LocflowError(f"cannot decode catalog as {declared_charset(data)} ({exc.reason})", path=shown,
                           hint="check the charset in its Content-Type header", **decode_position(exc)) from None
    return text.lstrip("\ufeff")


def parse(data: bytes, shown: str) -> Catalog:
    """A catalog's bytes, read and validated: the entry point for every reader."""
    return tokenize(decode(data, shown), shown, declared_charset(data))


class _Syntax(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class _Oversized(_Syntax):
    """An entry over MAX_STRING_CHARS (a 30 MB msgstr cost gigabytes downstream)."""


def _unescape(body: str, line: int, encoding: str) -> str:
    """A string's C escapes resolved; octal and hex escapes are bytes in the catalog's charset."""
    out: list[str] = []
    raw = bytearray()
    pos = 0
    for m in _ESCAPE.finditer(body):
        if m.start() > pos or not (m.group(2) or m.group(3)):
            if raw:
                out.append(_bytes(raw, line, encoding))
            out.append(body[pos:m.start()])
        pos = m.end()
        simple, octal, hexa, bad = m.groups()
        if simple is not None:
            out.append(_SIMPLE[simple])
        elif bad is not None:
            raise _Syntax(line, f"PO syntax error: invalid escape `\\{bad}` (write `\\\\` for a backslash)")
        else:
            raw.append((int(octal, 8) if octal else int(hexa, 16)) & 0xFF)
    if raw:
        out.append(_bytes(raw, line, encoding))
    out.append(body[pos:])
    return "".join(out)


def _bytes(raw: bytearray, line: int, encoding: str) -> str:
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise _Syntax(line, f"PO syntax error: escaped bytes are not {encoding}") from None
    raw.clear()
    return text


def _string(rest: str, line: int, encoding: str) -> str:
    """The one quoted string `rest` holds (leading blanks allowed), unescaped."""
    rest = rest.lstrip()
    if len(rest) >= 2 and rest[0] == '"' and rest[-1] == '"':
        body = rest[1:-1]
        if "\\" not in body and '"' not in body:
            return body
    if rest[:1] != '"':
        raise _Syntax(line, "PO syntax error: a quoted string is missing")
    m = _STRING.match(rest)
    if m is None:
        raise _Syntax(line, "PO syntax error: unterminated string")
    if m.end() != len(rest):
        raise _Syntax(line, "PO syntax error: one string per line, nothing after its closing quote")
    body = m.group(1)
    return _unescape(body, line, encoding) if "\\" in body else body


def _metadata(msgstr: str) -> dict[str, str]:
    """Header fields as polib reads them: `Key: value` lines; a line without a colon continues the last."""
    fields: dict[str, str] = {}
    key = None
    lines = re.split(r"\r\n|\r|\n", msgstr)
    if lines[-1] == "":
        lines.pop()  # as str.splitlines(): no empty line after a final newline
    for line in lines:
        if ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
        elif key is not None:
            fields[key] += "\n" + line.strip()
    return fields


# Where an entry is, line by line: what the last keyword was.
_COMMENTS, _CTXT, _ID, _PLURAL, _STR, _FORMS = range(6)
_AFTER = {"msgid_plural": (_ID,), "msgstr": (_ID,), "msgstr[N]": (_PLURAL, _FORMS)}  # where each may stand
_NEXT = {"msgid_plural": _PLURAL, "msgstr": _STR, "msgstr[N]": _FORMS}
_MISPLACED = {  # (keyword, where it stood) -> what is wrong, in msgfmt's terms
    **{(k, p): f"{k.replace('[N]', '')} without msgid" for k in _AFTER for p in (_COMMENTS, _CTXT)},
    ("msgid_plural", _PLURAL): "a second msgid_plural in one entry",
    ("msgid_plural", _STR): "msgid_plural after the msgstr", ("msgid_plural", _FORMS): "msgid_plural after the msgstr",
    ("msgstr", _PLURAL): "an entry with msgid_plural needs msgstr[0], msgstr[1], …",
    ("msgstr", _STR): "a second msgstr in one entry", ("msgstr", _FORMS): "msgstr and msgstr[N] in one entry",
    ("msgstr[N]", _ID): "msgstr[N] without msgid_plural", ("msgstr[N]", _STR): "msgstr and msgstr[N] in one entry",
}


def tokenize(text: str, shown: str = "<string>", encoding: str = "utf-8") -> Catalog:
    """Entries of PO text with their line spans; a LocflowError at the first line msgfmt would refuse."""
    # The cyclic garbage collector would walk every entry read so far many times over (a third of
    # the time on a 20k-entry catalog); what the tokenizer builds has no cycles, so it waits.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _tokenize(text, encoding)
    except _Oversized as exc:
        raise LocflowError(str(exc), path=shown, line=exc.line,
                           hint="split the text, or restore the entry from version control") from None
    except _Syntax as exc:
        raise LocflowError(str(exc), path=shown, line=exc.line, hint=SYNTAX_HINT) from None
    finally:
        if collecting:
            gc.enable()


def _tokenize(text: str, encoding: str) -> Catalog:  # noqa: C901 - one state machine reads best in one place
    catalog = Catalog()
    seen: set[tuple[str | None, str]] = set()
    header_lines: list[str] = []
    in_header = True  # translator comments above everything else are the file's header comment (polib)
    entry: Entry | None = None
    phase = _COMMENTS
    target: list[str] | None = None  # the pieces of the field a continuation line extends
    pieces: dict[str, list[str]] = {}  # keyword (msgstr[N] included) -> its string pieces
    previous: dict[str, list[str]] | None = None  # the same for `#|` lines, when the entry has them
    forms = 0  # msgstr[N] read so far in the entry
    last = 0  # the line of the latest string
    keyword_line = 0  # where the entry's msgctxt or msgid is, for "msgid without msgstr"
    obsolete: bool | None = None  # whether the entry's keyword lines carry `#~`
    tcomments: list[str] = []
    comments: list[str] = []

    def finish() -> None:
        nonlocal entry, phase, target, pieces, previous, obsolete, tcomments, comments
        e = entry
        if e is not None and phase >= _STR:
            if "msgctxt" in pieces:
                e.msgctxt = "".join(pieces["msgctxt"])
            e.msgid = msgid = "".join(pieces["msgid"])
            if phase == _STR:
                e.msgstr = msgstr = "".join(pieces["msgstr"])
                oversized = len(msgid) > MAX_STRING_CHARS or len(msgstr) > MAX_STRING_CHARS
            else:
                e.msgid_plural = "".join(pieces["msgid_plural"])
                e.msgstr_plural = {int(k[7:-1]): "".join(v) for k, v in pieces.items() if k[:7] == "msgstr["}
                oversized = max(len(msgid), len(e.msgid_plural), *map(len, e.msgstr_plural.values())) > MAX_STRING_CHARS
            if oversized:
                texts = (msgid, e.msgid_plural, e.msgstr, *e.msgstr_plural.values())
                raise _Oversized(e.linenum, f"entry text of {max(map(len, texts))} characters, over the "
                                 f"{MAX_STRING_CHARS} limit")
            e.end = last
            if previous:
                for name, value in previous.items():
                    setattr(e, "previous_" + name, "".join(value))
            if tcomments:
                e.tcomment = "\n".join(tcomments)
            if comments:
                e.comment = "\n".join(comments)
            if obsolete:
                e.obsolete = True
            key = (e.msgctxt, msgid)
            if not obsolete:
                if key in seen:
                    raise _Syntax(e.linenum, f"duplicate message definition {msgid[:40]!r}")
                seen.add(key)
                if key == (None, ""):
                    catalog.header_entry = e
                    catalog.header_flags = e.flags
                    catalog.metadata = _metadata(e.msgstr)
                else:
                    catalog.append(e)
            else:
                catalog.append(e)
        elif phase > _COMMENTS:
            raise _Syntax(keyword_line, "PO syntax error: msgid without msgstr" if phase >= _ID
                          else "PO syntax error: msgctxt without msgid")
        entry, phase, target, pieces, previous, obsolete = None, _COMMENTS, None, {}, None, None
        tcomments, comments = [], []

    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        first = line[0]
        is_obsolete = False
        if first == "#":
            kind = line[1:2]
            if kind in _MARKED:  # `#:`, `#,` or `#.`
                rest = line[2:]
                if not rest:  # (the line is stripped: a rest that is there holds more than blanks)
                    continue  # a bare `#,`, `#.` or `#:` says nothing (polib skips it too)
                in_header = False
                if phase > _COMMENTS:
                    finish()  # a new entry, or (inside one) "msgid without msgstr"
                if entry is None:
                    entry = Entry(number)
                target = None
                if kind == ":":
                    entry._references.append(rest)
                elif kind == ",":
                    entry.flags += [f.strip() for f in rest.split(",")]
                else:
                    comments.append(rest[1:] if rest[:1].isspace() else rest)
                continue
            if kind == "~":
                line = line[2:].lstrip()
                if not line:
                    continue  # a bare `#~` is a comment
                is_obsolete = True
                first = line[0]
                if first == "|":
                    kind, line = "|", "#" + line
            if kind == "|":
                rest = line[2:].lstrip()
                if not rest:
                    continue
                in_header = False
                if phase > _COMMENTS:
                    finish()
                if entry is None:
                    entry = Entry(number)
                if previous is None:
                    previous = {}
                target = _previous(rest, number, encoding, previous, target)
                continue
            if not is_obsolete:  # `# text`, `#`, `##text`, `#text`: a translator comment
                if in_header:
                    header_lines.append(line[2:])
                    continue
                if phase > _COMMENTS:
                    finish()
                if entry is None:
                    entry = Entry(number)
                value = line.lstrip("#")
                tcomments.append(value[1:] if value[:1] == " " else value)
                target = None
                continue
        in_header = False
        if first == '"':
            if target is None or phase == _COMMENTS:
                raise _Syntax(number, "PO syntax error: a string without a keyword before it")
            if is_obsolete != obsolete:
                raise _Syntax(number, "PO syntax error: inconsistent use of #~")
            target.append(_string(line, number, encoding))
            last = number
            continue
        word = _KEYWORD.get(line[:6])
        if word is None or not line.startswith(word):
            raise _Syntax(number, f"PO syntax error: {line[:40]!r} is not a valid line")
        rest = line[len(word):]
        index = None
        if word == "msgstr" and rest[:1] == "[":
            close = rest.find("]")
            if close < 0 or not rest[1:close].isdigit():
                raise _Syntax(number, f"PO syntax error: {line[:40]!r} is not a valid line")
            word, rest, index = line[:len(word) + close + 1], rest[close + 1:], int(rest[1:close])
        if rest[:2] == ' "' and rest[-1] == '"' and "\\" not in rest and '"' not in rest[2:-1]:
            value = rest[2:-1]  # the common case, `msgid "text"`, without a call
        elif rest[:1] not in ('"', " ", "\t"):
            raise _Syntax(number, f"PO syntax error: {line[:40]!r} is not a valid line")
        else:
            value = _string(rest, number, encoding)
        if word == "msgid" or word == "msgctxt":
            if phase >= _ID or phase == _CTXT and word == "msgctxt":
                finish()  # a new entry, or (inside one) "msgid without msgstr"
            if entry is None:
                entry = Entry(number)
                obsolete = is_obsolete
            elif obsolete is None:
                obsolete = is_obsolete
            keyword_line = number
            phase = _CTXT if word == "msgctxt" else _ID
        else:
            step = word if index is None else "msgstr[N]"
            if phase not in _AFTER[step]:
                raise _Syntax(number, "PO syntax error: " + _MISPLACED[step, phase])
            if index is not None:
                expected = 0 if phase == _PLURAL else forms
                if index != expected:
                    # As msgfmt: forms are numbered 0, 1, 2, … in order (`msgstr[99999999999999999999]` is not).
                    raise _Syntax(number, f"PO syntax error: plural form has wrong index (expected msgstr[{expected}])")
                forms = index + 1
            phase = _NEXT[step]
        if obsolete is not is_obsolete:
            raise _Syntax(number, "PO syntax error: inconsistent use of #~")
        target = pieces[word] = [value]
        last = number
    finish()
    catalog.header = "\n".join(header_lines)
    catalog.text = text
    return catalog


def _previous(rest: str, number: int, encoding: str, previous: dict[str, list[str]],
              target: list[str] | None) -> list[str]:
    """A `#|` line: a previous msgctxt, msgid or msgid_plural, or a string continuing one."""
    if rest[0] == '"':
        if target is None:
            raise _Syntax(number, "PO syntax error: a string without a keyword before it")
        target.append(_string(rest, number, encoding))
        return target
    for word in _PREVIOUS:
        if rest.startswith(word) and rest[len(word):len(word) + 1] in ('"', " ", "\t"):
            piece = previous[word] = [_string(rest[len(word):], number, encoding)]
            return piece
    raise _Syntax(number, f"PO syntax error: {rest[:40]!r} is not a valid previous-msgid line")
