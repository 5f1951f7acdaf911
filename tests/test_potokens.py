"""The one PO reader: round trips, polib's meaning on what it reads, msgfmt's verdict on what it refuses."""
from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from locflow import potokens
from locflow.catalog import read_po, render
from locflow.errors import LocflowError
from locflow.states import STATE_ORDER, content_sha, msgstr_sha, nplurals_of, state_of
from locflow.status import count_states

DJANGO = Path(__file__).parent / "data" / "django"
FIELDS = ("msgid", "msgid_plural", "msgctxt", "msgstr", "flags", "tcomment", "comment", "occurrences", "obsolete",
          "previous_msgctxt", "previous_msgid", "previous_msgid_plural")
HEAD = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')

# polib (the reference) cannot re-read its own output with raw control characters or line and
# paragraph separators in strings; those are read back by the tokenizer alone, below.
polib_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                                            blacklist_characters="\x85"), max_size=40)
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


def same_entries(mine, theirs, *, linenum: bool = True, kept: tuple[str, ...] = FIELDS) -> None:
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):
        for name in FIELDS:
            if name.startswith("previous_") and b.obsolete or name not in kept and a.obsolete:
                continue  # polib drops `#~|` lines; the tokenizer keeps them (and polib writes them back)
            assert getattr(a, name) == getattr(b, name), (name, b.linenum)
        assert a.msgstr_plural == {int(k): v for k, v in b.msgstr_plural.items()}
        # polib numbers the first entry 0 when the file has no header entry, and starts an obsolete
        # entry after its `#~|` lines, which it skips
        if linenum and b.linenum and not b.obsolete:
            assert a.linenum == b.linenum


# --------------------------------------------------------------------------- agreement with polib

@st.composite
def polib_entries(draw, text=polib_text):
    plural = draw(st.booleans())
    e = polib.POEntry(msgid=draw(text.filter(bool)), msgctxt=draw(st.none() | text))
    if plural:
        e.msgid_plural = draw(text.filter(bool))
        e.msgstr_plural = {i: draw(st.sampled_from(["", "x"]) | text) for i in range(draw(st.integers(1, 4)))}
    else:
        e.msgstr = draw(st.sampled_from(["", "y"]) | text)
    if draw(st.booleans()):
        e.flags.append("fuzzy")
    if draw(st.booleans()):
        e.flags.append("python-format")
    marker = draw(st.sampled_from(["", "machine", "machine-sha", "approved", "approved-sha", "approved-stale",
                                   "note"]))
    if marker == "machine":
        e.tcomment = "locflow: machine google 2026-11-01"
    elif marker == "machine-sha":
        e.tcomment = f"locflow: machine google 2026-11-01T10:00:00Z {content_sha(e)}"
    elif marker == "approved-sha":
        e.tcomment = f"locflow: approved Mari Tamm 2026-11-02T10:00:00Z {content_sha(e)}"
    elif marker == "approved":
        e.tcomment = f"a note\nlocflow: approved Mari Tamm 2026-11-02 {msgstr_sha(e)}"
    elif marker == "approved-stale":
        e.tcomment = "locflow: approved Mari Tamm 2026-11-02 0123abcd"
    elif marker == "note":
        e.tcomment = draw(text)
    e.comment = draw(st.sampled_from(["", "extracted note"]) | text)
    e.occurrences = draw(st.lists(st.tuples(st.sampled_from(["a.html", "site/b.py", "c"]),
                                            st.sampled_from(["", "1", "20"])), max_size=3))
    e.obsolete = draw(st.integers(0, 9)) == 0
    if draw(st.booleans()):
        e.previous_msgid = draw(text.filter(bool))
        e.previous_msgctxt = draw(st.none() | text)
        if plural:
            e.previous_msgid_plural = draw(text)
    return e


def catalog_of(items, width: int) -> polib.POFile:
    po = polib.POFile(wrapwidth=width)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    keys = set()
    for e in items:
        if (e.msgctxt, e.msgid, e.obsolete) not in keys:
            keys.add((e.msgctxt, e.msgid, e.obsolete))
            po.append(e)
    return po


def reference_counts(po: polib.POFile) -> dict[str, int]:
    counts = {s.value: 0 for s in STATE_ORDER}
    counts["obsolete"] = 0
    nplurals = nplurals_of(po.metadata)
    for e in po:
        counts["obsolete" if e.obsolete else state_of(e, nplurals).value] += 1
    return counts


@settings(max_examples=300, deadline=None)
@given(st.lists(polib_entries(), max_size=12), st.just(0) | st.integers(20, 120))
def test_reads_what_polib_reads_from_anything_polib_writes(items, width):
    written = catalog_of(items, width).__unicode__()
    theirs = polib.pofile(written)
    mine = potokens.tokenize(written)
    same_entries(mine, theirs)
    assert mine.metadata == theirs.metadata and mine.header == theirs.header
    assert count_states(written.encode("utf-8"), "x.po") == reference_counts(theirs)


@settings(max_examples=150, deadline=None)
@given(st.lists(polib_entries(), max_size=10), st.just(0) | st.integers(20, 120))
def test_read_po_builds_the_objects_polib_would_and_writes_the_same_bytes(items, width):
    written = render(catalog_of(items, width))
    theirs = polib.pofile(written.decode("utf-8"), wrapwidth=78)
    mine = read_po(Path("x.po"), data=written)
    same_entries(mine, theirs)
    assert (mine.metadata, mine.header, mine.metadata_is_fuzzy) == (theirs.metadata, theirs.header,
                                                                    theirs.metadata_is_fuzzy)
    assert render(read_po(Path("x.po"), data=render(mine))) == render(mine)  # locflow's writes are fixed points


@pytest.mark.parametrize("path", sorted(DJANGO.glob("*.po")), ids=lambda p: p.stem)
def test_real_catalogs_written_elsewhere_read_as_polib_reads_them(path):
    """Django's catalogs (Transifex and msgmerge wrote them): every entry, header and count as polib has it."""
    theirs = polib.pofile(str(path))
    mine = read_po(path)
    assert len(mine) > 100
    same_entries(mine, theirs)
    assert (mine.metadata, mine.header, bool(mine.metadata_is_fuzzy)) == (theirs.metadata, theirs.header,
                                                                          bool(theirs.metadata_is_fuzzy))
    assert count_states(path.read_bytes(), path.name) == reference_counts(theirs)


# --------------------------------------------------------------------------- round trip on layouts polib never writes

def quote(text: str) -> str:
    """A C string for PO, with the escapes another tool may choose (octal, \\a, \\v); \\x is left out, as
    it would swallow a hex digit after it (test_escapes_are_c_escapes_in_the_catalog_charset has it)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\v":
            out.append("\\v")
        elif ch == "\x01":
            out.append("\\001")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def field(prefix: str, keyword: str, text: str, cut: int) -> list[str]:
    """`keyword "text"`, split over continuation lines at `cut` characters when it is longer."""
    if cut and len(text) > cut:
        parts = [text[i:i + cut] for i in range(0, len(text), cut)]
        return [f'{prefix}{keyword} ""'] + [f"{prefix}{quote(p)}" for p in parts]
    return [f"{prefix}{keyword} {quote(text)}"]


@st.composite
def models(draw):
    text = any_text.filter(lambda t: "\r" not in t)  # msgfmt and we read lines at \n; a raw CR is not PO text
    plural = draw(st.booleans())
    m = {"msgctxt": draw(st.none() | text), "msgid": draw(text.filter(bool)), "obsolete": draw(st.integers(0, 5)) == 0,
         "flags": draw(st.lists(st.sampled_from(["fuzzy", "no-wrap", "x-custom"]), max_size=2, unique=True)),
         "tcomment": draw(st.sampled_from(["", "translator", "two\nlines"])),
         "comment": "" if draw(st.booleans()) else "extracted", "previous_msgid": draw(st.none() | text.filter(bool)),
         "msgid_plural": draw(text.filter(bool)) if plural else "",
         "msgstr": "" if plural else draw(text), "msgstr_plural": {i: draw(text) for i in range(2)} if plural else {}}
    return m


def emit(m: dict, cut: int) -> list[str]:
    prefix = "#~ " if m["obsolete"] else ""
    lines = [f"# {line}" for line in m["tcomment"].split("\n") if m["tcomment"]]
    if m["comment"]:
        lines.append(f"#. {m['comment']}")
    if m["flags"]:
        lines.append("#, " + ", ".join(m["flags"]))
    if m["previous_msgid"] is not None:
        lines += field("#~| " if m["obsolete"] else "#| ", "msgid", m["previous_msgid"], cut)
    if m["msgctxt"] is not None:
        lines += field(prefix, "msgctxt", m["msgctxt"], cut)
    lines += field(prefix, "msgid", m["msgid"], cut)
    if m["msgid_plural"]:
        lines += field(prefix, "msgid_plural", m["msgid_plural"], cut)
        for i, form in m["msgstr_plural"].items():
            lines += field(prefix, f"msgstr[{i}]", form, cut)
    else:
        lines += field(prefix, "msgstr", m["msgstr"], cut)
    return lines


def document(items: list[dict], cut: int) -> tuple[str, list[dict], list[int]]:
    """PO text for the unique models, the models kept and the line each entry starts at."""
    kept, keys, lines, starts = [], set(), HEAD.rstrip("\n").split("\n") + [""], []
    for m in items:
        if (m["msgctxt"], m["msgid"]) in keys:
            continue
        keys.add((m["msgctxt"], m["msgid"]))
        kept.append(m)
        starts.append(len(lines) + 1)
        lines += emit(m, cut) + [""]
    return "\n".join(lines), kept, starts


@settings(max_examples=300, deadline=None)
@given(st.lists(models(), max_size=8), st.sampled_from([0, 1, 3, 7]))
def test_round_trip_on_generated_entries(items, cut):
    """Contexts, plurals, obsolete `#~`, previous `#|`, flags, multi-line strings and every escape read
    back as the entries that were written, each with the line it starts at and the one it ends at."""
    text, kept, starts = document(items, cut)
    catalog = potokens.tokenize(text)
    assert catalog.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert [e.linenum for e in catalog] == starts
    for entry, m in zip(catalog, kept, strict=True):
        for name in ("msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr_plural", "flags", "tcomment", "comment",
                     "obsolete", "previous_msgid"):
            assert getattr(entry, name) == m[name], name
        assert text.split("\n")[entry.end - 1].strip() != "" and entry.end >= entry.linenum
    # and through polib's writer: the same entries again, whatever wrapping it chose (as msgmerge,
    # it writes no `#.` or `#:` lines for an obsolete entry, and writes obsolete entries last)
    po = read_po(Path("x.po"), data=text.encode("utf-8"))
    again = potokens.tokenize(render(po).decode("utf-8"))
    same_entries(sorted(catalog, key=lambda e: e.obsolete), again, linenum=False,
                 kept=tuple(f for f in FIELDS if f not in ("comment", "occurrences")))


# --------------------------------------------------------------------------- agreement with msgfmt -c on what is refused

MUTATIONS = {
    "drop the msgstr": lambda lines, i: [l for l in lines if not l.startswith(("msgstr", "#~ msgstr"))],
    "a form without msgid_plural": lambda lines, i: [l.replace("msgstr ", "msgstr[0] ", 1) for l in lines],
    "a wrong form index": lambda lines, i: [l.replace("msgstr[1]", "msgstr[2]") for l in lines],
    "an unknown escape": lambda lines, i: [l.replace('msgid "', 'msgid "\\q', 1) for l in lines],
    "an unterminated string": lambda lines, i: [l[:-1] if l.startswith("msgid ") else l for l in lines],
    "two contexts": lambda lines, i: [l for l in lines for _ in range(2 if l.startswith("msgctxt") else 1)],
    "a comment inside the entry": lambda lines, i: [x for l in lines
                                                    for x in ([l, "# note"] if l.startswith("msgid ") else [l])],
    "a string before any keyword": lambda lines, i: ['"stray"'] + lines,
    "mixed #~": lambda lines, i: [l.replace("#~ msgstr", "msgstr") for l in lines],
    "an unknown keyword": lambda lines, i: [l.replace("msgid ", "msgkey ", 1) for l in lines],
}


def msgfmt_rejects(text: str) -> bool:
    return subprocess.run(["msgfmt", "-c", "-o", "/dev/null", "-"], input=text.encode("utf-8"),
                          capture_output=True).returncode != 0


def we_reject(text: str) -> bool:
    try:
        potokens.tokenize(text)
    except LocflowError as exc:
        assert exc.line is not None and exc.message.startswith(("PO syntax error", "duplicate message"))
        return True
    return False


# msgfmt -c also checks what is not syntax: a msgid and msgstr must both start and end with "\n" or neither.
safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20).filter(
    lambda t: "\u2028" not in t and "\u2029" not in t and "\x85" not in t)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(models(), min_size=1, max_size=4), st.sampled_from([None, *MUTATIONS]), st.data())
def test_rejects_what_msgfmt_rejects(items, mutation, data):
    for m in items:
        m.update(msgid=data.draw(safe_text.filter(bool)), msgstr="" if m["msgid_plural"] else data.draw(safe_text),
                 flags=[f for f in m["flags"] if f != "x-custom"],
                 previous_msgid=None if m["previous_msgid"] is None else data.draw(safe_text.filter(bool)))
        if m["msgid_plural"]:
            m["msgid_plural"] = data.draw(safe_text.filter(bool))
            m["msgstr_plural"] = {i: data.draw(safe_text) for i in range(2)}
        if m["msgctxt"] is not None:
            m["msgctxt"] = data.draw(safe_text)
    text, kept, _ = document(items, 0)
    if mutation is not None:
        head, body = text[:len(HEAD)], text[len(HEAD):].split("\n")
        changed = MUTATIONS[mutation](body, len(kept))
        assume(changed != body)
        text = head + "\n".join(changed)
    assert we_reject(text) == msgfmt_rejects(text), text


@pytest.mark.parametrize("text", [
    'msgid "a"\n',                                                 # no msgstr
    'msgid "a\nmsgstr ""\n',                                       # unterminated string
    'msgid "a"\nmsgstr "x"\nmsgid "a"\nmsgstr "y"\n',               # duplicate
    'bogus line\n',
    'msgid "a"\n#, fuzzy\nmsgstr "b"\n',                           # a comment between msgid and msgstr
    '#~ msgid "a"\nmsgstr "b"\n',                                  # inconsistent #~
    'msgctxt "a"\nmsgctxt "b"\nmsgid "c"\nmsgstr ""\n',
    'msgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\nmsgstr[2] ""\n',  # forms out of order
])
def test_what_msgfmt_refuses_is_an_error_with_its_line(text):
    assert msgfmt_rejects(text)
    with pytest.raises(LocflowError) as info:
        potokens.tokenize(text, "ui.po")
    assert info.value.path == "ui.po" and info.value.line is not None and info.value.exit_code == 2


def test_deliberate_differences_from_msgfmt():
    """A byte order mark is skipped (editors add one; msgfmt refuses it); two strings on one line are
    refused (polib misreads them; msgfmt accepts them); obsolete duplicates are kept (msgmerge leaves them)."""
    bom = "\ufeff" + HEAD + 'msgid "a"\nmsgstr "b"\n'
    assert msgfmt_rejects(bom) and [e.msgid for e in read_po(Path("x.po"), data=bom.encode())] == ["a"]
    two = HEAD + 'msgid "a" "b"\nmsgstr "c"\n'
    assert not msgfmt_rejects(two) and we_reject(two)
    obsolete = HEAD + '#~ msgid "a"\n#~ msgstr "b"\n\n#~ msgid "a"\n#~ msgstr "c"\n'
    assert msgfmt_rejects(obsolete) and len(potokens.tokenize(obsolete)) == 2


def test_comment_styles_msgfmt_reads_are_read():
    """`#,fuzzy`, `#.note`, `#:file` without a space and a bare `#~` or `#|`: msgfmt reads them, polib refuses some."""
    text = HEAD + '#,fuzzy\n#.note\n#:site/a.html:3\n#~\n#|\n#word\nmsgid "a"\nmsgstr "b"\n'
    assert not msgfmt_rejects(text)
    (entry,) = potokens.tokenize(text)
    assert (entry.flags, entry.comment, entry.occurrences, entry.tcomment) == (
        ["fuzzy"], "note", [("site/a.html", "3")], "word")


def test_escapes_are_c_escapes_in_the_catalog_charset():
    text = HEAD + 'msgid "\\a\\b\\f\\v\\101\\x42\\303\\251"\nmsgstr ""\n'
    assert not msgfmt_rejects(text)
    (entry,) = potokens.tokenize(text)
    assert entry.msgid == "\a\b\f\vABé"


def test_line_separators_inside_strings(tmp_path):
    body = HEAD + 'msgid "a\u2028b"\nmsgstr "x\u2029y\u0085z"\n\n#, fuzzy\nmsgid "c"\nmsgstr "d"\n'
    path = tmp_path / "sep.po"
    path.write_text(body, encoding="utf-8")
    counts = count_states(body.encode("utf-8"), "sep.po")
    assert counts["reviewed"] == 1 and counts["fuzzy"] == 1
    assert [e.msgstr for e in read_po(path)] == ["x\u2029y\u0085z", "d"]
    out = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)], capture_output=True, text=True,
                         env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    assert "1 translated message, 1 fuzzy translation" in out.stderr


def test_header_comment_and_fields_as_polib_has_them():
    text = ("# Estonian translations.\n# Copyright.\n#\n#, fuzzy\nmsgid \"\"\nmsgstr \"\"\n"
            "\"Project-Id-Version: x\\n\"\n\"X-Note: one\\n\"\n\"and two\\n\"\n\n#: a.html:1\nmsgid \"a\"\nmsgstr \"b\"\n")
    theirs, mine = polib.pofile(text), read_po(Path("x.po"), data=text.encode())
    assert (mine.header, mine.metadata, mine.metadata_is_fuzzy) == (theirs.header, theirs.metadata, ["fuzzy"])
    assert render(mine) == render(theirs)


def test_splice_keeps_nothing_of_its_own_on_polib_objects(tmp_path):
    from locflow.splice import render_edited

    path = tmp_path / "x.po"
    path.write_text(HEAD + 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr   "d"\n', encoding="utf-8")
    po = read_po(path)
    assert not [n for obj in [po, *po] for n in vars(obj) if n.startswith("_")]
    po[0].msgstr = "B"
    assert render_edited(po).decode() == HEAD + 'msgid "a"\nmsgstr "B"\n\nmsgid "c"\nmsgstr   "d"\n'
