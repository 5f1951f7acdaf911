"""`locflow status`: entries per review state, per catalog and language."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import read_po
from .errors import LocflowError
from .project import CatalogFile, Project
from .states import STATE_ORDER, State, nplurals_of, state_of

if TYPE_CHECKING:
    from .shards import Shard


@dataclass(frozen=True)
class CatalogStatus:
    catalog: str
    language: str
    path: str
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int
    states: dict[str, int] = field(default_factory=dict)
    publishable: bool = False
    note: str = ""  # shown in the table only: "source" or "no catalog yet"

    def to_json(self) -> dict:
        return {"catalog": self.catalog, "language": self.language, "path": self.path, "total": self.total,
                "translated": self.translated, "fuzzy": self.fuzzy, "untranslated": self.untranslated,
                "obsolete": self.obsolete, "states": dict(self.states), "publishable": self.publishable}


def count_states(data: bytes, display: str) -> dict[str, int]:
    """Entries per state (and obsolete) of one catalog's bytes: what the cache stores."""
    from .potokens import parse

    counts = {s.value: 0 for s in STATE_ORDER}
    counts["obsolete"] = 0
    catalog = parse(data, display)
    nplurals = nplurals_of(catalog.metadata)
    for entry in catalog:
        counts["obsolete" if entry.obsolete else state_of(entry, nplurals).value] += 1
    return counts


def _count_job(job: tuple[str, str]) -> dict:
    """The counts, or {"error": (message, line, hint)}: a LocflowError crosses the worker pipe as data."""
    path, shown = job
    try:
        return count_states(Path(path).read_bytes(), shown)
    except LocflowError as exc:
        return {"error": (exc.message, exc.line, exc.hint)}


def summarize(name: str, language: str, path: str, counts: dict[State, int], obsolete: int,
              publish: State, source: bool = False) -> CatalogStatus:
    """`source`: the source language's own labels catalog, where an empty entry shows the source text
    (as gettext does): it holds nothing back, as `check` and `publish` treat it."""
    total = sum(counts.values())
    return CatalogStatus(
        catalog=name, language=language, path=path, total=total,
        translated=counts[State.REVIEWED] + counts[State.APPROVED],
        fuzzy=counts[State.MACHINE] + counts[State.FUZZY],
        untranslated=counts[State.UNTRANSLATED], obsolete=obsolete,
        states={s.value: counts[s] for s in STATE_ORDER},
        publishable=all(n == 0 for s, n in counts.items()
                        if s.rank < publish.rank and not (source and s is State.UNTRANSLATED)),
        note="source" if source else "",
    )


def table_note(project: Project, row: CatalogStatus) -> str:
    """The note the table shows beside a row that came back from JSON (merge-shards), where it is not
    kept: the source language's own catalog, or a catalog that does not exist yet."""
    cat = project.catalog_at(project.root / row.path)
    if cat is not None and not cat.path.is_file():
        return "no catalog yet"
    return "source" if cat is not None and is_source_catalog(project, cat) else ""


def is_source_catalog(project: Project, cat: CatalogFile) -> bool:
    """One catalog for all sources has one in the source language too: its strings are the source itself."""
    spec = project.config.catalogs.get(cat.group)
    return spec is not None and not project.kind(spec).per_source and cat.language == project.config.source_language


def status(project: Project, languages: list[str] | None = None,
           catalogs: list[str] | None = None, shard: "Shard | None" = None,
           missing: bool = False, errors: list[LocflowError] | None = None) -> list[CatalogStatus]:
    """One row per catalog file (only one shard's, when given); with `missing`, also a row for each
    labels catalog a selected language does not have yet (every template entry untranslated).

    With `errors`, a catalog that does not parse is recorded there and left out, so the others are
    still counted; without it, the first one raises."""
    from .cache import FileCache, enabled

    files = project.catalog_files(languages, catalogs, shard)
    cache = FileCache(project.root, "status") if enabled() else None
    counts: dict[Path, dict[str, int]] = {}
    misses = []
    for cat in files:
        if cache is None:
            misses.append((cat, None, cat.path.read_bytes()))
            continue
        value, miss = cache.lookup(cat.path)
        if miss is None:
            counts[cat.path] = value
        else:
            misses.append((cat, miss, miss.data))
    from .parallel import run_all

    # Workers read the files themselves: shipping bytes through a pipe costs more than a cached read.
    results = run_all(_count_job, [(str(cat.path), project.display(cat.path)) for cat, _, _ in misses],
                      weight=sum(len(data) for _, _, data in misses))
    broken = []
    for (cat, miss, _), value in zip(misses, results):
        if "error" in value:
            message, line, hint = value["error"]
            broken.append(LocflowError(message, path=project.display(cat.path), line=line, hint=hint))
            continue
        counts[cat.path] = value
        if cache is not None and miss is not None:
            cache.store(miss, value)
    if cache is not None:
        cache.save()
    if broken and errors is None:
        raise broken[0]
    if errors is not None:
        errors += broken
    rows = []
    for cat in files:
        c = counts.get(cat.path)
        if c is None:
            continue
        rows.append(summarize(cat.name, cat.language, project.display(cat.path), {s: c[s.value] for s in STATE_ORDER},
                              c["obsolete"], State(cat.publish), is_source_catalog(project, cat)))
    if missing:
        order = {code: i for i, code in enumerate(project.config.languages)}
        rows = sorted(rows + _missing(project, languages, catalogs, shard), key=lambda r: order.get(r.language, 0))
    return rows


def _missing(project: Project, languages: list[str] | None, catalogs: list[str] | None,
             shard: "Shard | None" = None) -> list[CatalogStatus]:
    import fnmatch

    rows = []
    for spec in project.config.catalogs.values():
        if project.kind(spec).per_source or (catalogs and not any(spec.name == c or fnmatch.fnmatchcase(spec.name, c)
                                                          for c in catalogs)):
            continue
        template = project.template_path(spec)
        total = (sum(1 for e in read_po(template, display=project.display(template), layout=False) if not e.obsolete)
                 if template.is_file() else 0)
        for lang in languages or project.config.languages:
            path = project.po_path(spec, lang)
            # A missing catalog belongs to the shard its path would, so merged shards show it once.
            if not path.is_file() and (shard is None or shard.holds(project.display(path))):
                counts = {s: 0 for s in STATE_ORDER}
                counts[State.UNTRANSLATED] = total
                row = summarize(spec.name, lang, project.display(path), counts, 0, State(spec.publish))
                rows.append(CatalogStatus(**{**row.__dict__, "publishable": False, "note": "no catalog yet"}))
    return rows


def rollup(rows: list[CatalogStatus]) -> list[CatalogStatus]:
    """Article catalogs summed per language and group: one row per (language, group)."""
    groups: dict[tuple[str, str], list[CatalogStatus]] = {}
    for row in rows:
        group = row.catalog.split("/", 1)[0]
        groups.setdefault((row.language, group), []).append(row)
    result = []
    for (language, group), items in groups.items():
        if len(items) == 1 and items[0].catalog == group:
            result.append(items[0])
            continue
        states = {s.value: sum(i.states[s.value] for i in items) for s in STATE_ORDER}
        result.append(CatalogStatus(
            catalog=f"{group}/* ({len(items)})", language=language, path="", total=sum(i.total for i in items),
            translated=sum(i.translated for i in items), fuzzy=sum(i.fuzzy for i in items),
            untranslated=sum(i.untranslated for i in items), obsolete=sum(i.obsolete for i in items),
            states=states, publishable=all(i.publishable for i in items)))
    return result
