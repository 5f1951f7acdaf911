"""What the review screens show beside an entry: the memory's best matches and the same source's
translations in the project's other languages, closest languages first (ru beside uk, lv beside lt)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .memory import LIMIT, Match, project_memory

if TYPE_CHECKING:
    import polib

    from ..project import CatalogFile, Project

REVIEW_MIN_SCORE = 50  # below this a match helps nobody (CAT tools draw the line there too)

# Language families, closest first: a language's neighbours are those sharing its branch, then its
# family; the rest follow in workflow.yaml's order.
BRANCHES = {"ru": "slavic-east", "uk": "slavic-east", "be": "slavic-east", "pl": "slavic-west", "cs": "slavic-west",
            "sk": "slavic-west", "bg": "slavic-south", "sr": "slavic-south", "hr": "slavic-south", "sl": "slavic-south",
            "lv": "baltic", "lt": "baltic", "et": "finnic", "fi": "finnic", "hu": "ugric", "ro": "romance-east",
            "fr": "romance-west", "it": "romance-west", "es": "romance-west", "pt": "romance-west",
            "en": "germanic-west", "de": "germanic-west", "nl": "germanic-west", "sv": "germanic-north",
            "da": "germanic-north", "no": "germanic-north", "nb": "germanic-north"}


def closeness(language: str, other: str) -> int:
    """0 same branch (uk, ru), 1 same family (uk, pl), 2 otherwise."""
    a, b = BRANCHES.get(language.split("_")[0], ""), BRANCHES.get(other.split("_")[0], "")
    if a and a == b:
        return 0
    if a and b and a.split("-")[0] == b.split("-")[0]:
        return 1
    return 2


@dataclass(frozen=True)
class Sibling:
    """The same entry in another language's catalog."""

    language: str
    state: str
    forms: tuple[str, ...]
    origin: str

    def to_json(self) -> dict:
        return {"language": self.language, "state": self.state, "translation": list(self.forms),
                "origin": self.origin}


@dataclass(frozen=True)
class Suggestions:
    matches: tuple[Match, ...]
    others: tuple[Sibling, ...]

    def to_json(self) -> dict:
        return {"memory": [m.to_json() for m in self.matches], "other_languages": [o.to_json() for o in self.others]}


class Suggester:
    """Builds the memory once and reads each other-language catalog once, for a whole listing."""

    def __init__(self, project: "Project") -> None:
        self.project = project
        self.memory = project_memory(project)
        self._catalogs: dict[tuple[str, str], dict | None] = {}

    def _entries(self, cat: "CatalogFile", language: str) -> dict | None:
        key = (cat.name, language)
        if key not in self._catalogs:
            from ..catalog import read_po

            found = next((c for c in self.project.catalog_files([language], [cat.name]) if c.name == cat.name), None) \
                if (self.project.config.locales_path / language).is_dir() else None
            table = None
            if found is not None:
                shown = self.project.display(found.path)
                po = read_po(found.path, display=shown, layout=False)
                table = {(e.msgctxt, e.msgid): (e, shown) for e in po if not e.obsolete}
            self._catalogs[key] = table
        return self._catalogs[key]

    def for_entry(self, cat: "CatalogFile", entry: "polib.POEntry", source_language: str) -> Suggestions:
        from ..states import State, msgstr_forms, state_of

        origin = f"{self.project.display(cat.path)}:{entry.linenum}"
        matches = self.memory.lookup(entry.msgid, source_language, cat.language,
                                     source_plural=entry.msgid_plural or None, msgctxt=entry.msgctxt,
                                     printf="python-format" in entry.flags, limit=LIMIT, min_score=REVIEW_MIN_SCORE,
                                     exclude=origin)
        others = []
        languages = [lang for lang in self.project.config.languages if lang not in (cat.language, source_language)]
        order = {lang: i for i, lang in enumerate(self.project.config.languages)}
        for language in sorted(languages, key=lambda lang: (closeness(cat.language, lang), order[lang])):
            table = self._entries(cat, language)
            found = table.get((entry.msgctxt, entry.msgid)) if table else None
            if found is None:
                continue
            other, shown = found
            state = state_of(other)
            if state is State.UNTRANSLATED:
                continue
            others.append(Sibling(language, state.value, tuple(msgstr_forms(other)), f"{shown}:{other.linenum}"))
        return Suggestions(tuple(matches), tuple(others))
