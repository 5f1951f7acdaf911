"""`locflow tm search`: concordance, a text found in the sources or translations of every catalog
(and the memory's TMX files), shown with the source's translations in each language."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import LocflowError

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class Rendering:
    """A source's translation in one language, with its state and where it is."""

    language: str
    state: str
    forms: tuple[str, ...]
    origin: str

    def to_json(self) -> dict:
        return {"language": self.language, "state": self.state, "translation": list(self.forms),
                "origin": self.origin}


@dataclass(frozen=True)
class Concordance:
    source_language: str
    msgctxt: str | None
    source: str
    source_plural: str | None
    translations: tuple[Rendering, ...]

    def to_json(self) -> dict:
        return {"source_language": self.source_language, "msgctxt": self.msgctxt, "source": self.source,
                "source_plural": self.source_plural, "translations": [t.to_json() for t in self.translations]}


def search(project: "Project", text: str, languages: list[str] | None = None) -> list[Concordance]:
    """Every source that contains `text`, or whose translation into one of `languages` does (case
    insensitive), with its translations in `languages` (all when None): catalogs first, then TMX units."""
    from ..catalog import read_po
    from ..states import State, msgstr_forms, state_of
    from .memory import tmx_units

    needle = text.casefold().strip()
    if not needle:
        raise LocflowError("nothing to search for", hint='e.g. locflow tm search "min read"')
    project.check_languages(languages)
    wanted = set(languages or project.config.languages)
    order = {lang: i for i, lang in enumerate(project.config.languages)}
    found: dict[tuple, list[Rendering]] = {}
    hits: set[tuple] = set()
    for cat in project.catalog_files():
        shown = project.display(cat.path)
        po = read_po(cat.path, display=shown, layout=False)
        source_language = project.source_language(cat, po.metadata)
        if source_language == cat.language:
            continue
        for entry in po:
            if entry.obsolete:
                continue
            key = (source_language, entry.msgctxt, entry.msgid, entry.msgid_plural or None)
            in_source = needle in entry.msgid.casefold() or needle in (entry.msgid_plural or "").casefold()
            forms = tuple(msgstr_forms(entry))
            state = state_of(entry)
            mine = cat.language in wanted
            if in_source or (mine and any(needle in f.casefold() for f in forms)):
                hits.add(key)
            if mine and state is not State.UNTRANSLATED:
                found.setdefault(key, []).append(Rendering(cat.language, state.value, forms, f"{shown}:{entry.linenum}"))
    for unit in tmx_units(project):
        key = (unit.source_language, unit.msgctxt, unit.source, unit.source_plural)
        mine = unit.language in wanted
        if needle in unit.text().casefold() or (mine and any(needle in f.casefold() for f in unit.forms)):
            hits.add(key)
        if mine:
            found.setdefault(key, []).append(Rendering(unit.language, unit.state, unit.forms, unit.origin))
    out = []
    for key in sorted(hits, key=lambda k: (order.get(k[0], 99), k[2].casefold(), k[2], k[1] or "", k[3] or "")):
        renderings = sorted(found.get(key, []), key=lambda r: (order.get(r.language, 99), r.origin))
        out.append(Concordance(key[0], key[1], key[2], key[3], tuple(renderings)))
    return out
