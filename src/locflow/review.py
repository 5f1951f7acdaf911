"""Review actions on catalog entries: list, approve, reject, reopen, and the log of decisions.

Every action is stored as the README's state table says, in plain PO, so Poedit and Weblate keep it:
approval = no fuzzy flag + `# locflow: approved <reviewer> <date> <sha>`; rejection = fuzzy +
`# locflow: rejected <reviewer> <date>: <reason>`.
"""
from __future__ import annotations

import datetime as _dt
import re
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from .catalog import read_po, write_if_changed
from .splice import render_edited
from .errors import LocflowError
from .project import CatalogFile, Project
from .states import (MARKER, MARKER_KINDS, State, approval, marker_spans, msgstr_forms, msgstr_sha, state_of,
                     strip_markers)

if TYPE_CHECKING:
    import polib

_REJECTED_RE = re.compile(r"^locflow: rejected (?P<reviewer>.+?) (?P<date>\d{4}-\d{2}-\d{2}): (?P<reason>.*)$")
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

    def to_json(self) -> dict:
        return {"catalog": self.catalog, "language": self.language, "path": self.path, "line": self.line,
                "state": self.state, "msgctxt": self.msgctxt, "msgid": self.msgid,
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

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0


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


def _entry(project: Project, cat: CatalogFile, e: "polib.POEntry") -> ReviewEntry:
    return ReviewEntry(cat.name, cat.language, project.display(cat.path), e.linenum, state_of(e).value, e.msgctxt,
                       e.msgid, e.msgid_plural or None, tuple(msgstr_forms(e)))


def _matches(e: "polib.POEntry", match: str | list[str] | None, states: set[str] | None) -> bool:
    """In one of the states, and containing any of the match texts (several `--match` add up)."""
    if states and state_of(e).value not in states:
        return False
    needles = [m.casefold() for m in ([match] if isinstance(match, str) else match or []) if m]
    if needles:
        haystack = [h.casefold() for h in (e.msgid, e.msgid_plural or "", e.msgctxt or "", *msgstr_forms(e))]
        return any(needle in h for needle in needles for h in haystack)
    return True


def _states(states: list[str] | None) -> set[str] | None:
    if not states:
        return None
    known = {s.value for s in State}
    for s in states:
        if s not in known:
            raise LocflowError(f"unknown state `{s}`", hint="one of: " + ", ".join(known))
    return set(states)


def _selected(project: Project, languages: list[str] | None, catalogs: list[str] | None, match: str | list[str] | None,
              states: list[str] | None) -> Iterator[tuple[CatalogFile, "polib.POFile", list["polib.POEntry"]]]:
    wanted = _states(states)
    for cat in project.catalog_files(languages, catalogs):
        po = read_po(cat.path, display=project.display(cat.path))
        entries = [e for e in po if not e.obsolete and _matches(e, match, wanted)]
        if entries:
            yield cat, po, entries


def list_entries(project: Project, languages: list[str] | None = None, catalogs: list[str] | None = None,
                 states: list[str] | None = None, match: str | list[str] | None = None) -> list[ReviewEntry]:
    return [_entry(project, cat, e) for cat, _, entries in _selected(project, languages, catalogs, match, states)
            for e in entries]


def _blocking(project: Project, cat: CatalogFile, po: "polib.POFile", entry: "polib.POEntry") -> list[str]:
    """Error-severity findings of the entry's text: what stops an approval."""
    from .checks import REGISTRY
    from .checks.base import ignored_checks
    from .checks.runner import context, severities

    sev = severities(project)
    ctx = context(project, cat, po)
    skip = ignored_checks(entry)
    reasons = []
    for check in REGISTRY.values():
        if check.scope != "entry" or check.id in NOT_BLOCKING or check.id in skip or sev.get(check.id) != "error":
            continue
        reasons += [f"{check.id}: {m}" for m in check.func(ctx, entry)]
    return reasons


def approval_blockers(project: Project, cat: CatalogFile, po, entry: "polib.POEntry") -> list[str]:
    """Why an approval is refused: an empty form, or an error-severity finding of a text check."""
    reasons = []
    if any(not f for f in msgstr_forms(entry)):
        reasons.append("empty translation" + (" form" if entry.msgid_plural else ""))
    return reasons + _blocking(project, cat, po, entry)


def set_edited(entry: "polib.POEntry", forms: list[str]) -> None:
    """A person wrote this text: it is `reviewed` now, no longer a machine suggestion."""
    if entry.msgid_plural:
        entry.msgstr_plural = {k: v for k, v in enumerate(forms)}
    else:
        entry.msgstr = forms[0]
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    entry.tcomment = strip_markers(entry.tcomment or "", MARKER_KINDS)


def _today(today: str | None) -> str:
    return today or _dt.date.today().isoformat()


def _comments_without(entry: "polib.POEntry", kinds: tuple[str, ...]) -> list[str]:
    return [c for c in strip_markers(entry.tcomment or "", kinds).split("\n") if c]


def set_approved(entry: "polib.POEntry", reviewer: str, today: str) -> None:
    """Store an approval (used by the CLI, the interactive review and XLIFF import alike)."""
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    comments = _comments_without(entry, ("machine", "approved", "rejected", "mt-problem"))
    comments.append(f"{MARKER} approved {reviewer} {today} {msgstr_sha(entry)}")
    entry.tcomment = "\n".join(comments)


def set_rejected(entry: "polib.POEntry", reviewer: str, reason: str, today: str) -> None:
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    comments = _comments_without(entry, ("machine", "approved", "rejected"))
    comments.append(f"{MARKER} rejected {reviewer} {today}: {' '.join(reason.split())}")
    entry.tcomment = "\n".join(comments)


def set_reopened(entry: "polib.POEntry") -> None:
    entry.tcomment = "\n".join(_comments_without(entry, ("approved",)))


def approve(project: Project, language: str, *, catalogs: list[str] | None = None, match: str | list[str] | None = None,
            states: list[str] | None = None, reviewer: str, today: str | None = None,
            waiting=None) -> ActionResult:
    """Approve the selected entries; refuse, with reasons, empty ones and ones with error findings."""
    reviewer = check_reviewer(reviewer)
    day = _today(today)
    with project.lock(waiting):
        return _approve(project, language, catalogs, match, states, reviewer, day)


def _approve(project, language, catalogs, match, states, reviewer, day) -> ActionResult:
    changed, refused, written = [], [], []
    for cat, po, entries in _selected(project, [language], catalogs, match, states):
        dirty = False
        for e in entries:
            if state_of(e) is State.APPROVED:
                continue
            reasons = approval_blockers(project, cat, po, e)
            if reasons:
                refused.append(Refusal(_entry(project, cat, e), tuple(reasons)))
                continue
            set_approved(e, reviewer, day)
            changed.append(_entry(project, cat, e))
            dirty = True
        if dirty and write_if_changed(cat.path, render_edited(po)):
            written.append(project.display(cat.path))
    return ActionResult("approve", tuple(changed), tuple(refused), tuple(written))


def reject(project: Project, language: str, *, reason: str, catalogs: list[str] | None = None,
           match: str | list[str] | None = None, states: list[str] | None = None, reviewer: str,
           today: str | None = None, waiting=None) -> ActionResult:
    """Send translations back: fuzzy, with the reason as a translator comment."""
    if not reason or not reason.strip():
        raise LocflowError("a rejection needs a reason", hint='pass --reason "why"')
    reviewer = check_reviewer(reviewer)
    return _apply(project, language, catalogs, match, states, "reject",
                  lambda e: state_of(e) is not State.UNTRANSLATED,
                  lambda e: set_rejected(e, reviewer, reason, _today(today)), waiting)


def reopen(project: Project, language: str, *, catalogs: list[str] | None = None, match: str | list[str] | None = None,
           states: list[str] | None = None, waiting=None) -> ActionResult:
    """Withdraw approvals: approved entries become reviewed again."""
    return _apply(project, language, catalogs, match, states, "reopen",
                  lambda e: approval(e) is not None, set_reopened, waiting)


def _apply(project, language, catalogs, match, states, action, applies, change, waiting) -> ActionResult:
    changed, written = [], []
    with project.lock(waiting):
        for cat, po, entries in _selected(project, [language], catalogs, match, states):
            dirty = False
            for e in entries:
                if applies(e):
                    change(e)
                    changed.append(_entry(project, cat, e))
                    dirty = True
            if dirty and write_if_changed(cat.path, render_edited(po)):
                written.append(project.display(cat.path))
    return ActionResult(action, tuple(changed), (), tuple(written))


def review_log(project: Project, languages: list[str] | None = None,
               catalogs: list[str] | None = None) -> list[LogRecord]:
    """Approvals and rejections recorded in the catalogs, newest first."""
    records = []
    for cat in project.catalog_files(languages, catalogs):
        for e in read_po(cat.path, display=project.display(cat.path)):
            if e.obsolete:
                continue
            found = approval(e)
            if found:
                stale = "" if found.sha == msgstr_sha(e) and "fuzzy" not in e.flags else " (no longer valid)"
                records.append(LogRecord(found.date, found.reviewer, "approved", cat.name, cat.language, e.msgid,
                                         f"sha {found.sha}{stale}"))
            for _, _, line in marker_spans(e.tcomment or ""):
                m = _REJECTED_RE.match(line)
                if m:
                    records.append(LogRecord(m["date"], m["reviewer"], "rejected", cat.name, cat.language, e.msgid,
                                             m["reason"]))
    return sorted(records, key=lambda r: (r.date, r.language, r.catalog, r.msgid), reverse=True)
