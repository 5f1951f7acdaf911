"""Property tests (hypothesis): what locflow writes it reads back exactly, or refuses clearly.

- PO write-read round trip through locflow's own writer and reader (catalog.render +
  atomic_write, catalog.read_po) for arbitrary Unicode: RTL text, combining marks, CRLF and
  other line separators inside strings, a BOM, control characters, 10k-character lines.
  Every field survives exactly, or reading raises LocflowError: never a crash, never a silent
  change.
- The config loader fed arbitrary text (and bytes) raises nothing but LocflowError.
- Article parsing of arbitrary text raises nothing but LocflowError; a parsed article
  reassembles to its exact source (the segmentation round trip).
"""
from __future__ import annotations

import difflib
import tempfile
from pathlib import Path

import polib
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from locflow.catalog import atomic_write, catalog_metadata, default_header, new_pofile, read_po, render
from locflow.config import load_config
from locflow.errors import LocflowError
from locflow.sources.articles import assemble, parse_article

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that break naive PO handling, weighted in next to ordinary text.
NASTY = ("\r\n", "\r", "\n", "\ufeff", "\u200f", "\u202e", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c",
         "\x00", "\x07", "\x1b", "\x7f", "\t", '"', "\\", "\\n", "#", "msgid ", 'msgstr "', "%(name)s", "{0}",
         "<b>", "&amp;")
RTL = ("שלום עולם", "مرحبا بالعالم", "‏עברית‎", "Ⅻ")
COMBINING = ("e\u0301", "a\u0308\u0323", "\u0915\u094d\u0937", "Z\u0351\u0360\u0361")

piece = st.one_of(
    st.text(max_size=20),
    st.sampled_from(NASTY),
    st.sampled_from(RTL),
    st.sampled_from(COMBINING),
    st.builds(lambda unit, n: (unit * n)[:10_000], st.sampled_from(["word ", "ש", "e\u0301", "\u0915 ", "x"]),
              st.integers(2_000, 10_000)),  # very long lines
)
po_text = st.lists(piece, max_size=6).map("".join)


# Comments as locflow's own commands produce them (extraction and `review reject` normalise line breaks).
comment_text = st.lists(st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
                                          max_size=20), st.sampled_from(RTL), st.sampled_from(COMBINING),
                                  st.just("\n")), max_size=6).map("".join)


@st.composite
def entries(draw, comments=po_text):
    n = draw(st.integers(1, 4))
    result = []
    seen = set()
    for _ in range(n):
        msgid = draw(po_text.filter(bool))
        msgctxt = draw(st.one_of(st.none(), po_text))
        if (msgctxt, msgid) in seen:
            continue
        seen.add((msgctxt, msgid))
        result.append({
            "msgid": msgid,
            "msgctxt": msgctxt,
            "msgstr": draw(po_text),
            "tcomment": draw(st.one_of(st.just(""), comments)),
            "comment": draw(st.one_of(st.just(""), comments)),
            "fuzzy": draw(st.booleans()),
        })
    return result


def write_catalog(folder: Path, items: list[dict], *, bom: bool = False) -> Path:
    po = new_pofile(catalog_metadata("Test Press", "et"), default_header("Test Press", "et"))
    for item in items:
        po.append(polib.POEntry(msgid=item["msgid"], msgctxt=item["msgctxt"], msgstr=item["msgstr"],
                                tcomment=item["tcomment"], comment=item["comment"],
                                flags=["fuzzy"] if item["fuzzy"] else []))
    data = render(po)
    if bom:
        data = "\ufeff".encode("utf-8") + data
    path = folder / "ui.po"
    atomic_write(path, data)
    return path


def comment_form(text: str) -> str:
    """Comments are prose that PO writers re-wrap (polib at 78 columns, also after hyphens):
    compare them without their whitespace."""
    return "".join(text.split())


def expected(items: list[dict]) -> list[dict]:
    return [{**item, "tcomment": comment_form(item["tcomment"]), "comment": comment_form(item["comment"])}
            for item in items]


def read_back(path: Path) -> list[dict] | None:
    """The entries as locflow reads them, or None when it refuses the file (LocflowError)."""
    try:
        po = read_po(path)
    except LocflowError:
        return None
    return [{"msgid": e.msgid, "msgctxt": e.msgctxt, "msgstr": e.msgstr, "tcomment": comment_form(e.tcomment),
             "comment": comment_form(e.comment), "fuzzy": "fuzzy" in e.flags} for e in po if not e.obsolete]


@SETTINGS
@given(items=entries(), bom=st.booleans())
@example(items=[{"msgid": "Line\u2028separator", "msgctxt": None, "msgstr": "Rea\u2028eraldaja", "tcomment": "",
                 "comment": "", "fuzzy": False}], bom=False)
@example(items=[{"msgid": "a", "msgctxt": None, "msgstr": "b", "tcomment": "note\rwith CR", "comment": "",
                 "fuzzy": False}], bom=False)
@example(items=[{"msgid": "CRLF\r\ninside", "msgctxt": "ctx\r\n", "msgstr": "\ufeffBOM first", "tcomment": "",
                 "comment": "", "fuzzy": True}], bom=True)
def test_po_round_trip_is_exact_or_refused(items, bom):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_catalog(Path(tmp), items, bom=bom)
        got = read_back(path)
    if got is None:
        return  # refused clearly: allowed
    assert got == expected(items), "text changed silently on a write-read round trip"


@SETTINGS
@given(items=entries(comments=comment_text))
def test_what_locflow_writes_it_can_read(items):
    """Stronger: locflow never writes a catalog it then refuses to read (it would lock users out)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_catalog(Path(tmp), items)
        try:
            read_po(path)
        except LocflowError as exc:
            raise AssertionError(f"locflow wrote a catalog it cannot read back: {exc}") from None


# --------------------------------------------------------------------------- config loader

yamlish = st.lists(st.one_of(
    st.sampled_from(["site: ", "source_language: ", "languages: ", "catalogs:\n", "  ui:\n", "    kind: ",
                     "    sources: ", "translation:\n", "  providers: ", "  concurrency: ", "lock_timeout: ",
                     "checks:\n", "  numbers: ", "locales_dir: ", "glossary: ", "\n", "  ", "- ", "[", "]", "{",
                     "}", ", ", ": ", "&a ", "*a", "!!python/object:os.system ", "!!binary ", "? ", "|\n", ">-\n",
                     "\"", "'", "#", "%YAML 1.1\n", "---\n", "...\n", "en", "et", "xx", "-1", "1e9", "null",
                     "off", "2026-13-45", "\t", "\ufeff", "\x00"]),
    st.text(max_size=10)), max_size=40).map("".join)


@SETTINGS
@given(text=st.one_of(st.text(max_size=400), yamlish))
def test_config_loader_raises_only_locflow_error(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "workflow.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_config(path)
        except LocflowError:
            pass


@SETTINGS
@given(data=st.binary(max_size=300))
def test_config_loader_on_arbitrary_bytes_raises_only_locflow_error(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "workflow.yaml"
        path.write_bytes(data)
        try:
            load_config(path)
        except LocflowError:
            pass


# --------------------------------------------------------------------------- articles

front_value = st.one_of(st.text(max_size=15), st.sampled_from(
    ['"quoted"', "'single'", "[a, b]", "{a: 1}", "2026-10-01", "2026-02-30", "null", "|", ">", "&x", "*x", "-", "..",
     "../x", "a b", "x: y", "!!python/object:os.system", "", "\ufeff", "\u2028"]))
body_piece = st.one_of(st.text(max_size=30), st.sampled_from(
    ["\n", "\r\n", "\n\n", "# ", "## ", "- ", "1. ", "> ", "```", "~~~", "    ", "***", "<div>", "![alt](x.png)",
     "[link](https://example.org)", "`code`", "*em*", "**strong**", "\\", "<1>", "</1>", "<2/>", "---", "...",
     "\t", "\u2028", "\ufeff"]))


@st.composite
def articles(draw):
    fields = ["slug", "title", "language", "date", "section", "author", "summary"]
    chosen = draw(st.lists(st.sampled_from(fields), unique=True, max_size=len(fields))) if draw(st.booleans()) else fields
    lines = [f"{name}: {draw(front_value)}" for name in chosen]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    head = draw(st.sampled_from(["---", "\ufeff---", "--- ", "", "---"]))
    body = "".join(draw(st.lists(body_piece, max_size=25)))
    return newline.join([head, *lines, draw(st.sampled_from(["---", "...", ""])), ""]) + body


VALID = """---
slug: harbour-drill
title: "Harbour drill"
language: en
date: 2026-10-01
section: Security
author: Kadri Saar
summary: "Crews rehearsed."
---
"""


@SETTINGS
@given(text=st.one_of(st.text(max_size=300), articles(), body_piece.map(lambda b: VALID + b),
                      st.lists(body_piece, max_size=30).map(lambda parts: VALID + "".join(parts))))
def test_article_parsing_raises_only_locflow_error_and_reassembles_exactly(text):
    try:
        article = parse_article(text, Path("site/articles/a.md"))
    except LocflowError:
        return
    assert assemble(article, lambda unit: None) == text
    # Every unit's span holds exactly its raw text.
    for unit in article.units:
        assert text[unit.start:unit.end] == unit.raw, unit


# --------------------------------------------------------------------------- end to end


@SETTINGS
@given(name=st.lists(st.sampled_from(["Mari", "Tamm", "Maria-Magdalena", "Alexandrescu-Constantinescu", "van",
                                      "der", "O'Brien", "Žydrūnas", "Олена", "Коваленко", "Jean-Baptiste"]),
                     min_size=1, max_size=5).map(" ".join))
@example(name="Maria-Magdalena Alexandrescu-Constantinescu")
def test_approval_survives_for_any_reviewer_name(name):
    """`review approve` says "approved": reading the catalog back must say so too (no wrapped marker)."""
    from locflow.project import Project
    from locflow.review import approve
    from locflow.states import State, state_of

    from .conftest import labels_project
    from locflow.pull import pull

    with tempfile.TemporaryDirectory() as tmp:
        root = labels_project(Path(tmp) / "p", "http://127.0.0.1:9", ["Home", "Latest news"], languages=("en", "et"))
        project = Project.load(root / "workflow.yaml")
        pull(project)
        path = root / "locales/et/LC_MESSAGES/ui.po"
        po = polib.pofile(str(path))
        for e in po:
            e.msgstr = "Avaleht" if e.msgid == "Home" else "Viimased uudised"
        po.save()
        result = approve(project, "et", all=True, reviewer=name, today="2026-11-25")
        assert len(result.changed) == 2
        states = [state_of(e) for e in read_po(path) if not e.obsolete]
        assert states == [State.APPROVED, State.APPROVED], f"approval by {name!r} lost on reading back"


def test_label_with_a_line_separator_survives_pull_and_translate(tmp_path):
    """U+2028 pasted from a word processor into a template label must reach the catalogs intact."""
    from .conftest import cli, labels_project

    root = labels_project(tmp_path / "p", "http://127.0.0.1:9", ["Home"], languages=("en", "et"))
    label = "First line\u2028second line"
    (root / "site/templates/page.html").write_text(f'<p>{{{{ _("{label}") }}}}</p>\n', encoding="utf-8")
    assert cli(root, "pull").exit_code == 0
    path = root / "locales/et/LC_MESSAGES/ui.po"
    assert [e.msgid for e in read_po(path)] == [label]
    r = cli(root, "translate", "--provider", "pseudo")
    assert r.exit_code == 0, r.output
    assert [e.msgid for e in read_po(path)] == [label]


# --------------------------------------------------------------------------- edits keep the rest

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=entries(comments=comment_text), width=st.sampled_from([0, 40, 60, 79, 120]),
       changes=st.lists(st.tuples(st.integers(0, 3), po_text), max_size=3))
def test_an_edit_rewrites_only_the_entries_it_changed(items, width, changes):
    """A catalog wrapped by another tool (any width, or none) and then edited by locflow reads back
    as exactly what a full rewrite would say, and entries nobody touched keep their lines."""
    from locflow.splice import render_edited

    po = new_pofile(catalog_metadata("Test Press", "et"), default_header("Test Press", "et"))
    for item in items:
        po.append(polib.POEntry(msgid=item["msgid"], msgctxt=item["msgctxt"], msgstr=item["msgstr"],
                                tcomment=item["tcomment"], comment=item["comment"],
                                flags=["fuzzy"] if item["fuzzy"] else []))
    po.wrapwidth = width
    original = po.__unicode__() + "\n"
    assume("\r" not in original)
    loaded = read_po(Path("x.po"), data=original.encode("utf-8"))
    touched = set()
    for index, text in changes:
        if index < len(loaded):
            loaded[index].msgstr = text
            touched.add(index)
    data = render_edited(loaded)
    assert read_po(Path("x.po"), data=data).__unicode__() == loaded.__unicode__()  # the same content
    if data == render(loaded) and original != data.decode("utf-8") and touched:
        return  # the full rewrite was chosen: allowed, never wrong
    if not touched:
        assert data == original.encode("utf-8")
        return
    lines = original.split("\n")
    starts = [e.linenum - 1 for e in loaded] + [len(lines)]
    allowed = {line for i in touched for line in lines[starts[i]:starts[i + 1]]}
    matcher = difflib.SequenceMatcher(None, lines, data.decode("utf-8").split("\n"), autojunk=False)
    removed = [line for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("replace", "delete")
               for line in lines[i1:i2]]
    assert set(removed) <= allowed, removed
