"""The lean status scanner agrees with the full parser on any catalog polib can write."""
from __future__ import annotations

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locflow import fastpo
from locflow.states import STATE_ORDER, content_sha, msgstr_sha, nplurals_of, state_of

# polib (the reference) cannot re-read its own output with raw control characters or line and
# paragraph separators in strings; those are tested against msgfmt instead, below.
text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"),
               max_size=40)


@st.composite
def entries(draw):
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
    e.obsolete = draw(st.integers(0, 9)) == 0
    if draw(st.booleans()):
        e.previous_msgid = draw(text.filter(bool))
    return e


def reference(po: polib.POFile) -> dict[str, int]:
    counts = {s.value: 0 for s in STATE_ORDER}
    counts["obsolete"] = 0
    nplurals = nplurals_of(po.metadata)
    for e in po:
        counts["obsolete" if e.obsolete else state_of(e, nplurals).value] += 1
    return counts


@settings(max_examples=300, deadline=None)
@given(st.lists(entries(), max_size=12), st.integers(20, 120))
def test_scanner_equals_polib(items, width):
    po = polib.POFile(wrapwidth=width)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    keys = set()
    for e in items:
        key = (e.msgctxt, e.msgid, e.obsolete)
        if key not in keys:
            keys.add(key)
            po.append(e)
    written = po.__unicode__()
    reparsed = polib.pofile(written)
    try:
        fast = fastpo.count_states(written)
        lite = fastpo.parse(written)
    except fastpo.Unsure:
        return  # the full parser takes over: nothing to compare
    assert fast == reference(reparsed)
    assert len(lite) == len(reparsed)
    for mine, theirs in zip(lite, reparsed):
        for field in ("msgid", "msgid_plural", "msgctxt", "msgstr", "flags", "tcomment", "comment", "linenum",
                      "obsolete", "previous_msgid"):
            assert getattr(mine, field) == getattr(theirs, field), field
        assert mine.msgstr_plural == {int(k): v for k, v in theirs.msgstr_plural.items()}


@pytest.mark.parametrize("broken", [
    'msgid "a"\n',                      # no msgstr
    'msgid "a\nmsgstr ""\n',            # unterminated string
    'msgid "a"\nmsgstr "x"\nmsgid "a"\nmsgstr "y"\n',  # duplicate
    'msgid "a"\nmsgstr "x" junk\n',
    'bogus line\n',
])
def test_scanner_hands_broken_files_to_the_full_parser(broken):
    with pytest.raises(fastpo.Unsure):
        fastpo.count_states(broken)


def test_line_separators_inside_strings(tmp_path):
    import subprocess

    body = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n' \
           'msgid "a\u2028b"\nmsgstr "x\u2029y\u0085z"\n\n#, fuzzy\nmsgid "c"\nmsgstr "d"\n'
    path = tmp_path / "sep.po"
    path.write_text(body, encoding="utf-8")
    counts = fastpo.count_states(body)
    assert counts["reviewed"] == 1 and counts["fuzzy"] == 1
    out = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)], capture_output=True, text=True,
                         env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    assert "1 translated message, 1 fuzzy translation" in out.stderr
