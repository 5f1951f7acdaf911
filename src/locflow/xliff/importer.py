"""XLIFF import: validate that the file belongs here, then apply what changed."""
from __future__ import annotations

import contextlib
import datetime as _dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable

from ..catalog import read_po, render, write_if_changed
from ..errors import LocflowError
from ..project import CatalogFile, Project
from ..states import State, msgstr_forms, state_of, strip_markers
from .common import (
    _EXPORT_12,
    _EXPORT_20,
    _IMPORT_12,
    _IMPORT_20,
    _MT_QUALIFIERS,
    MAX_BYTES,
    MDA,
    NS12,
    NS20,
    PLURALS_12,
    PLURALS_20,
    SUBSTATE,
    ImportChange,
    ImportResult,
    _nplurals,
    _site,
    _source_language,
)

if TYPE_CHECKING:
    import polib

# --- import ---------------------------------------------------------------------------------


@dataclass
class _Unit:
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    targets: list[str | None]  # one per form; None: the unit has no <target>
    states: list[State | None]  # one per form; None: the file does not say
    line: int


@dataclass
class _File:
    original: str
    source: str | None
    site: str | None
    line: int
    units: list[_Unit]


def import_xliff(project: Project, path: Path, *, reviewer: str, today: str | None = None, dry_run: bool = False,
                 waiting: Callable[[str], None] | None = None) -> ImportResult:
    """Apply the targets and states of an XLIFF file exported from this project to its catalogs."""
    shown = str(path)
    day = today or _dt.date.today().isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise LocflowError(f"date {day!r} is not YYYY-MM-DD")
    root, lines = _parse(path, shown)
    version, language, files = _read(project, root, lines, shown)
    lock = contextlib.nullcontext() if dry_run else project.lock(waiting)
    with lock:
        changes, unchanged, dirty = _plan(project, files, language, shown, reviewer, day)
        written = []
        if not dry_run:
            for cat, po in dirty:
                if write_if_changed(cat.path, render(po)):
                    written.append(project.display(cat.path))
    return ImportResult(tuple(changes), unchanged, tuple(written), language, version)


class _Refused(Exception):
    pass


def _parse(path: Path, shown: str) -> tuple[ET.Element, dict[int, int]]:
    """ElementTree elements built by expat, with the line of every element; no entity declarations."""
    from xml.parsers import expat

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LocflowError(f"cannot read XLIFF file: {exc.strerror}", path=shown) from None
    if size > MAX_BYTES:
        raise LocflowError(f"XLIFF file is {size} bytes, more than the limit of {MAX_BYTES}", path=shown,
                           hint="export and import fewer catalogs at a time")
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def name(raw: str) -> str:
        return "{" + raw if "}" in raw else raw

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(name(tag), {name(k): v for k, v in attrs.items()})
        lines[id(element)] = parser.CurrentLineNumber

    def refuse_entity(*_args) -> None:
        raise _Refused("entity declarations are not allowed in XLIFF files")

    def refuse_skipped(entity: str, _parameter: bool) -> None:
        raise _Refused(f"undefined entity &{entity};")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(name(tag))
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = refuse_entity
    parser.SkippedEntityHandler = refuse_skipped
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except expat.ExpatError as exc:
        raise LocflowError(f"not well-formed XML: {expat.ErrorString(exc.code)}", path=shown, line=exc.lineno,
                           col=exc.offset + 1,
                           hint="the file was damaged on its way; export it again from the CAT tool") from None
    except _Refused as exc:
        raise LocflowError(str(exc), path=shown, line=parser.CurrentLineNumber) from None
    except OSError as exc:
        raise LocflowError(f"cannot read XLIFF file: {exc.strerror}", path=shown) from None
    return builder.close(), lines


def _read(project: Project, root: ET.Element, lines: dict[int, int], shown: str) -> tuple[str, str, list[_File]]:
    """(version, target language, files) of a parsed XLIFF document."""
    if root.tag == f"{{{NS12}}}xliff":
        version, reader = "1.2", _Reader12(lines, shown)
        languages = {f.get("target-language") for f in root.findall(f"{{{NS12}}}file")}
    elif root.tag == f"{{{NS20}}}xliff":
        version, reader = root.get("version") or "2.0", _Reader20(lines, shown, root.get("srcLang"))
        if not version.startswith("2."):
            raise LocflowError(f"unsupported XLIFF version `{version}`", path=shown, line=1)
        languages = {root.get("trgLang")}
    else:
        raise LocflowError(f"not an XLIFF 1.2 or 2.0 file (root element <{root.tag}>)", path=shown,
                           line=lines.get(id(root), 1),
                           hint="locflow reads urn:oasis:names:tc:xliff:document:1.2 and :2.0")
    files = reader.files(root)
    if not files:
        raise LocflowError("the XLIFF file contains no <file>", path=shown, line=1)
    if None in languages or "" in languages:
        raise LocflowError("the XLIFF file does not name its target language", path=shown, line=1,
                           hint="1.2: target-language on every <file>; 2.0: trgLang on <xliff>")
    if len(languages) > 1:
        raise LocflowError("the XLIFF file mixes target languages " + ", ".join(sorted(languages)), path=shown,
                           line=1, hint="import one language at a time")
    return version, _project_language(project, languages.pop(), shown), files


def _project_language(project: Project, code: str, shown: str) -> str:
    wanted = code.replace("-", "_").lower()
    for lang in project.config.languages:
        if lang.lower() == wanted:
            return lang
    raise LocflowError(f"target language `{code}` is not a language of this project", path=shown, line=1,
                       hint="the project's languages: " + ", ".join(project.config.languages))


class _Reader:
    ns = ""
    table: dict[str, State] = {}
    exported: dict[State, str] = {}

    def __init__(self, lines: dict[int, int], shown: str) -> None:
        self.lines = lines
        self.shown = shown

    def q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def line(self, element: ET.Element) -> int:
        return self.lines.get(id(element), 1)

    def text(self, element: ET.Element | None) -> str | None:
        """Plain text of a <source>/<target>; <mrk> (segment and annotation markers) is flattened."""
        if element is None:
            return None
        parts = [element.text or ""]
        for child in element:
            if child.tag != self.q("mrk"):
                tag = child.tag.split("}")[-1]
                raise LocflowError(f"inline element <{tag}> is not supported: locflow exchanges plain text",
                                   path=self.shown, line=self.line(child),
                                   hint="keep the placeholders and markup as text, the way they were exported")
            parts += [self.text(child) or "", child.tail or ""]
        return "".join(parts)

    def state(self, value: str | None, recorded: str | None, machine: bool, element: ET.Element) -> State | None:
        """The locflow state one form's XLIFF state stands for; None when the file does not say."""
        if value is None:
            return None
        base = self.table.get(value)
        if base is None:
            if value.startswith("x-"):
                return None
            raise LocflowError(f"unknown XLIFF state `{value}`", path=self.shown, line=self.line(element),
                               hint="one of: " + ", ".join(self.table))
        exact = next((s for s in State if s.value == recorded), None)
        if exact is not None and self.exported[exact] == value:
            return exact  # the state locflow exported, still agreeing with the XLIFF state
        return State.MACHINE if base is State.FUZZY and machine else base


class _Reader12(_Reader):
    ns = NS12
    table = _IMPORT_12
    exported = {s: v for s, (v, _) in _EXPORT_12.items()}

    def files(self, root: ET.Element) -> list[_File]:
        result = []
        for f in root.findall(self.q("file")):
            units: list[_Unit] = []
            body = f.find(self.q("body"))
            if body is not None:
                self._walk(body, units)
            result.append(_File(f.get("original") or "", f.get("source-language"), f.get("product-name"),
                                self.line(f), units))
        return result

    def _walk(self, parent: ET.Element, units: list[_Unit]) -> None:
        for child in parent:
            if child.tag == self.q("trans-unit"):
                ctx = self._context(child, "x-gettext-msgctxt", child.get("resname"))
                units.append(self._unit(ctx, [child], child))
            elif child.tag == self.q("group") and child.get("restype") == PLURALS_12:
                ctx = self._context(child, "x-gettext-msgctxt", child.get("resname"))
                units.append(self._unit(ctx, child.findall(self.q("trans-unit")), child))
            elif child.tag == self.q("group"):
                self._walk(child, units)

    def _context(self, element: ET.Element, kind: str, default: str | None) -> str | None:
        for group in element.findall(self.q("context-group")):
            for context in group.findall(self.q("context")):
                if context.get("context-type") == kind:
                    return context.text or ""
        return default

    def _unit(self, ctx: str | None, trans_units: list[ET.Element], element: ET.Element) -> _Unit:
        if not trans_units:
            raise LocflowError("plural group without <trans-unit>", path=self.shown, line=self.line(element))
        sources, targets, states = [], [], []
        for tu in trans_units:
            sources.append(self.text(tu.find(self.q("source"))) or "")
            target = tu.find(self.q("target"))
            targets.append(self.text(target))
            value = target.get("state") if target is not None else None
            if value is None and tu.get("approved") == "yes":
                value = "final"
            qualifier = target.get("state-qualifier") if target is not None else None
            states.append(self.state(value, self._context(tu, "x-locflow-state", None),
                                     qualifier in _MT_QUALIFIERS, target if target is not None else tu))
        plural = sources[1] if len(sources) > 1 else (None if element.tag == self.q("trans-unit") else "")
        return _Unit(ctx, sources[0], plural, targets, states, self.line(element))


class _Reader20(_Reader):
    ns = NS20
    table = _IMPORT_20
    exported = _EXPORT_20

    def __init__(self, lines: dict[int, int], shown: str, source: str | None) -> None:
        super().__init__(lines, shown)
        self.source = source

    def files(self, root: ET.Element) -> list[_File]:
        result = []
        for f in root.findall(self.q("file")):
            site = None
            for meta in f.iterfind(f"{{{MDA}}}metadata/{{{MDA}}}metaGroup[@category='locflow']/{{{MDA}}}meta"):
                if meta.get("type") == "site":
                    site = meta.text or ""
            units: list[_Unit] = []
            self._walk(f, units)
            result.append(_File(f.get("original") or "", self.source, site, self.line(f), units))
        return result

    def _walk(self, parent: ET.Element, units: list[_Unit]) -> None:
        for child in parent:
            if child.tag == self.q("unit"):
                units.append(self._unit(child.get("name"), [child], child))
            elif child.tag == self.q("group") and child.get("type") == PLURALS_20:
                units.append(self._unit(child.get("name"), child.findall(self.q("unit")), child))
            elif child.tag == self.q("group"):
                self._walk(child, units)

    def _unit(self, ctx: str | None, units: list[ET.Element], element: ET.Element) -> _Unit:
        if not units:
            raise LocflowError("plural group without <unit>", path=self.shown, line=self.line(element))
        sources, targets, states = [], [], []
        for unit in units:
            source, pieces, segment_targets, form_states = "", [], [], []
            # A CAT tool may split a unit into segments: the unit's text is all of them in order.
            for part in unit:
                if part.tag not in (self.q("segment"), self.q("ignorable")):
                    continue
                src = self.text(part.find(self.q("source"))) or ""
                tgt = self.text(part.find(self.q("target")))
                source += src
                if part.tag == self.q("ignorable"):
                    pieces.append(src if tgt is None else tgt)
                    continue
                pieces.append(tgt or "")
                segment_targets.append(tgt)
                sub = part.get("subState") or ""
                recorded = sub[len(SUBSTATE):] if sub.startswith(SUBSTATE) else None
                form_states.append(self.state(part.get("state"), recorded, recorded == "machine", part))
            sources.append(source)
            targets.append(None if all(t is None for t in segment_targets) else "".join(pieces))
            states.append(_lowest(form_states) if form_states else None)
        plural = sources[1] if len(sources) > 1 else (None if element.tag == self.q("unit") else "")
        return _Unit(ctx, sources[0], plural, targets, states, self.line(element))


_ORDER = {State.UNTRANSLATED: 0, State.FUZZY: 1, State.MACHINE: 1, State.REVIEWED: 2, State.APPROVED: 3}


def _lowest(states: list[State | None]) -> State | None:
    """One state for several forms or segments: the least finished; machine only if all say so."""
    if not states or any(s is None for s in states):
        return None
    low = min(states, key=_ORDER.__getitem__)
    if _ORDER[low] == 1:
        return State.MACHINE if all(s is State.MACHINE for s in states) else State.FUZZY
    return low


def _plan(project: Project, files: list[_File], language: str, shown: str, reviewer: str,
          day: str) -> tuple[list[ImportChange], int, list[tuple[CatalogFile, "polib.POFile"]]]:
    """Apply the file to the catalogs in memory; every problem is found before anything is written."""
    site = _site(project)
    by_path = {project.display(c.path): c for c in project.catalog_files([language])}
    changes: list[ImportChange] = []
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
        expected = _source_language(project, cat, po, project.display(cat.path))
        if f.source is not None and f.source.replace("-", "_").lower() != expected.lower():
            raise LocflowError(f"source language `{f.source}` of `{f.original}`, but the catalog is translated "
                               f"from `{expected}`", path=shown, line=f.line)
        nplurals = _nplurals(po, language)
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
            change = _import_unit(entry, unit, size, approve)
            if change is None:
                unchanged += 1
                continue
            changes.append(ImportChange(cat.name, entry.msgctxt, entry.msgid, *change))
            dirty[cat.path] = (cat, po)
    if problems:
        listed = "; ".join(f"line {line}: {what}" for line, what in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise LocflowError(f"{len(problems)} unit(s) do not match the catalogs: {listed}{more}", path=shown,
                           line=problems[0][0], hint="the sources changed since the export: export again and let "
                                                     "the CAT tool carry the work over; nothing was imported")
    return changes, unchanged, list(dirty.values())


def _catalog_for(project: Project, f: _File, by_path: dict[str, CatalogFile], language: str,
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
        from ..review import check_reviewer, set_approved

        if not self.checked:
            if not (self.reviewer or "").strip():
                raise LocflowError("approving needs a reviewer name", hint="pass --reviewer NAME")
            self.reviewer, self.checked = check_reviewer(self.reviewer), True
        set_approved(entry, self.reviewer, self.day)


def _import_unit(entry: "polib.POEntry", unit: _Unit, size: int,
                 approve: Callable[["polib.POEntry"], None]) -> tuple[str, str, bool] | None:
    """(old state, new state, translation changed) after applying the unit, or None when it changes nothing."""
    if all(t is None for t in unit.targets):
        return None  # no <target> at all: nothing to take over
    old_forms = (msgstr_forms(entry) + [""] * size)[:size]
    new_forms = [t or "" for t in unit.targets]
    current = state_of(entry)
    changed = new_forms != old_forms
    wanted = _decide(current, new_forms, changed, _lowest(unit.states))
    if wanted is None:
        return None
    if entry.msgid_plural:
        entry.msgstr_plural = dict(enumerate(new_forms))
    else:
        entry.msgstr = new_forms[0]
    if wanted is State.APPROVED:
        approve(entry)
    elif wanted is State.FUZZY:
        if "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")
        entry.tcomment = strip_markers(entry.tcomment or "", ("machine", "approved"))
    else:  # reviewed or untranslated: nothing left to review against an older source
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        entry.tcomment = strip_markers(entry.tcomment or "", ("machine", "approved"))
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    return current.value, state_of(entry).value, changed


def _decide(current: State, forms: list[str], changed: bool, said: State | None) -> State | None:
    """The state an entry takes from the file (None: leave it alone), by DESIGN.md's storage rules."""
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


