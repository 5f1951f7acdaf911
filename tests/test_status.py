"""`locflow status`: review states per catalog, counts equal to `msgfmt --statistics`."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from .conftest import copy_sample, msgfmt_statistics, run_locflow, write
from locflow.errors import LocflowError
from locflow.project import Project
from locflow.states import State, msgstr_sha, state_of
from locflow.status import status

MANAGED = """\
site: Test Press
source_language: en
languages: [en, et, lv, ru, uk]
catalogs:
  ui:
    kind: labels
    publish: reviewed
  articles:
    kind: articles
    publish: approved
"""


def sha(*forms: str) -> str:
    if len(forms) == 1:
        return msgstr_sha(polib.POEntry(msgid="x", msgstr=forms[0]))
    return msgstr_sha(polib.POEntry(msgid="x", msgid_plural="xs", msgstr_plural=dict(enumerate(forms))))


# A third-party Latvian catalog, written by hand: plurals, contexts, multi-line strings,
# obsolete and fuzzy entries, previous msgids, format flags, and locflow's own markers.
LATVIAN = f"""\
# Latvian translation of a third-party catalog.
# Copyright (C) 2024 Someone
#
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: thirdparty 1.0\\n"
"PO-Revision-Date: 2024-01-01 10:00+0200\\n"
"Last-Translator: Someone <s@example.org>\\n"
"Language-Team: Latvian\\n"
"Language: lv\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);\\n"

#. Extracted comment
#: src/main.c:10
#, c-format
msgid "Hello, %s!"
msgstr "Sveiki, %s!"

#: src/main.c:12
#, c-format
msgid "%d file"
msgid_plural "%d files"
msgstr[0] "%d fails"
msgstr[1] "%d faili"
msgstr[2] "%d failu"

#, c-format
msgid "%d folder"
msgid_plural "%d folders"
msgstr[0] ""
msgstr[1] "%d mapes"
msgstr[2] ""

#, c-format
msgid "%d link"
msgid_plural "%d links"
msgstr[0] "%d saite"
msgstr[1] ""
msgstr[2] ""

msgctxt "menu"
msgid "Open"
msgstr "Atvērt"

msgctxt "state"
msgid "Open"
msgstr ""

msgctxt ""
msgid "Close"
msgstr "Aizvērt"

#, fuzzy
msgid "Save"
msgstr "Saglabāt"

#, fuzzy
msgid "Save as"
msgstr ""

#, fuzzy, c-format
#| msgid "%d old item"
#| msgid_plural "%d old items"
msgid "%d item"
msgid_plural "%d items"
msgstr[0] "%d vienums"
msgstr[1] "%d vienumi"
msgstr[2] "%d vienumu"

#, fuzzy
msgid "%d thing"
msgid_plural "%d things"
msgstr[0] ""
msgstr[1] "%d lietas"
msgstr[2] ""

msgid ""
"A long multi-line message that wraps over several lines in the file and "
"also contains\\n"
"an embedded newline."
msgstr ""
"Garš vairākrindu ziņojums\\n"
"ar iegultu jaunu rindu."

msgid "Whitespace only"
msgstr " "

# translator comment
# locflow: machine google 2024-05-01
#, fuzzy
msgid "Machine translated"
msgstr "Mašīntulkots"

# locflow: machine deepl 2024-05-01
msgid "Machine output a reviewer accepted"
msgstr "Pieņemts"

# locflow: approved Anna Ozola 2024-05-02 {sha("Apstiprināts")}
msgid "Approved"
msgstr "Apstiprināts"

# locflow: approved Anna 2024-05-02 {sha("%d ziņa", "%d ziņas", "%d ziņu")}
#, c-format
msgid "%d message"
msgid_plural "%d messages"
msgstr[0] "%d ziņa"
msgstr[1] "%d ziņas"
msgstr[2] "%d ziņu"

# locflow: approved Anna 2024-05-02 {sha("Vecais")}
msgid "Edited after approval"
msgstr "Jaunais"

# locflow: approved Anna 2024-05-02 {sha("Atpakaļ")}
#, fuzzy
msgid "Sent back by a reviewer"
msgstr "Atpakaļ"

#, no-c-format
msgid "100% sure"
msgstr "100% droši"

msgid "Untranslated"
msgstr ""

#~ msgid "Obsolete one"
#~ msgstr "Novecojis viens"

#, fuzzy
#~| msgid "Obsolete tw"
#~ msgid "Obsolete two"
#~ msgstr "Novecojis divi"

#~ msgid "%d obsolete"
#~ msgid_plural "%d obsoletes"
#~ msgstr[0] "a"
#~ msgstr[1] "b"
#~ msgstr[2] "c"
"""

# "%d link" has empty later forms: msgfmt counts it translated, locflow fuzzy (it cannot be published)
LATVIAN_STATES = {"untranslated": 5, "fuzzy": 4, "machine": 1, "reviewed": 9, "approved": 2}

RUSSIAN = """\
msgid ""
msgstr ""
"Language: ru\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

#, python-format
msgid "%(num)d min read"
msgid_plural "%(num)d mins read"
msgstr[0] "%(num)d минута чтения"
msgstr[1] "%(num)d минуты чтения"
msgstr[2] "%(num)d минут чтения"

msgctxt "button"
msgid "Subscribe"
msgstr "Подписаться"

msgctxt "heading"
msgid "Subscribe"
msgstr ""

#, fuzzy
#| msgctxt "heading"
#| msgid "Subscribe now"
msgctxt "heading"
msgid "Subscribe today"
msgstr "Подпишитесь сегодня"

msgid ""
"Free Press is an independent newsroom covering national security in the "
"Baltic states, Poland, Romania and Ukraine."
msgstr ""
"Свободная пресса — независимая редакция, освещающая национальную "
"безопасность стран Балтии, Польши, Румынии и Украины."

#~ msgctxt "aria"
#~ msgid "Breadcrumb"
#~ msgstr "Навигация"
"""

# Same content in three encodings/line-ending styles msgfmt accepts.
ESTONIAN_LATIN1 = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
    'msgid "Caf\xe9"\nmsgstr "Kohvik \xe4"\n\n#, fuzzy\nmsgid "Men\xfc"\nmsgstr "Men\xfc\xfc"\n\n'
    'msgid "Empty"\nmsgstr ""\n'
).encode("latin-1")

UKRAINIAN_CRLF = (
    'msgid ""\r\nmsgstr ""\r\n"Content-Type: text/plain; charset=UTF-8\\n"\r\n\r\n'
    'msgid "Home"\r\nmsgstr "Головна"\r\n\r\n#, fuzzy\r\nmsgid "Trending"\r\nmsgstr "Популярне"\r\n\r\n'
    'msgid "Our Picks"\r\nmsgstr ""\r\n'
).encode("utf-8")

ENGLISH_NO_HEADER = 'msgid "Home"\nmsgstr "Home"\n\nmsgid "Search"\nmsgstr ""\n'

FILES = {
    "lv": LATVIAN,
    "ru": RUSSIAN,
    "et": ESTONIAN_LATIN1,
    "uk": UKRAINIAN_CRLF,
    "en": ENGLISH_NO_HEADER,
}


@pytest.fixture
def managed(tmp_path) -> Path:
    """A project whose catalogs have no sources: status works on the PO files as they are."""
    root = tmp_path / "proj"
    write(root / "workflow.yaml", MANAGED)
    for lang, text in FILES.items():
        write(root / "locales" / lang / "LC_MESSAGES" / "ui.po", text)
    return root


def rows(root: Path, **kw) -> dict[tuple[str, str], dict]:
    return {(r.language, r.catalog): r.to_json() for r in status(Project.load(root / "workflow.yaml"), **kw)}


@pytest.mark.parametrize("lang", list(FILES))
def test_counts_equal_msgfmt_statistics(managed, lang):
    path = managed / "locales" / lang / "LC_MESSAGES" / "ui.po"
    row = rows(managed)[(lang, "ui")]
    expected = msgfmt_statistics(path)
    # The one documented difference: a plural with its first form filled and a later one empty is
    # translated to msgfmt and fuzzy to locflow (publishing it would show nothing for some numbers).
    po = polib.pofile(str(path))
    partial = sum(1 for e in po if not e.obsolete and e.msgid_plural and "fuzzy" not in e.flags
                  and e.msgstr_plural.get(0) and not all(e.msgstr_plural.values()))
    expected = dict(expected, translated=expected["translated"] - partial, fuzzy=expected["fuzzy"] + partial)
    got = {k: row[k] for k in ("translated", "fuzzy", "untranslated")}
    assert got == expected
    assert row["total"] == sum(expected.values())
    # the documented identities between the three msgfmt numbers and the five states
    states = row["states"]
    assert row["translated"] == states["reviewed"] + states["approved"]
    assert row["fuzzy"] == states["machine"] + states["fuzzy"]
    assert row["untranslated"] == states["untranslated"]


def test_review_states_of_the_third_party_catalog(managed):
    row = rows(managed)[("lv", "ui")]
    assert row["states"] == LATVIAN_STATES
    assert row["obsolete"] == 3
    assert row["publishable"] is False


def test_each_entry_gets_the_documented_state(managed):
    catalog = polib.pofile(str(managed / "locales" / "lv" / "LC_MESSAGES" / "ui.po"))
    got = {e.msgid: state_of(e) for e in catalog if not e.obsolete}
    assert got["Machine translated"] is State.MACHINE
    assert got["Machine output a reviewer accepted"] is State.REVIEWED  # marker without fuzzy: reviewed
    assert got["Approved"] is State.APPROVED
    assert got["%d message"] is State.APPROVED  # the sha covers every plural form
    assert got["Edited after approval"] is State.REVIEWED
    assert got["Sent back by a reviewer"] is State.FUZZY
    assert got["Save"] is State.FUZZY
    assert got["Save as"] is State.UNTRANSLATED  # fuzzy but empty: msgfmt counts it untranslated
    assert got["%d thing"] is State.UNTRANSLATED  # first form empty
    assert got["%d link"] is State.FUZZY  # first form filled, a later one empty: not done
    assert got["Whitespace only"] is State.REVIEWED


def test_editing_an_approved_plural_form_makes_it_reviewed(managed):
    path = managed / "locales" / "lv" / "LC_MESSAGES" / "ui.po"
    path.write_text(LATVIAN.replace('msgstr[2] "%d ziņu"', 'msgstr[2] "%d ziņām"'), encoding="utf-8")
    states = rows(managed)[("lv", "ui")]["states"]
    assert states["approved"] == LATVIAN_STATES["approved"] - 1
    assert states["reviewed"] == LATVIAN_STATES["reviewed"] + 1


def test_json_has_exactly_the_documented_keys(managed, run_cli):
    result = run_cli("status", "--format", "json", cwd=managed)
    assert result.exit_code == 0, result.output
    assert result.exception is None
    data = json.loads(result.stdout)
    assert list(data) == ["catalogs"]
    assert len(data["catalogs"]) == len(FILES)
    for row in data["catalogs"]:
        assert set(row) == {"catalog", "language", "path", "total", "translated", "fuzzy", "untranslated",
                            "obsolete", "states", "publishable"}
        assert set(row["states"]) == {"untranslated", "machine", "fuzzy", "reviewed", "approved"}
        assert row["catalog"] == "ui"
        assert row["path"] == f"locales/{row['language']}/LC_MESSAGES/ui.po"
        assert all(isinstance(row[k], int) for k in ("total", "translated", "fuzzy", "untranslated", "obsolete"))
        assert isinstance(row["publishable"], bool)
    # languages in workflow.yaml order
    assert [r["language"] for r in data["catalogs"]] == ["en", "et", "lv", "ru", "uk"]


def test_article_catalogs_are_named_by_slug_and_gated_at_approved(managed):
    good = f"""\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

# locflow: approved Mari 2026-10-01 {sha("Pealkiri")}
msgid "Title"
msgstr "Pealkiri"
"""
    write(managed / "locales" / "et" / "articles" / "harbour-drill.po", good)
    write(managed / "locales" / "et" / "articles" / "radar-upgrade.po", good.replace("# locflow: approved", "# ok"))
    got = rows(managed, languages=["et"])
    drill = got[("et", "articles/harbour-drill")]
    assert drill["path"] == "locales/et/articles/harbour-drill.po"
    assert drill["states"]["approved"] == 1 and drill["publishable"] is True
    radar = got[("et", "articles/radar-upgrade")]
    assert radar["states"]["reviewed"] == 1 and radar["publishable"] is False  # reviewed < approved


def test_labels_publish_at_reviewed(managed):
    write(managed / "locales" / "uk" / "LC_MESSAGES" / "ui.po",
          'msgid "Home"\nmsgstr "Головна"\n\n# locflow: approved X 2026-10-01 00000000\nmsgid "Search"\nmsgstr "Пошук"\n')
    assert rows(managed)[("uk", "ui")]["publishable"] is True
    write(managed / "locales" / "uk" / "LC_MESSAGES" / "ui.po",
          'msgid "Home"\nmsgstr "Головна"\n\n# locflow: machine google 2026-10-01\n#, fuzzy\nmsgid "Search"\n'
          'msgstr "Пошук"\n')
    assert rows(managed)[("uk", "ui")]["publishable"] is False


def test_filters_by_language_and_catalog(managed):
    write(managed / "locales" / "lv" / "articles" / "harbour-drill.po", 'msgid "Title"\nmsgstr ""\n')
    assert set(rows(managed, languages=["lv"])) == {("lv", "ui"), ("lv", "articles/harbour-drill")}
    assert set(rows(managed, catalogs=["articles"])) == {("lv", "articles/harbour-drill")}
    assert set(rows(managed, catalogs=["articles/harbour-*"])) == {("lv", "articles/harbour-drill")}
    with pytest.raises(LocflowError):
        rows(managed, languages=["fr"])
    with pytest.raises(LocflowError):
        rows(managed, catalogs=["nope"])


# --- catalogs msgfmt refuses are errors, never counts ------------------------------------------------

HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
BROKEN = {
    "unknown keyword": HEAD + 'msgid "a"\nmsgstr "b"\n\nbogus "c"\nmsgstr "d"\n',
    "unterminated string": HEAD + 'msgid "a"\nmsgstr "b"\n\nmsgid "c\nmsgstr "d"\n\nmsgid "e"\nmsgstr "f"\n',
    "msgid without msgstr": HEAD + 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\n',
    "duplicate definition": HEAD + 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n',
}


def msgfmt_error_line(path: Path) -> int:
    proc = subprocess.run(["msgfmt", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert proc.returncode != 0, "msgfmt accepted the broken catalog"
    return int(re.search(re.escape(str(path)) + r":(\d+):", proc.stderr).group(1))


@pytest.mark.parametrize("case", list(BROKEN))
def test_catalog_msgfmt_rejects_is_an_error_with_file_and_line(managed, case):
    path = write(managed / "locales" / "ru" / "LC_MESSAGES" / "ui.po", BROKEN[case])
    with pytest.raises(LocflowError) as info:
        status(Project.load(managed / "workflow.yaml"))
    err = info.value
    assert err.path == "locales/ru/LC_MESSAGES/ui.po"
    assert err.exit_code == 2
    assert err.line is not None and abs(err.line - msgfmt_error_line(path)) <= 1, str(err)


# --- the committed sample project --------------------------------------------------------------

def test_sample_project_counts_equal_msgfmt(sample):
    got = status(Project.load(sample / "workflow.yaml"))
    files = sorted(p.relative_to(sample).as_posix() for p in (sample / "locales").rglob("*.po"))
    assert sorted(r.path for r in got) == files
    assert any(r.catalog.startswith("articles/") for r in got)
    for row in got:
        expected = msgfmt_statistics(sample / row.path)
        assert (row.translated, row.fuzzy, row.untranslated) == (
            expected["translated"], expected["fuzzy"], expected["untranslated"]), row.path


@pytest.mark.parametrize("args", [["--lang", ",,"], ["--catalog", ","], ["--lang", " "]])
def test_an_option_given_only_separators_is_a_usage_error_not_all(tmp_path, args):
    """`--lang ,,` once meant every language, on the fast path and through typer alike."""
    root = copy_sample(tmp_path / "s")
    for _ in range(2):  # the second run would come from the output cache
        r = run_locflow("status", *args, cwd=root)
        assert r.returncode == 2 and "empty value" in r.stderr, (r.stdout, r.stderr)


def test_ci_logs_show_whole_catalog_names(tmp_path):
    """Piped output (CI) once cut long article catalog names short with an ellipsis."""
    root = copy_sample(tmp_path / "s")
    longest = max((p.stem for p in (root / "locales" / "et" / "articles").glob("*.po")), key=len)
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    r = subprocess.run([sys.executable, "-m", "locflow", "status", "--lang", "et", "--catalog", "articles/*"],
                       cwd=root, capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0 and f"articles/{longest} " in r.stdout and "…" not in r.stdout, r.stdout


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_every_committed_sample_catalog_passes_msgfmt_check_without_a_warning():
    """Found by a user: the sample's catalogs lacked the header fields msgfmt -c asks for."""
    import subprocess

    repo = Path(__file__).resolve().parents[1]
    for path in sorted((repo / "locales").rglob("*.po")):
        proc = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True, text=True)
        assert proc.returncode == 0 and proc.stderr == "", (path, proc.stderr)


def test_a_broken_catalog_is_reported_and_the_others_are_still_counted(tmp_path):
    """Found by a user: `status` printed only the error, no row for the 63 healthy catalogs."""
    root = copy_sample(tmp_path / "sample")
    path = root / "locales" / "lv" / "LC_MESSAGES" / "ui.po"
    path.write_text(path.read_text(encoding="utf-8").replace('msgid "Home"\nmsgstr "', 'msgid "Home"\nmsgstr "X\n', 1),
                    encoding="utf-8")
    healthy = len(list((root / "locales").rglob("*.po"))) - 1
    for args in (["status", "--format", "json"], ["status", "--format", "json", "--lang", "lv"]):
        for _ in range(2):  # the second run must not answer from a cache that forgot the error
            proc = run_locflow(*args, cwd=root)
            assert proc.returncode == 2, proc.stderr
            data = json.loads(proc.stdout)
            assert data["errors"] == [{"path": "locales/lv/LC_MESSAGES/ui.po", "line": 24,
                                       "message": "PO syntax error: unterminated string",
                                       "hint": "fix the entry by hand or restore it from version control"}]
            assert "locales/lv/LC_MESSAGES/ui.po:24" in proc.stderr
            assert "locales/lv/LC_MESSAGES/ui.po" not in {row["path"] for row in data["catalogs"]}
    assert len(json.loads(run_locflow("status", "--format", "json", cwd=root).stdout)["catalogs"]) == healthy
    clean = run_locflow("status", "--format", "json", "--lang", "et", cwd=root)
    assert clean.returncode == 0 and "errors" not in json.loads(clean.stdout)
