"""What the review page lists, as data: the dashboard of languages × catalogs, the filtered entry
list, and where an entry sits in that list (for previous/next)."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from ..project import CatalogFile, Project
from ..review import ReviewEntry, list_entries
from ..states import STATE_ORDER
from ..review import entry_id

PAGE_SIZE = 100
REVIEW = "review"  # the state filter for what the interactive review walks: below the publish state
STATE_FILTERS = (REVIEW, *(s.value for s in STATE_ORDER))


@functools.lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """`Estonian (eesti)` from babel's locale data; the code itself when babel does not know it."""
    from babel import Locale

    try:
        locale = Locale.parse(code)
    except (ValueError, TypeError):
        return code
    native = locale.get_display_name(locale) or ""
    english = locale.english_name or code
    return english if native.casefold() == english.casefold() or not native else f"{english} ({native})"


# --- dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """Entries per state, drawn as one stacked bar."""

    states: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def done(self) -> int:
        return self.states.get("reviewed", 0) + self.states.get("approved", 0)

    def rects(self) -> list[tuple[str, str, str, int]]:
        """(state, x, width, count) on a 0..100 scale, for the states that have entries."""
        out, x = [], 0.0
        for state in reversed(STATE_ORDER):  # approved first, on the left
            n = self.states.get(state.value, 0)
            if n and self.total:
                width = 100.0 * n / self.total
                out.append((state.value, f"{x:.3f}", f"{width:.3f}", n))
                x += width
        return out


@dataclass(frozen=True)
class Cell:
    language: str
    catalog: str
    bar: Bar
    publishable: bool


@dataclass(frozen=True)
class CatalogRow:
    name: str
    cells: tuple[Cell | None, ...]


@dataclass(frozen=True)
class LanguageRow:
    code: str
    name: str
    bar: Bar
    catalogs: int


@dataclass(frozen=True)
class Dashboard:
    languages: tuple[LanguageRow, ...]
    catalogs: tuple[CatalogRow, ...]


def dashboard(project: Project, languages: list[str]) -> Dashboard:
    """Languages × catalogs with entries per state, from `locflow status`."""
    from ..status import status

    rows = status(project, languages)
    names = sorted({r.catalog for r in rows}, key=lambda n: (n.split("/", 1)[0] != "ui", n))
    by_key = {(r.language, r.catalog): r for r in rows}
    catalogs = tuple(CatalogRow(name, tuple(
        Cell(lang, name, Bar(dict(by_key[lang, name].states)), by_key[lang, name].publishable)
        if (lang, name) in by_key else None for lang in languages)) for name in names)
    langs = []
    for lang in languages:
        mine = [r for r in rows if r.language == lang]
        totals = {s.value: sum(r.states[s.value] for r in mine) for s in STATE_ORDER}
        langs.append(LanguageRow(lang, language_name(lang), Bar(totals), len(mine)))
    return Dashboard(tuple(langs), catalogs)


# --- the entry list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """The entry list's filters; carried along to the entry view so `next` follows the same list."""

    lang: str = ""
    catalog: str = ""
    state: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "Query":
        try:
            page = max(1, int(args.get("page", "1") or "1"))
        except ValueError:
            page = 1
        return cls(args.get("lang", "").strip(), args.get("catalog", "").strip(), args.get("state", "").strip(),
                   args.get("q", "").strip(), page)

    def args(self, **changes) -> dict[str, str]:
        """Non-empty filters as query arguments (the page number only past the first)."""
        values = {"lang": self.lang, "catalog": self.catalog, "state": self.state, "q": self.q,
                  "page": str(self.page) if self.page > 1 else ""}
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}

    def filters(self) -> dict[str, str]:
        return {k: v for k, v in self.args().items() if k != "page"}


@dataclass(frozen=True)
class Row:
    entry: ReviewEntry
    eid: str


@dataclass(frozen=True)
class Listing:
    rows: tuple[Row, ...]
    total: int
    page: int
    pages: int


def _queue_keys(project: Project, languages: list[str], catalogs: list[str] | None) -> set[tuple]:
    """Entries the interactive review would walk (locflow review --lang L)."""
    from ..review import review_queue

    return {(lang, cat.name, key) for lang in languages for cat, key in review_queue(project, lang, catalogs)}


def matching(project: Project, languages: list[str], query: Query) -> list[ReviewEntry]:
    """Entries of the served languages that pass the filters, in catalog order (raises LocflowError)."""
    from ..errors import LocflowError

    if query.lang and query.lang not in languages:
        raise LocflowError(f"language `{query.lang}` is not served here", hint="one of: " + ", ".join(languages))
    if query.state and query.state not in STATE_FILTERS:
        raise LocflowError(f"unknown state `{query.state}`", hint="one of: " + ", ".join(STATE_FILTERS))
    langs = [query.lang] if query.lang else list(languages)
    catalogs = [query.catalog] if query.catalog else None
    states = [query.state] if query.state and query.state != REVIEW else None
    found = list_entries(project, langs, catalogs, states, query.q or None)
    if query.state == REVIEW:
        wanted = _queue_keys(project, langs, catalogs)
        found = [e for e in found if (e.language, e.catalog, (e.msgctxt, e.msgid)) in wanted]
    return found


def listing(project: Project, languages: list[str], query: Query) -> Listing:
    found = matching(project, languages, query)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(query.page, pages)
    shown = found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return Listing(tuple(Row(e, entry_id(e.msgctxt, e.msgid)) for e in shown), len(found), page, pages)


@dataclass(frozen=True)
class Position:
    """Where an entry sits in the filtered list: its neighbours, for prev/next and `… and next`."""

    prev: Row | None
    next: Row | None
    index: int | None  # 1-based, None when the entry itself no longer passes the filters
    total: int


def position(project: Project, languages: list[str], query: Query, cat: CatalogFile, line: int,
             eid: str) -> Position:
    """Neighbours by catalog order and line, so an entry that left the list (approved while the
    list shows machine entries) still has the next one after it."""
    from ..errors import LocflowError

    try:
        found = matching(project, languages, query)
    except LocflowError:
        return Position(None, None, None, 0)
    order = {(c.language, c.name): i for i, c in enumerate(project.catalog_files(languages))}
    here = (order.get((cat.language, cat.name), -1), line)
    before = after = None
    index = None
    for i, e in enumerate(found):
        key = (order.get((e.language, e.catalog), -1), e.line)
        if e.language == cat.language and e.catalog == cat.name and entry_id(e.msgctxt, e.msgid) == eid:
            index = i + 1
        elif key < here:
            before = e
        elif key > here and after is None:
            after = e
    row = lambda e: Row(e, entry_id(e.msgctxt, e.msgid)) if e is not None else None  # noqa: E731
    return Position(row(before), row(after), index, len(found))
