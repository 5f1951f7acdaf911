"""Review states of a catalog entry, stored in plain PO (README, "Catalogs and review states")."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Protocol

MARKER = "locflow:"
WRAPPED = 60  # comment lines this long may have been wrapped by polib (78 columns, "# " included)
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


def marker_spans(tcomment: str) -> list[tuple[int, int, str]]:
    """locflow's markers in a translator comment: (first line, end line, text) each.

    polib wraps comment lines at 78 columns, so a marker with a long reviewer name spans two
    lines; those are joined back (without a space after a hyphen the wrap broke at).
    """
    if not tcomment or MARKER not in tcomment:
        return []  # most entries: nothing to split
    lines = tcomment.split("\n")
    spans = []
    i = 0
    while i < len(lines):
        text = lines[i].strip()
        if not text.startswith(MARKER + " "):
            i += 1
            continue
        end = i + 1
        kind = text.split(" ", 2)[1] if " " in text else ""
        pattern = {"approved": _APPROVED_RE, "machine": _MACHINE_RE}.get(kind)
        if pattern:
            while not pattern.match(text) and end < len(lines) and end - i < 4 \
                    and not lines[end].strip().startswith(MARKER):
                nxt = lines[end].strip()
                text = text + nxt if text.endswith("-") else f"{text} {nxt}"
                end += 1
            if not pattern.match(text):
                text, end = lines[i].strip(), i + 1
        else:
            # Free-text markers (mt-problem, rejected): a line near polib's 78-column limit was
            # wrapped, and the lines it was broken into follow it.
            previous = lines[i]
            while len(previous.strip()) >= WRAPPED and end < len(lines) and end - i < 6 \
                    and not lines[end].strip().startswith(MARKER):
                previous = lines[end]
                text = f"{text} {previous.strip()}"
                end += 1
        spans.append((i, end, text))
        i = end
    return spans


def approval_in(tcomment: str) -> Approval | None:
    for _, _, text in marker_spans(tcomment):
        m = _APPROVED_RE.match(text)
        if m:
            return Approval(m["reviewer"], m["date"], m["sha"])
    return None


def approval(entry: EntryLike) -> Approval | None:
    """The approval marker, if any, whether or not it still matches the msgstr."""
    return approval_in(entry.tcomment)


def machine_in(tcomment: str) -> str | None:
    for _, _, text in marker_spans(tcomment):
        m = _MACHINE_RE.match(text)
        if m:
            return m["provider"]
    return None


def machine_provider(entry: EntryLike) -> str | None:
    return machine_in(entry.tcomment)


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


MARKER_KINDS = ("machine", "approved", "rejected", "mt-problem")


def translator_comments(tcomment: str) -> list[str]:
    """The people's comments: every line that is not part of a locflow marker (wrapped ones whole)."""
    return [line for line in strip_markers(tcomment, MARKER_KINDS).split("\n") if line.strip()]


def strip_markers(tcomment: str, kinds: Iterable[str] = ("machine", "approved")) -> str:
    """Drop locflow's markers of the given kinds (wrapped ones whole) and keep every other comment."""
    if not tcomment:
        return ""
    prefixes = tuple(f"{MARKER} {k} " for k in kinds)
    drop: set[int] = set()
    for start, end, text in marker_spans(tcomment):
        if text.startswith(prefixes):
            drop.update(range(start, end))
    return "\n".join(line for n, line in enumerate(tcomment.split("\n")) if n not in drop)
