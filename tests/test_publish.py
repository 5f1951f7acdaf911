"""`locflow publish`: gated MO/JSON bundles, translated articles, the static site, the manifest.

Every test works on a copy of the committed sample project (site, locales, glossaries,
workflow.yaml) in tmp_path. Expected values come from the PO files themselves, read with
polib and classified here by README's state table, not from locflow's own helpers.
"""
from __future__ import annotations

import datetime as _dt
import functools
import gettext
import http.server
import json
import re
import shutil
import struct
import subprocess
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from babel.dates import format_date
from typer.testing import CliRunner

from .conftest import copy_sample, edit_file
from .html_tree import Node, parse_html, squash
from .review_oracle import active, approve_with, edit, forms, state, to_fuzzy, to_machine
from locflow.cli import app
from locflow.sources.articles import load_article, parse_article

LANGUAGES = ("en", "et", "lv", "lt", "pl", "ro", "ru", "uk")
NATIVE = {"en": "English", "et": "Eesti", "lv": "Latviešu", "lt": "Lietuvių", "pl": "Polski",
          "ro": "Română", "ru": "Русский", "uk": "Українська"}
SITE_NAME = "Estonian Free Press"
READ = "%(count)s min read"
READ_PLURAL = "%(count)s min read"
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"

# gettext plural rules as CLDR/GNU define them (the oracle for "which form for n").
PLURAL = {
    "en": lambda n: int(n != 1),
    "et": lambda n: int(n != 1),
    "lv": lambda n: 0 if n % 10 == 1 and n % 100 != 11 else (1 if n != 0 else 2),
    "lt": lambda n: 0 if n % 10 == 1 and n % 100 != 11 else (
        1 if n % 10 >= 2 and (n % 100 < 10 or n % 100 >= 20) else 2),
    "pl": lambda n: 0 if n == 1 else (1 if 2 <= n % 10 <= 4 and (n % 100 < 10 or n % 100 >= 20) else 2),
    "ro": lambda n: 0 if n == 1 else (1 if n == 0 or 0 < n % 100 < 20 else 2),
    "ru": lambda n: 0 if n % 10 == 1 and n % 100 != 11 else (
        1 if 2 <= n % 10 <= 4 and (n % 100 < 10 or n % 100 >= 20) else 2),
    "uk": lambda n: 0 if n % 10 == 1 and n % 100 != 11 else (
        1 if 2 <= n % 10 <= 4 and (n % 100 < 10 or n % 100 >= 20) else 2),
}


# --------------------------------------------------------------------------- project and CLI

@dataclass
class Result:
    exit_code: int
    output: str


def locflow(root: Path, *args) -> Result:
    """The CLI in-process, on the project at `root` (no chdir)."""
    result = CliRunner().invoke(app, ["--config", str(root / "workflow.yaml"), *[str(a) for a in args]])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"locflow {' '.join(map(str, args))} raised {result.exception!r}\n{result.output}") \
            from result.exception
    return Result(result.exit_code, result.output)


def publish(root: Path, *args) -> Result:
    result = locflow(root, "publish", *args)
    assert result.exit_code == 0, result.output
    return result


def files_state(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """(inode, mtime_ns, bytes) of every file: an atomic rewrite changes the inode even with equal bytes."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- review states (oracle: review_oracle.py)

RANK = {"untranslated": 0, "fuzzy": 1, "machine": 2, "reviewed": 3, "approved": 4}


# --------------------------------------------------------------------------- content oracles

@functools.lru_cache(maxsize=None)
def _sources(root: Path) -> tuple:
    return tuple(load_article(p) for p in sorted((root / "site" / "articles").glob("*.md")))


def sources(root: Path) -> dict:
    return {a.slug: a for a in _sources(root)}


def article_po(root: Path, lang: str, slug: str) -> Path:
    return root / "locales" / lang / "articles" / f"{slug}.po"


def due(root: Path, lang: str, slug: str) -> bool:
    """An article may go out in `lang`: its own language, or a current catalog with every entry approved."""
    article = sources(root)[slug]
    if article.language == lang:
        return True
    path = article_po(root, lang, slug)
    if not path.is_file():
        return False
    entries = active(path)
    ids = {e.msgid for e in entries}
    return all(u.msgid in ids for u in article.units) and all(state(e) == "approved" for e in entries)


def expected_published(root: Path, lang: str) -> set[str]:
    return {slug for slug in sources(root) if due(root, lang, slug)}


def ui_entries(root: Path, lang: str) -> list[polib.POEntry]:
    return active(root / "locales" / lang / "LC_MESSAGES" / "ui.po")


def ui_published(e: polib.POEntry) -> bool:
    """The UI gate is `reviewed`: reviewed or approved, every form filled."""
    return RANK[state(e)] >= RANK["reviewed"] and all(forms(e))


class Labels:
    """What a page in `lang` must show for each UI string: the published msgstr or the English source."""

    def __init__(self, root: Path, lang: str):
        self.lang = lang
        self.entries = {(e.msgctxt, e.msgid): e for e in ui_entries(root, lang)}

    def __call__(self, msgid: str, ctxt: str | None = None) -> str:
        e = self.entries[(ctxt, msgid)]
        return e.msgstr if ui_published(e) else msgid

    def plural(self, msgid: str, n: int) -> str:
        e = self.entries[(None, msgid)]
        if ui_published(e):
            return forms(e)[PLURAL[self.lang](n)]
        return e.msgid if n == 1 else e.msgid_plural


def translated_meta(root: Path, lang: str, slug: str) -> dict:
    """Title and summary an article has in `lang` (its catalog's msgstr, or the source)."""
    article = sources(root)[slug]
    meta = {"title": article.meta["title"], "summary": article.meta["summary"]}
    if article.language != lang:
        by_id = {e.msgid: e.msgstr for e in active(article_po(root, lang, slug))}
        for key in ("title", "summary"):
            meta[key] = by_id[article.meta[key]]
    return meta


# --------------------------------------------------------------------------- strict HTML tree

def loose(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=None)
def _page(path: Path, mtime: int) -> Node:
    return parse_html(path.read_text(encoding="utf-8"))


def page(path: Path) -> Node:
    return _page(path, path.stat().st_mtime_ns)


# --------------------------------------------------------------------------- the baseline site

@dataclass
class Site:
    root: Path
    out: Path
    manifest: dict
    output: str

    def pages(self, lang: str) -> list[Path]:
        return sorted((self.out / lang).glob("*.html"))


def build_site(root: Path, *args) -> Site:
    result = publish(root, *args)
    out = root / "build"
    return Site(root, out, json.loads((out / "manifest.json").read_text(encoding="utf-8")), result.output)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    """The committed sample project, published once (read-only for the tests that use it)."""
    return build_site(copy_sample(tmp_path_factory.mktemp("baseline") / "proj"))


@pytest.fixture
def built(site: Site, tmp_path: Path) -> Site:
    """A private copy of the published baseline (project and build/), for tests that change it."""
    root = tmp_path / "proj"
    shutil.copytree(site.root, root)
    return Site(root, root / "build", json.loads((root / "build" / "manifest.json").read_text("utf-8")), "")


# =========================================================================== manifest

def test_manifest_matches_the_catalogs(site: Site):
    manifest = site.manifest
    assert manifest["site"] == SITE_NAME
    assert set(manifest["languages"]) == set(LANGUAGES)
    all_slugs = set(sources(site.root))
    for lang in LANGUAGES:
        info = manifest["languages"][lang]
        entries = ui_entries(site.root, lang)
        counts = {s: 0 for s in RANK}
        for e in entries:
            counts[state(e)] += 1
        assert info["ui"]["states"] == counts, lang
        assert info["ui"]["published"] == sum(ui_published(e) for e in entries), lang
        assert info["ui"]["fallback_to_source"] == sum(not ui_published(e) for e in entries), lang

        published = info["articles"]["published"]
        held = {h["slug"]: h for h in info["articles"]["held_back"]}
        assert published == sorted(published)
        assert set(published) == expected_published(site.root, lang), lang
        assert set(published) | set(held) == all_slugs and not set(published) & set(held), lang
        for slug, h in held.items():
            assert h["reason"], (lang, slug)
            path = article_po(site.root, lang, slug)
            if path.is_file():
                counts = {s: 0 for s in RANK}
                for e in active(path):
                    counts[state(e)] += 1
                assert h["states"] == counts, (lang, slug)
                below = {s: n for s, n in counts.items() if n and s != "approved"}
                assert below, (lang, slug)
                for name, n in below.items():  # the reason names what holds it back
                    assert f"{n} {name}" in h["reason"], (lang, slug, h["reason"])
            else:
                assert "catalog" in h["reason"], h["reason"]

    on_disk = {p.relative_to(site.out).as_posix() for p in site.out.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {"manifest.json"}
    assert manifest["files"] == sorted(manifest["files"])


def test_sample_publishes_each_language_and_holds_drafts_back(site: Site):
    """Sanity on the committed sample: every language gets its own articles plus some translations,
    and the machine drafts are held back."""
    for lang in LANGUAGES:
        info = site.manifest["languages"][lang]["articles"]
        own = {slug for slug, a in sources(site.root).items() if a.language == lang}
        assert own <= set(info["published"])
        assert info["held_back"], lang
    held = site.manifest["languages"]["en"]["articles"]["held_back"]
    tallinn = next(h for h in held if h["slug"] == "tallinn-cyber-defence-exercise")
    assert tallinn["states"]["machine"] > 0 and "machine" in tallinn["reason"]


# =========================================================================== UI bundles


@pytest.mark.parametrize("lang", ["et", "ru"])
def test_mo_header_holds_no_clock(site: Site, lang: str):
    """babel's MO writer stamped POT-Creation-Date with the current minute: a publish a minute
    later rewrote every ui.mo (and a kill test caught a file that was neither old nor new)."""
    with open(site.out / lang / "LC_MESSAGES" / "ui.mo", "rb") as handle:
        header = gettext.GNUTranslations(handle).info()
    assert sorted(header) == ["content-transfer-encoding", "content-type", "language", "mime-version",
                              "plural-forms"]

@pytest.mark.parametrize("lang", LANGUAGES)
def test_mo_loads_with_gettext_and_holds_exactly_the_published_entries(site: Site, lang: str):
    with open(site.out / lang / "LC_MESSAGES" / "ui.mo", "rb") as handle:
        tr = gettext.GNUTranslations(handle)
    po = polib.pofile(str(site.root / "locales" / lang / "LC_MESSAGES" / "ui.po"))
    assert tr.info()["plural-forms"].replace(" ", "") == po.metadata["Plural-Forms"].replace(" ", "")
    assert tr.info()["language"] == lang
    assert tr.charset().lower() == "utf-8"
    for e in (e for e in po if not e.obsolete):
        if e.msgid_plural:
            for n in (0, 1, 2, 3, 5, 11, 21, 22, 101):
                got = tr.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n) if e.msgctxt else \
                    tr.ngettext(e.msgid, e.msgid_plural, n)
                want = forms(e)[PLURAL[lang](n)] if ui_published(e) else (e.msgid if n == 1 else e.msgid_plural)
                assert got == want, (lang, e.msgid, n)
        else:
            got = tr.pgettext(e.msgctxt, e.msgid) if e.msgctxt else tr.gettext(e.msgid)
            assert got == (e.msgstr if ui_published(e) else e.msgid), (lang, e.msgid)


READING_TIME = {
    "ru": {1: "1 минута чтения", 2: "2 минуты чтения", 5: "5 минут чтения", 11: "11 минут чтения",
           21: "21 минута чтения", 24: "24 минуты чтения"},
    "pl": {1: "1 min czytania", 2: "2 min czytania", 5: "5 min czytania", 22: "22 min czytania"},
    "lt": {1: "1 minutės skaitymas", 2: "2 minučių skaitymas", 10: "10 minučių skaitymas",
           21: "21 minutės skaitymas"},
    "lv": {0: "0 minūšu lasīšanai", 1: "1 minūte lasīšanai", 2: "2 minūtes lasīšanai",
           11: "11 minūtes lasīšanai", 21: "21 minūte lasīšanai"},
    "et": {1: "1 min lugemist", 2: "2 min lugemist", 7: "7 min lugemist"},
}


@pytest.mark.parametrize("lang", sorted(READING_TIME))
def test_mo_reading_time_plural_forms(site: Site, lang: str):
    with open(site.out / lang / "LC_MESSAGES" / "ui.mo", "rb") as handle:
        tr = gettext.GNUTranslations(handle)
    got = {n: tr.ngettext(READ, READ_PLURAL, n) % {"count": n} for n in READING_TIME[lang]}
    assert got == READING_TIME[lang]
    if lang == "ru":
        assert len({tr.ngettext(READ, READ_PLURAL, n) for n in (1, 2, 5)}) == 3


def test_mo_picks_the_plural_form_each_language_rule_asks_for(tmp_path: Path):
    """With every form made distinct, ngettext must choose form k exactly as the language's rule says
    (the committed pl and et forms happen to be identical, so this is where their rules are tested)."""
    root = copy_sample(tmp_path / "proj")
    langs = ("ru", "pl", "lt", "lv", "et", "uk", "ro")
    for lang in langs:
        def tag_forms(e: polib.POEntry) -> None:
            for k in e.msgstr_plural:
                e.msgstr_plural[k] = f"%(count)s {lang}-form{k}"
        edit(root / "locales" / lang / "LC_MESSAGES" / "ui.po", lambda e: e.msgid == READ, tag_forms)
    publish(root, *[a for lang in langs for a in ("--lang", lang)], "--out", tmp_path / "out")
    for lang in langs:
        with open(tmp_path / "out" / lang / "LC_MESSAGES" / "ui.mo", "rb") as handle:
            tr = gettext.GNUTranslations(handle)
        bundle = json.loads((tmp_path / "out" / lang / "ui.json").read_text("utf-8"))
        n_forms = 2 if lang == "et" else 3
        assert bundle[READ] == [f"%(count)s {lang}-form{k}" for k in range(n_forms)]
        for n in list(range(0, 30)) + [100, 101, 102, 105, 111, 112, 121, 1001]:
            assert tr.ngettext(READ, READ_PLURAL, n) % {"count": n} == f"{n} {lang}-form{PLURAL[lang](n)}", (lang, n)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_json_bundle_holds_exactly_the_published_entries(site: Site, lang: str):
    data = json.loads((site.out / lang / "ui.json").read_text(encoding="utf-8"))
    header = data.pop("")
    assert header["language"] == lang
    po = polib.pofile(str(site.root / "locales" / lang / "LC_MESSAGES" / "ui.po"))
    assert header["plural_forms"] == po.metadata["Plural-Forms"]
    want = {}
    for e in (e for e in po if not e.obsolete and ui_published(e)):
        key = f"{e.msgctxt}\u0004{e.msgid}" if e.msgctxt else e.msgid
        want[key] = forms(e) if e.msgid_plural else e.msgstr
    assert data == want


def test_ui_entry_below_the_gate_falls_back_to_english(built: Site):
    root = built.root
    ru_ui = root / "locales" / "ru" / "LC_MESSAGES" / "ui.po"
    trending = edit(ru_ui, lambda e: e.msgid == "Trending", to_machine)
    reading = edit(ru_ui, lambda e: e.msgid == READ, to_fuzzy)
    assert trending.msgstr and reading.msgstr_plural[0]  # there was a translation to hold back
    hot = Labels(root, "ru")("What's Hot")
    assert hot != "What's Hot"
    publish(root)

    with open(built.out / "ru" / "LC_MESSAGES" / "ui.mo", "rb") as handle:
        tr = gettext.GNUTranslations(handle)
    assert tr.gettext("Trending") == "Trending"
    assert tr.ngettext(READ, READ_PLURAL, 5) == READ
    assert tr.gettext("What's Hot") == hot

    bundle = json.loads((built.out / "ru" / "ui.json").read_text(encoding="utf-8"))
    assert bundle.get("Trending", "Trending") == "Trending"
    assert bundle.get(READ, [READ, READ_PLURAL]) in ([READ, READ_PLURAL], READ)
    assert bundle["What's Hot"] == hot

    ui = json.loads((built.out / "manifest.json").read_text("utf-8"))["languages"]["ru"]["ui"]
    assert ui["fallback_to_source"] == 2
    assert ui["states"]["machine"] == 1 and ui["states"]["fuzzy"] == 1
    assert ui["published"] == len(ui_entries(root, "ru")) - 2

    home = page(built.out / "ru" / "index.html")
    assert home.find("section", "trending").find("h2").clean() == "Trending"
    assert home.find("section", "whats-hot").find("h2").clean() == hot
    times = [n.clean() for n in home.find_all("span", "reading-time")]
    assert times and all(re.fullmatch(r"\d+ min read", t) for t in times), times
    # Other languages are untouched.
    et = page(built.out / "et" / "index.html")
    assert et.find("section", "trending").find("h2").clean() == Labels(root, "et")("Trending") != "Trending"


def test_a_language_without_a_ui_catalog_counts_every_label_as_falling_back(built: Site):
    """With locales/ru deleted, publish once said "UI 0 strings (0 fall back)" for an all-English page."""
    import polib as _polib

    shutil.rmtree(built.root / "locales" / "ru")
    result = publish(built.root, "--lang", "ru")
    labels = [e for e in _polib.pofile(str(built.root / "locales" / "templates" / "ui.pot")) if not e.obsolete]
    info = json.loads((built.out / "manifest.json").read_text("utf-8"))["languages"]["ru"]["ui"]
    assert (info["published"], info["fallback_to_source"]) == (0, len(labels))
    assert f"ru: ui: 0 strings ({len(labels)} fall back to source)" in result.output


def test_a_reviewed_entry_with_a_broken_placeholder_goes_out_in_english(built: Site):
    """`%(author)d` (or a bare `%`) passed the gate as `reviewed` and crashed the page renderer with
    an internal error; now the source text is published for it and the site builds."""
    ui = built.root / "locales" / "ru" / "LC_MESSAGES" / "ui.po"
    text = ui.read_text(encoding="utf-8")
    ui.write_text(text.replace('msgstr "Автор: %(author)s"', 'msgstr "Автор: %(author)d"'), encoding="utf-8")
    publish(built.root)
    with open(built.out / "ru" / "LC_MESSAGES" / "ui.mo", "rb") as handle:
        tr = gettext.GNUTranslations(handle)
    assert tr.gettext("By %(author)s") == "By %(author)s"
    info = json.loads((built.out / "manifest.json").read_text("utf-8"))["languages"]["ru"]["ui"]
    assert info["fallback_to_source"] == built.manifest["languages"]["ru"]["ui"]["fallback_to_source"] + 1
    article = next(p for p in (built.out / "ru").glob("*.html") if p.name != "index.html")
    byline = page(article).find("span", "byline").clean()
    assert byline.startswith("By ") and "%(" not in byline


# =========================================================================== the article gate

def test_one_machine_entry_holds_the_article_back_and_removes_its_files(built: Site):
    root, out = built.root, built.out
    slug = "baltic-air-policing-rotation"
    assert slug in built.manifest["languages"]["ru"]["articles"]["published"]
    assert sources(root)[slug].language == "en"
    html, md = out / "ru" / f"{slug}.html", out / "ru" / "articles" / f"{slug}.md"
    assert html.is_file() and md.is_file()
    before = files_state(out)
    n_entries = len(active(article_po(root, "ru", slug)))

    edit(article_po(root, "ru", slug), lambda e: e.msgid.startswith("A new detachment of allied"), to_machine)
    result = publish(root)

    assert not html.exists() and not md.exists()
    assert "removed 2" in result.output, result.output
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    ru = manifest["languages"]["ru"]["articles"]
    assert slug not in ru["published"]
    held = [h for h in ru["held_back"] if h["slug"] == slug]
    assert len(held) == 1
    assert "1 machine" in held[0]["reason"] and "approved" in held[0]["reason"], held[0]["reason"]
    assert held[0]["states"]["machine"] == 1 and held[0]["states"]["approved"] == n_entries - 1
    assert f"ru/{slug}.html" not in manifest["files"] and f"ru/articles/{slug}.md" not in manifest["files"]

    ru_title = translated_meta(root, "ru", slug)["title"]
    for path in built.pages("ru"):
        doc = page(path)
        hrefs = {a.attrs.get("href") for a in doc.find_all("a")}
        assert f"/ru/{slug}.html" not in hrefs, path.name
        assert ru_title not in doc.text(), path.name
    # Its pages in other languages no longer offer the Russian version.
    others = [lang for lang in LANGUAGES if lang != "ru"
              and slug in built.manifest["languages"][lang]["articles"]["published"]]
    assert len(others) >= 2
    for lang in others:
        doc = page(out / lang / f"{slug}.html")
        assert "ru" not in {a.attrs["hreflang"] for a in doc.find("ul", "language-list").find_all("a")}
        assert f"/ru/{slug}.html" not in {n.attrs.get("href") for n in doc.find_all("link")}
    # Pages the change does not concern are not rewritten.
    after = files_state(out)
    for rel in ("et/index.html", "et/LC_MESSAGES/ui.mo", "ru/LC_MESSAGES/ui.mo", "static/style.css"):
        assert after[rel][:2] == before[rel][:2], rel


def test_article_catalog_missing_or_behind_holds_it_back(built: Site):
    root = built.root
    slug = "kyiv-disinformation-response"  # uk source; approved in ru
    assert slug in built.manifest["languages"]["ru"]["articles"]["published"]
    # A segment the catalog does not have yet (the article moved on, pull not run).
    article = root / "site" / "articles" / f"{slug}.md"
    article.write_text(article.read_text("utf-8") + "\nНовий абзац, якого ще немає в каталогах.\n", "utf-8")
    # And the Russian catalog of another article disappears.
    other = "vilnius-civil-defence-drill"
    assert other in built.manifest["languages"]["ru"]["articles"]["published"]
    article_po(root, "ru", other).unlink()
    publish(root)
    ru = json.loads((built.out / "manifest.json").read_text("utf-8"))["languages"]["ru"]["articles"]
    held = {h["slug"]: h["reason"] for h in ru["held_back"]}
    assert slug in held and other in held, held
    assert "pull" in held[slug] and "pull" in held[other]
    assert not (built.out / "ru" / f"{slug}.html").exists()
    assert not (built.out / "ru" / f"{other}.html").exists()
    assert (built.out / "uk" / f"{slug}.html").is_file()  # its own language always goes out


# =========================================================================== translated Markdown

def test_translated_markdown_keeps_markup_and_urls(site: Site):
    checked = 0
    for lang in LANGUAGES:
        for slug in site.manifest["languages"][lang]["articles"]["published"]:
            source = sources(site.root)[slug]
            text = (site.out / lang / "articles" / f"{slug}.md").read_text(encoding="utf-8")
            if source.language == lang:
                assert text == source.text
                continue
            checked += 1
            got = parse_article(text, Path(f"{slug}.md"))
            assert got.meta["language"] == lang
            for key in ("slug", "date", "section", "author"):
                assert got.meta[key] == source.meta[key], (lang, slug, key)
            meta = translated_meta(site.root, lang, slug)
            assert got.meta["title"] == meta["title"] and got.meta["summary"] == meta["summary"]
            assert got.meta["title"] != source.meta["title"]
            by_id = {e.msgid: e.msgstr for e in active(article_po(site.root, lang, slug))}
            assert [u.kind for u in got.units] == [u.kind for u in source.units], (lang, slug)
            for mine, theirs in zip(got.units, source.units):
                assert mine.tags == theirs.tags, (lang, slug, theirs.msgid)  # links, images, emphasis intact
                assert mine.msgid == " ".join(by_id[theirs.msgid].split("\n")), (lang, slug)
            for url in re.findall(r"\]\(([^)\s]+)\)", source.text):
                assert f"]({url})" in text, (lang, slug, url)
    assert checked >= 5


def test_article_page_keeps_links_and_images(site: Site):
    slug = "baltic-air-policing-rotation"
    assert slug in site.manifest["languages"]["ru"]["articles"]["published"]
    body = page(site.out / "ru" / f"{slug}.html").find("div", "article-body")
    links = {a.attrs["href"]: a.clean() for a in body.find_all("a")}
    assert "https://example.org/air-command/baltic-rotation" in links
    img = body.find("img")
    by_id = {e.msgid: e.msgstr for e in active(article_po(site.root, "ru", slug))}
    assert img.attrs["src"] == "/images/air-policing-apron.jpg"
    assert img.attrs["alt"] == by_id["Two grey fighter jets parked on a snowy apron at dawn"]
    assert [h.clean() for h in body.find_all("h2")] == [
        by_id[u.msgid] for u in sources(site.root)[slug].units if u.kind == "heading"]


# =========================================================================== pages

def all_pages(site: Site):
    for lang in LANGUAGES:
        for path in site.pages(lang):
            yield lang, path


def test_every_page_parses_and_carries_its_language(site: Site):
    count = 0
    for lang, path in all_pages(site):
        doc = page(path)
        html = doc.find("html")
        assert html.attrs.get("lang") == lang, path
        assert doc.find("body").attrs["class"] == f"lang-{lang}"
        for article in doc.find_all("article", "article"):
            assert article.attrs.get("lang") == lang
        assert doc.find("meta", charset="utf-8")
        count += 1
    expected = sum(len(v["articles"]["published"]) + 1 for v in site.manifest["languages"].values())
    assert count == expected


def test_pages_are_exactly_the_published_articles(site: Site):
    for lang in LANGUAGES:
        published = set(site.manifest["languages"][lang]["articles"]["published"])
        assert {p.stem for p in site.pages(lang)} == published | {"index"}
        assert {p.stem for p in (site.out / lang / "articles").glob("*.md")} == published


def test_language_switcher_lists_only_languages_the_page_exists_in(site: Site):
    languages = site.manifest["languages"]
    for lang, path in all_pages(site):
        doc = page(path)
        links = doc.find("ul", "language-list").find_all("a")
        codes = [a.attrs["hreflang"] for a in links]
        if path.stem == "index":
            assert codes == list(LANGUAGES)
        else:
            assert codes == [c for c in LANGUAGES if path.stem in languages[c]["articles"]["published"]], path
        for a in links:
            code = a.attrs["hreflang"]
            assert a.clean() == NATIVE[code]
            assert a.attrs["lang"] == code
            target = a.attrs["href"].lstrip("/")
            target = target + "index.html" if target.endswith("/") else target
            assert (site.out / target).is_file(), (path, a.attrs["href"])
            assert a.attrs["href"].startswith(f"/{code}/")
            assert ("aria-current" in a.attrs) == (code == lang)
        alternates = [n.attrs["hreflang"] for n in doc.find_all("link", rel="alternate")]
        assert alternates == codes


def test_article_links_point_to_published_pages_in_the_same_language(site: Site):
    for lang, path in all_pages(site):
        doc = page(path)
        switcher = doc.find("ul", "language-list")
        in_switcher = {id(a) for a in switcher.find_all("a")}
        for a in doc.find_all("a"):
            href = a.attrs.get("href", "")
            m = re.fullmatch(r"/(\w\w)/([a-z0-9-]+)\.html", href)
            if not m or id(a) in in_switcher:
                continue
            assert m.group(1) == lang, (path, href)
            assert (site.out / lang / f"{m.group(2)}.html").is_file(), (path, href)
            assert m.group(2) in site.manifest["languages"][lang]["articles"]["published"]


def test_no_untranslated_or_held_back_article_on_a_language_page(site: Site):
    root = site.root
    for lang in LANGUAGES:
        published = set(site.manifest["languages"][lang]["articles"]["published"])
        foreign_titles = set()
        for slug, article in sources(root).items():
            if slug not in published:
                foreign_titles.add(article.meta["title"])
                for other in LANGUAGES:  # nor its translation into any other language
                    if other != article.language and article_po(root, other, slug).is_file():
                        foreign_titles.add(translated_meta(root, other, slug)["title"])
            elif article.language != lang:
                foreign_titles.add(article.meta["title"])  # the source title of a translated article
        foreign_titles.discard("")
        for slug in published:
            foreign_titles.discard(translated_meta(root, lang, slug)["title"])
        for path in site.pages(lang):
            text = page(path).clean()
            for title in foreign_titles:
                assert title not in text, (path, title)

        home = page(site.out / lang / "index.html")
        cards = home.find_all("article", "card")
        assert len(cards) == len(published)
        for card in cards:
            a = card.find("h2", "card-title").find("a")
            slug = re.fullmatch(rf"/{lang}/([a-z0-9-]+)\.html", a.attrs["href"]).group(1)
            meta = translated_meta(root, lang, slug)
            assert a.clean() == meta["title"]
            assert card.find("p", "card-summary").clean() == squash(meta["summary"])


def _page_labels(doc: Node, labels: Labels, kind: str) -> list[tuple[str, str, str]]:
    """(where, got, want) for every UI label on a page."""
    pairs = [
        ("language label", doc.find("span", "language-label").clean(), labels("Language")),
        ("search label", doc.find("label", for_="search-input").clean(), labels("Search")),
        ("search hint", doc.find("p", "search-hint").clean(),
         labels("Type above and press Enter to search. Press Esc to cancel.")),
        ("follow heading", doc.find("h2", "follow-heading").clean(), labels("Subscribe", "heading")),
        ("newsletter", doc.find("h2", id="newsletter-title").clean(), labels("Subscribe to Updates")),
        ("newsletter intro", doc.find("p", "newsletter-intro").clean(),
         labels("Get the latest national security news directly to your inbox.")),
        ("button", doc.find("button").clean(), labels("Subscribe", "button")),
        ("email placeholder", doc.find("input", type="email").attrs["placeholder"], labels("Your email address")),
        ("stay in touch", doc.find("section", "stay-in-touch").find("h2").clean(), labels("Stay In Touch")),
    ]
    menu = [a.clean() for a in doc.find("ul", "menu").find_all("a")]
    pairs.append(("menu", " | ".join(menu), " | ".join(labels(m) for m in (
        "Home", "National Security", "United States", "United Kingdom", "Europe", "Estonia", "Latvia",
        "Lithuania", "Moldova", "Poland", "Russia", "Ukraine", "Counterterrorism", "Cybersecurity",
        "Intelligence"))))
    footer = [a.clean() for a in doc.find("nav", "footer-links").find_all("a")]
    pairs.append(("footer", " | ".join(footer), " | ".join(labels(m) for m in (
        "About Us", "Privacy Policy", "Terms and Conditions", "Contact"))))
    for cls, msgid in (("whats-hot", "What's Hot"), ("trending", "Trending"), ("dont-miss", "Don't Miss"),
                       ("our-picks", "Our Picks")):
        pairs.append((cls, doc.find("section", cls).find("h2").clean(), labels(msgid)))
    if kind == "index":
        pairs.append(("latest", doc.find("section", "latest-news").find("h1").clean(), labels("Latest News")))
        pairs += [("read more", a.clean(), labels("Read more")) for a in doc.find_all("a", "read-more")]
    else:
        crumb = doc.find("nav", "breadcrumb")
        pairs.append(("breadcrumb aria", crumb.attrs["aria-label"], labels("Breadcrumb", "aria")))
        pairs.append(("breadcrumb home", crumb.find("a").clean(), labels("Home")))
        pairs.append(("share", doc.find("span", "share-label").clean(), labels("Share")))
        related = doc.find_all("section", "related")
        if related:
            pairs.append(("related", related[0].find("h2").clean(), labels("Related Articles")))
    return [(where, got, squash(want)) for where, got, want in pairs]


def test_every_ui_label_comes_from_the_page_language_or_english(site: Site):
    """The seed's "Articles Liés" on the English page: a label in a foreign language is impossible."""
    catalogs = {lang: ui_entries(site.root, lang) for lang in LANGUAGES}
    english = {e.msgid for e in catalogs["en"]} | {e.msgid_plural for e in catalogs["en"] if e.msgid_plural}
    for lang in LANGUAGES:
        labels = Labels(site.root, lang)
        own = english | {f for e in catalogs[lang] for f in forms(e)}
        foreign = {squash(f) for other, entries in catalogs.items() if other != lang
                   for e in entries for f in forms(e)} - own - {""}
        foreign.add("Articles Liés")
        for path in site.pages(lang):
            doc = page(path)
            mismatches = [p for p in _page_labels(doc, labels, "index" if path.stem == "index" else "article")
                          if p[1] != p[2]]
            assert not mismatches, (path, mismatches)
            switcher = doc.find("ul", "language-list")  # native names are meant to be foreign
            texts = set(doc.strings()) - set(switcher.strings())
            texts |= {v for n in doc.iter() for k, v in n.attrs.items()
                      if k in ("placeholder", "aria-label", "title", "alt") and v}
            assert not texts & foreign, (path, texts & foreign)


def test_dates_reading_times_and_bylines_per_locale(site: Site):
    root = site.root
    for lang, path in all_pages(site):
        doc = page(path)
        labels = Labels(root, lang)
        published = site.manifest["languages"][lang]["articles"]["published"]
        dates = {slug: _dt.date.fromisoformat(str(sources(root)[slug].meta["date"])) for slug in published}
        # Every listed date belongs to the article linked next to it, formatted for this locale.
        for time in doc.find_all("time", "date"):
            holder = time.ancestor("li") or time.ancestor("article")
            href = holder.find("a").attrs["href"]
            slug = re.fullmatch(rf"/{lang}/([a-z0-9-]+)\.html", href).group(1)
            assert time.clean() == format_date(dates[slug], format="long", locale=lang), (path, slug)
        newest = max(dates.values())
        assert doc.find("time", "today").clean() == format_date(newest, format="full", locale=lang)
        copyright = labels("© %(year)s %(site)s. All rights reserved.") % {"year": newest.year, "site": SITE_NAME}
        assert doc.find("p", "copyright").clean() == copyright
        # Reading time in its own element, through the plural forms; never glued to a date.
        for span in doc.find_all("span", "reading-time"):
            n = int(re.match(r"\d+", span.clean()).group())
            assert n >= 1
            assert span.clean() == labels.plural(READ, n) % {"count": n}, path
            meta = span.parent
            assert meta.tag == "p" and meta.attrs["class"] in ("card-meta", "article-meta")
            assert span.children == [span.text()], "reading time holds no other element"
        for meta in doc.find_all("p", "card-meta") + doc.find_all("p", "article-meta"):
            kids = [c for c in meta.children if isinstance(c, Node)]
            assert [c.attrs.get("class") for c in kids][-1] == "reading-time"
            assert all(not str(c).strip() for c in meta.children if not isinstance(c, Node)), \
                "no bare text between the meta elements"
        assert not re.search(r"(19|20)\d\d\d", doc.clean()), "a year glued to a number (the seed's 20234)"
        if path.stem == "index":
            n = len(published)
            assert doc.find("p", "article-count").clean() == labels.plural("%(num)d article", n) % {"num": n}
            for card in doc.find_all("article", "card"):
                slug = card.find("a").attrs["href"].split("/")[-1][:-5]
                author = sources(root)[slug].meta["author"]
                assert card.find("span", "byline").clean() == labels("By %(author)s") % {"author": author}
        else:
            slug = path.stem
            article = doc.find("article", "article")
            when = format_date(dates[slug], format="long", locale=lang)
            assert article.find("span", "published").clean() == labels("Published %(date)s") % {"date": when}
            author = sources(root)[slug].meta["author"]
            assert article.find("span", "byline").clean() == labels("By %(author)s") % {"author": author}
            assert article.find("h1").clean() == translated_meta(root, lang, slug)["title"]
            assert doc.find("title").clean() == f"{translated_meta(root, lang, slug)['title']} | {SITE_NAME}"


def test_dates_read_naturally_in_estonian_and_russian(site: Site):
    et = page(site.out / "et" / "index.html")
    assert "9. oktoober 2026" in [loose(t.clean()) for t in et.find_all("time", "date")]
    ru = page(site.out / "ru" / "index.html")
    assert "14 октября 2026 г." in [loose(t.clean()) for t in ru.find_all("time", "date")]
    reading = [s.clean() for s in ru.find_all("span", "reading-time")]
    assert reading and all(re.fullmatch(r"\d+ минут[аы]? чтения", r) for r in reading), reading


# =========================================================================== escaping

@pytest.fixture(scope="module")
def escaped_ui(tmp_path_factory) -> Site:
    """`<script>` (and a stray `<b>`, `&`, quotes) in approved Russian UI msgstrs."""
    root = copy_sample(tmp_path_factory.mktemp("escaped-ui") / "proj")
    ui = root / "locales" / "ru" / "LC_MESSAGES" / "ui.po"
    edit(ui, lambda e: e.msgid == "Trending", approve_with(f"В тренде {SCRIPT}"))
    edit(ui, lambda e: e.msgid == "Share", approve_with('Поделиться "&" <b>'))
    assert {state(e) for e in active(ui)} <= {"approved", "reviewed"}
    return build_site(root)


@pytest.fixture(scope="module")
def escaped_article(tmp_path_factory) -> Site:
    """`<script>` in an approved Russian article translation: title and a heading."""
    root = copy_sample(tmp_path_factory.mktemp("escaped-article") / "proj")
    po = article_po(root, "ru", "baltic-air-policing-rotation")
    edit(po, lambda e: e.msgid == "Allied jets begin new Baltic air policing rotation",
         approve_with(f"Союзные истребители {SCRIPT}"))
    edit(po, lambda e: e.msgid == "Faster scrambles, one shared picture",
         approve_with(f"Более быстрые вылеты {SCRIPT}"))
    assert {state(e) for e in active(po)} == {"approved"}
    return build_site(root)


def test_script_in_a_ui_msgstr_falls_back_to_the_source(escaped_ui: Site):
    """Markup the source does not have never reaches a page or a bundle: the label goes out in English."""
    pages = escaped_ui.pages("ru")
    assert len(pages) >= 2
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        assert SCRIPT not in raw and ESCAPED_SCRIPT not in raw, path.name
        doc = page(path)
        assert not doc.find_all("script"), path.name
        assert doc.find("section", "trending").find("h2").clean() == "Trending"
    bundle = json.loads((escaped_ui.out / "ru" / "ui.json").read_text("utf-8"))
    assert "Trending" not in bundle and "Share" not in bundle, "added markup reached the front-end bundle"
    assert "<script>" not in (escaped_ui.out / "ru" / "LC_MESSAGES" / "ui.mo").read_bytes().decode("utf-8", "replace")


def test_script_in_an_article_translation_holds_it_back(escaped_article: Site):
    slug = "baltic-air-policing-rotation"
    site = escaped_article
    assert slug not in site.manifest["languages"]["ru"]["articles"]["published"]
    held = {h["slug"]: h["reason"] for h in site.manifest["languages"]["ru"]["articles"]["held_back"]}
    assert "add markup, links or control characters" in held[slug], held[slug]
    assert not (site.out / "ru" / "articles" / f"{slug}.md").exists()
    for path in site.pages("ru"):
        raw = path.read_text("utf-8")
        assert SCRIPT not in raw and "Союзные истребители" not in raw, path.name
        assert not page(path).find_all("script"), path.name


# =========================================================================== idempotence and options

def test_second_publish_writes_nothing_and_says_up_to_date(tmp_path: Path):
    root = copy_sample(tmp_path / "proj")
    first = publish(root)
    assert "wrote" in first.output and "up to date" not in first.output
    before = files_state(root / "build")
    assert len(before) > 60
    second = publish(root)
    assert "up to date" in second.output, second.output
    assert files_state(root / "build") == before


def test_lang_limits_the_languages(tmp_path: Path):
    root = copy_sample(tmp_path / "proj")
    out = tmp_path / "out"
    result = publish(root, "--lang", "et", "-l", "ru", "--out", out)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert set(manifest["languages"]) == {"et", "ru"}
    assert {p.name for p in out.iterdir()} == {"et", "ru", "static", "manifest.json"}
    assert all(f.split("/")[0] in ("et", "ru", "static") for f in manifest["files"])
    for line in result.output.splitlines():
        assert not re.match(r"(en|lv|lt|pl|ro|uk):", line), line
    for lang in ("et", "ru"):
        for path in sorted((out / lang).glob("*.html")):
            codes = [a.attrs["hreflang"] for a in page(path).find("ul", "language-list").find_all("a")]
            assert set(codes) <= {"et", "ru"} and lang in codes, path
    assert not (root / "build").exists()


def test_publishing_one_language_leaves_the_others_alone(built: Site):
    """`--lang et` after a full publish updates Estonian; the other seven languages stay online."""
    before = files_state(built.out)
    result = publish(built.root, "--lang", "et")
    after = files_state(built.out)
    # the summary speaks of what this run published, not the other languages' figures from the last run
    assert re.search(r"^et: ui: \d+ strings", result.output, re.M)
    assert not re.search(r"^(en|lv|lt|pl|ro|ru|uk): ui", result.output, re.M), result.output
    gone = sorted(rel for rel in before if rel not in after)
    assert not gone, f"{len(gone)} files of other languages removed, e.g. {gone[:3]}"
    # The Estonian pages still offer the versions that exist in other languages.
    doc = page(built.out / "et" / "eu-dual-use-export-checks.html")
    codes = [a.attrs["hreflang"] for a in doc.find("ul", "language-list").find_all("a")]
    assert "en" in codes and (built.out / "en" / "eu-dual-use-export-checks.html").is_file()


@pytest.mark.parametrize("bad", ["xx", "de", "EN_US"])
def test_unknown_language_exits_2_and_writes_nothing(tmp_path: Path, bad: str):
    root = copy_sample(tmp_path / "proj")
    result = locflow(root, "publish", "--lang", bad)
    assert result.exit_code == 2, result.output
    assert bad in result.output or bad.lower() in result.output
    assert not (root / "build").exists()


# =========================================================================== headless Chromium

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package `chromium`)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    requests: list[tuple[str, int]]

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        pass

    def log_request(self, code="-", size="-"):
        try:
            status = int(code)
        except (TypeError, ValueError):
            status = 0
        self.server.requests.append((self.path, status))


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """A small PNG decoder (8-bit RGB/RGBA, not interlaced): width, height and the rows of pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    low7 = int.from_bytes(b"\x7f" * stride, "big")
    high = int.from_bytes(b"\x80" * stride, "big")
    rows, prior = [], bytes(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if kind == 0:
            row = line
        elif kind == 2:  # Up: bytewise addition mod 256 on big integers (no carry across bytes)
            a, b = int.from_bytes(line, "big"), int.from_bytes(prior, "big")
            row = (((a & low7) + (b & low7)) ^ ((a ^ b) & high)).to_bytes(stride, "big")
        else:
            out = bytearray(line)
            for i in range(stride):
                left = out[i - bpp] if i >= bpp else 0
                up = prior[i]
                if kind == 1:
                    out[i] = (out[i] + left) & 0xFF
                elif kind == 3:
                    out[i] = (out[i] + ((left + up) >> 1)) & 0xFF
                else:
                    corner = prior[i - bpp] if i >= bpp else 0
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                    out[i] = (out[i] + pred) & 0xFF
            row = bytes(out)
        rows.append(row)
        prior = row
    if bpp == 4:  # drop alpha
        rows = [bytes(b for i, b in enumerate(r) if i % 4 != 3) for r in rows]
    return width, height, rows


@dataclass
class Browsed:
    urls: dict[str, str]
    shots: dict[str, Path]
    doms: dict[str, str]
    requests: list[tuple[str, int]]


@pytest.fixture(scope="module")
def browsed(site: Site, tmp_path_factory) -> Browsed:
    if CHROMIUM is None:
        pytest.skip("chromium not installed (Debian package `chromium`)")
    work = tmp_path_factory.mktemp("chromium")
    translated = next(slug for slug in site.manifest["languages"]["et"]["articles"]["published"]
                      if sources(site.root)[slug].language != "et")
    paths = {"home": "/et/index.html", "article": f"/et/{translated}.html"}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_Quiet, directory=str(site.out)))
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    procs = {}
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1600"]
        shots = {}
        for name, path in paths.items():
            shots[name] = work / f"{name}.png"
            procs[(name, "shot")] = subprocess.Popen(
                [CHROMIUM, *flags, f"--user-data-dir={work / ('profile-shot-' + name)}",
                 f"--screenshot={shots[name]}", base + path],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs[(name, "dom")] = subprocess.Popen(
                [CHROMIUM, *flags, f"--user-data-dir={work / ('profile-dom-' + name)}", "--dump-dom", base + path],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        doms = {}
        for (name, kind), proc in procs.items():
            out, _ = proc.communicate(timeout=60)
            assert proc.returncode == 0, f"chromium {kind} {name} exited {proc.returncode}"
            if kind == "dom":
                doms[name] = out.decode("utf-8")
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        server.shutdown()
        server.server_close()
    return Browsed(paths, shots, doms, list(server.requests))


@needs_chromium
def test_chromium_renders_translated_headings(browsed: Browsed, site: Site):
    labels = Labels(site.root, "et")
    home = parse_html(browsed.doms["home"])
    assert home.find("html").attrs["lang"] == "et"
    assert home.find("section", "latest-news").find("h1").clean() == labels("Latest News") != "Latest News"
    assert home.find("section", "whats-hot").find("h2").clean() == labels("What's Hot")
    slug = browsed.urls["article"].rsplit("/", 1)[1][:-5]
    article = parse_html(browsed.doms["article"])
    title = translated_meta(site.root, "et", slug)["title"]
    assert article.find("article", "article").find("h1").clean() == title
    assert article.find("html").attrs["lang"] == "et"
    by_id = {e.msgid: e.msgstr for e in active(article_po(site.root, "et", slug))}
    headings = [by_id[u.msgid] for u in sources(site.root)[slug].units if u.kind == "heading"]
    assert [h.clean() for h in article.find("div", "article-body").find_all("h2")] == headings
    served = dict(browsed.requests)
    assert served.get("/static/style.css") == 200, browsed.requests
    assert all(code == 200 for path, code in browsed.requests if path != "/favicon.ico"), browsed.requests


@needs_chromium
@pytest.mark.parametrize("name", ["home", "article"])
def test_screenshot_is_a_rendered_page_not_a_blank_or_broken_one(browsed: Browsed, name: str):
    width, height, rows = png_pixels(browsed.shots[name])
    assert (width, height) == (1280, 1600)
    colours: dict[bytes, int] = {}
    dark = 0
    for row in rows[::2]:
        for x in range(0, len(row), 6):  # every other pixel of every other row
            px = row[x:x + 3]
            colours[px] = colours.get(px, 0) + 1
            if px[0] + px[1] + px[2] < 3 * 96:
                dark += 1
    sampled = sum(colours.values())
    top = max(colours.values())
    assert len(colours) > 1, "one flat colour: a blank page"
    assert top / sampled < 0.97, "almost all one colour"
    assert len(colours) >= 40, f"only {len(colours)} distinct colours: no anti-aliased text"
    assert dark / sampled > 0.003, f"dark text pixels {dark / sampled:.4%}"
    # The site's stylesheet was applied: its page background, text and link colours are on screen
    # (an unstyled or error page is black on white with #0000ee links).
    assert colours.get(bytes.fromhex("fafafa"), 0) / sampled > 0.1, "no page background in the site's colour"
    assert colours.get(bytes.fromhex("1c1c1c"), 0) >= 20, "no text in the site's colour"
    assert colours.get(bytes.fromhex("0b4f8a"), 0) >= 20, "no links in the site's colour"


# =========================================================================== Markdown constructs

@pytest.fixture(scope="module")
def rail_in_russian(tmp_path_factory) -> Site:
    """The Polish rail article (quote of two paragraphs, table, reference link, footnote) approved in ru."""
    root = copy_sample(tmp_path_factory.mktemp("rail-ru") / "proj")
    po = article_po(root, "ru", "poland-rail-sabotage-warning")
    for entry in active(po):
        edit(po, lambda e, msgid=entry.msgid: e.msgid == msgid, approve_with(entry.msgstr))
    return build_site(root)


def test_tables_quotes_reference_links_and_footnotes_publish_translated(rail_in_russian: Site):
    site = rail_in_russian
    slug = "poland-rail-sabotage-warning"
    assert slug in site.manifest["languages"]["ru"]["articles"]["published"]
    md = (site.out / "ru" / "articles" / f"{slug}.md").read_text("utf-8")
    assert "| Люблинское | 41 | 3 |\n" in md and "|---|---:|---:|\n" in md
    assert "[онлайн-форму][formularz]" in md
    assert '[formularz]: https://example.org/zgloszenia/kolej "Форма для сообщений управляющего инфраструктурой"' in md
    raw = (site.out / "ru" / f"{slug}.html").read_text("utf-8")
    body = raw[raw.index('class="article-body"'):]
    assert "<th>Воеводство</th>" in body and '<td style="text-align:right">41</td>' in body
    quote = re.search(r"<blockquote>(.*?)</blockquote>", body, re.S).group(1)
    assert quote.count("<p>") == 2 and "Лучше проверить десять ложных тревог" in quote
    assert 'href="https://example.org/zgloszenia/kolej"' in body
    assert 'title="Форма для сообщений управляющего инфраструктурой"' in body
    assert '<sup class="footnote-reference"><a href="#fn-dane"' in body
    assert 'id="fn-dane"' in body and "Данные с января по сентябрь 2026 года" in body


def test_raw_html_in_an_article_is_sanitised_not_escaped(tmp_path: Path):
    root = copy_sample(tmp_path / "proj")
    edit_file(root, "site/articles/poland-rail-sabotage-warning.md", "## Na co zwracać uwagę\n",
              '<div class="factbox" onclick="steal()">Ramka <b>faktów</b><script>alert(1)</script>'
              '<a href="javascript:alert(2)">x</a></div>\n\n## Na co zwracać uwagę\n')
    site = build_site(root)
    body = (site.out / "pl" / "poland-rail-sabotage-warning.html").read_text("utf-8")
    assert "<b>faktów</b>" in body and "Ramka" in body  # the allowed markup is kept, not shown escaped
    assert "<script" not in body and "onclick" not in body and "javascript:" not in body
    assert "&lt;b&gt;" not in body
