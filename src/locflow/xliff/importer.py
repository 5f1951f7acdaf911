"""XLIFF import: validate that the file belongs here, then apply what changed.

Each unit carries a hash of the translation it was exported with. A unit whose text is still that
one changes no text; a catalog entry edited since the export is never overwritten by a unit the
CAT tool did not change, and when both changed the catalog's text is kept and the conflict is
reported. What would become reviewed or approved must pass the same checks as `review approve`.
"""
from __future__ import annotations

import contextlib
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable

from ..catalog import read_po
from ..errors import LocflowError
from ..plurals import catalog_nplurals
from ..project import CatalogFile, Project
from ..states import (State, add_comments, mark_approved, mark_edited, mark_fuzzy, mark_reviewed, msgstr_forms, now, nplurals_of,
                      state_of)
from .common import ImportChange, ImportResult, ImportSkip, site_name, forms_sha
from .reader import XliffFile, lowest_state, parse_xliff, read_files, XliffUnit

if TYPE_CHECKING:
    import polib


def import_xliff(project: Project, path: Path, *, reviewer: str, today: str | None = None, dry_run: bool = False,
                 waiting: Callable[[str], None] | None = None) -> ImportResult:
    """Apply the targets and states of an XLIFF file exported from this project to its catalogs."""
    shown = str(path)
    day = today or now()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?", day):
        raise LocflowError(f"date {day!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
    root, lines = parse_xliff(path, shown)
    version, language, files = read_files(project, root, lines, shown)
    lock = contextlib.nullcontext() if dry_run else project.lock(waiting)
    with lock:
        changes, skipped, unchanged, dirty = _plan(project, files, language, shown, reviewer, day)
        written = []
        if not dry_run:
            from ..review import write_catalog

            for cat, po in dirty:
                if write_catalog(project, cat, po, reviewer or "xliff-import", day)[0]:
                    written.append(project.display(cat.path))
    return ImportResult(tuple(changes), unchanged, tuple(written), language, version, tuple(skipped))


def _plan(project: Project, files: list[XliffFile], language: str, shown: str, reviewer: str,
          day: str) -> tuple[list[ImportChange], list[ImportSkip], int, list[tuple[CatalogFile, "polib.POFile"]]]:
    """Apply the file to the catalogs in memory; every problem is found before anything is written."""
    site = site_name(project)
    by_path = {project.display(c.path): c for c in project.catalog_files([language])}
    changes: list[ImportChange] = []
    skipped: list[ImportSkip] = []
    problems: list[tuple[int, str]] = []
    dirty: dict[Path, tuple[CatalogFile, "polib.POFile"]] = {}
    seen_files: set[str] = set()
    unchanged = 0
    approve = _Approver(reviewer, day)
    for f in files:
        if f.site != site:
            found = "no project name" if f.site is None else f"project `{f.site}`"
            raise LocflowError(f"this file belongs to {found}, not to `{site}`", path=shown, line=f.line,
                               hint="import it into the project that exported it")
        cat = _catalog_for(project, f, by_path, language, shown)
        if cat.name in seen_files:
            raise LocflowError(f"catalog `{cat.name}` appears twice", path=shown, line=f.line)
        seen_files.add(cat.name)
        po = read_po(cat.path, display=project.display(cat.path))
        expected = project.source_language(cat, po.metadata)
        if f.source is not None and f.source.replace("-", "_").lower() != expected.lower():
            raise LocflowError(f"source language `{f.source}` of `{f.original}`, but the catalog is translated "
                               f"from `{expected}`", path=shown, line=f.line)
        nplurals = catalog_nplurals(po.metadata.get("Plural-Forms"), language)
        index = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
        done: set[tuple[str | None, str]] = set()
        for unit in f.units:
            key = (unit.msgctxt, unit.msgid)
            entry = index.get(key)
            if (entry is None or bool(entry.msgid_plural) != (unit.msgid_plural is not None)
                    or (unit.msgid_plural and unit.msgid_plural != entry.msgid_plural)):
                problems.append((unit.line, f"{unit.msgid[:50]!r} is not in {f.original}"))
                continue
            if key in done:
                problems.append((unit.line, f"{unit.msgid[:50]!r} appears twice"))
                continue
            done.add(key)
            size = nplurals if entry.msgid_plural else 1
            if len(unit.targets) != size:
                problems.append((unit.line, f"{unit.msgid[:50]!r} has {len(unit.targets)} plural forms, "
                                            f"{f.original} has {size}"))
                continue
            outcome = _import_unit(cat.name, entry, unit, size, approve, _blockers(project, cat, po),
                                   approve.reviewer or "xliff-import", day, nplurals_of(po.metadata))
            if add_comments(entry, unit.notes):  # notes written in the CAT tool come back as translator comments
                dirty[cat.path] = (cat, po)
                if outcome is None:
                    current = state_of(entry, nplurals_of(po.metadata)).value
                    outcome = ImportChange(cat.name, entry.msgctxt, entry.msgid, current, current, False,
                                           comments_added=True)
            if outcome is None:
                unchanged += 1
            elif isinstance(outcome, ImportSkip):
                skipped.append(outcome)
            else:
                changes.append(outcome)
                dirty[cat.path] = (cat, po)
    if problems:
        listed = "; ".join(f"line {line}: {what}" for line, what in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise LocflowError(f"{len(problems)} unit(s) do not match the catalogs: {listed}{more}", path=shown,
                           line=problems[0][0], hint="the sources changed since the export: export again and let "
                                                     "the CAT tool carry the work over; nothing was imported")
    return changes, skipped, unchanged, list(dirty.values())


def _catalog_for(project: Project, f: XliffFile, by_path: dict[str, CatalogFile], language: str,
                 shown: str) -> CatalogFile:
    original = f.original
    pure = PurePosixPath(original)
    if (not original or pure.is_absolute() or ".." in pure.parts or "\\" in original
            or re.match(r"^[A-Za-z]:", original)):
        raise LocflowError(f"original `{original}` is not a catalog path inside the project", path=shown,
                           line=f.line, hint="it must be a project-relative path such as locales/et/LC_MESSAGES/ui.po")
    project.inside(project.root / pure)
    cat = by_path.get(pure.as_posix())
    if cat is None:
        raise LocflowError(f"`{original}` is not a `{language}` catalog of this project", path=shown, line=f.line,
                           hint="import the file into the project and language it was exported from")
    return cat


class _Approver:
    """Writes approval markers; the reviewer name is only required when something is approved."""

    def __init__(self, reviewer: str, day: str) -> None:
        self.reviewer, self.day, self.checked = reviewer, day, False

    def __call__(self, entry: "polib.POEntry") -> None:
        from ..review import check_reviewer

        if not self.checked:
            if not (self.reviewer or "").strip():
                raise LocflowError("approving needs a reviewer name", hint="pass --reviewer NAME")
            self.reviewer, self.checked = check_reviewer(self.reviewer), True
        mark_approved(entry, self.reviewer, self.day)


def _blockers(project: Project, cat: CatalogFile, po: "polib.POFile") -> Callable[["polib.POEntry"], list[str]]:
    from ..review import approval_blockers

    return lambda entry: approval_blockers(project, cat, po, entry)


def _import_unit(catalog: str, entry: "polib.POEntry", unit: XliffUnit, size: int,
                 approve: Callable[["polib.POEntry"], None],
                 blockers: Callable[["polib.POEntry"], list[str]], who: str, when: str,
                 nplurals: int | None = None) -> ImportChange | ImportSkip | None:
    """What applying the unit changed; a skip when it is left for a person to decide; None when it
    changes nothing."""

    def skip(reason: str, conflict: bool) -> ImportSkip:
        return ImportSkip(catalog, entry.msgctxt, entry.msgid, reason, conflict)

    if all(t is None for t in unit.targets):
        return None  # no <target> at all: nothing to take over
    old_forms = (msgstr_forms(entry) + [""] * size)[:size]
    new_forms = [t or "" for t in unit.targets]
    said = lowest_state(unit.states)
    current = state_of(entry, nplurals)
    if unit.exported_sha is not None:
        if forms_sha(new_forms) == unit.exported_sha and (unit.state_kept or unit.implicit):
            return None  # untouched in the CAT tool: it says nothing about the catalog, whatever happened since
        moved = forms_sha(old_forms) != unit.exported_sha or (
            unit.exported_state is not None and unit.exported_state != current.value)
        if moved:
            if new_forms == old_forms and said in (current, None):
                return None
            # The catalog moved on after the export (edited, approved, rejected, emptied): its side is newer
            # than what the CAT tool was given, so a person must choose.
            return skip(f"changed in the catalog since the export (now {current.value}) and in the file: kept the "
                        f"catalog's, the file has {said.value if said else 'no state'} "
                        f"{' | '.join(new_forms)[:80]!r}", True)
    changed = new_forms != old_forms
    if unit.implicit and not changed:
        return None  # approved="yes" alone on the same text says nothing the catalog does not know
    edited = forms_sha(new_forms) != unit.exported_sha if unit.exported_sha is not None else changed
    if said is State.APPROVED and edited and unit.state_kept:
        said = State.REVIEWED  # edited under the `final` it was exported with: nobody signed this text off
    wanted = _decide(current, new_forms, changed, said)
    if wanted is None:
        return None
    if wanted in (State.REVIEWED, State.APPROVED):
        saved = (entry.msgstr, dict(entry.msgstr_plural))
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(new_forms))
        else:
            entry.msgstr = new_forms[0]
        reasons = blockers(entry)
        entry.msgstr, entry.msgstr_plural = saved
        if reasons:
            refused = "; ".join(reasons)
            if not changed:
                return skip(f"not {wanted.value}: {refused}", True)
            # The agency's text is kept and waits as fuzzy, the reasons stored with it, as for any edit.
            mark_edited(entry, new_forms, who, when, reasons)
            return ImportChange(catalog, entry.msgctxt, entry.msgid, current.value, state_of(entry, nplurals).value,
                                changed, refused)
    if wanted is State.APPROVED:
        if changed:
            mark_reviewed(entry, new_forms)
        approve(entry)
    elif wanted in (State.FUZZY, State.MACHINE):
        mark_fuzzy(entry, new_forms)
    else:  # reviewed or untranslated: nothing left to review against an older source
        mark_reviewed(entry, new_forms)
    return ImportChange(catalog, entry.msgctxt, entry.msgid, current.value, state_of(entry, nplurals).value, changed)


def _decide(current: State, forms: list[str], changed: bool, said: State | None) -> State | None:
    """The state an entry takes from the file (None: leave it alone), by the review-state storage rules (states.py)."""
    if said is None:  # no usable state: keep it; a new translation waits for review
        return State.FUZZY if changed and any(forms) else None
    if not any(forms) or (said is State.UNTRANSLATED and not forms[0]):
        wanted = State.UNTRANSLATED
    elif said is State.UNTRANSLATED:
        wanted = State.FUZZY  # text typed but not confirmed
    else:
        wanted = said
    if not changed and wanted is current:
        return None
    if wanted in (State.REVIEWED, State.APPROVED) and not all(forms):
        wanted = State.FUZZY  # an empty plural form cannot be reviewed
    if wanted is State.MACHINE and (changed or current is not State.MACHINE):
        # The machine marker names locflow's provider: text edited or produced elsewhere is just fuzzy.
        wanted = State.FUZZY
    return None if not changed and wanted is current else wanted


