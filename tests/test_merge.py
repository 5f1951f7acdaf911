"""locflow's merge against GNU msgmerge on the same def.po / ref.pot."""
from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest

from .conftest import write
from locflow.catalog import merge, render
from locflow.states import State, msgstr_sha, state_of

HEADER = {
    "et": 'msgid ""\nmsgstr ""\n"Language: et\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n',
    "lv": 'msgid ""\nmsgstr ""\n"Language: lv\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);\\n"\n\n',
}
POT_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def run_msgmerge(tmp_path: Path, def_po: Path, ref_pot: Path) -> polib.POFile:
    out = tmp_path / "msgmerge.po"
    proc = subprocess.run(["msgmerge", "--previous", "--quiet", "-o", str(out), str(def_po), str(ref_pot)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return polib.pofile(str(out))


def run_locflow(tmp_path: Path, def_po: Path, ref_pot: Path, language: str, **kw) -> polib.POFile:
    merged = merge(polib.pofile(str(ref_pot)), polib.pofile(str(def_po)), language, "Test Press", **kw)
    out = write(tmp_path / "locflow.po", render(merged))
    return polib.pofile(str(out))


def key(e: polib.POEntry) -> tuple[str | None, str]:
    return (e.msgctxt, e.msgid)


def forms(e: polib.POEntry) -> tuple[str, ...]:
    return tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural, key=int)) if e.msgstr_plural else (e.msgstr,)


def summary(catalog: polib.POFile) -> dict:
    active = [e for e in catalog if not e.obsolete]
    return {
        "active": [key(e) for e in active],  # a list: the template's order is part of the contract
        "obsolete": {key(e) for e in catalog if e.obsolete},
        "fuzzy": {key(e) for e in active if "fuzzy" in e.flags},
        "new": {key(e) for e in active if not any(forms(e))},
        "unchanged": {key(e) for e in active if any(forms(e)) and "fuzzy" not in e.flags},
        "first form": {key(e): forms(e)[0] for e in active},
        "previous msgid": {key(e): e.previous_msgid for e in active if "fuzzy" in e.flags},
    }


def compare(tmp_path: Path, def_text: str, ref_text: str, language: str = "et") -> tuple[dict, dict]:
    def_po = write(tmp_path / "def.po", HEADER[language] + def_text)
    ref_pot = write(tmp_path / "ref.pot", POT_HEADER + ref_text)
    return summary(run_msgmerge(tmp_path, def_po, ref_pot)), summary(run_locflow(tmp_path, def_po, ref_pot, language))


# Each case: (def.po body, ref.pot body). Changed strings are either clearly similar
# (a word or a punctuation mark changed) or clearly different (nothing in common).
CASES = {
    "mixed update": (
        '''\
msgid "Home"
msgstr "Avaleht"

msgid "Type to search and press Enter"
msgstr "Sisesta otsing ja vajuta Enter"

msgid "Don't Miss"
msgstr "Ära maga maha"

msgid "Untranslated leftover"
msgstr ""

msgctxt "button"
msgid "Subscribe"
msgstr "Telli"

msgctxt "heading"
msgid "Subscribe now to the newsletter"
msgstr "Telli uudiskiri kohe"

#, python-format
msgid "%(count)s min read"
msgid_plural "%(count)s mins read"
msgstr[0] "%(count)s min lugemist"
msgstr[1] "%(count)s min lugemist"

#, fuzzy
msgid "Trending"
msgstr "Populaarne"

#~ msgid "Our Picks"
#~ msgstr "Meie valik"

#~ msgid "Weather in Tallinn"
#~ msgstr "Ilm Tallinnas"
''',
        '''\
msgid "Trending"
msgstr ""

msgid "Home"
msgstr ""

msgid "Type to search, then press Enter"
msgstr ""

msgid "Privacy Policy"
msgstr ""

msgctxt "button"
msgid "Subscribe"
msgstr ""

msgctxt "heading"
msgid "Subscribe now to our newsletter"
msgstr ""

#, python-format
msgid "%(count)s min read"
msgid_plural "%(count)s mins read"
msgstr[0] ""
msgstr[1] ""

msgid "Our Picks"
msgstr ""
''',
    ),
    "plural source changed": (
        '''\
#, python-format
msgid "%(num)d article"
msgid_plural "%(num)d article"
msgstr[0] "%(num)d artikkel"
msgstr[1] "%(num)d artiklit"

msgid "Stay In Touch"
msgstr "Ole ühenduses"
''',
        '''\
#, python-format
msgid "%(num)d article"
msgid_plural "%(num)d articles"
msgstr[0] ""
msgstr[1] ""

msgid "Stay In Touch"
msgstr ""
''',
    ),
    "clearly different replacement is not a fuzzy match": (
        '''\
msgid "Don't Miss"
msgstr "Ära maga maha"

msgid "Stay In Touch"
msgstr "Ole ühenduses"
''',
        '''\
msgid "Privacy Policy"
msgstr ""

msgid "Cookie settings for this browser"
msgstr ""
''',
    ),
    "untranslated entries are never fuzzy sources": (
        '''\
msgid "Subscribe to Updates"
msgstr ""

msgid "Related Articles"
msgstr "Seotud artiklid"
''',
        '''\
msgid "Subscribe to our Updates"
msgstr ""

msgid "Related Articles"
msgstr ""
''',
    ),
    "fuzzy entry that disappears stays obsolete and fuzzy": (
        '''\
#, fuzzy
msgid "Stay In Touch"
msgstr "Ole ühenduses"

msgid "Home"
msgstr "Avaleht"
''',
        '''\
msgid "Home"
msgstr ""
''',
    ),
    "three plural forms survive a change elsewhere": (
        '''\
msgid "%d min read"
msgid_plural "%d mins read"
msgstr[0] "%d minūte"
msgstr[1] "%d minūtes"
msgstr[2] "%d minūšu"

msgid "Our Picks"
msgstr "Mūsu izvēle"
''',
        '''\
msgid "%d min read"
msgid_plural "%d mins read"
msgstr[0] ""
msgstr[1] ""

msgid "Our picks"
msgstr ""
''',
    ),
    # Splitting one string into contexts is routine (this very site split "Subscribe" into a
    # button and a heading): msgmerge offers the old translation as a fuzzy suggestion.
    "context added to an existing string": (
        '''\
msgid "Subscribe"
msgstr "Telli"

msgid "Home"
msgstr "Avaleht"
''',
        '''\
msgctxt "button"
msgid "Subscribe"
msgstr ""

msgid "Home"
msgstr ""
''',
    ),
    # A label removed in one release and brought back reworded: msgmerge fuzzy-matches
    # against obsolete entries too, so the translation comes back for review.
    "obsolete entry similar to a new string": (
        '''\
msgid "Home"
msgstr "Avaleht"

#~ msgid "Related Article"
#~ msgstr "Seotud artikkel"
''',
        '''\
msgid "Home"
msgstr ""

msgid "Related Articles"
msgstr ""
''',
    ),
    # A new string close to one that stays: msgmerge still offers the kept translation.
    "new string similar to a kept one": (
        '''\
msgid "Related Article"
msgstr "Seotud artikkel"
''',
        '''\
msgid "Related Article"
msgstr ""

msgid "Related Articles"
msgstr ""
''',
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_same_sets_as_msgmerge(tmp_path, case):
    def_text, ref_text = CASES[case]
    language = "lv" if "three plural forms" in case else "et"
    theirs, ours = compare(tmp_path, def_text, ref_text, language)
    for part in ("active", "new", "unchanged", "obsolete", "fuzzy"):
        assert ours[part] == theirs[part], f"{part}: locflow {ours[part]} != msgmerge {theirs[part]}"
    # fuzzy matches carry the same old translation and the same `#|` previous msgid
    assert ours["first form"] == theirs["first form"]
    assert ours["previous msgid"] == theirs["previous msgid"]


def test_mixed_update_in_detail(tmp_path):
    """The expected sets written out, so a change in msgmerge could not hide a regression."""
    def_text, ref_text = CASES["mixed update"]
    _, ours = compare(tmp_path, def_text, ref_text)
    assert ours["new"] == {(None, "Privacy Policy")}
    assert ours["fuzzy"] == {(None, "Trending"), (None, "Type to search, then press Enter"),
                             ("heading", "Subscribe now to our newsletter")}
    assert ours["obsolete"] == {(None, "Don't Miss"), (None, "Weather in Tallinn")}
    assert ours["unchanged"] == {(None, "Home"), ("button", "Subscribe"), (None, "%(count)s min read"),
                                 (None, "Our Picks")}
    assert (None, "Untranslated leftover") not in ours["obsolete"]  # dropped, like msgmerge
    assert ours["previous msgid"][(None, "Type to search, then press Enter")] == "Type to search and press Enter"


def test_merged_catalog_passes_msgfmt_check(tmp_path):
    def_text, ref_text = CASES["mixed update"]
    def_po = write(tmp_path / "def.po", HEADER["et"] + def_text)
    ref_pot = write(tmp_path / "ref.pot", POT_HEADER + ref_text)
    run_locflow(tmp_path, def_po, ref_pot, "et")
    proc = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(tmp_path / "locflow.po")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_purge_obsolete_drops_every_obsolete_entry(tmp_path):
    def_text, ref_text = CASES["mixed update"]
    def_po = write(tmp_path / "def.po", HEADER["et"] + def_text)
    ref_pot = write(tmp_path / "ref.pot", POT_HEADER + ref_text)
    kept = summary(run_locflow(tmp_path, def_po, ref_pot, "et"))
    purged = summary(run_locflow(tmp_path, def_po, ref_pot, "et", purge_obsolete=True))
    assert kept["obsolete"]
    assert purged["obsolete"] == set()
    assert purged["active"] == kept["active"]
    assert purged["fuzzy"] == kept["fuzzy"]


def test_markers_survive_an_exact_match_and_not_a_fuzzy_one(tmp_path):
    approved = polib.POEntry(msgid="Home", msgstr="Avaleht")
    approved_sha = msgstr_sha(approved)
    changed = polib.POEntry(msgid="Stay In Touch", msgstr="Ole ühenduses")
    def_text = f'''\
# keep it short
# locflow: approved Kadri 2026-10-01 {approved_sha}
msgid "Home"
msgstr "Avaleht"

# tone: informal
# locflow: approved Kadri 2026-10-01 {msgstr_sha(changed)}
msgid "Stay In Touch"
msgstr "Ole ühenduses"

# locflow: machine google 2026-10-02
#, fuzzy
msgid "What's Hot"
msgstr "Mis on kuum"
'''
    ref_text = '''\
msgid "Home"
msgstr ""

msgid "Stay in touch"
msgstr ""

msgid "What's Hot today"
msgstr ""
'''
    def_po = write(tmp_path / "def.po", HEADER["et"] + def_text)
    ref_pot = write(tmp_path / "ref.pot", POT_HEADER + ref_text)
    merged = {e.msgid: e for e in run_locflow(tmp_path, def_po, ref_pot, "et")}
    home = merged["Home"]
    assert home.tcomment == f"keep it short\nlocflow: approved Kadri 2026-10-01 {approved_sha}"
    assert state_of(home) is State.APPROVED
    touch = merged["Stay in touch"]
    assert touch.tcomment == "tone: informal"  # the reviewer's note stays, the approval goes
    assert state_of(touch) is State.FUZZY
    hot = merged["What's Hot today"]
    assert "locflow: machine" not in hot.tcomment  # the source moved under the machine output
    assert state_of(hot) is State.FUZZY
    assert hot.msgstr == "Mis on kuum"
