"""A lean single-pass PO scanner for what `status` needs: each entry's review state.

polib builds a full object model (about 2 s for 8 x 20k entries); counting states needs only
flags, locflow's markers and the msgstr forms. Anything the scanner does not recognise sends
the file to the full parser (catalog.read_po), which reports errors with file:line, so the
two can never disagree on a valid file and broken files get the same message.
"""
from __future__ import annotations

import hashlib
import re

from .states import _APPROVED_RE, _MACHINE_RE

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r"\\(.)")


class Unsure(Exception):
    """The scanner met something it does not handle: use the full parser."""


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body
    return _ESCAPE_RE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


def _string(line: str, start: int) -> str:
    """The quoted string starting at `start`, unescaped; Unsure when the line is not one string."""
    rest = line[start:].strip()
    if len(rest) < 2 or rest[0] != '"' or rest[-1] != '"':
        raise Unsure
    body = rest[1:-1]
    # an unescaped quote inside, or a final quote that is itself escaped, is not a valid string
    trailing = len(body) - len(body.rstrip("\\"))
    if trailing % 2 or '"' in body.replace('\\\\', "").replace('\\"', ""):
        raise Unsure
    return _unescape(body)


def count_states(text: str) -> dict[str, int]:
    """{state: n, "obsolete": n} for PO text, as states.state_of would count polib's entries."""
    counts = {"untranslated": 0, "fuzzy": 0, "machine": 0, "reviewed": 0, "approved": 0, "obsolete": 0}
    seen: set[tuple[str | None, str]] = set()
    entry = _Entry()
    current: list[str] | None = None  # the string that continuation lines extend

    def finish() -> None:
        nonlocal entry, current
        if entry.msgid is not None:
            if not entry.forms:
                raise Unsure  # msgid without msgstr
            msgid = "".join(entry.msgid)
            ctxt = "".join(entry.ctxt) if entry.ctxt is not None else None
            if entry.obsolete:
                counts["obsolete"] += 1
            elif msgid or ctxt is not None:  # the header entry is no message
                if (ctxt, msgid) in seen:
                    raise Unsure  # a duplicate: the full parser names it with its line
                seen.add((ctxt, msgid))
                counts[_state(entry)] += 1
        entry = _Entry()
        current = None

    for raw in text.split("\n"):  # not splitlines(): U+2028 and friends may sit inside strings
        line = raw.strip()
        if not line:
            continue
        if line[0] == "#":
            if not line.startswith("#~"):
                if entry.forms:
                    finish()
                if line.startswith("#,"):
                    entry.fuzzy = entry.fuzzy or "fuzzy" in [f.strip() for f in line[2:].split(",")]
                elif line.startswith("# locflow: "):
                    comment = line[2:].strip()
                    if _MACHINE_RE.match(comment):
                        entry.machine = True
                    elif (m := _APPROVED_RE.match(comment)) and entry.approval is None:
                        entry.approval = m["sha"]
                continue
            line = line[2:].lstrip()
            if not line or line[0] == "|":
                continue  # previous msgid of an obsolete entry
            if line.startswith(("msgctxt", "msgid ")) or line.startswith('msgid"'):
                if entry.forms:
                    finish()
                entry.obsolete = True
        if line[0] == '"':
            if current is None:
                raise Unsure
            current.append(_string(line, 0))
        elif line.startswith("msgctxt"):
            if entry.msgid is not None:
                finish()
            entry.ctxt = current = [_string(line, 7)]
        elif line.startswith("msgid_plural"):
            if entry.msgid is None:
                raise Unsure
            current = [_string(line, 12)]
        elif line.startswith("msgid"):
            if entry.msgid is not None:
                finish()
            entry.msgid = current = [_string(line, 5)]
        elif line.startswith("msgstr"):
            if entry.msgid is None:
                raise Unsure
            start = 6
            if line.startswith("msgstr["):
                start = line.find("]") + 1
                if start == 0:
                    raise Unsure
            current = [_string(line, start)]
            entry.forms.append(current)
        else:
            raise Unsure
    finish()
    return counts


class _Entry:
    __slots__ = ("msgid", "ctxt", "forms", "fuzzy", "machine", "approval", "obsolete")

    def __init__(self) -> None:
        self.msgid: list[str] | None = None
        self.ctxt: list[str] | None = None
        self.forms: list[list[str]] = []
        self.fuzzy = False
        self.machine = False
        self.approval: str | None = None
        self.obsolete = False


def _state(entry: _Entry) -> str:
    if not entry.forms or not entry.forms[0] or not "".join(entry.forms[0]):
        return "untranslated"
    if entry.fuzzy:
        return "machine" if entry.machine else "fuzzy"
    if entry.approval:
        values = ["".join(f) for f in entry.forms]
        if hashlib.sha1("\x00".join(values).encode("utf-8")).hexdigest()[:8] == entry.approval:
            return "approved"
    return "reviewed"
