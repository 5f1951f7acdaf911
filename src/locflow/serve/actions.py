"""The review page's decisions on one entry: approve, edit, reject, reopen.

Each is applied the way the CLI and the interactive review apply it (review.py's setters, the
the review markers, catalog.render + write_if_changed) to a fresh read of the catalog under the
project lock, so a concurrent `locflow translate` is waited for and never overwritten. The page
sends the hash of the translation it showed; when the catalog holds another one by now, the
decision is refused rather than applied to text the reviewer never saw.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog import read_po, write_if_changed
from ..splice import render_edited
from ..project import CatalogFile, Project
from ..review import _today, approval_blockers, set_approved, set_edited, set_rejected, set_reopened
from ..states import State, approval, msgstr_forms, msgstr_sha, state_of

if TYPE_CHECKING:
    import polib

ACTIONS = ("approve", "edit", "reject", "reopen")


@dataclass(frozen=True)
class Outcome:
    """What a decision did. `status` is the HTTP status the page answers with."""

    action: str
    status: int  # 200 done (or nothing to do), 400 bad input, 404 entry gone, 409 refused
    message: str
    reasons: tuple[str, ...] = ()
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.status == 200


def entry_id(msgctxt: str | None, msgid: str) -> str:
    """A URL-safe name for an entry within its catalog: a hash of its context and source."""
    key = (msgctxt if msgctxt is not None else "\x00") + "\x04" + msgid
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def find_entry(po: "polib.POFile", eid: str) -> "polib.POEntry | None":
    return next((e for e in po if not e.obsolete and entry_id(e.msgctxt, e.msgid) == eid), None)


def newline_problems(entry: "polib.POEntry", forms: list[str]) -> list[str]:
    """Line breaks at the start or end that differ from the source: `msgfmt --check-format` rejects
    the whole catalog for them, and a text field makes them easy to type by accident."""
    problems = []
    for i, text in enumerate(forms):
        source = entry.msgid if i == 0 or not entry.msgid_plural else entry.msgid_plural
        label = f"form {i}" if entry.msgid_plural else "the translation"
        for where, test in (("start", str.startswith), ("end", str.endswith)):
            if text and test(text, "\n") != test(source, "\n"):
                problems.append(f"{label} {'has' if test(text, chr(10)) else 'lacks'} a line break at the {where}, "
                                f"unlike the source (msgfmt would reject the catalog)")
    return problems


def clean_form(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF; catalogs hold LF."""
    return text.replace("\r\n", "\n")


def decide(project: Project, cat: CatalogFile, eid: str, action: str, *, expected_sha: str | None, reviewer: str,
           forms: list[str] | None = None, reason: str | None = None, today: str | None = None) -> Outcome:
    """Apply one decision under the project lock (raises LocflowError when the lock is not had in time)."""
    if action not in ACTIONS:
        return Outcome(action, 400, f"unknown action `{action}`")
    if action == "reject" and not (reason or "").strip():
        return Outcome(action, 400, "a rejection needs a reason")
    if action == "edit" and (forms is None or any("\x00" in f for f in forms)):
        return Outcome(action, 400, "the translation is missing or holds a NUL character")
    day = _today(today)
    with project.lock():
        po = read_po(cat.path, display=project.display(cat.path))
        entry = find_entry(po, eid)
        if entry is None:
            return Outcome(action, 404, "the entry is no longer in the catalog (a `locflow pull` may have removed it)")
        if expected_sha is not None and expected_sha != msgstr_sha(entry):
            return Outcome(action, 409, "the translation changed since this page was loaded; nothing was saved",
                           ("reload the entry, check the new text, and decide again",))
        outcome = _change(project, cat, po, entry, action, reviewer, day, forms, reason)
        if outcome.ok and outcome.written:
            written = write_if_changed(cat.path, render_edited(po))
            outcome = Outcome(outcome.action, outcome.status, outcome.message, outcome.reasons, written)
        return outcome


def _change(project: Project, cat: CatalogFile, po, entry, action: str, reviewer: str, day: str,
            forms: list[str] | None, reason: str | None) -> Outcome:
    """The decision on the entry in memory; `written=True` asks the caller to save the catalog."""
    if action == "approve":
        if state_of(entry) is State.APPROVED:
            return Outcome(action, 200, "already approved")
        reasons = approval_blockers(project, cat, po, entry)
        if reasons:
            return Outcome(action, 409, "cannot approve", tuple(reasons))
        set_approved(entry, reviewer, day)
        return Outcome(action, 200, "approved", written=True)
    if action == "edit":
        assert forms is not None
        current = msgstr_forms(entry)
        if len(forms) != len(current):
            return Outcome(action, 400, f"expected {len(current)} translation forms, got {len(forms)}")
        if forms == current:
            return Outcome(action, 200, "unchanged")
        problems = newline_problems(entry, forms)
        if problems:
            return Outcome(action, 400, "not saved", tuple(problems))
        set_edited(entry, forms)
        return Outcome(action, 200, "saved as reviewed", written=True)
    if action == "reject":
        if state_of(entry) is State.UNTRANSLATED:
            return Outcome(action, 409, "an untranslated entry cannot be rejected")
        set_rejected(entry, reviewer, reason or "", day)
        return Outcome(action, 200, "rejected", written=True)
    if approval(entry) is None:
        return Outcome(action, 200, "not approved: nothing to reopen")
    set_reopened(entry)
    return Outcome(action, 200, "reopened: the entry is reviewed again", written=True)
