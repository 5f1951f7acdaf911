"""What the review screens show beside an entry: the memory's best matches and the same source's
translations in the project's other languages, closest languages first (ru beside uk, lv beside lt)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .memory import LIMIT, Match, project_memory
from .search import Rendering

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
class Suggestions:
    matches: tuple[Match, ...]
    others: tuple[Rendering, ...]  # the same entry in the other languages
    problem: str | None = None  # why the memory is missing (a catalog that does not read)

    def to_json(self) -> dict:
        found = {"memory": [m.to_json() for m in self.matches], "other_languages": [o.to_json() for o in self.others]}
        return {**found, "memory_problem": self.problem} if self.problem else found


class Suggester:
    """Builds the memory once and reads each other-language catalog once, for a whole listing."""

    def __init__(self, project: "Project") -> None:
        from ..errors import LocflowError
        from .memory import Memory

        self.project = project
        self.problem: str | None = None
        try:
            self.memory = project_memory(project)
        except LocflowError as exc:  # one broken catalog (or TMX file) must not stop the review of the others
            self.memory, self.problem = Memory([]), str(exc)
        self._catalogs: dict[tuple[str, str], dict | None] = {}
        self._files: dict[tuple[str, str, str], object] = {}

    def _entries(self, cat: "CatalogFile", language: str) -> dict | None:
        key = (cat.name, language)
        if key not in self._catalogs:
            from ..catalog import read_po

            found = self._catalog(language, cat.name)
            table = None
            if found is not None:
                from ..errors import LocflowError

                shown = self.project.display(found.path)
                try:
                    po = read_po(found.path, display=shown, layout=False)
                except LocflowError:
                    po = []  # that language's catalog does not read: it has nothing to show
                table = {(e.msgctxt, e.msgid): (e, shown) for e in po if not e.obsolete}
            self._catalogs[key] = table
        return self._catalogs[key]

    def for_row(self, row) -> Suggestions:
        """Suggestions for a `review list` row (a review.ReviewEntry)."""
        cat = self._catalog(row.language, row.catalog)
        found = self._entries(cat, row.language).get((row.msgctxt, row.msgid)) if cat is not None else None
        if found is None:
            return Suggestions((), ())
        return self.for_entry(cat, found[0], self._source_language(cat))

    def _catalog(self, language: str, name: str) -> "CatalogFile | None":
        key = ("catalog", language, name)
        if key not in self._files:
            self._files[key] = next((c for c in self.project.catalog_files([language]) if c.name == name), None)
        return self._files[key]

    def _source_language(self, cat: "CatalogFile") -> str:
        from ..catalog import read_po

        key = ("source", cat.language, cat.name)
        if key not in self._files:
            self._files[key] = self.project.source_language(cat, read_po(cat.path, layout=False).metadata)
        return self._files[key]

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
            others.append(Rendering(language, state.value, tuple(msgstr_forms(other)), f"{shown}:{other.linenum}"))
        return Suggestions(tuple(matches), tuple(others), self.problem)
