"""`locflow pull`: sources -> POT templates -> merged per-language catalogs."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import catalog_metadata, default_header, merge, new_pofile, read_po, render, write_if_changed
from .config import CatalogConfig
from .errors import LocflowError
from .project import Project

if TYPE_CHECKING:
    import polib

    from .sources.articles import Article


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
        return not self.written


@dataclass(frozen=True)
class Planned:
    """A catalog file and the exact bytes a pull would give it."""

    path: Path
    data: bytes
    # True when the file already says the same, even if an editor formatted it differently:
    # a pull never rewrites a catalog only to re-wrap what Poedit or msgcat wrote.
    same: bool = False
    warnings: tuple = ()  # ExtractWarning: what the extraction of this template left out, with file:line

    @property
    def changes(self) -> bool:
        if self.same:
            return False
        try:
            return self.path.read_bytes() != self.data
        except FileNotFoundError:
            return True


def pull(project: Project, *, purge_obsolete: bool = False, dry_run: bool = False,
         waiting=None) -> PullResult:
    """Extract every catalog with sources and merge it into its languages; write only what changed."""
    changes: list = []
    created: list[str] = []
    errors: list[LocflowError] = []
    if dry_run:
        from .plandiff import catalog_changes

        plans = plan(project, purge_obsolete=purge_obsolete, errors=errors)
        due = [p for p in plans if p.changes]
        written = [project.display(p.path) for p in due]
        changes = [catalog_changes(project, p) for p in due]
        orphans = _orphans(project, plans) if not errors else []
    else:
        with project.lock(waiting):
            plans = plan(project, purge_obsolete=purge_obsolete, errors=errors)
            written, created = [], []
            for item in plans:
                if item.changes:
                    if not item.path.exists():
                        created.append(project.display(item.path))
                    write_if_changed(item.path, item.data)
                    written.append(project.display(item.path))
            # A skipped article's catalogs are no orphans: nothing is removed while one could not be read.
            orphans = _orphans(project, plans) if not errors else []
            if purge_obsolete:
                for path in orphans:
                    path.unlink()  # the whole catalog is obsolete: its article is gone (git keeps it)
    templates = sum(1 for p in plans if p.path.suffix == ".pot")
    return PullResult(written=tuple(written), templates=templates, catalogs=len(plans) - templates,
                      orphaned=tuple(project.display(p) for p in orphans), removed=purge_obsolete and not dry_run,
                      warnings=tuple(w for p in plans for w in p.warnings), changes=tuple(changes),
                      created=tuple(created), errors=tuple(errors))


def _orphans(project: Project, plans: list[Planned]) -> list[Path]:
    """Article templates and catalogs whose article is no longer in the sources."""
    planned = {p.path for p in plans}
    found: list[Path] = []
    for catalog in project.config.catalogs.values():
        if catalog.kind != "articles" or not catalog.sources:
            continue
        base = project.config.locales_path
        for folder in [base / "templates" / catalog.name] + [base / lang / catalog.name
                                                              for lang in project.config.languages]:
            found += [p for p in sorted(folder.glob("*.po*")) if p.suffix in (".po", ".pot") and p not in planned]
    return found


def plan(project: Project, *, purge_obsolete: bool = False, errors: list[LocflowError] | None = None) -> list[Planned]:
    """What each template and catalog should contain after a pull, computed without writing.

    With `errors`, an unreadable article, template or catalog is recorded there and skipped, so
    the rest is still planned; without it, the first one raises.
    """
    result: list[Planned] = []
    for catalog in project.config.catalogs.values():
        if not catalog.sources:
            continue
        project.source_files(catalog)  # a pattern matching nothing is a config error: it stops the run
        try:
            if catalog.kind == "labels":
                result += _plan_labels(project, catalog, purge_obsolete, errors)
            else:
                result += _plan_articles(project, catalog, purge_obsolete, errors)
        except LocflowError as exc:
            if errors is None:
                raise
            errors.append(exc)
    return result


def _skipping(errors: list[LocflowError] | None, make, *args):
    """make(*args), or None with the error recorded when `errors` collects them."""
    try:
        return make(*args)
    except LocflowError as exc:
        if errors is None:
            raise
        errors.append(exc)
        return None


def _merged(project: Project, template: "polib.POFile", path: Path, language: str, purge: bool,
            source: str | None = None) -> Planned:
    old = read_po(path, display=project.display(path), layout=False) if path.exists() else None
    merged = merge(template, old, language, project.config.site, purge_obsolete=purge, source_language=source)
    data = render(merged)
    return Planned(path, data, same=old is not None and render(old) == data)


def _plan_labels(project: Project, catalog: CatalogConfig, purge: bool,
                 errors: list[LocflowError] | None = None) -> list[Planned]:
    from .sources.templates import extract_templates

    import polib

    warnings: list = []
    messages = extract_templates(project.root, project.source_files(catalog), warnings, catalog.extract)
    pot = new_pofile(catalog_metadata(project.config.site, None), default_header(project.config.site, None))
    for m in messages:
        entry = polib.POEntry(msgid=m.msgid, msgctxt=m.msgctxt, occurrences=[(f, str(n)) for f, n in m.locations],
                              comment="\n".join(m.comments), flags=_format_flags(m.msgid, m.msgid_plural))
        if m.msgid_plural:
            entry.msgid_plural = m.msgid_plural
            entry.msgstr_plural = {0: "", 1: ""}
        pot.append(entry)
    plans = [Planned(project.template_path(catalog), render(pot), warnings=tuple(warnings))]
    for lang in project.config.languages:
        merged = _skipping(errors, _merged, project, pot, project.po_path(catalog, lang), lang, purge)
        if merged is not None:
            plans.append(merged)
    return plans


def load_articles(project: Project, catalog: CatalogConfig,
                  errors: list[LocflowError] | None = None) -> list["Article"]:
    """All articles of a catalog, validated: known language, unique slug (with `errors`, a bad one is
    recorded there and left out)."""
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for path in project.source_files(catalog):
        article = _skipping(errors, _load_one, project, path, seen)
        if article is not None:
            articles.append(article)
    return articles


def _load_one(project: Project, path: Path, seen: dict[str, str]) -> "Article":
    from .sources.articles import load_article

    shown = project.display(path)
    article = load_article(path, shown)
    if article.language not in project.config.languages:
        line = next((i + 1 for i, t in enumerate(article.text.splitlines()) if t.startswith("language:")), 2)
        raise LocflowError(f"article language `{article.language}` is not one of the site's languages",
                           path=shown, line=line, hint="languages: " + ", ".join(project.config.languages))
    if article.slug in seen:
        raise LocflowError(f"slug `{article.slug}` is also used by {seen[article.slug]}", path=shown, line=2)
    seen[article.slug] = shown
    return article


def article_template(project: Project, article: "Article") -> "polib.POFile":
    import polib

    pot = new_pofile(catalog_metadata(project.config.site, None), default_header(project.config.site, None))
    shown = project.display(article.path)
    by_id: dict[str, polib.POEntry] = {}
    for unit in article.units:
        entry = by_id.get(unit.msgid)
        if entry is None:
            # Article prose is no format string: "50% of" must not be flagged python-format.
            entry = by_id[unit.msgid] = polib.POEntry(msgid=unit.msgid, comment=unit.kind)
            pot.append(entry)
        elif unit.kind not in entry.comment.split(", "):
            entry.comment += ", " + unit.kind
        entry.occurrences.append((shown, str(unit.line)))
    return pot


def _plan_articles(project: Project, catalog: CatalogConfig, purge: bool,
                   errors: list[LocflowError] | None = None) -> list[Planned]:
    plans = []
    for article in load_articles(project, catalog, errors):
        pot = article_template(project, article)
        plans.append(Planned(project.template_path(catalog, article.slug), render(pot)))
        for lang in project.config.languages:
            if lang != article.language:
                merged = _skipping(errors, _merged, project, pot, project.po_path(catalog, lang, article.slug), lang,
                                   purge, article.language)
                if merged is not None:
                    plans.append(merged)
    return plans


def _format_flags(msgid: str, plural: str | None) -> list[str]:
    """`python-format` and `python-brace-format` exactly where pybabel writes them (babel's own rules).

    babel flags "100% independent" too (`% i` reads as a directive); the checks, MT masking and the
    renderer still treat only a label's named directives as placeholders (labelformat).
    """
    from babel.messages.catalog import Message

    flags = Message((msgid, plural) if plural else msgid).flags
    return sorted(f for f in flags if f in ("python-format", "python-brace-format"))
