"""`locflow pull`: sources -> POT templates -> merged per-language catalogs."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import (WriteError, catalog_metadata, default_header, merge, new_pofile, read_po, render,
                      write_if_changed)
from .config import CatalogConfig
from .errors import LocflowError
from .project import Project
from .pullstate import PullState

if TYPE_CHECKING:
    import os

    import polib

    from .sources.extracted import Extracted


@dataclass(frozen=True)
class PullResult:
    written: tuple[str, ...]
    templates: int
    catalogs: int
    orphaned: tuple[str, ...] = ()  # catalogs of articles that no longer exist (removed with purge)
    removed: bool = False
    warnings: tuple = ()  # ExtractWarning of the templates
    changes: tuple = ()  # plandiff.CatalogChanges per file a dry run would write
    created: tuple[str, ...] = ()  # the files among `written` that did not exist before
    errors: tuple[LocflowError, ...] = ()  # articles and catalogs skipped (the rest was pulled)

    @property
    def exit_code(self) -> int:
        return 2 if self.errors else 0

    @property
    def up_to_date(self) -> bool:
        """Nothing written, removed or failed: the tree was already as a pull leaves it."""
        return not self.written and not (self.removed and self.orphaned) and not self.errors


@dataclass(frozen=True)
class Planned:
    """A catalog file and the exact bytes a pull would give it.

    `data` is None when the file is known to be current (the pull state vouched for it, or the
    merge gave what it already says): there is nothing to write, so nothing was rendered.
    """

    path: Path
    data: bytes | None
    # True when the file already says the same, even if an editor formatted it differently:
    # a pull never rewrites a catalog only to re-wrap what Poedit or msgcat wrote.
    same: bool = False
    warnings: tuple = ()  # ExtractWarning: what the extraction of this template left out, with file:line

    @property
    def changes(self) -> bool:
        if self.same or self.data is None:
            return False
        try:
            return self.path.read_bytes() != self.data
        except FileNotFoundError:
            return True


@dataclass
class _Unit:
    """One unit of extraction (an article, or a labels catalog) and what it plans."""

    key: str
    inputs: list  # pullstate records of the unit's sources
    plans: list[Planned]
    extra: dict = field(default_factory=dict)  # an article's slug and language
    known: bool = False  # taken from the pull state, not computed
    observed: dict = field(default_factory=dict)  # path -> (size, mtime_ns, inode, hash) of what the planner read
    errors: list = field(default_factory=list)  # LocflowError fields of catalogs that could not be merged
    outputs: list = field(default_factory=list)  # a known unit's files (paths from the root): no Planned each
    warnings: tuple = ()  # a known unit's template warnings

    def planned(self, project: Project) -> list[Planned]:
        """Every file of the unit as Planned (a known unit's only now: an archive has thousands)."""
        if not self.known:
            return self.plans
        return [Planned(project.root / rel, None, same=True, warnings=self.warnings if i == 0 else ())
                for i, rel in enumerate(self.outputs)]

    def template_warnings(self) -> tuple:
        return self.warnings if self.known else tuple(w for p in self.plans for w in p.warnings)

    def files(self, project: Project) -> list[str]:
        """Every file of the unit, as its path from the root (text: an archive has ~20,000)."""
        return self.outputs if self.known else [project.display(p.path) for p in self.plans]


def pull(project: Project, *, purge_obsolete: bool = False, dry_run: bool = False,
         waiting=None) -> PullResult:
    """Extract every catalog with sources and merge it into its languages; write only what changed."""
    import time

    started = time.time()
    changes: list = []
    created: list[str] = []
    errors: list[LocflowError] = []
    if dry_run:
        from .plandiff import catalog_changes

        plans = plan(project, purge_obsolete=purge_obsolete, errors=errors)
        units = [_Unit("", "", plans)]
        due = [p for p in plans if p.changes]
        written = [project.display(p.path) for p in due]
        changes = [catalog_changes(project, p) for p in due]
        orphans = _orphans(project, units) if not errors else []
    else:
        with project.lock(waiting):
            state = PullState(project, purge_obsolete)
            units = plan_units(project, state, purge_obsolete=purge_obsolete, errors=errors)
            done: dict[Path, bytes] = {}
            for item in (p for u in units if not u.known for p in u.plans):  # a known unit has nothing to write
                if item.changes:
                    new = not item.path.exists()
                    try:
                        write_if_changed(item.path, item.data)
                    except WriteError as exc:  # a read-only folder, a full disk: say so, write the rest, report
                        errors.append(exc)  # what was written (its unit is planned again next time)
                        continue
                    if new:
                        created.append(project.display(item.path))
                    done[item.path] = item.data
            _settle(state, units, done)
            written = [project.display(path) for path in done]
            # A skipped article's catalogs are no orphans: nothing is removed while one could not be read.
            orphans = _orphans(project, units) if not errors else []
            if purge_obsolete:
                for path in orphans:
                    path.unlink()  # the whole catalog is obsolete: its article is gone (git keeps it)
    files = [path for u in units for path in u.files(project)]
    templates = sum(1 for path in files if path.endswith(".pot"))
    warnings = tuple(w for u in units for w in u.template_warnings())
    if not (written or orphans or errors or purge_obsolete
            or any(custom_extractor(c) for c in project.config.catalogs.values())):
        from . import pullstamp

        pullstamp.record(project, templates, len(files) - templates, warnings, started)
    return PullResult(written=tuple(written), templates=templates, catalogs=len(files) - templates,
                      orphaned=tuple(project.display(p) for p in orphans), removed=purge_obsolete and not dry_run,
                      warnings=warnings, changes=tuple(changes), created=tuple(created), errors=tuple(errors))


def _orphans(project: Project, units: list[_Unit]) -> list[Path]:
    """Article templates and catalogs whose article is no longer in the sources."""
    import os

    planned = {path for u in units for path in u.files(project)}
    found: list[Path] = []
    for catalog in project.config.catalogs.values():
        if not catalog.sources or not project.kind(catalog).per_source:
            continue  # one catalog for all sources is never orphaned: its sources are a glob that must match
        base = project.config.locales_path
        for folder in [base / "templates" / catalog.name] + [base / lang / catalog.name
                                                              for lang in project.config.languages]:
            try:
                names = sorted(os.listdir(folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            # Names as text: an archive's folders hold thousands of catalogs.
            prefix = project.display(folder) + "/"
            found += [folder / name for name in names if name.endswith((".po", ".pot"))
                      and prefix + name not in planned and Path(name).suffix in (".po", ".pot")]
    return found


def plan(project: Project, *, purge_obsolete: bool = False, errors: list[LocflowError] | None = None) -> list[Planned]:
    """What each template and catalog should contain after a pull, computed without writing.

    Units the pull state vouches for are not extracted again; units found current are recorded
    for the next run (the `stale` check and `pull --dry-run` plan through here too). With
    `errors`, an unreadable article, template or catalog is recorded there and skipped, so the
    rest is still planned; without it, the first one raises.
    """
    state = PullState(project, purge_obsolete)
    units = plan_units(project, state, purge_obsolete=purge_obsolete, errors=errors)
    _settle(state, units, {})
    return [p for u in units for p in u.planned(project)]


def plan_units(project: Project, state: PullState, *, purge_obsolete: bool = False,
               errors: list[LocflowError] | None = None) -> list[_Unit]:
    units: list[_Unit] = []
    slugs: dict[str, str] = {}  # across catalogs: the site publishes every page at <lang>/<slug>.html
    for catalog in project.config.catalogs.values():
        if not catalog.sources:
            continue
        found = project.source_stats(catalog)  # a pattern matching nothing is a config error: it stops the run
        try:
            if project.kind(catalog).per_source:
                units += _plan_per_source(project, catalog, found, purge_obsolete, state, errors, slugs)
            else:
                units.append(_plan_whole(project, catalog, found, purge_obsolete, state, errors))
        except LocflowError as exc:
            _skip(errors, exc)
    return units


def _skip(errors: list[LocflowError] | None, exc: LocflowError) -> None:
    """Record `exc` when `errors` collects them (the rest is still planned); otherwise raise it."""
    if errors is None:
        raise exc
    errors.append(exc)


def _skip_unmerged(errors: list[LocflowError] | None, units: list[_Unit]) -> None:
    """The catalogs a unit could not merge, as errors (their plans are left out)."""
    for unit in units:
        for fields in unit.errors:
            _skip(errors, LocflowError(**fields))


def _settle(state: PullState, units: list[_Unit], written: dict[Path, bytes]) -> None:
    """Record the units whose every output is now current (`written`: what this pull wrote); forget the others."""
    for unit in units:
        if unit.known:
            continue
        if unit.errors:
            state.forget(unit.key)  # a catalog could not be merged: plan the whole unit again next time
            continue
        outputs = []
        for item in unit.plans:
            if item.path in written:
                outputs.append(state.output(item.path, data=written[item.path]))
            elif item.changes:
                state.forget(unit.key)
                break
            else:
                outputs.append(state.output(item.path, observed=unit.observed.get(item.path)))
        else:
            state.record(unit.key, unit.inputs, outputs, unit.extra)
    state.save()


def _known(project: Project, key: str, inputs: list, state: PullState) -> _Unit | None:
    found = state.current(key, inputs)
    if found is None:
        return None
    warnings: tuple = ()
    if found.get("warnings"):
        from .sources.extracted import ExtractWarning

        warnings = tuple(ExtractWarning(*w) for w in found["warnings"])
    return _Unit(key, inputs, [], {k: v for k, v in found.items() if k != "outputs"}, known=True,
                 outputs=list(found["outputs"]), warnings=warnings)


def _read(path: Path, observed: dict) -> bytes | None:
    """A file's bytes (None when missing), noting the stat taken before and the hash of what was read."""
    from .cache import digest

    try:
        st = path.stat()
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    observed[path] = (st.st_size, st.st_mtime_ns, st.st_ino, digest(raw))
    return raw


def _merged(project: Project, template: "polib.POFile", rendered: bytes, path: Path, language: str, purge: bool,
            source: str | None = None, observed: dict | None = None) -> Planned:
    from .catalog import plural_forms
    from .noop import merge_keeps

    raw = _read(path, {} if observed is None else observed)
    if raw is not None and merge_keeps(rendered.decode("utf-8"), raw, plural_forms(language)[0],
                                       source_language=source, purge_obsolete=purge):
        return Planned(path, None, same=True)  # decided from the text: no parse, merge or rendering
    old = read_po(path, display=project.display(path), data=raw, layout=False) if raw is not None else None
    merged = merge(template, old, language, project.config.site, purge_obsolete=purge, source_language=source)
    data = render(merged)
    if raw == data:
        return Planned(path, None, same=True)  # what locflow wrote last time: no second rendering needed
    same = old is not None and render(old) == data
    return Planned(path, None if same else data, same=same)


def extract_unit(project: Project, catalog: CatalogConfig, files: list[Path]) -> "Extracted":
    """The strings of one unit of `catalog` (all its sources, or one source of a per-source kind)."""
    return project.kind(catalog).extract(files, [project.display(p) for p in files], project.root, catalog,
                                         project.config.languages)


def template_of(project: Project, extracted: "Extracted") -> "polib.POFile":
    """The POT of an extracted unit: its messages in order, with their comments, places and flags."""
    import polib

    pot = new_pofile(catalog_metadata(project.config.site, None), default_header(project.config.site, None))
    for m in extracted.messages:
        entry = polib.POEntry(msgid=m.msgid, msgctxt=m.msgctxt, occurrences=[(f, str(n)) for f, n in m.locations],
                              comment="\n".join(m.comments), flags=list(m.flags))
        if m.msgid_plural:
            entry.msgid_plural = m.msgid_plural
            entry.msgstr_plural = {0: "", 1: ""}
        pot.append(entry)
    return pot


def _plan_whole(project: Project, catalog: CatalogConfig, found: list[tuple[Path, "os.stat_result"]], purge: bool,
                state: PullState, errors: list[LocflowError] | None = None) -> _Unit:
    """One template and one catalog per language for all of the catalog's sources (labels; `found`:
    each with its stat, as `Project.source_stats` gives them)."""
    key, sources = catalog.name, [path for path, _ in found]
    inputs = state.inputs(key, sources, [st for _, st in found])
    known = None if custom_extractor(catalog) else _known(project, key, inputs, state)
    if known is not None:
        return known
    extracted = extract_unit(project, catalog, sources)
    pot = template_of(project, extracted)
    rendered = render(pot)
    warnings = extracted.warnings
    unit = _Unit(key, inputs, [Planned(project.template_path(catalog), rendered, warnings=warnings)],
                 {"warnings": [[w.path, w.line, w.message] for w in warnings]})
    for lang in project.config.languages:
        _merge_into(unit, project, pot, rendered, project.po_path(catalog, lang), lang, purge, extracted.language)
    _skip_unmerged(errors, [unit])
    return unit


def custom_extractor(catalog: CatalogConfig) -> bool:
    """A `module:function` extractor in `extract:` is the project's own code, which locflow's code
    fingerprint does not cover: its catalog is extracted on every pull, never taken from the state."""
    return any(":" in method for _, method in catalog.extract)


def _merge_into(unit: _Unit, project: Project, template: "polib.POFile", rendered: bytes, path: Path,
                language: str, purge: bool, source: str | None = None) -> None:
    """Plan one catalog of `unit`; a catalog that cannot be read is noted in `unit.errors` and left out."""
    try:
        unit.plans.append(_merged(project, template, rendered, path, language, purge, source, unit.observed))
    except LocflowError as exc:
        unit.errors.append(_fields(exc))


def _fields(exc: LocflowError) -> dict:
    """What rebuilds `exc` on the other side of a worker's pipe."""
    return {"message": exc.message, "hint": exc.hint, "path": exc.path, "line": exc.line, "col": exc.col,
            "exit_code": exc.exit_code}


def pages_by_catalog(project: Project) -> dict[str, list]:
    """Every pages catalog with sources (articles) -> its sources read for publishing, in
    workflow.yaml's order; a slug is unique across all of them, as every page is <lang>/<slug>.html."""
    seen: dict[str, str] = {}
    return {c.name: load_pages(project, c, seen=seen) for c in project.config.catalogs.values()
            if c.sources and project.kind(c).bundle == "pages"}


def load_pages(project: Project, catalog: CatalogConfig, errors: list[LocflowError] | None = None,
               seen: dict[str, str] | None = None) -> list:
    """Every source of a pages catalog (articles), read for publishing, with a unique slug (with
    `errors`, a bad one is recorded there and left out). `seen` carries the slugs of the catalogs
    read before (`pages_by_catalog`)."""
    kind = project.kind(catalog)
    pages = []
    seen = {} if seen is None else seen
    for path in project.source_files(catalog):
        shown = project.display(path)
        try:
            page = kind.read(path, shown, project.config.languages)
            _unique(seen, page.slug, shown)
        except LocflowError as exc:
            _skip(errors, exc)
            continue
        pages.append(page)
    return pages


def _unique(seen: dict[str, str], slug: str, shown: str) -> None:
    if slug in seen:
        raise LocflowError(f"slug `{slug}` is also used by {seen[slug]}", path=shown, line=2)
    seen[slug] = shown


def _plan_per_source(project: Project, catalog: CatalogConfig, found: list[tuple[Path, "os.stat_result"]],
                     purge: bool, state: PullState, errors: list[LocflowError] | None = None,
                     seen: dict[str, str] | None = None) -> list[_Unit]:
    """One unit per source (article; `found`: each with its stat, as `Project.source_stats` gives
    them), in source order; with `errors`, a source that cannot be read (or a catalog that cannot be
    merged) is recorded there and left out, and the rest is planned."""
    from .parallel import run_all

    units: list[_Unit | dict | None] = []
    todo: list[tuple[int, str, list, Path, int]] = []
    for i, (path, st) in enumerate(found):
        shown = project.display(path)
        key = f"{catalog.name}:{shown}"
        inputs = state.inputs(key, [path], [st], [shown])
        unit = _known(project, key, inputs, state)
        units.append(unit)
        if unit is None:
            todo.append((i, key, inputs, path, st.st_size))
    # Each source's extraction and merges are independent: on every core, in batches, in order.
    weight = sum(size for *_, size in todo) * len(project.config.languages)
    results = run_all(_source_job, [str(path) for _, _, _, path, _ in todo], weight=weight,
                      context=(project, catalog, purge))
    for (i, key, inputs, _, _), result in zip(todo, results):
        if isinstance(result, _Unit):
            result.key, result.inputs = key, inputs
        units[i] = result
    # Errors in source order, as a sequential pull meets them.
    planned: list[_Unit] = []
    seen = {} if seen is None else seen
    for (path, _), unit in zip(found, units):
        try:
            if isinstance(unit, dict):
                raise LocflowError(**unit)
            _unique(seen, unit.extra["slug"], project.display(path))
        except LocflowError as exc:
            _skip(errors, exc)
            continue
        _skip_unmerged(errors, [unit])
        planned.append(unit)
    return planned


def _source_job(path: str) -> "_Unit | dict":
    """Template and catalogs of one source (in a worker process when the run is big)."""
    from .parallel import shared

    project, catalog, purge = shared()
    try:
        extracted = extract_unit(project, catalog, [Path(path)])
    except LocflowError as exc:
        return _fields(exc)
    pot = template_of(project, extracted)
    rendered = render(pot)
    extra = {"slug": extracted.slug, "language": extracted.language}
    if extracted.warnings:
        extra["warnings"] = [[w.path, w.line, w.message] for w in extracted.warnings]
    unit = _Unit("", "", [], extra)
    target = project.template_path(catalog, extracted.slug)
    unit.plans.append(Planned(target, rendered, warnings=extracted.warnings) if _read(target, unit.observed) != rendered
                      else Planned(target, None, same=True, warnings=extracted.warnings))
    for lang in project.config.languages:
        if lang != extracted.language:
            _merge_into(unit, project, pot, rendered, project.po_path(catalog, lang, extracted.slug), lang, purge,
                        extracted.language)
    return unit
