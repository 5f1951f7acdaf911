"""XLIFF reading: a safe XML parse with line numbers, and the 1.2 / 2.0 readers that turn units into
the catalog entries' targets and states."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LocflowError
from ..project import Project
from ..states import State
from .common import (
    EXPORT_12,
    EXPORT_20,
    IMPORT_12,
    IMPORT_20,
    MT_QUALIFIERS,
    MAX_BYTES,
    MDA,
    NS12,
    NS20,
    PLURALS_12,
    PLURALS_20,
    SUBSTATE,
)


@dataclass
class XliffUnit:
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    targets: list[str | None]  # one per form; None: the unit has no <target>
    states: list[State | None]  # one per form; None: the file does not say
    line: int
    exported_sha: str | None = None  # hash of the translation the unit was exported with
    state_kept: bool = False  # every form still has the XLIFF state it was exported with
    exported_state: str | None = None  # the locflow state recorded at export
    notes: list[str] = field(default_factory=list)  # translator notes (what the CAT tool may have added)
    implicit: bool = False  # 1.2 without `state`: only approved="yes" says the text is translated


@dataclass
class XliffFile:
    original: str
    source: str | None
    site: str | None
    line: int
    units: list[XliffUnit]


def parse_xliff(path: Path, shown: str) -> tuple[ET.Element, dict[int, int]]:
    """ElementTree elements built by expat, with the line of every element; no entity declarations."""
    from ..safexml import parse_xml

    return parse_xml(path, shown, kind="XLIFF", max_bytes=MAX_BYTES,
                     hint="the file was damaged on its way; export it again from the CAT tool")


def read_files(project: Project, root: ET.Element, lines: dict[int, int], shown: str) -> tuple[str, str, list[XliffFile]]:
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

    inline = ("", "")  # (paired, standalone) inline codes that stand for the segmenter's numbered tags

    def text(self, element: ET.Element | None) -> str | None:
        """Plain text of a <source>/<target>: <mrk> (segment and annotation markers) is flattened, the
        inline codes locflow exports (1.2 <g>/<x/>, 2.0 <pc>/<ph/>) become numbered tags again."""
        if element is None:
            return None
        parts = [element.text or ""]
        paired, single = self.inline
        for child in element:
            tag = child.tag.split("}")[-1]
            if child.tag == self.q("mrk"):
                parts.append(self.text(child) or "")
            elif tag in (paired, single) and child.tag == self.q(tag) and (child.get("id") or "").isdigit():
                number = child.get("id")
                if tag == paired:
                    parts.append(f"<{number}>{self.text(child) or ''}</{number}>")
                elif len(child) or (child.text or ""):
                    raise LocflowError(f"<{tag}> holds content", path=self.shown, line=self.line(child))
                else:
                    parts.append(f"<{number}/>")
            else:
                raise LocflowError(f"inline element <{tag}> is not supported here",
                                   path=self.shown, line=self.line(child),
                                   hint=f"keep the inline codes locflow exported (<{paired}>, <{single}/>) or the "
                                        "tags as text")
            parts.append(child.tail or "")
        return "".join(parts)

    def kept(self, value: str | None, recorded: str | None) -> bool:
        """The XLIFF state is still the one locflow exported for the recorded state."""
        exact = next((s for s in State if s.value == recorded), None)
        return exact is not None and self.exported[exact] == value

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
    table = IMPORT_12
    inline = ("g", "x")
    exported = {s: v for s, (v, _) in EXPORT_12.items()}

    def files(self, root: ET.Element) -> list[XliffFile]:
        result = []
        for f in root.findall(self.q("file")):
            units: list[XliffUnit] = []
            body = f.find(self.q("body"))
            if body is not None:
                self._walk(body, units)
            result.append(XliffFile(f.get("original") or "", f.get("source-language"), f.get("product-name"),
                                self.line(f), units))
        return result

    def _walk(self, parent: ET.Element, units: list[XliffUnit]) -> None:
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

    def _unit(self, ctx: str | None, trans_units: list[ET.Element], element: ET.Element) -> XliffUnit:
        if not trans_units:
            raise LocflowError("plural group without <trans-unit>", path=self.shown, line=self.line(element))
        sources, targets, states, kept, exported = [], [], [], [], []
        implicit: list[bool] = []
        for tu in trans_units:
            sources.append(self.text(tu.find(self.q("source"))) or "")
            target = tu.find(self.q("target"))
            targets.append(self.text(target))
            value = target.get("state") if target is not None else None
            if value is None and tu.get("approved") == "yes":
                value = "translated"  # what approved="yes" means to translate-toolkit and Weblate
                implicit.append(True)
            qualifier = target.get("state-qualifier") if target is not None else None
            recorded = self._context(tu, "x-locflow-state", None)
            states.append(self.state(value, recorded, qualifier in MT_QUALIFIERS, target if target is not None else tu))
            kept.append(self.kept(value, recorded))
            exported.append(recorded)
        plural = sources[1] if len(sources) > 1 else (None if element.tag == self.q("trans-unit") else "")
        notes = [n.text or "" for tu in dict.fromkeys([element, *trans_units]) for n in tu.findall(self.q("note"))
                 if n.get("from") not in ("developer", "locflow")]
        return XliffUnit(ctx, sources[0], plural, targets, states, self.line(element),
                     self._context(element, "x-locflow-sha", None), all(kept), _same(exported), _lines(notes),
                     len(implicit) == len(trans_units))


class _Reader20(_Reader):
    ns = NS20
    table = IMPORT_20
    inline = ("pc", "ph")
    exported = EXPORT_20

    def __init__(self, lines: dict[int, int], shown: str, source: str | None) -> None:
        super().__init__(lines, shown)
        self.source = source

    def files(self, root: ET.Element) -> list[XliffFile]:
        result = []
        for f in root.findall(self.q("file")):
            site = None
            for meta in f.iterfind(f"{{{MDA}}}metadata/{{{MDA}}}metaGroup[@category='locflow']/{{{MDA}}}meta"):
                if meta.get("type") == "site":
                    site = meta.text or ""
            units: list[XliffUnit] = []
            self._walk(f, units)
            result.append(XliffFile(f.get("original") or "", self.source, site, self.line(f), units))
        return result

    def _walk(self, parent: ET.Element, units: list[XliffUnit]) -> None:
        for child in parent:
            if child.tag == self.q("unit"):
                units.append(self._unit(child.get("name"), [child], child))
            elif child.tag == self.q("group") and child.get("type") == PLURALS_20:
                units.append(self._unit(child.get("name"), child.findall(self.q("unit")), child))
            elif child.tag == self.q("group"):
                self._walk(child, units)

    def _unit(self, ctx: str | None, units: list[ET.Element], element: ET.Element) -> XliffUnit:
        if not units:
            raise LocflowError("plural group without <unit>", path=self.shown, line=self.line(element))
        sources, targets, states, kept, subs = [], [], [], [], []
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
                kept.append(self.kept(part.get("state"), recorded))
                subs.append(recorded)
            sources.append(source)
            targets.append(None if all(t is None for t in segment_targets) else "".join(pieces))
            states.append(lowest_state(form_states) if form_states else None)
        plural = sources[1] if len(sources) > 1 else (None if element.tag == self.q("unit") else "")
        meta = f"{{{MDA}}}metadata/{{{MDA}}}metaGroup[@category='locflow']/{{{MDA}}}meta"
        sha = next((m.text or "" for m in element.iterfind(f"{meta}[@type='sha']")), None)
        left_in = next((m.text or "" for m in element.iterfind(f"{meta}[@type='state']")), None)
        notes = [n.text or "" for u in dict.fromkeys([element, *units])
                 for n in u.findall(f"{self.q('notes')}/{self.q('note')}")
                 if n.get("category") not in _NOT_TRANSLATOR_20 and not (n.get("category") or "").startswith("locflow:")]
        # Kept: every segment still has the XLIFF state and the subState it left with.
        kept_all = bool(kept) and all(kept) and (left_in is None or all(r == left_in for r in subs))
        return XliffUnit(ctx, sources[0], plural, targets, states, self.line(element), sha, kept_all, left_in,
                     _lines(notes))


_NOT_TRANSLATOR_20 = ("developer", "location", "context", "flags")


def _lines(notes: list[str]) -> list[str]:
    """Note texts as comment lines, blank ones dropped."""
    return [line.strip() for note in notes for line in note.split("\n") if line.strip()]


def _same(recorded: list[str | None]) -> str | None:
    """The state recorded at export when every form and segment agrees on it."""
    return recorded[0] if recorded and all(r == recorded[0] for r in recorded) else None


_ORDER = {State.UNTRANSLATED: 0, State.FUZZY: 1, State.MACHINE: 1, State.REVIEWED: 2, State.APPROVED: 3}


def lowest_state(states: list[State | None]) -> State | None:
    """One state for several forms or segments: the least finished; machine only if all say so."""
    if not states or any(s is None for s in states):
        return None
    low = min(states, key=_ORDER.__getitem__)
    if _ORDER[low] == 1:
        return State.MACHINE if all(s is State.MACHINE for s in states) else State.FUZZY
    return low


