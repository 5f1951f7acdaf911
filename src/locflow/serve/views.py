"""What the review page shows, as data: the dashboard, the entry list, one entry.

Every piece of catalog text stays a plain string here (highlights are segments of text, never
markup), so the templates' autoescaping is the only thing that turns it into HTML.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..catalog import read_po
from ..project import CatalogFile, Project
from ..review import _REJECTED_RE, ReviewEntry, list_entries
from ..states import MARKER, STATE_ORDER, State, approval, machine_provider, msgstr_forms, msgstr_sha, state_of
from .actions import approval_blockers, entry_id, find_entry

if TYPE_CHECKING:
    import polib

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
    from ..review_tui import _queue

    return {(lang, cat.name, key) for lang in languages for cat, key in _queue(project, lang, catalogs)}


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


# --- one entry -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of text; `kind` is "" (plain), "term" (a glossary term), "del" or "ins" (a diff)."""

    text: str
    kind: str = ""
    note: str = ""


@dataclass(frozen=True)
class FormView:
    index: int
    label: str
    numbers: str  # which counts select this plural form ("1, 21, 31, …"); "" for a singular entry
    source: tuple[Segment, ...]
    text: str


@dataclass(frozen=True)
class TermView:
    concept: str
    kind: str  # "term" or "dnt"
    source: str
    targets: tuple[str, ...]
    forbidden: tuple[str, ...]
    note: str
    used: bool | None  # the translation uses a mandated form; None when there is nothing to look for


@dataclass(frozen=True)
class FindingView:
    severity: str
    check: str
    message: str
    blocking: bool


@dataclass(frozen=True)
class Rejection:
    reviewer: str
    date: str
    reason: str


@dataclass(frozen=True)
class EntryView:
    language: str
    catalog: str
    path: str
    line: int
    eid: str
    state: str
    provider: str | None
    sha: str
    source_language: str
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    forms: tuple[FormView, ...]
    extracted: tuple[str, ...]
    comments: tuple[str, ...]
    occurrences: tuple[str, ...]
    flags: tuple[str, ...]
    approved_by: str | None
    approved_on: str | None
    approval_valid: bool
    rejection: Rejection | None
    previous: tuple[Segment, ...] | None
    terms: tuple[TermView, ...]
    findings: tuple[FindingView, ...]
    blockers: tuple[str, ...]
    publish: str = field(default="reviewed")


def entry_view(project: Project, cat: CatalogFile, eid: str) -> EntryView | None:
    """Everything the entry page shows, read fresh from the catalog; None when the entry is gone."""
    from ..checks.runner import context

    po = read_po(cat.path, display=project.display(cat.path))
    entry = find_entry(po, eid)
    if entry is None:
        return None
    ctx = context(project, cat, po)
    source_language = ctx.source_language
    terms, spans = _glossary(project, entry, source_language, cat.language)
    blockers = tuple(approval_blockers(project, cat, po, entry))
    found = approval(entry)
    rejection = None
    for line in (entry.tcomment or "").split("\n"):
        m = _REJECTED_RE.match(line.strip())
        if m:
            rejection = Rejection(m["reviewer"], m["date"], m["reason"])
    previous = None
    if entry.previous_msgid and entry.previous_msgid != entry.msgid:
        previous = word_diff(entry.previous_msgid, entry.msgid)
    return EntryView(
        language=cat.language, catalog=cat.name, path=project.display(cat.path), line=entry.linenum, eid=eid,
        state=state_of(entry).value, provider=machine_provider(entry), sha=msgstr_sha(entry),
        source_language=source_language, msgctxt=entry.msgctxt, msgid=entry.msgid,
        msgid_plural=entry.msgid_plural or None, forms=_forms(po, entry, cat.language, spans),
        extracted=tuple(line for line in (entry.comment or "").split("\n") if line),
        comments=tuple(line for line in (entry.tcomment or "").split("\n")
                       if line and not line.strip().startswith(MARKER)),
        occurrences=tuple(f"{path}:{line}" if line else path for path, line in entry.occurrences),
        flags=tuple(entry.flags), approved_by=found.reviewer if found else None,
        approved_on=found.date if found else None, approval_valid=state_of(entry) is State.APPROVED,
        rejection=rejection, previous=previous, terms=terms,
        findings=_findings(project, ctx, entry, blockers), blockers=blockers, publish=cat.publish)


def _forms(po, entry, language: str, spans: dict[str, list[tuple[int, int, str]]]) -> tuple[FormView, ...]:
    texts = msgstr_forms(entry)
    if not entry.msgid_plural:
        return (FormView(0, "translation", "", _highlight(entry.msgid, spans.get(entry.msgid, [])), texts[0]),)
    from ..mt.plurals import parse_plural_forms

    rule = parse_plural_forms(po.metadata.get("Plural-Forms"), language)
    numbers: dict[int, list[int]] = {}
    for n in range(0, 1000):
        picked = numbers.setdefault(rule.index(n), [])
        if len(picked) < 5:
            picked.append(n)
    out = []
    for i, text in enumerate(texts):
        source = entry.msgid if i == 0 else entry.msgid_plural
        shown = numbers.get(i, [])
        label = ", ".join(map(str, shown[:4])) + (", …" if len(shown) > 4 else "")
        out.append(FormView(i, f"form {i}", label, _highlight(source, spans.get(source, [])), text))
    return tuple(out)


def _glossary(project: Project, entry, source_language: str,
              language: str) -> tuple[tuple[TermView, ...], dict[str, list[tuple[int, int, str]]]]:
    """The glossary concepts found in the source (as the interactive review lists them), with where
    they occur in each source text and whether the translation uses the mandated form."""
    from ..checks.chars import plain
    from ..glossary import find

    src, lang = source_language.split("_")[0], language.split("_")[0]
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    translations = [t for t in msgstr_forms(entry) if t]
    spans: dict[str, list[tuple[int, int, str]]] = {s: [] for s in sources}
    terms = []
    for concept in project.glossary().concepts:
        dnt = concept.kind == "dnt"
        forms = concept.dnt_forms() if dnt else concept.terms.get(src, ())
        hits = {s: [m for f in forms for m in find(f, s, src, case_sensitive=concept.case_sensitive,
                                                    inflect=not dnt)] for s in sources}
        if not any(hits.values()):
            continue
        # A do-not-translate term must reappear as it is; a term, in one of the language's forms.
        targets = tuple(sorted({m.text for found in hits.values() for m in found})) if dnt else concept.terms.get(lang, ())
        note = "do not translate" if dnt else (concept.preferred(lang) or "")
        for s, found in hits.items():
            spans[s] += [(m.start, m.end, note) for m in found]
        used = None
        if targets and translations:
            used = all(any(find(f, t if dnt else plain(t), lang, case_sensitive=concept.case_sensitive,
                                inflect=not dnt) for f in targets) for t in translations)
        terms.append(TermView(concept.id, concept.kind, concept.preferred(src) or (forms[0] if forms else ""),
                              tuple(f.rstrip("*") for f in targets), concept.forbidden.get(lang, ()),
                              concept.note, used))
    return tuple(terms), spans


def _highlight(text: str, spans: list[tuple[int, int, str]]) -> tuple[Segment, ...]:
    """Text cut into plain runs and glossary terms (longest first where two overlap)."""
    taken: list[tuple[int, int, str]] = []
    for start, end, note in sorted(spans, key=lambda s: (s[0], s[0] - s[1])):
        if all(end <= a or start >= b for a, b, _ in taken):
            taken.append((start, end, note))
    out, pos = [], 0
    for start, end, note in sorted(taken):
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], "term", note))
        pos = end
    if pos < len(text) or not out:
        out.append(Segment(text[pos:]))
    return tuple(out)


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The interactive review's word diff ([-removed-] {+added+}) as text segments."""
    from rich.text import Text

    from ..review_tui import _diff

    text = Text.from_markup(_diff(old, new))
    plain = text.plain
    out, pos = [], 0
    for span in sorted(text.spans, key=lambda s: s.start):
        if span.start > pos:
            out.append(Segment(plain[pos:span.start]))
        out.append(Segment(plain[span.start:span.end], "del" if str(span.style) == "red" else "ins"))
        pos = span.end
    if pos < len(plain):
        out.append(Segment(plain[pos:]))
    return tuple(out)


def _findings(project: Project, ctx, entry, blockers: tuple[str, ...]) -> tuple[FindingView, ...]:
    """What `locflow check` says about this entry (as the interactive review shows it), errors first."""
    from ..checks import REGISTRY
    from ..checks.base import ignored_checks
    from ..checks.runner import severities

    sev = severities(project)
    skip = ignored_checks(entry)
    out = []
    for check in REGISTRY.values():
        if check.scope != "entry" or sev.get(check.id, "off") == "off" or check.id == "unreviewed" \
                or check.id in skip:
            continue
        for message in check.func(ctx, entry):
            out.append(FindingView(sev[check.id], check.id, message, f"{check.id}: {message}" in blockers))
    rank = {"error": 0, "warning": 1, "info": 2}
    return tuple(sorted(out, key=lambda f: rank.get(f.severity, 3)))
