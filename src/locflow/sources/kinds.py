"""Source kinds: what a catalog's sources are, where its templates and catalogs live, and what
publish makes of them.

workflow.yaml's `kind:` names one of `KINDS`. Pull, status, check, translate and publish ask the
kind, never its name, so a new kind is one `SourceKind` passed to `register` (its extraction in
a module of its own under sources/), not a branch in each command.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..errors import LocflowError

from .extracted import Extracted

if TYPE_CHECKING:
    from ..config import CatalogConfig, Config

EXTRACT_METHODS = ("jinja2", "python", "javascript", "ignore")  # pybabel's names (sources/templates.py)


# (files, how each is shown, the project root, the catalog's settings, the site's languages) -> Extracted
Extractor = Callable[[list[Path], list[str], Path, "CatalogConfig", tuple[str, ...]], Extracted]


@dataclass(frozen=True)
class SourceKind:
    """A kind of source, and everything the commands need to know about it."""

    name: str
    summary: str  # one line for `locflow init` and the docs
    extract: Extractor
    # One template, and one catalog per language, for each source file (articles); otherwise one
    # for the whole catalog (labels). A per-source catalog is named `<catalog>/<slug>`.
    per_source: bool = False
    # The strings are UI labels formatted by the site's code: placeholders follow `labelformat`
    # (Jinja2 newstyle gettext, `%(name)s`) and templates carry pybabel's python-format flags.
    labels: bool = False
    # Machine translation sees the paragraphs around a segment (prose, not a list of labels).
    neighbours: bool = False
    # What publish makes of a language's catalogs: "messages" (compiled MO and JSON bundles of
    # `<catalog>`) or "pages" (each source rebuilt in the language, when all of it passed the gate).
    bundle: str = "messages"
    # workflow.yaml keys of the catalog besides kind/sources/publish, each with its validator.
    options: tuple[str, ...] = ()
    # Pages kinds: read a source again for publishing (slug, language, units, text, meta) and
    # rebuild it from the translations.
    read: Callable[[Path, str, tuple[str, ...]], Any] | None = None
    render: Callable[[Any, str, dict[str, str]], str] | None = None
    # Per-source kinds: slug -> language of each source, read cheaply; a catalog whose
    # X-Source-Language header an editor dropped is translated from what its source says.
    languages: Callable[[list[Path]], dict[str, str]] = lambda paths: {}

    # --- layout (README, "Catalog layout") ---------------------------------------------------

    def template_path(self, locales: Path, catalog: str, slug: str | None = None) -> Path:
        base = locales / "templates"
        return base / catalog / f"{slug}.pot" if self.per_source else base / f"{catalog}.pot"

    def po_path(self, locales: Path, language: str, catalog: str, slug: str | None = None) -> Path:
        if self.per_source:
            return locales / language / catalog / f"{slug}.po"
        return locales / language / "LC_MESSAGES" / f"{catalog}.po"

    def catalogs(self, locales: Path, language: str, catalog: str) -> list[tuple[str, Path]]:
        """The catalog files that exist in one language, as (name, path), sorted by name."""
        if not self.per_source:
            path = self.po_path(locales, language, catalog)
            return [(catalog, path)] if path.is_file() else []
        folder = locales / language / catalog
        paths = sorted(folder.glob("*.po")) if folder.is_dir() else []
        return [(f"{catalog}/{path.stem}", path) for path in paths]


KINDS: dict[str, SourceKind] = {}


def register(kind: SourceKind) -> SourceKind:
    if kind.bundle not in ("messages", "pages"):
        raise ValueError(f"source kind {kind.name}: bundle must be messages or pages")
    if kind.bundle == "pages" and (kind.read is None or kind.render is None or not kind.per_source):
        raise ValueError(f"source kind {kind.name}: a pages bundle needs per_source, read and render")
    KINDS[kind.name] = kind
    return kind


def kind_of(spec: "CatalogConfig") -> SourceKind:
    """The kind of a catalog whose config `validate` accepted."""
    return KINDS[spec.kind]


def validate(config: "Config") -> None:
    """Every catalog's kind is registered and takes the options it was given; errors at file:line:col."""
    import difflib

    for spec in config.catalogs.values():
        kind = KINDS.get(spec.kind)
        if not spec.kind:
            raise _error(config, spec, "name", f"catalog `{spec.name}` has no `kind`",
                         "add `kind:` with one of: " + ", ".join(KINDS) + " (Markdown articles are `articles`)")
        if kind is None:
            close = difflib.get_close_matches(spec.kind, KINDS, n=1)
            raise _error(config, spec, "kind", f"unknown catalog kind `{spec.kind}`",
                         f"did you mean `{close[0]}`?" if close else "one of: " + ", ".join(KINDS))
        if spec.extract and "extract" not in kind.options:
            raise _error(config, spec, "extract", f"`extract` applies to labels catalogs ({kind.name} catalogs "
                         "take no extraction methods)", None)
        for pattern, method in spec.extract:
            if not (method in EXTRACT_METHODS or _entry_point(method)):
                raise _error(config, spec, f"extract:{pattern}", f"unknown extraction method `{method}` for "
                             f"`{pattern}`", "one of: " + ", ".join(EXTRACT_METHODS) + ", or a module:function extractor")


def _error(config: "Config", spec: "CatalogConfig", key: str, message: str, hint: str | None) -> LocflowError:
    line, col = spec.positions.get(key, (None, None))
    return LocflowError(message, path=str(config.path), line=line, col=col, hint=hint)


def _entry_point(method: str) -> bool:
    """`package.module:function`, as pybabel's mapping files name a custom extractor."""
    module, sep, func = method.partition(":")
    return bool(sep) and all(part.isidentifier() for part in module.split(".")) and func.isidentifier()


def _labels(files: list[Path], shown: list[str], root: Path, spec: "CatalogConfig",
            languages: tuple[str, ...]) -> Extracted:
    from .templates import extract_labels

    return extract_labels(files, root, spec.extract)


def _article(files: list[Path], shown: list[str], root: Path, spec: "CatalogConfig",
             languages: tuple[str, ...]) -> Extracted:
    from .articles import extract_article

    return extract_article(files[0], shown[0], languages)


def _read_article(path: Path, shown: str, languages: tuple[str, ...]) -> Any:
    from .articles import read_article

    return read_article(path, shown, languages)


def _article_languages(paths: list[Path]) -> dict[str, str]:
    from .articles import languages_by_slug

    return languages_by_slug(paths)


def _render_article(article: Any, language: str, translations: dict[str, str]) -> str:
    from .articles import translated

    return translated(article, language, translations)


register(SourceKind("labels", "UI labels from templates and code, through babel's extraction (one catalog "
                    "per language)", _labels, labels=True, options=("extract",)))
register(SourceKind("articles", "Markdown articles with front matter, segmented by a CommonMark parser (one "
                    "catalog per article and target language)", _article, per_source=True, neighbours=True,
                    bundle="pages", read=_read_article, render=_render_article,
                    languages=_article_languages))
