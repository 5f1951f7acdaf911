"""Review states as README's state table defines them, for tests that check locflow's output.

An oracle independent of locflow on purpose: it reads the `locflow: approved …` and
`locflow: machine …` comments with its own regexes and never imports locflow.states.
The editing helpers write those same markers into a PO entry, to put it in a given state.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import polib

_APPROVED = re.compile(r"^locflow: approved (?P<who>.+) (?P<date>\d{4}-\d{2}-\d{2}(T\S+Z)?) "
                       r"(?P<sha>[0-9a-f]{12}|[0-9a-f]{8})\s*$")
_MACHINE = re.compile(r"^locflow: machine \S+ \S+?(?: (?P<sha>[0-9a-f]{12}))?\s*$")


def forms(e: polib.POEntry) -> list[str]:
    if e.msgid_plural:
        return [e.msgstr_plural[k] for k in sorted(e.msgstr_plural, key=int)]
    return [e.msgstr]


def sha(texts: list[str]) -> str:
    """Old-format approvals: SHA-1 of the msgstr forms alone."""
    return hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()[:8]


def bound_sha(e: polib.POEntry, texts: list[str] | None = None) -> str:
    """README: 12 hex digits of SHA-256 over msgctxt (\\x01-prefixed), msgid, msgid_plural and the forms."""
    parts = ["" if e.msgctxt is None else "\x01" + e.msgctxt, e.msgid, e.msgid_plural or "",
             *(forms(e) if texts is None else texts)]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:12]


def state(e: polib.POEntry, nplurals: int | None = None) -> str:
    """README's table: untranslated / machine / fuzzy / reviewed / approved."""
    lines = [line.strip() for line in (e.tcomment or "").split("\n")]
    texts = forms(e)
    if texts[0] == "":
        return "untranslated"
    if e.msgid_plural and ("" in texts or (nplurals is not None and len(texts) != nplurals)):
        return "fuzzy"
    if "fuzzy" in e.flags:
        for line in lines:
            m = _MACHINE.match(line)
            if m and (m["sha"] == bound_sha(e) if m["sha"] else not e.previous_msgid):
                return "machine"
        return "fuzzy"
    for line in lines:
        m = _APPROVED.match(line)
        if m and len(m["sha"]) == 12 and m["sha"] == bound_sha(e):
            return "approved"
        if m and len(m["sha"]) == 8 and m["sha"] == sha(texts) and not e.previous_msgid:
            return "approved"
    return "reviewed"


def active(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


# --------------------------------------------------------------------------- putting an entry in a state

def edit(path: Path, match, change) -> polib.POEntry:
    """Apply `change` to the one active entry for which `match(entry)` holds, and save."""
    catalog = polib.pofile(str(path))
    found = [e for e in catalog if not e.obsolete and match(e)]
    assert len(found) == 1, f"{len(found)} matching entries in {path}"
    change(found[0])
    catalog.save()
    return found[0]


def _drop_markers(e: polib.POEntry) -> list[str]:
    return [line for line in (e.tcomment or "").split("\n")
            if line.strip() and not line.strip().startswith(("locflow: approved", "locflow: machine"))]


def to_machine(e: polib.POEntry) -> None:
    e.tcomment = "\n".join(_drop_markers(e) + ["locflow: machine google 2026-10-20"])
    if "fuzzy" not in e.flags:
        e.flags.append("fuzzy")


def to_fuzzy(e: polib.POEntry) -> None:
    e.tcomment = "\n".join(_drop_markers(e))
    if "fuzzy" not in e.flags:
        e.flags.append("fuzzy")


def approve_with(text: str):
    def change(e: polib.POEntry) -> None:
        e.msgstr = text
        e.flags = [f for f in e.flags if f != "fuzzy"]
        e.tcomment = "\n".join(_drop_markers(e) + [f"locflow: approved tester 2026-10-20 {bound_sha(e)}"])
    return change
