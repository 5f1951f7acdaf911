"""Source kinds are a registry: a kind registered from outside works through pull, status, check and
publish without a branch for it in any of them (labels and articles are two entries like these)."""
from __future__ import annotations

import gettext
import json
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from locflow.cli import app
from locflow.project import Project
from locflow.sources.extracted import Extracted, Message
from locflow.sources.kinds import KINDS, SourceKind, register

runner = CliRunner()


def _lines(files, shown, root, spec, languages) -> Extracted:
    """Every non-empty line of plain-text files is one string (a phrase book, say)."""
    found: dict[str, Message] = {}
    for path, name in zip(files, shown):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                found.setdefault(line, Message(msgid=line)).locations.append((name, number))
    return Extracted(tuple(found.values()))


@dataclass(frozen=True)
class Memo:
    """A memo: first line `lang: xx`, then one string per line; its slug is the file name."""

    path: Path
    text: str
    slug: str
    language: str
    units: tuple = field(repr=False)


@dataclass(frozen=True)
class MemoLine:
    msgid: str


def _read_memo(path: Path, shown: str, languages) -> Memo:
    text = path.read_text(encoding="utf-8")
    head, *body = text.splitlines()
    language = head.removeprefix("lang: ").strip()
    return Memo(path, text, path.stem, language, tuple(MemoLine(line) for line in body if line.strip()))


def _extract_memo(files, shown, root, spec, languages) -> Extracted:
    memo = _read_memo(files[0], shown[0], languages)
    messages = tuple(Message(msgid=u.msgid, locations=[(shown[0], i + 2)]) for i, u in enumerate(memo.units))
    return Extracted(messages, slug=memo.slug, language=memo.language)


def _render_memo(memo: Memo, language: str, translations: dict[str, str]) -> str:
    lines = [f"lang: {language}"] + [translations.get(u.msgid) or u.msgid for u in memo.units]
    return "\n".join(lines) + "\n"


@pytest.fixture
def kinds():
    register(SourceKind("lines", "phrase books: a string per line", _lines))
    register(SourceKind("memos", "memos: one catalog per memo and language", _extract_memo, per_source=True,
                        neighbours=True, bundle="pages", read=_read_memo, render=_render_memo))
    yield
    KINDS.pop("lines")
    KINDS.pop("memos")


WORKFLOW = """site: Test Press
source_language: en
languages: [en, et]
catalogs:
  phrases:
    kind: lines
    sources: ["phrases/*.txt"]
    publish: reviewed
  memos:
    kind: memos
    sources: ["memos/*.txt"]
    publish: reviewed
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch, kinds) -> Path:
    (tmp_path / "phrases").mkdir()
    (tmp_path / "phrases/front.txt").write_text("Good morning\nThank you\n\nGood morning\n", encoding="utf-8")
    (tmp_path / "memos").mkdir()
    (tmp_path / "memos/harbour.txt").write_text("lang: en\nThe ferry leaves at noon.\nBring a coat.\n",
                                                encoding="utf-8")
    (tmp_path / "workflow.yaml").write_text(WORKFLOW, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _translate(path: Path, texts: dict[str, str]) -> None:
    """What a translator does in Poedit: fill the text and leave the entry unflagged (reviewed)."""
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid in texts:
            entry.msgstr = texts[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()


def test_a_registered_kind_is_pulled_laid_out_and_listed_by_status(project: Path):
    result = invoke("pull")
    assert result.exit_code == 0, result.output
    # One catalog for all phrase books, in every language (the source language's too) ...
    pot = polib.pofile(str(project / "locales/templates/phrases.pot"))
    assert [(e.msgid, e.occurrences) for e in pot] == [("Good morning", [("phrases/front.txt", "1"),
                                                                         ("phrases/front.txt", "4")]),
                                                       ("Thank you", [("phrases/front.txt", "2")])]
    assert (project / "locales/en/LC_MESSAGES/phrases.po").is_file()
    # ... and one per memo, in the languages it is not written in.
    assert (project / "locales/et/memos/harbour.po").is_file()
    assert not (project / "locales/en/memos/harbour.po").exists()
    assert polib.pofile(str(project / "locales/et/memos/harbour.po")).metadata["X-Source-Language"] == "en"
    assert invoke("pull").output.startswith("up to date")

    rows = json.loads(invoke("status", "--format", "json").output)["catalogs"]
    assert {(r["catalog"], r["language"], r["total"]) for r in rows} == {
        ("phrases", "en", 2), ("phrases", "et", 2), ("memos/harbour", "et", 2)}


def test_check_and_publish_follow_the_kind(project: Path):
    invoke("pull")
    _translate(project / "locales/et/LC_MESSAGES/phrases.po", {"Good morning": "Tere hommikust"})
    findings = json.loads(invoke("check", "--format", "json", "--only", "missing").output)["findings"]
    assert {(f["catalog"], f["language"]) for f in findings} == {("phrases", "et"), ("memos/harbour", "et")}

    result = invoke("publish")
    assert result.exit_code == 0, result.output
    assert "et: phrases: 1 strings (1 fall back to source); memos: 0 published, 1 held back" in result.output
    with open(project / "build/et/LC_MESSAGES/phrases.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    assert catalog.gettext("Good morning") == "Tere hommikust"
    assert catalog.gettext("Thank you") == "Thank you"  # below the gate: the source text
    manifest = json.loads((project / "build/manifest.json").read_text(encoding="utf-8"))
    assert manifest["languages"]["et"]["memos"]["held_back"][0]["slug"] == "harbour"
    assert manifest["languages"]["en"]["memos"]["published"] == ["harbour"]  # its own language

    _translate(project / "locales/et/memos/harbour.po", {"The ferry leaves at noon.": "Praam väljub keskpäeval.",
                                                          "Bring a coat.": "Võtke mantel kaasa."})
    assert invoke("publish").exit_code == 0
    assert (project / "build/et/memos/harbour.md").read_text(encoding="utf-8") == (
        "lang: et\nPraam väljub keskpäeval.\nVõtke mantel kaasa.\n")
    manifest = json.loads((project / "build/manifest.json").read_text(encoding="utf-8"))
    assert manifest["languages"]["et"]["memos"] == {"published": ["harbour"], "held_back": []}


def test_an_unknown_kind_stops_every_command_at_its_line(project: Path):
    (project / "workflow.yaml").write_text(WORKFLOW.replace("kind: lines", "kind: line"), encoding="utf-8")
    for command in (["pull"], ["status"], ["check"], ["publish"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, command
        assert "workflow.yaml:6:11:" in result.stderr and "unknown catalog kind `line`" in result.stderr
        assert "did you mean `lines`?" in result.stderr
    assert not (project / "locales").exists() and not (project / "build").exists()


def test_an_option_the_kind_does_not_take_is_refused(project: Path):
    text = WORKFLOW.replace("    kind: lines\n", "    kind: lines\n    extract: {\"**.txt\": python}\n")
    (project / "workflow.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["pull"])
    assert result.exit_code == 2
    assert "workflow.yaml:7:5:" in result.stderr and "lines catalogs take no extraction methods" in result.stderr


def test_the_built_in_kinds_are_registry_entries():
    """labels and articles are found the same way a plugin's kind is."""
    assert {"labels", "articles"} <= set(KINDS)
    sample = Project.load(Path(__file__).resolve().parent.parent / "workflow.yaml")
    assert sample.kind("ui") is KINDS["labels"] and sample.kind("articles") is KINDS["articles"]
    assert KINDS["articles"].per_source and KINDS["articles"].bundle == "pages"
    assert KINDS["labels"].labels and not KINDS["labels"].per_source


def test_a_catalog_without_its_source_language_header_asks_the_kind(sample: Path):
    """An editor's tool dropped X-Source-Language (babel does): the articles kind reads the language
    from the article's front matter; a catalog whose article is gone cannot say, and says so."""
    from locflow.errors import LocflowError

    project = Project.load(sample / "workflow.yaml")
    cat = next(c for c in project.catalog_files(["lv"], ["articles"]))
    po = polib.pofile(str(cat.path))
    declared = po.metadata.pop("X-Source-Language")
    assert project.source_language(cat, po.metadata) == declared
    ui = next(c for c in project.catalog_files(["lv"], ["ui"]))
    assert project.source_language(ui, {}) == "en"
    gone = cat.path.with_name("no-such-article.po")
    orphan = type(cat)("articles/no-such-article", "articles", "lv", gone, cat.publish)
    with pytest.raises(LocflowError, match="no source `no-such-article` says its language"):
        project.source_language(orphan, {})


def test_a_catalog_without_a_kind_is_an_error_not_a_labels_catalog(project: Path):
    """Without `kind:` a folder of Markdown was read as Jinja2 templates and quietly gave nothing."""
    text = WORKFLOW.replace("    kind: memos\n", "")
    (project / "workflow.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["pull"])
    assert result.exit_code == 2
    assert "workflow.yaml:9:3: catalog `memos` has no `kind`" in result.stderr
    assert "labels" in result.stderr and "articles" in result.stderr  # the hint lists the kinds
    assert not (project / "locales").exists()


ARTICLE = """---
slug: {slug}
title: Harbour drill
language: en
date: 2026-11-02
section: Defence
author: Kadri Tamm
summary: A drill in the harbour.
---

The drill starts at dawn.
"""


def _two_article_catalogs(root: Path, slug: str, other: str) -> None:
    (root / "workflow.yaml").write_text(
        "site: Test Press\nsource_language: en\nlanguages: [en, et]\ncatalogs:\n"
        "  articles: {kind: articles, sources: [\"news/*.md\"], publish: reviewed}\n"
        "  opinion: {kind: articles, sources: [\"opinion/*.md\"], publish: reviewed}\n", encoding="utf-8")
    for folder, name in (("news", slug), ("opinion", other)):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / f"{name}.md").write_text(ARTICLE.format(slug=name), encoding="utf-8")


def test_a_slug_is_unique_across_article_catalogs(tmp_path: Path, monkeypatch):
    """Every article's page is <lang>/<slug>.html, whatever its catalog: two catalogs sharing a slug
    would overwrite each other's page and send the language switcher to the other article."""
    monkeypatch.chdir(tmp_path)
    _two_article_catalogs(tmp_path, "harbour-drill", "harbour-drill")
    for command in ("pull", "publish"):
        result = runner.invoke(app, [command])
        assert result.exit_code == 2, (command, result.output)
        assert "opinion/harbour-drill.md:2: slug `harbour-drill` is also used by news/harbour-drill.md" in result.stderr
    assert not (tmp_path / "build").exists()


def test_slug_index_is_reserved_for_the_front_page(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _two_article_catalogs(tmp_path, "index", "harbour-drill")
    result = runner.invoke(app, ["pull"])
    assert result.exit_code == 2
    assert "news/index.md:2:7: slug `index` is reserved" in result.stderr


def test_two_article_catalogs_publish_apart(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _two_article_catalogs(tmp_path, "harbour-drill", "drill-debate")
    assert runner.invoke(app, ["pull"]).exit_code == 0
    result = runner.invoke(app, ["publish"])
    assert result.exit_code == 0, result.output
    assert "en: articles: 1 published, 0 held back; opinion: 1 published, 0 held back" in result.output
    assert (tmp_path / "build/en/articles/harbour-drill.md").is_file()
    assert (tmp_path / "build/en/opinion/drill-debate.md").is_file()
    assert runner.invoke(app, ["report", "--format", "json", "--out", "report.json"]).exit_code == 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert {(b["catalog"], b["slug"]) for b in report["blocked_articles"]} == {("articles", "harbour-drill"),
                                                                                ("opinion", "drill-debate")}
