"""Review actions on catalog entries: list, approve, reject, reopen, and the log of decisions.

Every action is stored in plain PO by states.py's writers (the one owner of the markers), so Poedit
and Weblate keep it. Actions need a selector or `all`, can be previewed with `dry_run`, and settle
hand edits in the catalogs they write (states.settle), so every route follows the same rules.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from .catalog import read_po, write_if_changed
from .splice import render_edited
from .errors import LocflowError
from .project import CatalogFile, Project
from .states import (State, approval, approval_valid, decisions, incomplete, mark_approved,
                     mark_edited, mark_rejected, msgstr_forms, now, nplurals_of, settle, state_of)
from .states import reopen as reopen_entry

if TYPE_CHECKING:
    import polib

# Findings that describe the state itself, not a flaw of the text: they never block an approval.
NOT_BLOCKING = {"missing", "unreviewed", "approval-stale", "stale", "po-syntax", "header"}


@dataclass(frozen=True)
class ReviewEntry:
    catalog: str
    language: str
    path: str
    line: int
    state: str
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    translation: tuple[str, ...]
    id: str = ""

    def to_json(self) -> dict:
        return {"catalog": self.catalog, "language": self.language, "path": self.path, "line": self.line,
                "id": self.id, "state": self.state, "msgctxt": self.msgctxt, "msgid": self.msgid,
                "msgid_plural": self.msgid_plural, "translation": list(self.translation)}


@dataclass(frozen=True)
class Refusal:
    entry: ReviewEntry
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ActionResult:
    action: str
    changed: tuple[ReviewEntry, ...]
    refused: tuple[Refusal, ...]
    written: tuple[str, ...]
    matched: int = 0  # entries the selectors picked (whether or not the action applied to them)
    dry_run: bool = False
    held: tuple[Refusal, ...] = ()  # edited outside locflow with error findings: now fuzzy, reasons stored

    @property
    def exit_code(self) -> int:
        return 1 if self.refused or not self.matched else 0


@dataclass(frozen=True)
class LogRecord:
    date: str
    reviewer: str
    action: str
    catalog: str
    language: str
    msgid: str
    detail: str

    def to_json(self) -> dict:
        return {"date": self.date, "reviewer": self.reviewer, "action": self.action, "catalog": self.catalog,
                "language": self.language, "msgid": self.msgid, "detail": self.detail}


@dataclass(frozen=True)
class Selection:
    """Which entries an action applies to; an action needs at least one selector or `everything`."""

    catalogs: list[str] | None = None
    match: str | list[str] | None = None
    states: list[str] | None = None
    ids: list[str] | None = None
    exact: bool = False
    everything: bool = False

    def require(self) -> None:
        if not (self.catalogs or self.match or self.states or self.ids or self.everything):
            raise LocflowError("say which entries: a selector (--catalog, --match, --state, --id) or --all",
                               hint="preview with --dry-run; e.g. locflow review approve --lang et --state reviewed "
                                    "--dry-run")


def entry_id(msgctxt: str | None, msgid: str) -> str:
    """A short stable name for an entry within its catalog: a hash of its context and source."""
    key = (msgctxt if msgctxt is not None else "\x00") + "\x04" + msgid
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def stamp(when: str | None = None) -> str:
    """The time a decision records: the one given, or now in UTC."""
    return when or now()


def default_reviewer() -> str:
    """git's user.name, as the issue tracker and commit log know the reviewer."""
    try:
        out = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        out = None
    name = out.stdout.strip() if out and out.returncode == 0 else ""
    if not name:
        raise LocflowError("no reviewer name", hint="pass --reviewer NAME or set git config user.name")
    return name


MAX_REVIEWER = 200


def check_reviewer(name: str) -> str:
    name = " ".join(name.split())
    if not name or re.search(r"\d{4}-\d{2}-\d{2}", name):
        raise LocflowError(f"reviewer name {name!r} is not usable", hint="a name without dates, e.g. 'Mari Tamm'")
    if len(name) > MAX_REVIEWER:
        raise LocflowError(f"reviewer name is longer than {MAX_REVIEWER} characters", hint="use a shorter form")
    return name


def _entry(project: Project, cat: CatalogFile, e: "polib.POEntry", nplurals: int | None = None) -> ReviewEntry:
    return ReviewEntry(cat.name, cat.language, project.display(cat.path), e.linenum, state_of(e, nplurals).value,
                       e.msgctxt, e.msgid, e.msgid_plural or None, tuple(msgstr_forms(e)), entry_id(e.msgctxt, e.msgid))


def _matches(e: "polib.POEntry", sel: Selection, states: set[str] | None, nplurals: int | None) -> bool:
    """In one of the states, with one of the ids, and containing (or, exact, being) any of the match texts."""
    if states and state_of(e, nplurals).value not in states:
        return False
    if sel.ids and entry_id(e.msgctxt, e.msgid) not in sel.ids:
        return False
    match = sel.match
    needles = [m for m in ([match] if isinstance(match, str) else match or []) if m]
    if needles:
        haystack = (e.msgid, e.msgid_plural or "", e.msgctxt or "", *msgstr_forms(e))
        if sel.exact:
            return any(needle == h for needle in needles for h in haystack)
        folded = [h.casefold() for h in haystack]
        return any(needle.casefold() in h for needle in needles for h in folded)
    return True


def _states(states: list[str] | None) -> set[str] | None:
    if not states:
        return None
    known = {s.value for s in State}
    for s in states:
        if s not in known:
            raise LocflowError(f"unknown state `{s}`", hint="one of: " + ", ".join(known))
    return set(states)


def _selected(project: Project, languages: list[str] | None, sel: Selection
              ) -> Iterator[tuple[CatalogFile, "polib.POFile", list["polib.POEntry"]]]:
    wanted = _states(sel.states)
    for cat in project.catalog_files(languages, sel.catalogs):
        po = read_po(cat.path, display=project.display(cat.path))
        n = nplurals_of(po.metadata)
        entries = [e for e in po if not e.obsolete and _matches(e, sel, wanted, n)]
        if entries:
            yield cat, po, entries


def list_entries(project: Project, languages: list[str] | None = None, catalogs: list[str] | None = None,
                 states: list[str] | None = None, match: str | list[str] | None = None, *,
                 ids: list[str] | None = None, exact: bool = False) -> list[ReviewEntry]:
    sel = Selection(catalogs, match, states, ids, exact)
    return [_entry(project, cat, e, nplurals_of(po.metadata)) for cat, po, entries in _selected(project, languages, sel)
            for e in entries]


def _blocking(project: Project, cat: CatalogFile, po: "polib.POFile", entry: "polib.POEntry") -> list[str]:
    """Error-severity findings of the entry's text: what stops an approval."""
    from .checks.base import catalog_context
    from .checks.suite import check_entry, severities

    found = check_entry(catalog_context(project, cat, po), entry, severities(project.config), NOT_BLOCKING)
    return [f"{cid}: {message}" for cid, severity, message in found if severity == "error"]


def approval_blockers(project: Project, cat: CatalogFile, po, entry: "polib.POEntry") -> list[str]:
    """Why an approval (or an edit's `reviewed`) is refused: an empty or missing form, or an error-severity
    finding of a text check."""
    reasons = []
    if any(not f for f in msgstr_forms(entry)):
        reasons.append("empty translation" + (" form" if entry.msgid_plural else ""))
    elif incomplete(entry, nplurals_of(po.metadata)):
        reasons.append("missing translation form (Plural-Forms asks for more)")
    return reasons + _blocking(project, cat, po, entry)


def edit(project: Project, cat: CatalogFile, po, entry: "polib.POEntry", forms: list[str], who: str,
         when: str) -> list[str]:
    """A person's edit, from any front end: `reviewed` when clean; fuzzy with the reasons stored when a
    check finds an error in it. Returns the reasons (empty when clean)."""
    saved = (entry.msgstr, dict(entry.msgstr_plural))
    if entry.msgid_plural:
        entry.msgstr_plural = dict(enumerate(forms))
    else:
        entry.msgstr = forms[0]
    problems = approval_blockers(project, cat, po, entry)
    entry.msgstr, entry.msgstr_plural = saved
    mark_edited(entry, forms, who, when, problems)
    return problems


def settle_catalog(project: Project, cat: CatalogFile, po, who: str, when: str) -> list[Refusal]:
    """Entries edited outside locflow (fuzzy cleared or text changed in another editor): an edit with
    error findings is held back as fuzzy with the reasons stored, stale machine lines go. Called by every
    command that writes the catalog, so the rules are the same whichever editor made the change."""
    held = []
    n = nplurals_of(po.metadata)
    for e in po:
        if e.obsolete:
            continue
        found: list[str] = []

        def problems(e=e) -> list[str]:
            found[:] = approval_blockers(project, cat, po, e)
            return found

        if settle(e, problems, who, when) and found:
            held.append(Refusal(_entry(project, cat, e, n), tuple(found)))
    return held


def write_catalog(project: Project, cat: CatalogFile, po, who: str, when: str) -> tuple[bool, list[Refusal]]:
    """Settle hand edits, then write the catalog if its bytes changed (under the caller's lock)."""
    held = settle_catalog(project, cat, po, who, when)
    return write_if_changed(cat.path, render_edited(po)), held


def approve(project: Project, language: str, *, catalogs: list[str] | None = None, match: str | list[str] | None = None,
            states: list[str] | None = None, ids: list[str] | None = None, exact: bool = False, all: bool = False,
            reviewer: str, today: str | None = None, dry_run: bool = False, waiting=None) -> ActionResult:
    """Approve the selected entries; refuse, with reasons, empty ones and ones with error findings."""
    return _act(project, language, "approve", _approve_one, Selection(catalogs, match, states, ids, exact, all),
                reviewer, today, dry_run, waiting)


def _approve_one(project: Project, cat: CatalogFile, po, e, who: str, when: str) -> list[str] | None:
    if state_of(e, nplurals_of(po.metadata)) is State.APPROVED:
        return None
    reasons = approval_blockers(project, cat, po, e)
    if not reasons:
        mark_approved(e, who, when)
    return reasons


def reject(project: Project, language: str, *, reason: str, catalogs: list[str] | None = None,
           match: str | list[str] | None = None, states: list[str] | None = None, ids: list[str] | None = None,
           exact: bool = False, all: bool = False, reviewer: str, today: str | None = None, dry_run: bool = False,
           waiting=None) -> ActionResult:
    """Send translations back: fuzzy, with the reason as a translator comment."""
    if not reason or not reason.strip():
        raise LocflowError("a rejection needs a reason", hint='pass --reason "why"')

    def reject_one(project, cat, po, e, who: str, when: str) -> list[str] | None:
        if state_of(e) is State.UNTRANSLATED:
            return None
        mark_rejected(e, who, reason, when)
        return []

    return _act(project, language, "reject", reject_one, Selection(catalogs, match, states, ids, exact, all),
                reviewer, today, dry_run, waiting)


def reopen(project: Project, language: str, *, catalogs: list[str] | None = None, match: str | list[str] | None = None,
           states: list[str] | None = None, ids: list[str] | None = None, exact: bool = False, all: bool = False,
           reviewer: str, today: str | None = None, dry_run: bool = False, waiting=None) -> ActionResult:
    """Withdraw approvals: approved entries become reviewed again, and the log records who reopened them."""
    return _act(project, language, "reopen", _reopen_one, Selection(catalogs, match, states, ids, exact, all),
                reviewer, today, dry_run, waiting)


def _reopen_one(project: Project, cat: CatalogFile, po, e, who: str, when: str) -> list[str] | None:
    if approval(e) is None:
        return None
    reopen_entry(e, who, when)
    return []


def _act(project: Project, language: str, action: str, act, sel: Selection, reviewer: str, today: str | None,
         dry_run: bool, waiting) -> ActionResult:
    """Check the reviewer and the selection, then apply `act` with one timestamp for the whole run."""
    reviewer = check_reviewer(reviewer)
    sel.require()
    when = stamp(today)
    return _apply(project, language, sel, action, lambda p, c, po, e: act(p, c, po, e, reviewer, when), reviewer,
                  when, dry_run, waiting)


def _apply(project, language, sel: Selection, action, act, who: str, when: str, dry_run: bool,
           waiting) -> ActionResult:
    """Run `act` on every selected entry (None: does not apply; a list of reasons: refused), then write
    each changed catalog, all under the project lock. A dry run reports and writes nothing."""
    changed, refused, written, held = [], [], [], []
    matched = 0
    lock = contextlib.nullcontext() if dry_run else project.lock(waiting)
    with lock:
        for cat, po, entries in _selected(project, [language], sel):
            matched += len(entries)
            n = nplurals_of(po.metadata)
            dirty = False
            for e in entries:
                reasons = act(project, cat, po, e)
                if reasons is None:
                    continue
                if reasons:
                    refused.append(Refusal(_entry(project, cat, e, n), tuple(reasons)))
                    continue
                changed.append(_entry(project, cat, e, n))
                dirty = True
            if dirty and not dry_run:
                done, settled = write_catalog(project, cat, po, who, when)
                held += settled
                if done:
                    written.append(project.display(cat.path))
    return ActionResult(action, tuple(changed), tuple(refused), tuple(written), matched, dry_run, tuple(held))


def review_log(project: Project, languages: list[str] | None = None,
               catalogs: list[str] | None = None) -> list[LogRecord]:
    """Every decision recorded in the catalogs (current and earlier ones), newest first."""
    records = []
    for cat in project.catalog_files(languages, catalogs):
        for e in read_po(cat.path, display=project.display(cat.path)):
            if e.obsolete:
                continue
            for d in decisions(e):
                detail = d.detail
                if d.action == "approved":
                    valid = d.current and approval_valid(e)
                    detail = f"sha {d.detail}" + ("" if valid or not d.current else " (no longer valid)")
                action = d.action if d.current else f"{d.action} (earlier)"
                records.append(LogRecord(d.date, d.who, action, cat.name, cat.language, e.msgid, detail))
    return sorted(records, key=lambda r: (r.date, r.language, r.catalog, r.msgid), reverse=True)


def _needs_review(cat: CatalogFile, entry: "polib.POEntry", nplurals: int | None) -> bool:
    state = state_of(entry, nplurals)
    return state is not State.UNTRANSLATED and state.rank < State(cat.publish).rank


def review_queue(project: Project, language: str, catalogs: list[str] | None) -> list[tuple[CatalogFile, tuple]]:
    """(catalog, (msgctxt, msgid)) of every entry below its catalog's publish state: what the terminal
    review walks and what the review page lists as needing review."""
    queue = []
    for cat in project.catalog_files([language], catalogs):
        po = read_po(cat.path, display=project.display(cat.path))
        for e in po:
            if not e.obsolete and _needs_review(cat, e, nplurals_of(po.metadata)):
                queue.append((cat, (e.msgctxt, e.msgid)))
    return queue
