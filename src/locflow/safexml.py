"""XML from outside (XLIFF, TMX) parsed safely: a size limit, no entity declarations, no external
entities, and the line of every element for file:line errors."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from .errors import LocflowError


class _Refused(Exception):
    pass


def parse_xml(path: Path, shown: str, *, kind: str, max_bytes: int,
              hint: str) -> tuple[ET.Element, dict[int, int]]:
    """ElementTree elements built by expat, with the line of every element (by id); `kind` names the
    format in messages ("XLIFF"), `hint` says what to do about a damaged file."""
    from xml.parsers import expat

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LocflowError(f"cannot read {kind} file: {exc.strerror}", path=shown) from None
    if size > max_bytes:
        raise LocflowError(f"{kind} file is {size} bytes, more than the limit of {max_bytes}", path=shown,
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
        raise _Refused(f"entity declarations are not allowed in {kind} files")

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
                           col=exc.offset + 1, hint=hint) from None
    except _Refused as exc:
        raise LocflowError(str(exc), path=shown, line=parser.CurrentLineNumber) from None
    except OSError as exc:
        raise LocflowError(f"cannot read {kind} file: {exc.strerror}", path=shown) from None
    return builder.close(), lines


# XML 1.0 cannot carry these at all, not even as character references.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
