"""What a check is: an id, a default severity, a description, and one function that decides.

Entry checks take (context, entry) and yield messages; catalog checks take the context and
yield (line, message) pairs. Register with `@entry_check` / `@catalog_check`; the docstring's
first paragraph is the description `locflow check --list` prints. A check decided over the whole
project rather than one catalog (`stale`: a planned pull) registers with `@project_check` from
the layer that knows how (pull), so this module sits below pull and imports none of it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import polib

    from ..project import CatalogFile, Project
    from ..shards import Shard

@dataclass(frozen=True, slots=True)  # a cold check of an archive holds hundreds of thousands
class Finding:
    check: str
    severity: str
    catalog: str
    language: str
    path: str
    line: int | None
    msgctxt: str | None
    msgid: str | None
    message: str

    def to_json(self) -> dict:
        return {"check": self.check, "severity": self.severity, "catalog": self.catalog,
                "language": self.language, "path": self.path, "line": self.line, "msgctxt": self.msgctxt,
                "msgid": self.msgid, "message": self.message}

    def row(self) -> list:
        """The fields in order, `Finding(*row)` again: what workers send back and the cache keeps
        (a list per finding, not a dict of nine keys, is a third of the memory and of the cache file)."""
        return [self.check, self.severity, self.catalog, self.language, self.path, self.line, self.msgctxt,
                self.msgid, self.message]

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.check, self.msgctxt or "", self.msgid or "", self.message)


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    scope: str  # "entry" or "catalog"
    func: Callable
    description: str


REGISTRY: dict[str, Check] = {}


def _register(check_id: str, severity: str, scope: str) -> Callable:
    def wrap(func: Callable) -> Callable:
        # The first paragraph, its lines joined: a description wrapped in the source is still one sentence.
        first = (func.__doc__ or "").strip().split("\n\n")[0]
        REGISTRY[check_id] = Check(check_id, severity, scope, func, " ".join(first.split()) or check_id)
        return func

    return wrap


@dataclass(frozen=True)
class Scope:
    """What a run of `check` covers: a project-wide check reports only findings inside it."""

    files: list  # the CatalogFiles checked
    languages: list[str] | None
    catalogs: list[str] | None
    shard: "Shard | None" = None


@dataclass(frozen=True)
class ProjectCheck:
    """Checks decided over the whole project at once: their ids (id -> (severity, description)),
    the function giving their findings, and a fingerprint of every file it reads (the cache key)."""

    ids: dict[str, tuple[str, str]]
    run: Callable[["Project", Scope, dict[str, str]], list[Finding]]
    fingerprint: Callable[["Project", Callable], str]


PROJECT_CHECKS: list[ProjectCheck] = []


def project_check(ids: dict[str, tuple[str, str]], fingerprint: Callable) -> Callable:
    """Register `run(project, scope, active) -> findings` for `ids`; `fingerprint(project, hash_file)`."""
    def wrap(func: Callable) -> Callable:
        PROJECT_CHECKS.append(ProjectCheck(ids, func, fingerprint))
        return func

    return wrap


def entry_check(check_id: str, severity: str) -> Callable:
    return _register(check_id, severity, "entry")


def catalog_check(check_id: str, severity: str) -> Callable:
    return _register(check_id, severity, "catalog")


@dataclass
class CatalogContext:
    """Everything a check may need about one catalog, computed once."""

    project: "Project"
    file: "CatalogFile"
    po: "polib.POFile"
    display: str
    source_language: str
    nplurals: int
    dnt_terms: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def language(self) -> str:
        return self.file.language

    @property
    def is_source(self) -> bool:
        return self.source_language == self.file.language


def catalog_context(project: "Project", cat: "CatalogFile", po: "polib.POFile") -> CatalogContext:
    """The context every check of one catalog shares (the runner, review, the engine and publish build it)."""
    from ..errors import LocflowError
    from ..plurals import catalog_nplurals

    try:
        source = project.source_language(cat, po.metadata)
    except LocflowError:
        source = None  # the stale check reports the missing header; judge against the site's source
    nplurals = catalog_nplurals(po.metadata.get("Plural-Forms"), cat.language)
    return CatalogContext(project=project, file=cat, po=po, display=project.display(cat.path),
                          source_language=source or project.config.source_language, nplurals=nplurals,
                          dnt_terms=project.dnt_terms())


def ignored_checks(entry: "polib.POEntry") -> set[str]:
    """Checks a translator switched off for one entry (states.py reads the marker)."""
    from ..states import ignored_checks as read

    return read(entry)


def forms(entry: "polib.POEntry") -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int)]
    return [entry.msgstr]


def form_pairs(entry: "polib.POEntry") -> list[tuple[int | None, str, str]]:
    """(plural index or None, source text, translation) for every non-empty form.

    Every check asks for these; they are computed once per entry and remembered on it.
    """
    cached = getattr(entry, "_locflow_pairs", None)
    if cached is not None and cached[0] is entry.msgstr and cached[1] == entry.msgstr_plural:
        return cached[2]
    if entry.msgid_plural:
        pairs = [(i, entry.msgid if i == 0 else entry.msgid_plural, text)
                 for i, text in enumerate(forms(entry)) if text]
    else:
        pairs = [(None, entry.msgid, entry.msgstr)] if entry.msgstr else []
    try:
        entry._locflow_pairs = (entry.msgstr, dict(entry.msgstr_plural), pairs)
    except AttributeError:
        pass
    return pairs


def where(index: int | None) -> str:
    return "" if index is None else f"msgstr[{index}]: "

