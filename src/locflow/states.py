"""Review states of a catalog entry, as DESIGN.md stores them in plain PO."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Protocol

MARKER = "locflow:"
_MACHINE_RE = re.compile(r"^locflow: machine (?P<provider>\S+) (?P<date>\S+)\s*$")
_APPROVED_RE = re.compile(r"^locflow: approved (?P<reviewer>.+) (?P<date>\d{4}-\d{2}-\d{2}) (?P<sha>[0-9a-f]{8})\s*$")


class State(str, Enum):
    UNTRANSLATED = "untranslated"
    FUZZY = "fuzzy"
    MACHINE = "machine"
    REVIEWED = "reviewed"
    APPROVED = "approved"

    @property
    def rank(self) -> int:
        """Order used by publish gates: a catalog publishes when every entry ranks at or above it."""
        return _RANK[self]


_RANK = {State.UNTRANSLATED: 0, State.FUZZY: 1, State.MACHINE: 2, State.REVIEWED: 3, State.APPROVED: 4}
STATE_ORDER = tuple(State)


class EntryLike(Protocol):
    msgstr: str
    msgstr_plural: dict
    tcomment: str
    flags: list


@dataclass(frozen=True)
class Approval:
    reviewer: str
    date: str
    sha: str


def msgstr_forms(entry: EntryLike) -> list[str]:
    """All translated forms in index order (one for a singular entry)."""
    if entry.msgstr_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int)]
    return [entry.msgstr]


def msgstr_sha(entry: EntryLike) -> str:
    """Short hash of the translation, stored in the approval marker to notice later edits."""
    return hashlib.sha1("\x00".join(msgstr_forms(entry)).encode("utf-8")).hexdigest()[:8]


def comment_lines(entry: EntryLike) -> list[str]:
    return entry.tcomment.split("\n") if entry.tcomment else []


def approval(entry: EntryLike) -> Approval | None:
    """The approval marker, if any, whether or not it still matches the msgstr."""
    for line in comment_lines(entry):
        m = _APPROVED_RE.match(line.strip())
        if m:
            return Approval(m["reviewer"], m["date"], m["sha"])
    return None


def machine_provider(entry: EntryLike) -> str | None:
    for line in comment_lines(entry):
        m = _MACHINE_RE.match(line.strip())
        if m:
            return m["provider"]
    return None


def is_untranslated(entry: EntryLike) -> bool:
    # Like msgfmt --statistics: an entry whose first form is empty counts as untranslated,
    # even when it is also marked fuzzy.
    if entry.msgstr_plural:
        first = min(entry.msgstr_plural, key=int)
        return entry.msgstr_plural[first] == ""
    return entry.msgstr == ""


def state_of(entry: EntryLike) -> State:
    if is_untranslated(entry):
        return State.UNTRANSLATED
    if "fuzzy" in entry.flags:
        return State.MACHINE if machine_provider(entry) else State.FUZZY
    found = approval(entry)
    if found and found.sha == msgstr_sha(entry):
        return State.APPROVED
    return State.REVIEWED


def strip_markers(tcomment: str, kinds: Iterable[str] = ("machine", "approved")) -> str:
    """Drop locflow's markers of the given kinds and keep every other translator comment."""
    prefixes = tuple(f"{MARKER} {k} " for k in kinds)
    kept = [line for line in tcomment.split("\n") if not line.strip().startswith(prefixes)] if tcomment else []
    return "\n".join(kept)
