"""TBX-Basic import/export of the termbase, the exchange format Weblate and CAT tools read.

Mapping: a concept is a `termEntry` (id = concept id, `descrip type="definition"` = note,
`note` elements carry locflow's kind and case rule); each language is a `langSet`; the
preferred and other allowed forms are `tig` terms with administrativeStatus
preferredTerm-admn-sts / admittedTerm-admn-sts, forbidden wordings deprecatedTerm-admn-sts.

For CAT tools (memoQ, Trados, Weblate) a do-not-translate concept gets a `langSet` in every site
language holding the same form, so they show it and QA it; those copies carry a
`locflow-dnt-copy` note and are dropped again on import. Stem patterns (`Києв*`) are no terms: a
tool would look for the asterisk literally. They travel as langSet notes
(`locflow-pattern: <position> <form>`, `locflow-forbidden-pattern: …`) and are put back in place.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .errors import LocflowError
from .glossary import KINDS, Concept, Glossary

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS = "administrativeStatus"
PREFERRED, ADMITTED, DEPRECATED = "preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"
MAX_BYTES = 20_000_000
DNT_COPY = "locflow-dnt-copy"
PATTERN, FORBIDDEN_PATTERN = "locflow-pattern:", "locflow-forbidden-pattern:"


def write_tbx(glossary: Glossary, title: str) -> str:
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: glossary.languages[0] if glossary.languages else "en"})
    header = ET.SubElement(root, "martifHeader")
    file_desc = ET.SubElement(header, "fileDesc")
    ET.SubElement(ET.SubElement(file_desc, "sourceDesc"), "p").text = title
    ET.SubElement(ET.SubElement(header, "encodingDesc"), "p", {"type": "XCSURI"}).text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for concept in glossary.concepts:
        entry = ET.SubElement(body, "termEntry", {"id": concept.id})
        if concept.note:
            ET.SubElement(entry, "descrip", {"type": "definition"}).text = concept.note
        ET.SubElement(entry, "note").text = f"locflow-kind: {concept.kind}"
        ET.SubElement(entry, "note").text = f"locflow-case-sensitive: {'yes' if concept.case_sensitive else 'no'}"
        copies = tuple(dict.fromkeys(concept.dnt_forms())) if concept.kind == "dnt" else ()
        for lang in glossary.languages:
            forms = concept.terms.get(lang, ())
            forbidden = concept.forbidden.get(lang, ())
            if not forms and not forbidden and not copies:
                continue
            lang_set = ET.SubElement(entry, "langSet", {XML_LANG: lang})
            for prefix, listed in ((PATTERN, forms), (FORBIDDEN_PATTERN, forbidden)):
                for i, form in enumerate(listed):
                    if form.endswith("*"):
                        ET.SubElement(lang_set, "note").text = f"{prefix} {i} {form}"
            literal = [f for f in forms if not f.endswith("*")]
            for i, form in enumerate(literal):
                _tig(lang_set, form, PREFERRED if i == 0 else ADMITTED)
            if not forms:
                for i, form in enumerate(copies):
                    ET.SubElement(_tig(lang_set, form, PREFERRED if i == 0 else ADMITTED), "note").text = DNT_COPY
            for form in forbidden:
                if not form.endswith("*"):
                    _tig(lang_set, form, DEPRECATED)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _tig(parent: ET.Element, term: str, status: str) -> ET.Element:
    tig = ET.SubElement(parent, "tig")
    ET.SubElement(tig, "term").text = term
    ET.SubElement(tig, "termNote", {"type": STATUS}).text = status
    return tig


def _patterns(lang_set: ET.Element, prefix: str) -> list[tuple[int, str]]:
    """(position, pattern) from a langSet's locflow pattern notes."""
    found = []
    for note in lang_set.findall("note"):
        text = note.text or ""
        if text.startswith(prefix):
            position, _, form = text[len(prefix):].strip().partition(" ")
            if position.isdigit() and form.strip():
                found.append((int(position), form.strip()))
    return sorted(found)


def _put_back(forms: list[str], patterns: list[tuple[int, str]]) -> list[str]:
    for position, form in patterns:
        forms.insert(min(position, len(forms)), form)
    return forms


class _EntityDeclared(Exception):
    pass


def read_tbx(path: Path, languages: tuple[str, ...], shown: str) -> Glossary:
    if path.stat().st_size > MAX_BYTES:
        raise LocflowError(f"TBX file is larger than {MAX_BYTES} bytes", path=shown)
    from xml.parsers import expat

    scan = expat.ParserCreate()

    def refuse_entity(*_args) -> None:
        raise _EntityDeclared

    # An internal DTD can make a few hundred bytes expand to megabytes of "term": TBX needs none.
    scan.EntityDeclHandler = refuse_entity
    try:
        with path.open("rb") as handle:
            scan.ParseFile(handle)
        root = ET.parse(path).getroot()
    except _EntityDeclared:
        raise LocflowError("entity declarations are not allowed in TBX files", path=shown,
                           line=scan.CurrentLineNumber, hint="export the termbase without a DTD") from None
    except expat.ExpatError as exc:
        raise LocflowError(f"invalid TBX/XML: {expat.ErrorString(exc.code)}", path=shown, line=exc.lineno,
                           col=exc.offset + 1) from None
    except ET.ParseError as exc:
        line, col = exc.position
        raise LocflowError(f"invalid TBX/XML: {exc}", path=shown, line=line, col=col + 1) from None
    if root.tag != "martif":
        raise LocflowError(f"not a TBX file (root element <{root.tag}>)", path=shown, line=1)
    concepts = []
    for index, entry in enumerate(root.iter("termEntry"), 1):
        cid = entry.get("id") or f"concept-{index}"
        kind, case = "term", False
        for note in entry.findall("note"):
            text = (note.text or "").strip()
            if text.startswith("locflow-kind:"):
                kind = text.split(":", 1)[1].strip()
            elif text.startswith("locflow-case-sensitive:"):
                case = text.split(":", 1)[1].strip() == "yes"
        if kind not in KINDS:
            raise LocflowError(f"termEntry `{cid}` has unknown kind `{kind}`", path=shown)
        definition = entry.find("descrip[@type='definition']")
        terms: dict[str, tuple[str, ...]] = {}
        forbidden: dict[str, tuple[str, ...]] = {}
        for lang_set in entry.findall("langSet"):
            lang = (lang_set.get(XML_LANG) or "").replace("-", "_").split("_")[0]
            if lang not in languages:
                continue  # a language this project does not publish
            allowed, banned = [], []
            for tig in lang_set.iter("tig"):
                term = (tig.findtext("term") or "").strip()
                status = (tig.findtext(f"termNote[@type='{STATUS}']") or PREFERRED).strip()
                if not term or any((n.text or "").strip() == DNT_COPY for n in tig.findall("note")):
                    continue
                target = banned if status in (DEPRECATED, "supersededTerm-admn-sts") else allowed
                if status == PREFERRED:
                    target.insert(0, term)
                else:
                    target.append(term)
            allowed = _put_back(allowed, _patterns(lang_set, PATTERN))
            banned = _put_back(banned, _patterns(lang_set, FORBIDDEN_PATTERN))
            if allowed:
                terms[lang] = tuple(allowed)
            if banned:
                forbidden[lang] = tuple(banned)
        if terms or forbidden:
            note = (definition.text or "").strip() if definition is not None else ""
            concepts.append(Concept(cid, kind, case, note, terms, forbidden))
    return Glossary(languages, tuple(concepts), path)
