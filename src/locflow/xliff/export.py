"""XLIFF export: one <file> per catalog, states and notes carried along."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog import atomic_write, read_po
from ..errors import LocflowError
from ..plurals import catalog_nplurals
from ..project import CatalogFile, Project
from ..states import State, msgstr_forms, nplurals_of, rejection, state_of, translator_comments
from .common import (
    EXPORT_12,
    EXPORT_20,
    NOT_XML,
    MDA,
    NS12,
    NS20,
    PLURALS_12,
    PLURALS_20,
    SUBSTATE,
    VERSIONS,
    ExportResult,
    forms_sha,
    bcp47,
    site_name,
    unit_id,
)

if TYPE_CHECKING:
    import polib

# --- export ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    uid: str
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    forms: tuple[str, ...]
    state: State
    developer: str
    translator: str
    locations: tuple[tuple[str, str], ...]
    flags: tuple[str, ...]
    previous: tuple[str, ...] = ()  # the source before it changed (`#|`): msgid, and msgid_plural for plurals
    rejection: str = ""  # the current rejection: who, when, why
    numbers: tuple[str, ...] = ()  # per plural form: the counts that select it


@dataclass(frozen=True)
class _Catalog:
    cat: CatalogFile
    original: str
    source: str
    items: tuple[_Item, ...]


def export_xliff(project: Project, language: str, out: Path, *, catalogs: list[str] | None = None,
                 version: str = "1.2") -> ExportResult:
    """Write the language's catalogs (all, or those matching `catalogs`) to one XLIFF file."""
    if version not in VERSIONS:
        raise LocflowError(f"unknown XLIFF version `{version}`", hint="use 1.2 or 2.0")
    files = project.catalog_files([language], catalogs)
    if not files:
        raise LocflowError(f"no catalog for language `{language}`", hint="run `locflow pull` first")
    loaded = [c for c in (_load_for_export(project, cat) for cat in files) if c.items]
    if not loaded:
        raise LocflowError(f"nothing to export: the `{language}` catalogs have no entries")
    if version == "2.0":
        _single_source(loaded)
    root = _xliff12(project, language, loaded) if version == "1.2" else _xliff20(project, language, loaded)
    units = sum(1 for e in root.iter() if e.tag in ("trans-unit", "unit"))
    atomic_write(out, _serialize(root))
    return ExportResult(out, units, len(loaded), version)


def _load_for_export(project: Project, cat: CatalogFile) -> _Catalog:
    shown = project.display(cat.path)
    po = read_po(cat.path, display=shown)
    source = project.source_language(cat, po.metadata)
    nplurals = catalog_nplurals(po.metadata.get("Plural-Forms"), cat.language)
    numbers = plural_numbers(po.metadata.get("Plural-Forms"), cat.language, nplurals)
    items, seen = [], {}
    for entry in po:
        if entry.obsolete:
            continue
        item = _item(entry, nplurals, shown, nplurals_of(po.metadata), numbers)
        if item.uid in seen:  # 48 bits of sha1: never seen in practice, but ids must be unique
            raise LocflowError(f"entries {seen[item.uid]!r} and {entry.msgid!r} hash to the same unit id",
                               path=shown, line=entry.linenum)
        seen[item.uid] = entry.msgid
        items.append(item)
    return _Catalog(cat, shown, source, tuple(items))


def plural_numbers(header: str | None, language: str, nplurals: int) -> tuple[str, ...]:
    """Which counts select each plural form ("1, 21, 31, …"), so a CAT tool's translator knows."""
    from ..plurals import catalog_rule

    rule = catalog_rule(header, language)
    picked: dict[int, list[int]] = {}
    for n in range(0, 1000):
        found = picked.setdefault(rule.index(n), [])
        if len(found) < 5:
            found.append(n)
    return tuple(", ".join(map(str, picked.get(i, [])[:4])) + (", …" if len(picked.get(i, [])) > 4 else "")
                 for i in range(nplurals))


def _item(entry: "polib.POEntry", nplurals: int, shown: str, declared: int | None,
          numbers: tuple[str, ...] = ()) -> _Item:
    forms = msgstr_forms(entry)
    if entry.msgid_plural:
        if len(forms) > nplurals:
            raise LocflowError(f"entry {entry.msgid[:40]!r} has {len(forms)} plural forms, Plural-Forms says "
                               f"{nplurals}", path=shown, line=entry.linenum, hint="run `locflow check` and fix it")
        forms = forms + [""] * (nplurals - len(forms))
    translator = "\n".join(translator_comments(entry.tcomment or ""))
    item = _Item(unit_id(entry.msgctxt, entry.msgid), entry.msgctxt, entry.msgid, entry.msgid_plural or None,
                 tuple(forms), state_of(entry, declared), entry.comment or "", translator,
                 tuple((f, str(n) if n else "") for f, n in entry.occurrences),
                 tuple(f for f in entry.flags if f != "fuzzy"),
                 tuple(p for p in (entry.previous_msgid, entry.previous_msgid_plural) if p)
                 if entry.previous_msgid else (),
                 _rejection_note(entry), numbers if entry.msgid_plural else ())
    texts = [item.msgctxt or "", item.msgid, item.msgid_plural or "", *item.forms, item.developer,
             item.translator, *(f for f, _ in item.locations), *item.previous, item.rejection]
    for text in texts:
        if m := NOT_XML.search(text):
            raise LocflowError(f"entry {entry.msgid[:40]!r} contains U+{ord(m.group()):04X}, a control character "
                               "XML 1.0 cannot carry", path=shown, line=entry.linenum,
                               hint="remove it from the catalog (or its source), then export again")
    return item


def _rejection_note(entry: "polib.POEntry") -> str:
    found = rejection(entry)
    return f"Rejected by {found.who} on {found.date}: {found.detail}" if found else ""


def _single_source(loaded: list[_Catalog]) -> None:
    by_source: dict[str, list[str]] = {}
    for c in loaded:
        by_source.setdefault(c.source, []).append(c.cat.name)
    if len(by_source) > 1:
        groups = "; ".join(f"{lang}: " + ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
                           for lang, names in sorted(by_source.items()))
        raise LocflowError(f"XLIFF 2.0 has one source language per file, and these catalogs come from "
                           f"{len(by_source)} ({groups})",
                           hint="export one source language at a time with --catalog, or use --xliff-version 1.2")


def _xliff12(project: Project, language: str, loaded: list[_Catalog]) -> ET.Element:
    site = site_name(project)
    root = ET.Element("xliff", {"xmlns": NS12, "version": "1.2"})
    for c in loaded:
        f = ET.SubElement(root, "file", {"original": c.original, "source-language": bcp47(c.source),
                                         "target-language": bcp47(language), "datatype": "po",
                                         "product-name": site, "tool-id": "locflow"})
        header = ET.SubElement(f, "header")
        ET.SubElement(header, "tool", {"tool-id": "locflow", "tool-name": "locflow"})
        ET.SubElement(header, "note", {"from": "locflow"}).text = (
            f"Project: {site}. Catalog: {c.cat.name}. Import the translated file with `locflow import`.")
        body = ET.SubElement(f, "body")
        for item in c.items:
            attrs = {"id": item.uid} | ({"resname": item.msgctxt} if item.msgctxt is not None else {})
            if item.msgid_plural is None:
                unit = _unit12(body, attrs, item.msgid, item.forms[0], item.state)
                _info12(unit, item, state=True)
                _notes12(unit, item)
                _previous12(unit, item, 0)
                continue
            group = ET.SubElement(body, "group", attrs | {"restype": PLURALS_12})
            _info12(group, item, state=False)
            _notes12(group, item)
            for i, form in enumerate(item.forms):
                unit = _unit12(group, {"id": f"{item.uid}[{i}]"}, item.msgid if i == 0 else item.msgid_plural,
                               form, item.state)
                _contexts(unit, "information", [("x-locflow-state", item.state.value)])
                if i < len(item.numbers):
                    ET.SubElement(unit, "note", {"from": "locflow"}).text = f"msgstr[{i}]: n = {item.numbers[i]}"
                _previous12(unit, item, i)
    return root


def _unit12(parent: ET.Element, attrs: dict[str, str], source: str, target: str, state: State) -> ET.Element:
    # translate-toolkit and Weblate read a 1.2 unit as translated only with approved="yes".
    extra = {"approved": "yes"} if state in (State.REVIEWED, State.APPROVED) else {}
    unit = ET.SubElement(parent, "trans-unit", attrs | extra | {"xml:space": "preserve"})
    inline(ET.SubElement(unit, "source"), source, "1.2")
    value, qualifier = EXPORT_12[state]
    attrs = {"state": value} | ({"state-qualifier": qualifier} if qualifier else {})
    inline(ET.SubElement(unit, "target", attrs), target, "1.2")
    return unit


def _previous12(unit: ET.Element, item: _Item, form: int) -> None:
    """The source before it changed, as 1.2's alternative translation of it (the PO profile's way)."""
    if item.previous:
        alt = ET.SubElement(unit, "alt-trans", {"alttranstype": "previous-version"})
        inline(ET.SubElement(alt, "source"), item.previous[min(form, len(item.previous) - 1)], "1.2")
        inline(ET.SubElement(alt, "target"), item.forms[form], "1.2")


def _info12(parent: ET.Element, item: _Item, *, state: bool) -> None:
    pairs = []
    if item.msgctxt is not None:
        pairs.append(("x-gettext-msgctxt", item.msgctxt))
    if item.flags:
        pairs.append(("x-gettext-flags", ", ".join(item.flags)))
    if state:
        pairs.append(("x-locflow-state", item.state.value))
    pairs.append(("x-locflow-sha", forms_sha(item.forms)))  # the import compares against it
    _contexts(parent, "information", pairs)
    for path, line in item.locations:
        _contexts(parent, "location", [("sourcefile", path)] + ([("linenumber", line)] if line else []))


def _contexts(parent: ET.Element, purpose: str, pairs: list[tuple[str, str]]) -> None:
    if pairs:
        group = ET.SubElement(parent, "context-group", {"purpose": purpose})
        for kind, text in pairs:
            ET.SubElement(group, "context", {"context-type": kind}).text = text


def _notes12(parent: ET.Element, item: _Item) -> None:
    if item.developer:
        ET.SubElement(parent, "note", {"from": "developer"}).text = item.developer
    if item.translator:
        ET.SubElement(parent, "note", {"from": "translator"}).text = item.translator
    if item.rejection:
        ET.SubElement(parent, "note", {"from": "locflow", "priority": "1"}).text = item.rejection


def _xliff20(project: Project, language: str, loaded: list[_Catalog]) -> ET.Element:
    source = loaded[0].source if loaded else project.config.source_language
    root = ET.Element("xliff", {"xmlns": NS20, "xmlns:mda": MDA, "version": "2.0", "srcLang": bcp47(source),
                                "trgLang": bcp47(language)})
    for index, c in enumerate(loaded, 1):
        f = ET.SubElement(root, "file", {"id": f"f{index}", "original": c.original, "canResegment": "no"})
        group = ET.SubElement(ET.SubElement(f, "mda:metadata"), "mda:metaGroup", {"category": "locflow"})
        ET.SubElement(group, "mda:meta", {"type": "site"}).text = site_name(project)
        ET.SubElement(group, "mda:meta", {"type": "catalog"}).text = c.cat.name
        for item in c.items:
            name = {"name": item.msgctxt} if item.msgctxt is not None else {}
            if item.msgid_plural is None:
                unit = ET.SubElement(f, "unit", {"id": item.uid} | name | {"xml:space": "preserve"})
                _sha20(unit, item)
                _notes20(unit, item)
                _segment20(unit, item.msgid, item.forms[0], item.state)
                continue
            plural = ET.SubElement(f, "group", {"id": item.uid} | name | {"type": PLURALS_20})
            _sha20(plural, item)
            _notes20(plural, item)
            for i, form in enumerate(item.forms):
                unit = ET.SubElement(plural, "unit", {"id": f"{item.uid}-{i}", "xml:space": "preserve"})
                if i < len(item.numbers):
                    notes = ET.SubElement(unit, "notes")
                    ET.SubElement(notes, "note", {"category": "locflow:plural-numbers"}).text = \
                        f"msgstr[{i}]: n = {item.numbers[i]}"
                _segment20(unit, item.msgid if i == 0 else item.msgid_plural, form, item.state)
    return root


def _sha20(parent: ET.Element, item: _Item) -> None:
    group = ET.SubElement(ET.SubElement(parent, "mda:metadata"), "mda:metaGroup", {"category": "locflow"})
    ET.SubElement(group, "mda:meta", {"type": "sha"}).text = forms_sha(item.forms)
    # the state it left in, where a CAT tool does not edit it (subState is the tool's to change)
    ET.SubElement(group, "mda:meta", {"type": "state"}).text = item.state.value


def _notes20(parent: ET.Element, item: _Item) -> None:
    notes = [("developer", item.developer), ("translator", item.translator),
             ("location", "\n".join(f"{p}:{n}" if n else p for p, n in item.locations)),
             ("context", item.msgctxt or ""), ("flags", ", ".join(item.flags)),
             ("locflow:rejection", item.rejection),
             ("locflow:previous-source", "\n".join(item.previous))]
    notes = [(k, v) for k, v in notes if v]
    if notes:
        element = ET.SubElement(parent, "notes")
        for category, text in notes:
            ET.SubElement(element, "note", {"category": category}).text = text


def _segment20(unit: ET.Element, source: str, target: str, state: State) -> None:
    segment = ET.SubElement(unit, "segment", {"state": EXPORT_20[state], "subState": SUBSTATE + state.value})
    inline(ET.SubElement(segment, "source"), source, "2.0")
    inline(ET.SubElement(segment, "target"), target, "2.0")


def _serialize(root: ET.Element) -> bytes:
    _indent(root)
    text = ET.tostring(root, encoding="unicode")
    # ElementTree escapes CR in attributes but not in text, where a parser would turn it into LF.
    text = text.replace("\r", "&#13;")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")




def _indent(element: ET.Element, level: int = 0) -> None:
    """ET.indent, except inside <source>/<target>, whose whitespace is text (inline codes sit there)."""
    if element.tag.split("}")[-1] in ("source", "target") or not len(element):
        return
    pad = "\n" + "  " * (level + 1)
    if not (element.text or "").strip():
        element.text = pad
    for child in element:
        _indent(child, level + 1)
        if not (child.tail or "").strip():
            child.tail = pad
    child.tail = "\n" + "  " * level


_TAG = re.compile(r"<(\d+)>|</(\d+)>|<(\d+)/>")
_INLINE = {"1.2": ("g", "x"), "2.0": ("pc", "ph")}


def inline(element: ET.Element, text: str, version: str) -> None:
    """Text with the segmenter's numbered tags as XLIFF inline codes (1.2 <g>/<x/>, 2.0 <pc>/<ph/>), so a
    CAT tool protects them; text whose tags do not nest is sent as it is."""
    paired, single = _INLINE[version]
    stack = [element]
    last: ET.Element | None = None  # the element whose tail the next text goes to (None: stack top's text)
    pos = 0
    opened: list[str] = []

    def put(chunk: str) -> None:
        if not chunk:
            return
        if last is None:
            stack[-1].text = (stack[-1].text or "") + chunk
        else:
            last.tail = (last.tail or "") + chunk

    for m in _TAG.finditer(text):
        put(text[pos:m.start()])
        pos = m.end()
        if m.group(1):
            child = ET.SubElement(stack[-1], paired, {"id": m.group(1)})
            stack.append(child)
            opened.append(m.group(1))
            last = None
        elif m.group(2):
            if not opened or opened[-1] != m.group(2):
                break
            opened.pop()
            last = stack.pop()
        else:
            last = ET.SubElement(stack[-1], single, {"id": m.group(3)})
    else:
        put(text[pos:])
        if not opened:
            return
    for child in list(element):  # tags that do not nest: plain text, as before
        element.remove(child)
    element.text = text
