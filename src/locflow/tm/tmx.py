"""TMX 1.4b (the LISA exchange format every CAT tool reads): write the project's reviewed and approved
translations, read any tool's memory into units.

Reading checks the document against the structure of the TMX 1.4b DTD (content models, required
attributes, enumerated values) and says file:line for the first violation. Inline markup in a
`<seg>` becomes what locflow's catalogs use: `<bpt i="1">`/`<ept i="1">` pairs become `<1>`…`</1>`
(or the native HTML tag they carry), `<ph>`, `<it>` and `<ut>` become `<n/>` (or the native
placeholder, `%(name)s` or `{name}`, they carry); `<hi>` keeps its text.
"""
from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import LocflowError
from .units import Unit

MAX_BYTES = 200_000_000
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFIX = "x-locflow-"
HEADER_REQUIRED = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")
# The content models of the TMX 1.4b DTD, as patterns over the child element names (each followed by a space).
MODELS = {
    "tmx": r"header body ",
    "header": r"((note|ude|prop) )*",
    "body": r"(tu )*",
    "tu": r"((note|prop) )*(tuv )+",
    "tuv": r"((note|prop) )*seg ",
    "ude": r"(map )*",
    "map": r"",
    "prop": r"",
    "note": r"",
    "seg": r"((bpt|ept|it|ph|hi|ut) )*",
    "hi": r"((bpt|ept|it|ph|hi|ut) )*",
    "bpt": r"(sub )*", "ept": r"(sub )*", "it": r"(sub )*", "ph": r"(sub )*", "ut": r"(sub )*",
    "sub": r"((bpt|ept|it|ph|hi|ut) )*",
}
MIXED = {"prop", "note", "seg", "hi", "bpt", "ept", "it", "ph", "ut", "sub"}
REQUIRED = {"tmx": ("version",), "header": HEADER_REQUIRED, "tuv": ("xml:lang",), "prop": ("type",),
            "ude": ("name",), "map": ("unicode",), "bpt": ("i",), "ept": ("i",), "it": ("pos",)}
ENUMS = {("header", "segtype"): ("block", "paragraph", "sentence", "phrase"), ("it", "pos"): ("begin", "end"),
         ("tu", "segtype"): ("block", "paragraph", "sentence", "phrase")}
_COMPILED = {tag: re.compile(model + r"\Z") for tag, model in MODELS.items()}


@dataclass
class TmxDocument:
    units: list[Unit]
    tus: int
    pairs: Counter = field(default_factory=Counter)  # (source language, target language) -> units
    skipped: Counter = field(default_factory=Counter)  # languages of the file the project does not have


# --- reading ----------------------------------------------------------------------------------

def read_tmx(path: Path, shown: str, languages: Iterable[str]) -> TmxDocument:
    """Units for every pair of the project's languages a TMX file holds; a file that breaks the TMX 1.4b
    structure, declares entities or is not XML is refused with its file:line."""
    from ..safexml import parse_xml

    root, lines = parse_xml(path, shown, kind="TMX", max_bytes=MAX_BYTES,
                            hint="export the memory again from the tool that made it")
    validate(root, lines, shown)
    header, body = root[0], root[1]
    default_src = header.get("srclang", "")
    project_langs = tuple(languages)
    doc = TmxDocument([], 0)
    for tu in body:
        doc.tus += 1
        props = _props(tu)
        tuvs = []
        for tuv in tu.findall("tuv"):
            code = tuv.get(XML_LANG) or ""
            lang = project_language(code, project_langs)
            if lang is None:
                doc.skipped[code] += 1
                continue
            text = seg_text(tuv.find("seg"))
            if text.strip():
                tuvs.append((lang, text, _props(tuv), lines.get(id(tuv), 0)))
        src_code = tu.get("srclang") or default_src
        if src_code == "*all*":
            sources = tuvs
        else:
            src = project_language(src_code, project_langs)
            sources = [t for t in tuvs if t[0] == src]
        for s_lang, s_text, _, _ in sources[:1] if src_code != "*all*" else sources:
            for t_lang, t_text, t_props, line in tuvs:
                if t_lang == s_lang:
                    continue
                forms = [t_text] + [t_props[f"{PREFIX}form-{n}"] for n in range(1, 10)
                                    if f"{PREFIX}form-{n}" in t_props]
                plural = props.get(f"{PREFIX}msgid-plural")
                doc.units.append(Unit(
                    s_lang, t_lang, props.get(f"{PREFIX}context"), s_text, plural, tuple(forms),
                    t_props.get(f"{PREFIX}state", "tmx"), f"{shown}:{line}",
                    "python-format" in props.get(f"{PREFIX}flags", "").split(),
                    t_props.get(f"{PREFIX}reviewer"), t_props.get(f"{PREFIX}date")))
                doc.pairs[(s_lang, t_lang)] += 1
    return doc


def validate(root: ET.Element, lines: dict[int, int], shown: str) -> None:
    """The TMX 1.4b DTD's structure: element content, required and enumerated attributes."""
    if root.tag != "tmx":
        raise LocflowError(f"not a TMX file (root element <{root.tag}>)", path=shown, line=lines.get(id(root), 1),
                           hint="locflow reads TMX 1.4 (<tmx version=\"1.4\">)")
    if root.get("version") not in ("1.4", "1.4b"):
        raise LocflowError(f"unsupported TMX version `{root.get('version')}`", path=shown,
                           line=lines.get(id(root), 1), hint="export TMX 1.4b from the tool")
    for element in root.iter():
        tag = element.tag
        line = lines.get(id(element), 0)
        for child in (element, *element):
            if child.tag not in MODELS:
                raise LocflowError(f"<{child.tag}> is not a TMX 1.4b element", path=shown,
                                   line=lines.get(id(child), line))
        children = "".join(child.tag + " " for child in element)
        if not _COMPILED[tag].match(children):
            raise LocflowError(f"<{tag}> may not contain {' '.join(f'<{c.tag}>' for c in element) or 'nothing'}"
                               f" in this order (TMX 1.4b: {tag} = {MODELS[tag].strip() or 'EMPTY'})",
                               path=shown, line=line)
        if tag not in MIXED and ((element.text or "").strip() or any((c.tail or "").strip() for c in element)):
            raise LocflowError(f"<{tag}> may not contain text", path=shown, line=line)
        for attr in REQUIRED.get(tag, ()):
            if element.get(XML_LANG if attr == "xml:lang" else attr) is None and not (
                    attr == "xml:lang" and element.get("lang")):
                raise LocflowError(f"<{tag}> lacks the required attribute `{attr}`", path=shown, line=line)
        for (etag, attr), allowed in ENUMS.items():
            if tag == etag and element.get(attr) is not None and element.get(attr) not in allowed:
                raise LocflowError(f"<{tag} {attr}=\"{element.get(attr)}\">: must be one of " + ", ".join(allowed),
                                   path=shown, line=line)
        if tag == "tuv" and element.get(XML_LANG) is None:
            element.set(XML_LANG, element.get("lang", ""))  # TMX 1.1's `lang`, still written by old tools


def project_language(code: str, languages: tuple[str, ...]) -> str | None:
    """The project's code for a TMX xml:lang (`et-EE` -> `et`, `pt-BR` -> `pt_BR`), None if it has none."""
    wanted = code.replace("-", "_").lower()
    for lang in languages:
        if lang.lower() == wanted:
            return lang
    primary = wanted.split("_")[0]
    for lang in languages:
        if lang.lower() == primary:
            return lang
    return None


def _props(element: ET.Element) -> dict[str, str]:
    return {p.get("type", ""): p.text or "" for p in element.findall("prop")}


def seg_text(seg: ET.Element | None) -> str:
    """A <seg> as catalog text: numbered tags for paired codes, native placeholders kept."""
    if seg is None:
        return ""
    counter = [0]
    return _mixed(seg, counter)


def _mixed(element: ET.Element, counter: list[int]) -> str:
    out = [element.text or ""]
    for child in element:
        out.append(_inline(child, counter))
        out.append(child.tail or "")
    return "".join(out)


def _native(element: ET.Element) -> str:
    """The native code an inline element carries (its text, <sub> text left out)."""
    return (element.text or "") + "".join(c.tail or "" for c in element)


def _single_token(code: str) -> bool:
    from .normalize import tokens

    found = tokens(code, printf=True)
    return len(found) == 1 and found[0].group() == code


def _inline(element: ET.Element, counter: list[int]) -> str:
    code = _native(element)
    if element.tag == "hi":
        return _mixed(element, counter)
    if element.tag in ("bpt", "ept"):
        if re.fullmatch(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?>", code):
            return code
        number = element.get("i") or "0"
        return f"<{'/' if element.tag == 'ept' else ''}{number}>"
    if _single_token(code):
        return code
    counter[0] += 1
    return f"<{element.get('x') or 100 + counter[0]}/>"


# --- writing ----------------------------------------------------------------------------------

def tu_id(catalog: str, msgctxt: str | None, msgid: str) -> str:
    key = f"{catalog}\x04{msgctxt if msgctxt is not None else chr(0)}\x04{msgid}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class TmxUnit:
    """One <tu>: a catalog entry's source and its translations in some languages."""

    catalog: str
    source_language: str
    msgctxt: str | None
    source: str
    source_plural: str | None
    printf: bool
    targets: tuple[Unit, ...]


def write_tmx(tus: list[TmxUnit], *, srclang: str, site: str, version: str) -> bytes:
    """A TMX 1.4b document: deterministic (no dates but the approvals'), one <tu> per catalog entry."""
    root = ET.Element("tmx", {"version": "1.4"})
    header = ET.SubElement(root, "header", {
        "creationtool": "locflow", "creationtoolversion": version, "segtype": "paragraph", "o-tmf": "PO",
        "adminlang": "en", "srclang": srclang, "datatype": "plaintext"})
    _prop(header, "site", site)
    body = ET.SubElement(root, "body")
    for tu in tus:
        attrs = {"tuid": tu_id(tu.catalog, tu.msgctxt, tu.source)}
        if tu.source_language != srclang:
            attrs["srclang"] = tu.source_language
        element = ET.SubElement(body, "tu", attrs)
        _prop(element, "catalog", tu.catalog)
        if tu.msgctxt is not None:
            _prop(element, "context", tu.msgctxt)
        if tu.source_plural is not None:
            _prop(element, "msgid-plural", tu.source_plural)
        if tu.printf:
            _prop(element, "flags", "python-format")
        source = ET.SubElement(element, "tuv", {XML_LANG: tu.source_language})
        ET.SubElement(source, "seg").text = tu.source
        for unit in tu.targets:
            tuv = ET.SubElement(element, "tuv", {XML_LANG: unit.language})
            _prop(tuv, "state", unit.state)
            if unit.reviewer:
                _prop(tuv, "reviewer", unit.reviewer)
            if unit.date:
                _prop(tuv, "date", unit.date)
            for n, form in enumerate(unit.forms[1:], 1):
                _prop(tuv, f"form-{n}", form)
            ET.SubElement(tuv, "seg").text = unit.forms[0]
    ET.indent(root, space="  ")
    # A raw CR would come back as LF (XML normalises line ends): written as a character reference.
    text = ET.tostring(root, encoding="unicode", short_empty_elements=True).replace("\r", "&#13;")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n' + text + "\n").encode()


def _prop(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, "prop", {"type": PREFIX + name}).text = value
