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

_APPROVED = re.compile(r"^locflow: approved (?P<who>.+) (?P<date>\d{4}-\d{2}-\d{2}) (?P<sha>[0-9a-f]{8})\s*$")
_MACHINE = re.compile(r"^locflow: machine \S+ \S+\s*$")


def forms(e: polib.POEntry) -> list[str]:
    if e.msgid_plural:
        return [e.msgstr_plural[k] for k in sorted(e.msgstr_plural, key=int)]
    return [e.msgstr]


def sha(texts: list[str]) -> str:
    return hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()[:8]


def state(e: polib.POEntry) -> str:
    """README's table: untranslated / machine / fuzzy / reviewed / approved."""
    lines = [line.strip() for line in (e.tcomment or "").split("\n")]
    if forms(e)[0] == "":
        return "untranslated"
    if "fuzzy" in e.flags:
        return "machine" if any(_MACHINE.match(line) for line in lines) else "fuzzy"
    for line in lines:
        m = _APPROVED.match(line)
        if m and m["sha"] == sha(forms(e)):
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
        e.tcomment = "\n".join(_drop_markers(e) + [f"locflow: approved tester 2026-10-20 {sha([text])}"])
    return change
