"""The review page's decisions on one entry: approve, edit, reject, reopen.

Each is applied the way the CLI and the interactive review apply it (states.py's writers, review.edit's
rule for edits, review.write_catalog) to a fresh read of the catalog under the
project lock, so a concurrent `locflow translate` is waited for and never overwritten. The page
sends the hash of the translation it showed; when the catalog holds another one by now, the
decision is refused rather than applied to text the reviewer never saw.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog import read_po
from ..project import CatalogFile, Project
from ..review import approval_blockers, edit, entry_id, stamp, write_catalog
from ..states import State, approval, mark_approved, mark_rejected, msgstr_forms, msgstr_sha, nplurals_of, reopen, \
    state_of

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
    day = stamp(today)
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
            written, _ = write_catalog(project, cat, po, reviewer, day)
            outcome = Outcome(outcome.action, outcome.status, outcome.message, outcome.reasons, written)
        return outcome


def _change(project: Project, cat: CatalogFile, po, entry, action: str, reviewer: str, day: str,
            forms: list[str] | None, reason: str | None) -> Outcome:
    """The decision on the entry in memory; `written=True` asks the caller to save the catalog."""
    if action == "approve":
        if state_of(entry, nplurals_of(po.metadata)) is State.APPROVED:
            return Outcome(action, 200, "already approved")
        reasons = approval_blockers(project, cat, po, entry)
        if reasons:
            return Outcome(action, 409, "cannot approve", tuple(reasons))
        mark_approved(entry, reviewer, day)
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
        held = edit(project, cat, po, entry, forms, reviewer, day)
        if held:
            return Outcome(action, 200, "saved as fuzzy: a check found an error", tuple(held), written=True)
        return Outcome(action, 200, "saved as reviewed", written=True)
    if action == "reject":
        if state_of(entry) is State.UNTRANSLATED:
            return Outcome(action, 409, "an untranslated entry cannot be rejected")
        mark_rejected(entry, reviewer, reason or "", day)
        return Outcome(action, 200, "rejected", written=True)
    if approval(entry) is None:
        return Outcome(action, 200, "not approved: nothing to reopen")
    reopen(entry, reviewer, day)
    return Outcome(action, 200, "reopened: the entry is reviewed again", written=True)
