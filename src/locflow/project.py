"""Where a project's sources, templates and catalogs live, per the layout in the README."""
from __future__ import annotations

import fnmatch
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .config import CatalogConfig, Config, load_config
from .errors import LocflowError

if TYPE_CHECKING:
    import os

    from .glossary import Glossary
    from .shards import Shard
    from .sources.kinds import SourceKind


@dataclass(frozen=True)
class CatalogFile:
    """One PO file: a catalog in one language."""

    name: str  # "ui" or "articles/<slug>"
    group: str  # the workflow.yaml catalog it belongs to
    language: str
    path: Path
    publish: str


class Project:
    def __init__(self, config: Config) -> None:
        from .sources.kinds import kind_of, validate

        validate(config)  # an unknown kind, or options the kind does not take, stop every command here
        self._kinds = {name: kind_of(spec) for name, spec in config.catalogs.items()}
        self.config = config
        self.root = config.root
        self._glossary: Glossary | None = None
        self._dnt: tuple[str, ...] | None = None
        self._languages_by_slug: dict[str, dict[str, str]] = {}
        self._folders: dict[str, str] = {}  # folder -> its resolved path, for `inside`

    @classmethod
    def load(cls, config_path: Path | str | None = None) -> "Project":
        return cls(load_config(config_path))

    def display(self, path: Path) -> str:
        """Path as users see it: relative to the project root."""
        text, root = str(path), str(self.root)
        if text.startswith(root) and text[len(root):len(root) + 1] == "/" and root != "/":
            return text[len(root) + 1:]  # what relative_to gives, without pathlib's cost per file
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def inside(self, path: Path, link: bool | None = None) -> Path:
        """Refuse paths (after following symlinks) that leave the project (`link`: see _resolve)."""
        resolved, root = self._resolve(path, link), str(self.root)
        # `self.root in resolved.parents`, as text: pathlib walks every parent for each catalog
        if resolved != root and not resolved.startswith(root.rstrip("/") + "/"):
            raise LocflowError(f"{self.display(path)} points outside the project", path=self.display(path))
        return path

    def _resolve(self, path: Path, link: bool | None = None) -> str:
        """`str(path.resolve())`, with each folder resolved once and no Path made per file: thousands of
        catalogs (and articles) share a few folders. `link`: whether the file is a symlink, if known."""
        import os

        text = str(path)
        head, sep, name = text.rpartition("/")
        if name in ("", ".", "..") or (os.path.islink(text) if link is None else link):
            return str(path.resolve())
        head = head or ("/" if sep else ".")
        folder = self._folders.get(head)
        if folder is None:
            folder = self._folders[head] = str(Path(head).resolve()).rstrip("/")
        return folder + "/" + name

    # --- layout -----------------------------------------------------------------------------

    def kind(self, catalog: CatalogConfig | str) -> "SourceKind":
        """The source kind of a catalog (or of a workflow.yaml catalog name)."""
        return self._kinds[catalog if isinstance(catalog, str) else catalog.name]

    def template_path(self, catalog: CatalogConfig, slug: str | None = None) -> Path:
        return self.inside(self.kind(catalog).template_path(self.config.locales_path, catalog.name, slug))

    def po_path(self, catalog: CatalogConfig, language: str, slug: str | None = None) -> Path:
        return self.inside(self.kind(catalog).po_path(self.config.locales_path, language, catalog.name, slug))

    def catalog_at(self, path: Path) -> CatalogFile | None:
        """The catalog a PO path is (or would be) in the project's layout; None for any other path."""
        locales = self.config.locales_path
        for spec in self.config.catalogs.values():
            kind = self.kind(spec)
            for lang in self.config.languages:
                if kind.per_source:
                    if path.suffix == ".po" and path.parent == kind.po_path(locales, lang, spec.name, "-").parent:
                        return CatalogFile(f"{spec.name}/{path.stem}", spec.name, lang, path, spec.publish)
                elif path == kind.po_path(locales, lang, spec.name):
                    return CatalogFile(spec.name, spec.name, lang, path, spec.publish)
        return None

    def template_owner(self, path: Path) -> str | None:
        """The workflow.yaml catalog a template path is (or would be) in the layout; None for any other path."""
        for spec in self.config.catalogs.values():
            kind = self.kind(spec)
            template = self.template_path(spec, "-" if kind.per_source else None)
            if path == template or (kind.per_source and path.parent == template.parent):
                return spec.name
        return None

    def source_files(self, catalog: CatalogConfig) -> list[Path]:
        """Files matched by the catalog's globs, sorted; a glob matching nothing is an error."""
        return [path for path, _ in self.source_stats(catalog)]

    def source_stats(self, catalog: CatalogConfig) -> list[tuple[Path, "os.stat_result"]]:
        """`source_files`, each with its stat, taken before anything read the file (the pull state
        trusts it): one system call per source where is_file, islink and the state's stat took three."""
        import os
        import stat

        found: dict[Path, os.stat_result] = {}
        for i, pattern in enumerate(catalog.sources):
            matches = []
            for path in self.root.glob(pattern):
                try:
                    st = os.lstat(path)
                except OSError:
                    continue  # gone since the glob listed it
                link = stat.S_ISLNK(st.st_mode)
                if link:
                    try:
                        st = os.stat(path)
                    except OSError:
                        # Not "no file": its catalogs would look orphaned, and --purge-obsolete remove them.
                        raise LocflowError(f"{self.display(path)} is a symbolic link to a missing file",
                                           path=self.display(path),
                                           hint="restore what it points to, or remove the link") from None
                if stat.S_ISREG(st.st_mode):
                    matches.append((path, link, st))
            if not matches:
                line, col = catalog.source_positions[i] if i < len(catalog.source_positions) else (None, None)
                raise LocflowError(
                    f"catalog `{catalog.name}`: source pattern `{pattern}` matches no file",
                    path=str(self.config.path), line=line, col=col,
                    hint=self._no_sources_hint(pattern),
                )
            found.update((self.inside(path, link), st) for path, link, st in matches)
        return sorted(found.items(), key=lambda item: self.display(item[0]))

    def _no_sources_hint(self, pattern: str) -> str:
        """A new project (`locflow init`) has empty source folders: say what to add, not only what to fix."""
        base = pattern.split("*", 1)[0].rsplit("/", 1)[0]
        folder = self.root / base if base else self.root
        if folder.is_dir() and not any(p.is_file() for p in folder.rglob("*")):
            return f"{base or '.'}/ is empty: add the site's files there (or fix the glob in workflow.yaml)"
        return "fix the glob in workflow.yaml; an empty source would make every entry obsolete"

    # --- catalogs ---------------------------------------------------------------------------

    def catalog_files(self, languages: list[str] | None = None, catalogs: list[str] | None = None,
                      shard: "Shard | None" = None) -> list[CatalogFile]:
        """Existing PO files, sorted by language then catalog name (only one shard's, when given)."""
        self.check_languages(languages)
        langs = languages or list(self.config.languages)
        result = []
        for cat in self.config.catalogs.values():
            kind = self.kind(cat)
            for lang in langs:
                for name, path in kind.catalogs(self.config.locales_path, lang, cat.name):
                    result.append(CatalogFile(name, cat.name, lang, path, cat.publish))
        for cat in result:
            self.inside(cat.path)  # a catalog symlinked out of the tree is refused, not read or written
        if catalogs:
            result = [c for c in result if any(_catalog_matches(c, pattern) for pattern in catalogs)]
            for pattern in catalogs:
                if not any(_catalog_matches(c, pattern) for c in result):
                    known = sorted({c.name for c in self.catalog_files(languages)} | set(self.config.catalogs))
                    raise LocflowError(f"no catalog matches `{pattern}`",
                                       hint="known: " + ", ".join(known[:12]) + (" …" if len(known) > 12 else ""))
        if shard is not None:
            result = [c for c in result if shard.holds(self.display(c.path))]
        order = {lang: i for i, lang in enumerate(self.config.languages)}
        return sorted(result, key=lambda c: (order.get(c.language, 99), c.group, c.name))

    def glossary(self) -> "Glossary":
        """The termbase, loaded once (empty when the project has no glossary file)."""
        if self._glossary is None:
            from .glossary import load_glossary

            self._glossary = load_glossary(self)
        return self._glossary

    def dnt_terms(self) -> tuple[str, ...]:
        """Do-not-translate terms, longest first (computed once: every catalog's checks ask)."""
        if self._dnt is None:
            terms = {t for c in self.glossary().concepts if c.kind == "dnt" for t in c.dnt_forms()}
            self._dnt = tuple(sorted(terms, key=lambda t: (-len(t), t)))
        return self._dnt

    def source_language(self, cat: CatalogFile, metadata: dict[str, str]) -> str:
        """The language a catalog is translated from.

        One catalog for all sources: workflow.yaml's source_language. Per source (articles): the
        catalog's X-Source-Language header, or, when an editor dropped it (babel does), the
        source's own front matter.
        """
        spec = self.config.catalogs.get(cat.group)
        if spec is None or not self.kind(spec).per_source:
            return self.config.source_language
        from .catalog import SOURCE_HEADER

        declared = (metadata.get(SOURCE_HEADER) or "").strip()
        if declared:
            return declared
        slug = cat.name.split("/", 1)[1] if "/" in cat.name else cat.name
        if spec.name not in self._languages_by_slug:  # read lazily, once
            paths = [p for pattern in spec.sources for p in self.root.glob(pattern)]
            self._languages_by_slug[spec.name] = self.kind(spec).languages(paths)
        found = self._languages_by_slug[spec.name].get(slug)
        if found:
            return found
        raise LocflowError(f"catalog has no {SOURCE_HEADER} header and no source `{slug}` says its language",
                           path=self.display(cat.path), hint="run `locflow pull` to refresh it")

    @contextmanager
    def lock(self, waiting=None) -> Iterator[None]:
        """Hold the project lock while writing catalogs (see locflow.lock); stale temp files of killed runs
        in the catalog folders go first, as nobody else can be writing one now."""
        from .lock import project_lock, remove_stale_temp_files

        with project_lock(self.root, self.config.lock_timeout, waiting):
            remove_stale_temp_files(self.config.locales_path)
            yield

    def check_languages(self, languages: list[str] | None) -> None:
        for lang in languages or []:
            if lang not in self.config.languages:
                raise LocflowError(f"unknown language `{lang}`",
                                   hint="the project's languages: " + ", ".join(self.config.languages))


def _catalog_matches(catalog: CatalogFile, pattern: str) -> bool:
    pattern = pattern.strip("/")
    return catalog.name == pattern or catalog.group == pattern or fnmatch.fnmatchcase(catalog.name, pattern)
