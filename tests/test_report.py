"""`locflow report`: one self-contained HTML page (or JSON) for editors.

One copy of the committed sample project, with three problems put in on purpose: a `<script>`
in an approved Russian UI msgstr, the forbidden "на Украине" in an approved Russian article
entry, and one Russian article entry sent back to machine state. The report is built once
(checks over 57 catalogs are the slow part) and the tests read it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from .conftest import copy_sample
from .html_tree import Node, parse_html
from .review_oracle import active, approve_with, edit, state, to_machine
from locflow.cli import app
from locflow.sources.articles import load_article

LANGUAGES = ("en", "et", "lv", "lt", "pl", "ro", "ru", "uk")
STATES = ("untranslated", "fuzzy", "machine", "reviewed", "approved")
BAR_WIDTH = 420
SCRIPT = "<script>alert(1)</script>"
KEYS = {"site", "coverage", "blocked_articles", "findings_by_check", "summary", "findings", "glossary_violations"}
FINDING_KEYS = {"check", "severity", "catalog", "language", "path", "line", "msgctxt", "msgid", "message"}

HELD_SLUG = "baltic-air-policing-rotation"
GLOSSARY_SLUG = "kyiv-disinformation-response"


# --------------------------------------------------------------------------- states (oracle: review_oracle.py)

def counts(paths) -> dict[str, int]:
    out = {s: 0 for s in STATES}
    for path in paths:
        for e in active(path):
            out[state(e)] += 1
    return out


# --------------------------------------------------------------------------- strict HTML tree

def section(doc: Node, heading: str) -> list[Node]:
    """The elements after <h2>heading</h2> up to the next <h2>."""
    body = doc.find_all("body")[0]
    kids = [c for c in body.children if isinstance(c, Node)]
    start = next(i for i, n in enumerate(kids) if n.tag == "h2" and n.clean() == heading)
    out = []
    for node in kids[start + 1:]:
        if node.tag == "h2":
            break
        out.append(node)
    return out


def table_rows(nodes: list[Node]) -> list[list[Node]]:
    """Data rows (not the header row) of every table among `nodes`."""
    rows = []
    for node in nodes:
        for tr in node.find_all("tr"):
            cells = tr.cells()
            if cells and all(c.tag == "td" for c in cells):
                rows.append(cells)
    return rows


# --------------------------------------------------------------------------- the report, built once

@dataclass
class Built:
    root: Path
    html: str
    first_stat: tuple[int, int]
    second_html: bytes
    second_stat: tuple[int, int]
    other_html: bytes
    second_output: str
    data: dict
    check: dict
    held_entry: str
    glossary_entry: polib.POEntry


def _invoke(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"locflow {args} raised {result.exception!r}\n{result.output}") from result.exception
    return result.exit_code, result.stdout, result.stderr


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = copy_sample(tmp_path_factory.mktemp("report") / "proj")

    ui = root / "locales" / "ru" / "LC_MESSAGES" / "ui.po"
    edit(ui, lambda e: e.msgid == "Trending", approve_with(f"В тренде {SCRIPT}"))
    kyiv = root / "locales" / "ru" / "articles" / f"{GLOSSARY_SLUG}.po"
    entry = edit(kyiv, lambda e: e.msgstr.startswith("Граждан призывают"),
                 lambda e: approve_with(e.msgstr.replace("Граждан призывают", "Граждан на Украине призывают"))(e))
    assert state(entry) == "approved"
    baltic = root / "locales" / "ru" / "articles" / f"{HELD_SLUG}.po"
    held = edit(baltic, lambda e: e.msgid.startswith("A new detachment of allied"), to_machine)

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        code, out, err = _invoke("report", "--out", "report.html")
        assert code == 0, out + err
        assert "report.html" in out + err
        path = root / "report.html"
        html, first_stat = path.read_text(encoding="utf-8"), _stat(path)
        code, out, err = _invoke("report", "--format", "json")
        assert code == 0, out + err
        data = json.loads(out)
        code, second_output, err = _invoke("report", "--out", "report.html")
        assert code == 0, second_output + err
        second_html, second_stat = path.read_bytes(), _stat(path)
        code, out, err = _invoke("report", "--out", str(root / "again.html"))
        assert code == 0, out + err
        other_html = (root / "again.html").read_bytes()
        code, out, err = _invoke("check", "--format", "json")
        assert code in (0, 1), out + err
        check = json.loads(out)
    return Built(root, html, first_stat, second_html, second_stat, other_html, second_output, data, check,
                 held.msgid, entry)


@pytest.fixture(scope="module")
def doc(built: Built) -> Node:
    return parse_html(built.html)


# =========================================================================== the page

def test_report_is_one_self_contained_page(built: Built, doc: Node):
    assert built.html.startswith("<!DOCTYPE html>")
    assert [p.name for p in built.root.glob("*.html")] and (built.root / "report.html").is_file()
    external = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
    for node in doc.iter():
        for name, value in node.attrs.items():
            if name in ("src", "href", "xlink:href", "action", "data", "poster", "srcset", "background"):
                assert not external.match(value or ""), f"<{node.tag} {name}={value!r}>"
            if name == "style":
                assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", value or "", re.I), value
        assert node.tag not in ("script", "iframe", "object", "embed"), f"<{node.tag}> in the report"
        if node.tag == "link":
            assert node.attrs.get("rel") not in ("stylesheet", "preload", "icon"), node.attrs
        if node.tag == "style":
            assert "@import" not in node.text() and not re.search(r"url\(", node.text()), node.text()
    assert doc.find_all("style"), "the style is inline"
    assert doc.find_all("h1")[0].clean() == "Estonian Free Press: localization report"


def test_coverage_bars_are_stacked_and_proportional(built: Built, doc: Node):
    rows = table_rows(section(doc, "Coverage by review state"))
    coverage = built.data["coverage"]
    assert len(rows) == len(coverage) == 2 * len(LANGUAGES)
    legend = {}
    for span in next(n for n in section(doc, "Coverage by review state") if n.tag == "p").find_all("span"):
        legend[span.clean()] = re.search(r"background:\s*(#[0-9a-fA-F]{3,6})", span.find_all("i")[0].attrs["style"])[1]
    assert list(legend) == list(STATES)
    assert len(set(legend.values())) == len(STATES), "every state has its own colour"
    for cells, row in zip(rows, coverage):
        assert [cells[0].clean(), cells[1].clean(), int(cells[2].clean())] == \
            [row["language"], row["catalog"], row["total"]]
        svgs = cells[3].find_all("svg")
        assert len(svgs) == 1
        width = float(svgs[0].attrs["width"])
        assert width == BAR_WIDTH
        rects = svgs[0].find_all("rect")
        nonzero = [(s, row["states"][s]) for s in STATES if row["states"][s]]
        assert len(rects) == len(nonzero), (row["language"], row["catalog"])
        x = 0.0
        for rect, (name, n) in zip(rects, nonzero):
            w = float(rect.attrs["width"])
            assert abs(w - width * n / row["total"]) < 0.02, (row["catalog"], name, w)
            assert abs(float(rect.attrs["x"]) - x) < 0.02
            assert rect.attrs["fill"].lower() == legend[name].lower()
            assert rect.find_all("title")[0].clean() == f"{name}: {n}"
            x += w
        assert abs(x - width) < 0.05, "the bar fills its width"
        assert cells[4].clean() == ("yes" if row["publishable"] else "no")


def test_coverage_counts_match_the_catalogs(built: Built):
    by_key = {(r["language"], r["catalog"].split("/")[0]): r for r in built.data["coverage"]}
    for lang in LANGUAGES:
        ui = by_key[(lang, "ui")]
        want = counts([built.root / "locales" / lang / "LC_MESSAGES" / "ui.po"])
        assert ui["states"] == want and ui["total"] == sum(want.values()), lang
        assert ui["publishable"] == (want["untranslated"] + want["fuzzy"] + want["machine"] == 0)
        article_pos = sorted((built.root / "locales" / lang / "articles").glob("*.po"))
        art = by_key[(lang, "articles")]
        want = counts(article_pos)
        assert art["states"] == want and art["total"] == sum(want.values()), lang
        assert str(len(article_pos)) in art["catalog"]
    assert by_key[("ru", "ui")]["states"]["approved"] == 1  # the injected approval counts
    assert by_key[("ru", "articles")]["states"]["machine"] >= 1


def _due(root: Path, lang: str, article) -> bool:
    if article.language == lang:
        return True
    path = root / "locales" / lang / "articles" / f"{article.slug}.po"
    if not path.is_file():
        return False
    entries = active(path)
    ids = {e.msgid for e in entries}
    return all(u.msgid in ids for u in article.units) and all(state(e) == "approved" for e in entries)


def test_blocked_articles_listed_per_language_with_their_reason(built: Built, doc: Node):
    articles = [load_article(p) for p in sorted((built.root / "site" / "articles").glob("*.md"))]
    want = {(lang, a.slug) for lang in LANGUAGES for a in articles if not _due(built.root, lang, a)}
    blocked = built.data["blocked_articles"]
    assert {(b["language"], b["slug"]) for b in blocked} == want
    assert len(blocked) == len(want)
    assert all(b["reason"] for b in blocked)
    titles = {a.slug: a.meta["title"] for a in articles}
    assert all(b["title"] == titles[b["slug"]] for b in blocked)
    ours = next(b for b in blocked if (b["language"], b["slug"]) == ("ru", HELD_SLUG))
    assert "1 machine" in ours["reason"], ours

    rows = table_rows(section(doc, "Articles not yet publishable"))
    shown = {(c[0].clean(), c[1].find_all("small")[0].clean()): c[2].clean() for c in rows}
    assert set(shown) == want
    assert shown[("ru", HELD_SLUG)] == ours["reason"]
    for b in blocked:
        assert shown[(b["language"], b["slug"])] == b["reason"]
    assert f"{len(want)} article translations held back" in doc.find_all("p")[0].clean()


def test_findings_by_severity_agree_with_check(built: Built, doc: Node):
    data, check = built.data, built.check
    assert data["summary"] == check["summary"]
    assert data["summary"]["error"] >= 2  # <script> (its end tag is part of the same finding), на Украине
    grouped: dict[str, dict[str, int]] = {}
    for f in check["findings"]:
        grouped.setdefault(f["check"], {"error": 0, "warning": 0, "info": 0})[f["severity"]] += 1
    assert data["findings_by_check"] == grouped
    assert list(data["findings_by_check"]) == sorted(data["findings_by_check"])
    assert data["findings_by_check"]["markup"]["error"] >= 1
    assert data["findings_by_check"]["glossary-forbidden"]["error"] >= 1
    listed = [f for f in check["findings"] if f["severity"] in ("error", "warning")]
    assert sorted(map(json.dumps, data["findings"])) == sorted(map(json.dumps, listed))

    nodes = section(doc, "Check findings by severity")
    rows = table_rows(nodes)
    by_check = [r for r in rows if len(r) == 4 and r[1].clean().isdigit()]
    shown = {r[0].clean(): {"error": int(r[1].clean()), "warning": int(r[2].clean()), "info": int(r[3].clean())}
             for r in by_check}
    assert shown == data["findings_by_check"]
    details = [r for r in rows if len(r) == 4 and not r[1].clean().isdigit()]
    assert len(details) == len(data["findings"])
    markup = [r for r in details if r[1].clean() == "markup"]
    assert markup and all(r[1].attrs.get("class") == "error" for r in markup)
    assert any(r[0].clean().startswith("locales/ru/LC_MESSAGES/ui.po:") and r[2].clean() == "Trending"
               and "<script>" in r[3].clean() for r in markup)
    summary = doc.find_all("p")[0].clean()
    assert summary.startswith(f"{data['summary']['error']} errors, {data['summary']['warning']} warnings")


def test_glossary_violation_is_listed(built: Built, doc: Node):
    path = f"locales/ru/articles/{GLOSSARY_SLUG}.po"
    mine = [f for f in built.data["glossary_violations"]
            if f["path"] == path and f["check"] == "glossary-forbidden" and f["msgid"] == built.glossary_entry.msgid]
    assert len(mine) == 1, built.data["glossary_violations"]
    assert mine[0]["language"] == "ru" and mine[0]["severity"] == "error"
    assert "на Украине" in mine[0]["message"] and "в Украине" in mine[0]["message"]
    assert all(f["check"].startswith("glossary-") for f in built.data["glossary_violations"])

    rows = table_rows(section(doc, "Glossary violations"))
    assert len(rows) == len(built.data["glossary_violations"])
    row = next(r for r in rows if r[0].clean() == f"{path}:{mine[0]['line']}")
    assert row[1].clean() == built.glossary_entry.msgid  # numbered tags shown as text
    assert row[2].clean() == mine[0]["message"]


def test_every_catalog_string_is_escaped(built: Built):
    assert "<script" not in built.html.lower()
    assert "&lt;script&gt;" in built.html
    # The injected glossary entry's msgid has the segmenter's numbered tags: text, not markup.
    assert "<1>" not in built.html and "&lt;1&gt;" in built.html
    doc = parse_html(built.html)
    assert not doc.find_all("script")
    assert not [n for n in doc.iter() if re.fullmatch(r"\d+", n.tag)]


def test_json_format_has_the_documented_keys(built: Built):
    data = built.data
    assert set(data) == KEYS
    assert data["site"] == "Estonian Free Press"
    for row in data["coverage"]:
        assert set(row) == {"language", "catalog", "total", "states", "publishable"}
        assert set(row["states"]) == set(STATES)
        assert isinstance(row["publishable"], bool)
    assert {r["language"] for r in data["coverage"]} == set(LANGUAGES)
    for b in data["blocked_articles"]:
        assert set(b) == {"language", "catalog", "slug", "title", "reason"}
    for f in data["findings"] + data["glossary_violations"]:
        assert set(f) == FINDING_KEYS
    assert set(data["summary"]) == {"error", "warning"}


def test_report_is_deterministic_and_not_rewritten(built: Built):
    first = built.html.encode("utf-8")
    assert built.second_html == first
    assert built.other_html == first, "two runs give byte-identical pages"
    assert built.second_stat == built.first_stat, "the second run rewrote an unchanged report"
    assert "up to date" in built.second_output and "wrote" not in built.second_output


def test_report_options(built: Built, monkeypatch):
    monkeypatch.chdir(built.root)
    code, out, err = _invoke("report", "--format", "json", "--lang", "ru")
    assert code == 0, out + err
    data = json.loads(out)
    assert {r["language"] for r in data["coverage"]} == {"ru"}
    assert data["blocked_articles"] and {b["language"] for b in data["blocked_articles"]} == {"ru"}
    assert {b["slug"] for b in data["blocked_articles"]} == \
        {b["slug"] for b in built.data["blocked_articles"] if b["language"] == "ru"}
    assert {f["language"] for f in data["findings"]} <= {"ru"}
    code, out, err = _invoke("report", "--format", "xml")
    assert code == 2 and "xml" in out + err
    code, out, err = _invoke("report", "--lang", "xx")
    assert code == 2 and "xx" in out + err
