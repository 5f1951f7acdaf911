"""Hostile and broken input: catalog text is untrusted, paths stay inside the project, YAML is data.

- markup a translation adds is flagged by `check` and refused by `review approve`;
- published pages and the report escape catalog text (only the source's own tags pass);
- article slugs, --catalog, XLIFF `original`, absolute paths, symlinks and source globs cannot
  reach outside the project: exit 2 and nothing written (or read) outside;
- YAML tags build no objects; huge, deeply nested and alias-bomb files fail fast, clearly, in
  bounded memory.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from locflow.states import State, state_of

from .conftest import child_env, cli, copy_sample, locflow

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = '<a href="javascript:alert(1)">click</a>'
BREAKOUT = '" onmouseover="alert(1)'
PAYLOAD = f"{SCRIPT} {IMG} {JS_LINK} {BREAKOUT}"


# --------------------------------------------------------------------------- helpers


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def active_content(html: str) -> list[str]:
    """Scripts, event handlers and javascript: URLs in a page."""
    parser = Tags()
    parser.feed(html)
    parser.close()
    found = []
    for tag, attrs in parser.tags:
        if tag == "script":
            found.append("<script>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    ("javascript:", "vbscript:", "data:text/html")):
                found.append(f"<{tag} {name}={value}>")
    return found


def set_msgstr(path: Path, msgid: str, text: str, *, msgctxt: str | None = None, approve: bool = False) -> None:
    """Write a translation by hand, as an editor (or an attacker with commit rights) would."""
    po = polib.pofile(str(path))
    e = next(e for e in po if e.msgid == msgid and e.msgctxt == msgctxt and not e.obsolete)
    e.msgstr = text
    e.flags = [f for f in e.flags if f != "fuzzy"]
    lines = [line for line in (e.tcomment or "").split("\n") if line and not line.startswith("locflow:")]
    if approve:  # README: sha = first 8 hex digits of SHA-1 of the msgstr
        lines.append(f"locflow: approved Mallory 2026-11-01 {hashlib.sha1(text.encode()).hexdigest()[:8]}")
    e.tcomment = "\n".join(lines)
    po.save()


def outside_snapshot(base: Path, project: Path) -> dict[str, bytes]:
    """Everything under `base` except the project itself (where a path escape would land)."""
    return {p.relative_to(base).as_posix(): (p.read_bytes() if p.is_file() and not p.is_symlink() else b"<dir>")
            for p in sorted(base.rglob("*")) if project not in (p, *p.parents) and not p.is_symlink()}


def published_et_article(root: Path) -> str:
    r = cli(root, "publish")
    assert r.exit_code == 0, r.output
    manifest = json.loads((root / "build/manifest.json").read_text(encoding="utf-8"))
    return next(s for s in manifest["languages"]["et"]["articles"]["published"]
                if (root / f"locales/et/articles/{s}.po").is_file())


# --------------------------------------------------------------------------- markup added by a translation


@pytest.mark.parametrize("added", [SCRIPT, IMG, JS_LINK, '<b onmouseover="alert(1)">Populaarne</b>',
                                   '<span style="x" onclick="alert(1)">!</span>'])
def test_added_tags_are_flagged_and_refused(sample, added):
    ui = sample / "locales/et/LC_MESSAGES/ui.po"
    set_msgstr(ui, "Trending", f"Populaarne {added}")
    r = cli(sample, "check", "--lang", "et", "--catalog", "ui", "--format", "json")
    assert r.exit_code == 1, r.output
    findings = [f for f in json.loads(r.stdout)["findings"] if f["msgid"] == "Trending"]
    assert any(f["check"] == "markup" and f["severity"] == "error" for f in findings), findings
    r = cli(sample, "review", "approve", "--lang", "et", "--catalog", "ui", "--match", "Trending",
            "--reviewer", "Mari Tamm")
    assert r.exit_code == 1, r.output
    assert "refused" in r.stdout and "Trending" in r.stdout
    e = next(e for e in polib.pofile(str(ui)) if e.msgid == "Trending")
    assert state_of(e) is State.REVIEWED and "locflow: approved" not in e.tcomment


def test_changed_link_target_in_a_kept_tag_is_flagged(tmp_path):
    root = copy_sample(tmp_path / "s")
    footer = root / "site/templates/partials/footer.html"
    footer.write_text(footer.read_text(encoding="utf-8")
                      + '<p>{{ _(\'Read our <a href="https://example.org/policy">policy</a>\') }}</p>\n',
                      encoding="utf-8")
    assert cli(root, "pull").exit_code == 0
    ui = root / "locales/et/LC_MESSAGES/ui.po"
    set_msgstr(ui, 'Read our <a href="https://example.org/policy">policy</a>',
               'Loe meie <a href="javascript:alert(1)">poliitikat</a>')
    r = cli(root, "check", "--lang", "et", "--catalog", "ui", "--format", "json")
    findings = [f for f in json.loads(r.stdout)["findings"] if f["msgid"].startswith("Read our")]
    assert any(f["severity"] == "error" for f in findings), findings
    r = cli(root, "review", "approve", "--lang", "et", "--catalog", "ui", "--match", "Read our",
            "--reviewer", "Mari Tamm")
    assert r.exit_code == 1 and "refused" in r.stdout, r.output


# --------------------------------------------------------------------------- published pages


def test_published_pages_escape_hostile_ui_strings(sample):
    ui = sample / "locales/et/LC_MESSAGES/ui.po"
    set_msgstr(ui, "Trending", f"Populaarne {PAYLOAD}")
    set_msgstr(ui, "Breadcrumb", f"Rada {PAYLOAD}", msgctxt="aria")  # lands in an attribute value
    slug = published_et_article(sample)
    pages = {"index": (sample / "build/et/index.html").read_text(encoding="utf-8"),
             "article": (sample / f"build/et/{slug}.html").read_text(encoding="utf-8")}
    # Added markup never reaches a page or a bundle: the source label goes out instead.
    assert "Populaarne" not in pages["index"] and "Rada " not in pages["article"]
    for name, html in pages.items():
        assert active_content(html) == [], (name, active_content(html))
        assert "<script" not in html and "&lt;script" not in html, name
    bundle = (sample / "build/et/ui.json").read_text(encoding="utf-8")
    assert "Populaarne" not in bundle and "onerror" not in bundle


def test_published_article_never_carries_hostile_translations(sample):
    slug = published_et_article(sample)
    path = sample / f"locales/et/articles/{slug}.po"
    po = polib.pofile(str(path))
    title = next(e for e in po if "title" in (e.comment or "").split(", "))
    paragraph = next(e for e in po if "paragraph" in (e.comment or "").split(", "))
    set_msgstr(path, title.msgid, f"{title.msgstr} {SCRIPT}", approve=True)
    set_msgstr(path, paragraph.msgid,
               f"{paragraph.msgstr} {PAYLOAD} [vajuta](javascript:alert(1)) <iframe src=//evil.example></iframe>",
               approve=True)
    r = cli(sample, "publish")
    assert r.exit_code == 0, r.output
    manifest = json.loads((sample / "build/manifest.json").read_text(encoding="utf-8"))
    assert slug not in manifest["languages"]["et"]["articles"]["published"], "hand-approved hostile text went out"
    assert not (sample / f"build/et/{slug}.html").exists()
    html = (sample / "build/et/index.html").read_text(encoding="utf-8")
    assert active_content(html) == [] and "<iframe" not in html and "evil.example" not in html


# --------------------------------------------------------------------------- report page


def test_report_page_escapes_all_catalog_text(sample):
    footer = sample / "site/templates/partials/footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + f'<p>{{{{ _("Source says {IMG}") }}}}</p>\n',
                      encoding="utf-8")
    assert cli(sample, "pull").exit_code == 0
    set_msgstr(sample / "locales/et/LC_MESSAGES/ui.po", "Trending", f"Populaarne {PAYLOAD}")
    set_msgstr(sample / "locales/lv/LC_MESSAGES/ui.po", f"Source says {IMG}", f"Avots {SCRIPT} {BREAKOUT}")
    r = cli(sample, "report", "--lang", "et", "--lang", "lv")
    assert r.exit_code == 0, r.output
    html = (sample / "report.html").read_text(encoding="utf-8")
    assert "Populaarne" in html or "&lt;script&gt;" in html, "no catalog text in the report"
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert active_content(html) == [], active_content(html)
    assert "<img" not in html


# --------------------------------------------------------------------------- paths


ARTICLE = """\
---
slug: {slug}
title: "Harbour drill"
language: en
date: 2026-10-01
section: Security
author: Kadri Saar
summary: "Crews rehearsed."
---

Crews rehearsed a night-time alert.
"""


def small_project(root: Path, slug: str = "harbour-drill", extra: str = "") -> Path:
    (root / "site/articles").mkdir(parents=True)
    (root / "site/templates").mkdir(parents=True)
    (root / "site/templates/page.html").write_text('<p>{{ _("Home") }}</p>\n', encoding="utf-8")
    (root / "site/articles/a.md").write_text(ARTICLE.format(slug=slug), encoding="utf-8")
    (root / "workflow.yaml").write_text(textwrap.dedent("""\
        site: Test Press
        source_language: en
        languages: [en, et]
        catalogs:
          ui: {kind: labels, sources: ["site/templates/*.html"], publish: reviewed}
          articles: {kind: articles, sources: ["site/articles/*.md"], publish: approved}
        """) + extra, encoding="utf-8")
    return root


@pytest.mark.parametrize("slug", ["../x", "../../../../escape", "/tmp/abs", "a/b", "..", "x/../../y",
                                  "\"../../z\""])
def test_article_slug_cannot_leave_the_project(tmp_path, slug):
    root = small_project(tmp_path / "proj", slug=slug)
    before = outside_snapshot(tmp_path, root)
    r = cli(root, "pull")
    assert r.exit_code == 2, r.output
    assert "site/articles/a.md" in r.stderr and "slug" in r.stderr, r.stderr
    assert outside_snapshot(tmp_path, root) == before
    # The article is skipped (the rest of the project is still pulled): nothing is written for it.
    assert not any("articles" in p.relative_to(root).parts for p in root.rglob("*.po*"))


@pytest.mark.parametrize("command", [["status"], ["check"], ["translate", "--provider", "pseudo"],
                                     ["review", "list", "--lang", "et"],
                                     ["review", "approve", "--lang", "et", "--all", "--reviewer", "X"],
                                     ["export", "--lang", "et", "OUT"]])
@pytest.mark.parametrize("pattern", ["../../etc", "/etc/passwd", "../*"])
def test_catalog_option_cannot_name_files_outside(tmp_path, command, pattern):
    root = small_project(tmp_path / "proj")
    assert cli(root, "pull").exit_code == 0
    before = outside_snapshot(tmp_path, root)
    args = [str(tmp_path / "proj/x.xlf") if a == "OUT" else a for a in command]
    r = cli(root, *args, "--catalog", pattern)
    assert r.exit_code == 2, r.output
    assert "no catalog matches" in r.stderr
    assert outside_snapshot(tmp_path, root) == before


def _export(root: Path, out: Path) -> str:
    r = cli(root, "export", "--lang", "et", "--catalog", "ui", out)
    assert r.exit_code == 0, r.output
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("original", ["../../x.po", "/etc/passwd", "locales/et/../../../outside/x.po",
                                      "locales/et/articles/link.po", "C:\\Windows\\x.po"])
def test_xliff_original_cannot_leave_the_project(tmp_path, original):
    root = small_project(tmp_path / "proj")
    assert cli(root, "pull").exit_code == 0
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/x.po").write_text('msgid "Home"\nmsgstr "old"\n', encoding="utf-8")
    xlf = root / "et.xlf"
    text = _export(root, xlf)
    text = re.sub(r"(<target[^>]*>)[^<]*(</target>)", r"\1Avaleht\2", text)
    text = text.replace('original="locales/et/LC_MESSAGES/ui.po"', f'original="{original}"')
    assert original in text
    xlf.write_text(text, encoding="utf-8")
    if original.endswith("link.po"):
        (root / "locales/et/articles/link.po").symlink_to(tmp_path / "outside/x.po")
    before = outside_snapshot(tmp_path, root)
    catalogs = {p: p.read_bytes() for p in (root / "locales").rglob("*.po") if not p.is_symlink()}
    r = cli(root, "import", xlf, "--reviewer", "Mari Tamm")
    assert r.exit_code == 2, r.output
    assert "et.xlf" in r.stderr or "link.po" in r.stderr, r.stderr
    assert outside_snapshot(tmp_path, root) == before
    assert {p: p.read_bytes() for p in catalogs} == catalogs


@pytest.mark.parametrize("extra", [
    'locales_dir: /tmp/locflow-outside\n',
    'locales_dir: ../outside\n',
    'glossary: ../outside/terms.csv\n',
    'glossary: OUTSIDE/terms.csv\n',
])
def test_config_paths_cannot_leave_the_project(tmp_path, extra):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/terms.csv").write_text("id,kind,case_sensitive,note,en,et\nsecret,term,no,,Secret,Saladus\n",
                                                encoding="utf-8")
    root = small_project(tmp_path / "proj", extra=extra.replace("OUTSIDE", str(tmp_path / "outside")))
    before = outside_snapshot(tmp_path, root)
    commands = [["glossary", "list"], ["glossary", "list", "--format", "json"]]
    if "locales_dir" in extra:
        commands.append(["status"])
    for command in commands:
        r = cli(root, *command)
        assert r.exit_code == 2, (command, r.output)
        assert "Saladus" not in r.output, "a file outside the project was read"
    assert outside_snapshot(tmp_path, root) == before


@pytest.mark.parametrize("pattern", ["../outside/*.md", "/tmp/*.md", "site/../../outside/*.md", "**/../../outside/*.md"])
def test_source_glob_with_dotdot_or_absolute_is_refused(tmp_path, pattern):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/a.md").write_text(ARTICLE.format(slug="outside"), encoding="utf-8")
    root = small_project(tmp_path / "proj")
    cfg = root / "workflow.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('"site/articles/*.md"', json.dumps(pattern)),
                   encoding="utf-8")
    before = outside_snapshot(tmp_path, root)
    r = cli(root, "pull")
    assert r.exit_code == 2, r.output
    assert "workflow.yaml" in r.stderr and "leaves the project" in r.stderr, r.stderr
    assert outside_snapshot(tmp_path, root) == before
    assert not list(root.rglob("outside.po*"))


def test_symlinked_source_folder_outside_is_refused(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/a.md").write_text(ARTICLE.format(slug="outside"), encoding="utf-8")
    root = small_project(tmp_path / "proj")
    shutil.rmtree(root / "site/articles")
    (root / "site/articles").symlink_to(tmp_path / "outside")
    r = cli(root, "pull")
    assert r.exit_code == 2, r.output
    assert "outside the project" in r.stderr
    assert not list(root.rglob("outside.po*"))


SYMLINK_COMMANDS = {
    "pull": ["pull"],
    "status": ["status"],
    "check": ["check", "--only", "missing"],
    "translate": ["translate", "--provider", "pseudo"],
    "review": ["review", "approve", "--lang", "et", "--all", "--reviewer", "Mari Tamm"],
    "publish": ["publish"],
    "report": ["report", "--format", "json"],
    "export": ["export", "--lang", "et", "XLF"],
}


@pytest.mark.parametrize("command", sorted(SYMLINK_COMMANDS))
def test_catalog_symlinked_to_a_file_outside_is_refused(tmp_path, command):
    root = copy_sample(tmp_path / "sample")
    outside = tmp_path / "outside"
    outside.mkdir()
    link = root / "locales/et/LC_MESSAGES/ui.po"
    target = outside / "ui.po"
    shutil.move(link, target)
    # A secret-looking translation: if locflow read it, it must not show up anywhere.
    target.write_text(target.read_text(encoding="utf-8").replace('msgstr "Populaarne"', 'msgstr "OUTSIDE-SECRET"'),
                      encoding="utf-8")
    link.symlink_to(target)
    footer = root / "site/templates/partials/footer.html"  # so that pull has something to write
    footer.write_text(footer.read_text(encoding="utf-8") + '<p>{{ _("One more label") }}</p>\n', encoding="utf-8")
    before = outside_snapshot(tmp_path, root)
    args = [str(tmp_path / "et.xlf") if a == "XLF" else a for a in SYMLINK_COMMANDS[command]]
    r = cli(root, *args)
    assert r.exit_code == 2, f"{command}: exit {r.exit_code}\n{r.output[-800:]}"
    assert "outside the project" in r.stderr, r.stderr
    assert link.is_symlink(), f"{command} replaced the symlink with a file"
    assert outside_snapshot(tmp_path, root) == before, f"{command} wrote outside the project"
    built = [p for p in (root / "build").rglob("*") if p.is_file()] if (root / "build").exists() else []
    assert not any(b"OUTSIDE-SECRET" in p.read_bytes() for p in built), "content read from outside was published"


@pytest.mark.parametrize("command", ["pull", "translate", "publish", "status"])
def test_language_folder_symlinked_outside_is_refused(tmp_path, command):
    root = copy_sample(tmp_path / "sample")
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(root / "locales/lv", outside / "lv")
    (root / "locales/lv").symlink_to(outside / "lv")
    footer = root / "site/templates/partials/footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + '<p>{{ _("One more label") }}</p>\n', encoding="utf-8")
    before = outside_snapshot(tmp_path, root)
    args = {"pull": ["pull"], "translate": ["translate", "--provider", "pseudo"], "publish": ["publish"],
            "status": ["status"]}[command]
    r = cli(root, *args)
    assert r.exit_code == 2, f"{command}: exit {r.exit_code}\n{r.output[-800:]}"
    assert outside_snapshot(tmp_path, root) == before, f"{command} wrote outside the project"


# --------------------------------------------------------------------------- YAML


@pytest.mark.parametrize("tag", [
    '!!python/object/apply:os.system ["touch PWNED"]',
    '!!python/object/new:os.system ["touch PWNED"]',
    '!!python/name:os.system',
    '!!python/object:__main__.X {a: 1}',
])
def test_yaml_tags_build_no_objects(tmp_path, tag):
    root = small_project(tmp_path / "proj")
    cfg = root / "workflow.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("site: Test Press", f"site: {tag}"), encoding="utf-8")
    proc = locflow("status", cwd=root)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "workflow.yaml" in proc.stderr and "Traceback" not in proc.stderr
    assert not (root / "PWNED").exists()
    # the same in an article's front matter
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(f"site: {tag}", "site: Test Press"), encoding="utf-8")
    art = root / "site/articles/a.md"
    art.write_text(ARTICLE.format(slug="harbour-drill").replace("author: Kadri Saar", f"author: {tag}"),
                   encoding="utf-8")
    proc = locflow("pull", cwd=root)
    assert not (root / "PWNED").exists()
    assert proc.returncode == 2 and "a.md" in proc.stderr, (proc.stdout, proc.stderr)


MEASURE = textwrap.dedent("""
    import resource, subprocess, sys, time
    started = time.monotonic()
    try:
        proc = subprocess.run(sys.argv[2:], cwd=sys.argv[1], capture_output=True, text=True, timeout=10)
        code, err = proc.returncode, proc.stderr
    except subprocess.TimeoutExpired:
        code, err = "timeout", ""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(repr((code, peak, round(time.monotonic() - started, 1), err)))
""")


def measured(root: Path, *args: str) -> tuple[object, int, float, str]:
    """Run locflow in a child; (exit code or 'timeout', peak RSS in MB, seconds, stderr)."""
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(root), sys.executable, "-m", "locflow", *args],
                          capture_output=True, text=True, env=child_env(), timeout=60)
    import ast

    return ast.literal_eval(proc.stdout.strip())


def write_config(root: Path, body: str) -> None:
    (root / "workflow.yaml").write_text("site: Test Press\nsource_language: en\nlanguages: [en, et]\n" + body,
                                        encoding="utf-8")


def test_huge_workflow_yaml_fails_clearly_in_bounded_memory(tmp_path):
    root = small_project(tmp_path / "proj")
    with open(root / "workflow.yaml", "a", encoding="utf-8") as handle:
        line = "# " + "x" * 1022 + "\n"
        for _ in range(50 * 1024):
            handle.write(line)
    assert (root / "workflow.yaml").stat().st_size >= 50 * 1024 * 1024
    code, peak, seconds, err = measured(root, "status")
    assert code == 2, (code, err)
    assert "workflow.yaml" in err and "bytes" in err, err
    assert peak < 300, f"peak RSS {peak} MB"


@pytest.mark.parametrize("shape", ["flow-list", "flow-map", "block"])
def test_deeply_nested_yaml_fails_clearly_in_bounded_memory(tmp_path, shape):
    root = small_project(tmp_path / "proj")
    if shape == "flow-list":
        write_config(root, "checks: " + "[" * 10_000 + "]" * 10_000 + "\n")
    elif shape == "flow-map":
        write_config(root, "checks: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n")
    else:  # block style: 10,000 levels of one-space indentation (~50 MB would be needed with 2 spaces each)
        write_config(root, "".join(" " * i + f"k{i}:\n" for i in range(1_300)))
    code, peak, seconds, err = measured(root, "status")
    assert code == 2, (code, err)
    assert "workflow.yaml" in err and "Traceback" not in err, err
    assert peak < 300, f"peak RSS {peak} MB"


def test_deeply_nested_front_matter_fails_clearly(tmp_path):
    root = small_project(tmp_path / "proj")
    art = root / "site/articles/a.md"
    art.write_text(ARTICLE.format(slug="x").replace("section: Security", "section: " + "[" * 10_000 + "]" * 10_000),
                   encoding="utf-8")
    code, peak, seconds, err = measured(root, "pull")
    assert code == 2, (code, err)
    assert "a.md" in err and "Traceback" not in err, err
    assert peak < 300


def test_yaml_alias_bomb_fails_fast(tmp_path):
    """A 1 kB 'billion laughs' file: aliases make a tree of 9^9 leaves out of 80 nodes."""
    root = small_project(tmp_path / "proj")
    levels = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    write_config(root, "checks:\n" + "".join(f"  {line}\n" for line in levels))
    code, peak, seconds, err = measured(root, "status")
    assert code == 2, f"exit {code} after {seconds}s (peak {peak} MB): {err}"
    assert seconds < 10
    assert peak < 300
