"""`locflow publish`: only what reached its catalog's publish state goes out.

Each catalog goes out as its source kind says: a "messages" catalog (UI labels) as an MO and a
JSON bundle per language, whose entries below the gate fall back to the source text; a "pages"
catalog (articles) as its sources rebuilt per language, an article going out in a language only
when every one of its entries there passes the gate and the catalog is current with the article. Outputs are written only when their bytes change, and files a previous run published
that are no longer due are removed, so a held-back article can never linger.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import read_po, write_if_changed
from .errors import LocflowError
from .project import Project
from .states import STATE_ORDER, State, msgstr_forms, nplurals_of, state_of

if TYPE_CHECKING:
    import polib

    from .config import CatalogConfig
    from .sources.articles import Article

MANIFEST = "manifest.json"


@dataclass
class LabelBundle:
    """The published UI strings of one language: what passed the gate."""

    language: str
    plural_forms: str
    messages: dict[tuple[str | None, str], "polib.POEntry"] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    fallback: int = 0
    held: list[str] = field(default_factory=list)  # "file:line: why" for translations that cannot render


@dataclass(frozen=True)
class ArticleOutcome:
    slug: str
    language: str
    published: bool
    reason: str = ""
    states: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishResult:
    out: Path
    written: tuple[str, ...]
    removed: tuple[str, ...]
    manifest: dict
    problems: tuple[str, ...] = ()  # findings of the run: labels held back, a site without templates
    languages: tuple[str, ...] = ()  # published by this run; the manifest keeps the others' last figures
    pages: tuple[str, ...] = ()  # the catalogs published as pages (their manifest sections list held_back)

    @property
    def held_back(self) -> int:
        return sum(len(self.manifest["languages"][lang][name]["held_back"])
                   for lang in self.languages for name in self.pages)


def _state_counts(entries, nplurals: int | None = None) -> dict[str, int]:
    counts = {s.value: 0 for s in STATE_ORDER}
    for e in entries:
        counts[state_of(e, nplurals).value] += 1
    return counts


def label_bundle(project: Project, catalog: "CatalogConfig", language: str) -> LabelBundle:
    """A messages catalog's entries in one language at or above its publish state."""
    from .catalog import plural_forms

    bundle = LabelBundle(language, plural_forms(language)[1])
    path = project.po_path(catalog, language)
    if not path.is_file():
        # No catalog in this language at all: every label of the template shows its source text.
        template = project.template_path(catalog)
        if template.is_file():
            bundle.fallback += sum(1 for e in read_po(template, display=project.display(template))
                                   if not e.obsolete)
        return bundle
    po = read_po(path, display=project.display(path))
    bundle.plural_forms = po.metadata.get("Plural-Forms", bundle.plural_forms)
    from .plurals import catalog_nplurals, parse_rule

    try:
        parse_rule(bundle.plural_forms)  # a rule gettext cannot use would break every page that reads the MO
    except LocflowError as exc:
        raise LocflowError(exc.message, path=project.display(path), line=1,
                           hint="fix the Plural-Forms header (`locflow plurals show` gives the language's rule)"
                           ) from None
    gate = State(catalog.publish)
    active = [e for e in po if not e.obsolete]
    nplurals = catalog_nplurals(po.metadata.get("Plural-Forms"), language)
    bundle.counts = _state_counts(active, nplurals)
    broken = _placeholder_errors(project, catalog.name, language, po)
    for key in _unsafe_entries(po):
        broken.setdefault(key, ["it adds markup, a link target or control characters the source does not have"])
    for e in active:
        if state_of(e, nplurals).rank >= gate.rank and (e.msgctxt, e.msgid) not in broken:
            bundle.messages[(e.msgctxt, e.msgid)] = e
        else:
            bundle.fallback += 1
            if (e.msgctxt, e.msgid) in broken and state_of(e, nplurals).rank >= gate.rank:
                bundle.held.append(f"{project.display(path)}:{e.linenum}: {e.msgid!r} goes out in the source "
                                   f"language: {'; '.join(broken[(e.msgctxt, e.msgid)])}")
    return bundle


def _placeholder_errors(project: Project, name: str, language: str, po) -> dict[tuple[str | None, str], list[str]]:
    """Entries whose placeholders are broken: published, they would break the page that formats them
    (`%(author)d` given a name), so the source text goes out instead, whatever the check severities."""
    from .checks.format import placeholders
    from .checks.base import catalog_context

    cat = next(c for c in project.catalog_files([language], [name]) if c.name == name)
    ctx = catalog_context(project, cat, po)
    found = {}
    for e in po:
        if not e.obsolete and any(msgstr_forms(e)) and (problems := placeholders(ctx, e)):
            found[(e.msgctxt, e.msgid)] = problems
    return found


def _unsafe_entries(po) -> set[tuple[str | None, str]]:
    """Entries whose text adds markup, a link target or control characters the source does not have: whatever
    their state (approved by hand, say), front-end code and readers get the source text instead."""
    return {(e.msgctxt, e.msgid) for e in po if not e.obsolete and unsafe_reasons(e)}


def unsafe_reasons(entry: "polib.POEntry") -> list[str]:
    """What a translation adds that the source does not have: markup, link targets, control characters."""
    from .textscan import added_links, added_markup, control_characters

    sources = [entry.msgid] + [entry.msgid_plural] * (len(msgstr_forms(entry)) - 1) if entry.msgid_plural else [entry.msgid]
    reasons: list[str] = []
    for source, text in zip(sources, msgstr_forms(entry)):
        reasons += added_markup(source, text)
        reasons += [f"link target {t} is not in the source" for t in added_links(source, text)]
        reasons += [f"control character {c}" for c in control_characters(text)]
    return reasons


def write_mo(bundle: LabelBundle) -> bytes:
    """A compiled MO holding only the published entries; its header has no clock in it.

    babel's MO writer stamps POT-Creation-Date with the current minute, so two publishes of the
    same catalogs gave different bytes; polib writes exactly the header it is given.
    """
    import polib

    mo = polib.POFile(wrapwidth=0)
    mo.metadata = {
        "Content-Transfer-Encoding": "8bit",
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": bundle.language,
        "MIME-Version": "1.0",
        "Plural-Forms": bundle.plural_forms,
    }
    for (ctxt, msgid), e in sorted(bundle.messages.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        if e.msgid_plural:
            forms = msgstr_forms(e)
            mo.append(polib.POEntry(msgctxt=ctxt, msgid=msgid, msgid_plural=e.msgid_plural,
                                    msgstr_plural=dict(enumerate(forms))))
        else:
            mo.append(polib.POEntry(msgctxt=ctxt, msgid=msgid, msgstr=e.msgstr))
    return mo.to_binary()


def bundle_json(bundle: LabelBundle) -> bytes:
    """Front-end bundle: {"": header, "msgid" | "ctxt\\u0004msgid": str | [forms]}."""
    data: dict[str, object] = {"": {"language": bundle.language, "plural_forms": bundle.plural_forms}}
    for (ctxt, msgid), e in sorted(bundle.messages.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        key = f"{ctxt}\u0004{msgid}" if ctxt else msgid
        data[key] = msgstr_forms(e) if e.msgid_plural else e.msgstr
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def article_outcome(project: Project, catalog: "CatalogConfig", article: "Article",
                    language: str) -> tuple[ArticleOutcome, dict | None]:
    """Whether the article may go out in `language`, and its translations if so."""
    if language == article.language:
        return ArticleOutcome(article.slug, language, True, "source language"), {}
    path = project.po_path(catalog, language, article.slug)
    if not path.is_file():
        return ArticleOutcome(article.slug, language, False, "no catalog: run `locflow pull`"), None
    po = read_po(path, display=project.display(path))
    active = [e for e in po if not e.obsolete]
    counts = _state_counts(active, nplurals_of(po.metadata))
    by_id = {e.msgid: e for e in active}
    missing = [u for u in article.units if u.msgid not in by_id]
    if missing:
        return ArticleOutcome(article.slug, language, False,
                              f"catalog is behind the article ({len(missing)} new segments): run `locflow pull`",
                              counts), None
    gate = State(catalog.publish)
    below = {s.value: n for s, n in ((s, counts[s.value]) for s in STATE_ORDER) if n and s.rank < gate.rank}
    if below:
        detail = ", ".join(f"{n} {name}" for name, n in below.items())
        return ArticleOutcome(article.slug, language, False, f"{detail} below `{gate.value}`", counts), None
    unsafe = [e for e in active if unsafe_reasons(e)]
    if unsafe:
        # The reason names the line, not the text: the manifest must not carry the link either.
        return ArticleOutcome(article.slug, language, False,
                              f"{len(unsafe)} segments add markup, links or control characters the source does not "
                              f"have (first at line {unsafe[0].linenum}; `locflow check` lists them)", counts), None
    return ArticleOutcome(article.slug, language, True, "", counts), {m: e.msgstr for m, e in by_id.items()}


def added_targets(article: "Article", text: str) -> list[str]:
    """Link targets the published Markdown would have that the source article does not: never published,
    however the segments hide or show URLs."""
    from .textscan import link_targets

    have = set(link_targets(article.text))
    return [t for t in dict.fromkeys(link_targets(text)) if t not in have]


def publish(project: Project, languages: list[str] | None = None, out: Path | None = None) -> PublishResult:
    with project.lock():
        return _publish(project, languages, out)


def _publish(project: Project, languages: list[str] | None, out: Path | None) -> PublishResult:
    from .pull import pages_by_catalog
    from .site import render_site

    project.check_languages(languages)
    out_dir = out or project.root / "build"
    langs = languages or list(project.config.languages)
    messages = [c for c in project.config.catalogs.values() if project.kind(c).bundle == "messages"]
    sources = pages_by_catalog(project)
    pages = [project.config.catalogs[name] for name in sources]
    files: dict[str, bytes] = {}
    manifest: dict = {"site": project.config.site, "languages": {}}
    published: dict[str, list[tuple[Article, str]]] = {}
    problems: list[str] = []
    bundles: dict[str, list[bytes]] = {}
    for lang in langs:
        sections: dict[str, dict] = {}
        for catalog in messages:
            bundle = label_bundle(project, catalog, lang)
            problems += bundle.held
            files[f"{lang}/LC_MESSAGES/{catalog.name}.mo"] = write_mo(bundle)
            files[f"{lang}/{catalog.name}.json"] = bundle_json(bundle)
            bundles.setdefault(lang, []).append(files[f"{lang}/LC_MESSAGES/{catalog.name}.mo"])
            sections[catalog.name] = {"published": len(bundle.messages), "fallback_to_source": bundle.fallback,
                                      "states": bundle.counts}
        for catalog in pages:
            outcomes = [_page(project, catalog, page, lang, files, published) for page in sources[catalog.name]]
            sections[catalog.name] = {
                "published": sorted(o.slug for o in outcomes if o.published),
                "held_back": [{"slug": o.slug, "reason": o.reason, "states": o.states}
                              for o in sorted(outcomes, key=lambda o: o.slug) if not o.published],
            }
        manifest["languages"][lang] = sections
    if out_dir.exists() and not out_dir.is_dir():
        raise LocflowError("output path is not a folder", path=str(out_dir))
    _refuse_symlinks(out_dir)
    previous = _previous_manifest(out_dir)
    # The language switcher also offers what earlier runs published in the other languages.
    elsewhere = {lang: {slug for c in pages for slug in info.get(c.name, {}).get("published", [])}
                 for lang, info in previous.get("languages", {}).items()
                 if lang not in langs and lang in project.config.languages}
    files.update(render_site(project, langs, published, bundles, elsewhere, problems))
    # Publishing some languages leaves the others' files and manifest entries as they were.
    kept = [f for f in previous.get("files", []) if f.split("/", 1)[0] not in langs and f not in files]
    for lang, info in previous.get("languages", {}).items():
        if lang not in langs and lang in project.config.languages:
            manifest["languages"][lang] = info
    manifest["languages"] = dict(sorted(manifest["languages"].items(),
                                        key=lambda kv: project.config.languages.index(kv[0])))
    manifest["files"] = sorted([*files, *kept])
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    ledger = Ledger(project, out_dir)
    written, removed = _write(out_dir, files, previous.get("files", []), set(kept), ledger)
    return PublishResult(out_dir, tuple(written), tuple(removed), manifest, tuple(problems), tuple(langs),
                         tuple(c.name for c in pages))


def _page(project: Project, catalog: "CatalogConfig", page: "Article", lang: str, files: dict[str, bytes],
          published: dict[str, list[tuple["Article", str]]]) -> ArticleOutcome:
    """Publish one source of a pages catalog in `lang` when its translation passed the gate."""
    outcome, translations = article_outcome(project, catalog, page, lang)
    text = page.text
    if outcome.published and lang != page.language:
        text = project.kind(catalog).render(page, lang, translations)
        if added := added_targets(page, text):
            outcome = ArticleOutcome(page.slug, lang, False, f"the translation has {len(added)} link "
                                     "targets the source does not have", outcome.states)
    if outcome.published:
        files[f"{lang}/{catalog.name}/{page.slug}.md"] = text.encode("utf-8")
        published.setdefault(lang, []).append((page, text))
    return outcome


def _refuse_symlinks(out_dir: Path) -> None:
    """The output tree holds no symlinks: one would send published files (or deletions) elsewhere."""
    import os

    if out_dir.is_symlink():
        raise LocflowError("output folder is a symlink", path=str(out_dir),
                           hint="publish writes real folders only; remove the link or pass --out")
    if not out_dir.is_dir():
        return
    for folder, dirs, names in os.walk(out_dir):
        for name in [*dirs, *names]:
            if os.path.islink(os.path.join(folder, name)):
                raise LocflowError("symlink in the output folder", path=os.path.join(folder, name),
                                   hint="publish writes real files only; remove the link")


class Ledger:
    """What publish wrote into an output folder, with each file's SHA-256, kept in `.locflow/`.

    The manifest lives in the output folder, where anyone can edit it; a stale file is removed only
    when this record says publish wrote it and its bytes are still exactly what publish wrote.
    """

    def __init__(self, project: Project, out_dir: Path) -> None:
        self.path = project.root / ".locflow" / "published.json"
        resolved, root = out_dir.resolve(), project.root.resolve()
        # Relative inside the project, so a copied or moved checkout still knows its build folder.
        self.key = resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(resolved)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.all = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            self.all = {}
        owned = self.all.get(self.key)
        self.files: dict[str, str] = dict(owned) if isinstance(owned, dict) else {}

    @staticmethod
    def sha(data: bytes) -> str:
        import hashlib

        return hashlib.sha256(data).hexdigest()

    def owns(self, path: Path, rel: str) -> bool:
        try:
            return self.files.get(rel) == self.sha(path.read_bytes())
        except OSError:
            return False

    def save(self) -> None:
        self.all[self.key] = dict(sorted(self.files.items()))
        data = (json.dumps(self.all, indent=1, sort_keys=True) + "\n").encode("utf-8")
        write_if_changed(self.path, data)


def _previous_manifest(out_dir: Path) -> dict:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write(out_dir: Path, files: dict[str, bytes], previous: list[str], kept: set[str],
           ledger: Ledger) -> tuple[list[str], list[str]]:
    written, removed = [], []
    _remove_temp_files(out_dir)
    # The manifest goes last: a run killed before it leaves the previous manifest in place, whose
    # file list lets the next run remove what is no longer due.
    for rel in sorted(f for f in files if f != MANIFEST):
        ledger.files[rel] = ledger.sha(files[rel])
        if write_if_changed(out_dir / rel, files[rel]):
            written.append(rel)
    ledger.save()
    for rel in previous:
        if rel not in files and rel not in kept and ".." not in Path(rel).parts and not Path(rel).is_absolute():
            stale = out_dir / rel
            # The manifest's word is not enough: only a file publish wrote, unchanged since, is removed.
            if stale.is_file() and not stale.is_symlink() and ledger.owns(stale, rel):
                stale.unlink()
                ledger.files.pop(rel, None)
                removed.append(rel)
                folder = stale.parent
                while folder != out_dir and folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()  # no empty folders left behind
                    folder = folder.parent
    ledger.save()
    if write_if_changed(out_dir / MANIFEST, files[MANIFEST]):
        written.append(MANIFEST)
    return written, removed


def _remove_temp_files(out_dir: Path) -> None:
    """Half-written temp files of a killed run (`.name.XXXX.tmp`): never deploy them."""
    if out_dir.is_dir():
        for stray in out_dir.rglob(".*.tmp"):
            if stray.is_file():
                stray.unlink()

