"""`locflow review list|approve|reject|reopen|log`: every transition, every selector, the
reviewer's name, the log, the project lock, and catalogs that outside editors can read and write."""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from .conftest import REPO, hold_lock, run_locflow, write
from locflow.states import State, content_sha, rejection, state_of, translator_comments

WORKFLOW = """\
site: Test Press
source_language: en
languages: [en, et, ru]
locales_dir: locales
glossary: glossaries/terms.csv
catalogs:
  ui:
    kind: labels
    publish: reviewed
  articles:
    kind: articles
    publish: approved
"""

GLOSSARY = """\
id,kind,case_sensitive,note,en,et,ru,forbidden_en,forbidden_et,forbidden_ru
kyiv,term,no,Capital of Ukraine.,Kyiv,Kiiev,Киев,Kiev,Kijev,
"""

HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: Test Press\\n"
"Language: {lang}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural}\\n"
"Generated-By: locflow\\n"
{extra}"""

ET_PLURAL = "nplurals=2; plural=(n != 1);"
RU_PLURAL = ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
             "(n%100<10 || n%100>=20) ? 1 : 2);")


def sha(*forms: str) -> str:
    """README: first 8 hex digits of SHA-1 of the msgstr (plural forms joined by NUL)."""
    return hashlib.sha1("\x00".join(forms).encode("utf-8")).hexdigest()[:8]


ET_UI = HEADER.format(lang="et", plural=ET_PLURAL, extra="") + f"""
# keep it short
# locflow: machine google 2026-11-01
#. top navigation link to the front page
#: site/templates/base.html:5
#, fuzzy
msgid "Home"
msgstr "Avaleht"

# checked against the print edition
#: site/templates/base.html:9
#, fuzzy
#| msgid "Trend"
msgid "Trending"
msgstr "Populaarne"

#: site/templates/base.html:11
msgid "Our Picks"
msgstr "Meie valik"

# locflow: approved Kadri Saar 2026-10-01 {sha("Seotud artiklid")}
#: site/templates/article.html:30
msgid "Related Articles"
msgstr "Seotud artiklid"

# locflow: machine google 2026-11-01
#: site/templates/article.html:19
#, fuzzy, python-format
msgid "By %(author)s"
msgstr "Autor"

# locflow: machine google 2026-11-01
#: site/templates/article.html:23
#, fuzzy, python-format
msgid "%(count)s min read"
msgid_plural "%(count)s mins read"
msgstr[0] "%(count)s min lugemist"
msgstr[1] ""

#: site/templates/base.html:8
msgctxt "button"
msgid "Subscribe"
msgstr "Telli"

# locflow: machine google 2026-11-01
#: site/templates/home.html:4
#, fuzzy
msgid "News from Kyiv"
msgstr "Uudised Kijevist"

#: site/templates/base.html:12
msgid "Don't Miss"
msgstr ""
"""

RU_UI = HEADER.format(lang="ru", plural=RU_PLURAL, extra="") + """
# locflow: machine google 2026-11-01
#: site/templates/article.html:23
#, fuzzy, python-format
msgid "%(count)s min read"
msgid_plural "%(count)s mins read"
msgstr[0] "%(count)s минута чтения"
msgstr[1] "%(count)s минуты чтения"
msgstr[2] ""

# locflow: machine google 2026-11-01
#: site/templates/article.html:24
#, fuzzy, python-format
msgid "%(count)s comment"
msgid_plural "%(count)s comments"
msgstr[0] "%(count)s комментарий"
msgstr[1] "%(count)s комментария"
msgstr[2] "%(count)s комментариев"

#: site/templates/base.html:5
msgid "Home"
msgstr "Главная"
"""

ET_HARBOUR = HEADER.format(lang="et", plural=ET_PLURAL, extra='"X-Source-Language: en\\n"\n') + f"""
# locflow: machine google 2026-11-02
#. paragraph
#: site/articles/harbour-drill.md:11
#, fuzzy
msgid "Crews rehearsed a night-time alert at the harbour."
msgstr "Meeskonnad harjutasid sadamas öist häiret."

#. heading
#: site/articles/harbour-drill.md:13
msgid "Lessons from the night"
msgstr "Öö õppetunnid"

# locflow: approved Kadri Saar 2026-10-02 {sha("Radariühendused vajavad kiiremaid üleandmisi.")}
#. paragraph
#: site/articles/harbour-drill.md:15
msgid "The radar links need faster hand-overs."
msgstr "Radariühendused vajavad kiiremaid üleandmisi."
"""

ET_TRAIN = HEADER.format(lang="et", plural=ET_PLURAL, extra='"X-Source-Language: en\\n"\n') + """
# locflow: machine google 2026-11-02
#. title
#: site/articles/night-train.md:3
#, fuzzy
msgid "The night train to Riga returns"
msgstr "Öörong Riiga naaseb"

#. paragraph
#: site/articles/night-train.md:11
msgid "Tickets go on sale on Monday."
msgstr "Piletid tulevad müüki esmaspäeval."
"""

ET_UI_PATH = "locales/et/LC_MESSAGES/ui.po"
RU_UI_PATH = "locales/ru/LC_MESSAGES/ui.po"
HARBOUR_PATH = "locales/et/articles/harbour-drill.po"
TRAIN_PATH = "locales/et/articles/night-train.po"


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    """A project managing hand-written catalogs (no sources): every review state is present."""
    root = tmp_path / "proj"
    write(root / "workflow.yaml", WORKFLOW)
    write(root / "glossaries" / "terms.csv", GLOSSARY)
    write(root / ET_UI_PATH, ET_UI)
    write(root / RU_UI_PATH, RU_UI)
    write(root / HARBOUR_PATH, ET_HARBOUR)
    write(root / TRAIN_PATH, ET_TRAIN)
    return root


def find(root: Path, rel: str, msgid: str, msgctxt: str | None = None) -> polib.POEntry:
    found = [e for e in polib.pofile(str(root / rel)) if e.msgid == msgid and e.msgctxt == msgctxt
             and not e.obsolete]
    assert len(found) == 1, f"{len(found)} entries for {msgid!r} in {rel}"
    return found[0]


def block(root: Path, rel: str, msgid: str) -> str:
    """The raw text of the entry whose msgid line is exactly `msgid "<msgid>"`."""
    text = (root / rel).read_text(encoding="utf-8")
    found = [b for b in text.split("\n\n") if f'\nmsgid "{msgid}"\n' in f"\n{b}\n"]
    assert len(found) == 1, f"{len(found)} blocks for {msgid!r} in {rel}"
    return found[0]


def states(root: Path, rel: str) -> dict[str, str]:
    return {e.msgid: state_of(e).value for e in polib.pofile(str(root / rel)) if not e.obsolete}


def today_dates() -> set[str]:
    now = dt.date.today()
    return {now.isoformat(), (now + dt.timedelta(days=1)).isoformat()}


def approval_line(entry: polib.POEntry) -> str:
    lines = [c for c in entry.tcomment.split("\n") if c.startswith("locflow: approved ")]
    assert len(lines) == 1, entry.tcomment
    return lines[0]


APPROVED_RE = re.compile(r"^locflow: approved (?P<who>.+) (?P<date>\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}Z "
                         r"(?P<sha>[0-9a-f]{12})$")


def assert_approved_by(entry: polib.POEntry, reviewer: str) -> None:
    m = APPROVED_RE.match(approval_line(entry))
    assert m, entry.tcomment
    assert m["who"] == reviewer
    assert m["date"] in today_dates()
    assert m["sha"] == content_sha(entry)
    assert "fuzzy" not in entry.flags
    assert state_of(entry) is State.APPROVED


def listed(run_cli, root: Path, *args: str) -> list[dict]:
    result = run_cli("review", "list", *args, "--format", "json", cwd=root)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["entries"]


def test_a_second_lang_is_refused_not_silently_the_only_one(run_cli, proj):
    """Click keeps the last of a repeated single option: `approve --lang et --lang ru` approved ru alone."""
    from .conftest import snapshot

    before = snapshot(proj)
    for command in (["review", "approve", "--all"], ["review", "reopen", "--all"],
                    ["review", "reject", "--all", "--reason", "x"], ["export", "out.xlf"]):
        result = run_cli(*command, "--lang", "et", "--lang", "ru", cwd=proj)
        assert result.exit_code == 2, command
        assert "give one language (got et, ru)" in result.output
    assert snapshot(proj) == before


def test_several_match_options_select_any_of_them(run_cli, proj):
    """A repeated --match once kept only the last one, silently."""
    both = listed(run_cli, proj, "--lang", "et", "--catalog", "ui", "--match", "home", "--match", "picks")
    assert sorted(e["msgid"] for e in both) == ["Home", "Our Picks"]
    result = run_cli("review", "reopen", "--lang", "et", "--catalog", "ui", "--match", "zzz", "--match", "related",
                     cwd=proj)
    assert result.exit_code == 0 and "1 reopened" in result.stdout, result.output


def test_text_listing_is_one_line_per_entry_with_its_context(run_cli, proj):
    po = polib.pofile(str(proj / ET_UI_PATH))
    next(e for e in po if e.msgid == "Our Picks").msgstr = "Meie\nvalik\tnädalaks"
    po.save()
    result = run_cli("review", "list", "--lang", "et", "--catalog", "ui", cwd=proj)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    entries = [line for line in lines if line.startswith("locales/")]
    assert len(entries) == len(listed(run_cli, proj, "--lang", "et", "--catalog", "ui"))
    assert any("Meie\\nvalik\\tnädalaks" in line for line in entries), entries
    assert any("[button] Subscribe" in line for line in entries), entries


# --- transitions --------------------------------------------------------------------------------

def test_machine_to_approved_writes_the_marker_and_keeps_other_comments(run_cli, proj):
    result = run_cli("review", "approve", "--lang", "et", "--match", "Home", "--catalog", "ui",
                     "--reviewer", "Mari Tamm", cwd=proj)
    assert result.exit_code == 0, result.output
    e = find(proj, ET_UI_PATH, "Home")
    assert_approved_by(e, "Mari Tamm")
    assert e.tcomment.split("\n")[0] == "keep it short"
    assert "locflow: machine" not in e.tcomment
    assert e.comment == "top navigation link to the front page"
    raw = block(proj, ET_UI_PATH, "Home")
    assert "#, fuzzy" not in raw
    assert re.search(r"^# locflow: approved Mari Tamm \S+ " + content_sha(e) + "$", raw, re.M), raw
    # sha is README's "first 12 hex digits of SHA-256 of msgctxt, msgid, msgid_plural and the forms"
    assert content_sha(e) == hashlib.sha256("\x00".join(["", "Home", "", "Avaleht"]).encode()).hexdigest()[:12]
    # nothing else in the file changed state
    assert states(proj, ET_UI_PATH)["Trending"] == "fuzzy"
    assert states(proj, ET_UI_PATH)["Our Picks"] == "reviewed"


def test_fuzzy_to_approved_drops_the_flag_and_the_previous_msgid(run_cli, proj):
    result = run_cli("review", "approve", "--lang", "et", "--match", "trending", "--reviewer", "Mari Tamm", cwd=proj)
    assert result.exit_code == 0, result.output
    e = find(proj, ET_UI_PATH, "Trending")
    assert_approved_by(e, "Mari Tamm")
    assert e.previous_msgid is None
    assert "checked against the print edition" in e.tcomment.split("\n")
    raw = block(proj, ET_UI_PATH, "Trending")
    assert "#|" not in raw and "fuzzy" not in raw


def test_reviewed_to_approved(run_cli, proj):
    result = run_cli("review", "approve", "--lang", "et", "--match", "Our Picks", "--reviewer", "Mari Tamm",
                     cwd=proj)
    assert result.exit_code == 0, result.output
    assert_approved_by(find(proj, ET_UI_PATH, "Our Picks"), "Mari Tamm")
    assert "1 approved" in result.stdout


def test_plural_entry_is_approved_with_the_hash_of_all_forms(run_cli, proj):
    result = run_cli("review", "approve", "--lang", "ru", "--match", "comment", "--reviewer", "Mari Tamm", cwd=proj)
    assert result.exit_code == 0, result.output
    e = find(proj, RU_UI_PATH, "%(count)s comment")
    assert_approved_by(e, "Mari Tamm")
    assert content_sha(e) == hashlib.sha256("\x00".join(
        ["", "%(count)s comment", "%(count)s comments", "%(count)s комментарий", "%(count)s комментария",
         "%(count)s комментариев"]).encode()).hexdigest()[:12]


def test_approving_an_approved_entry_rewrites_nothing(run_cli, proj):
    path = proj / HARBOUR_PATH
    before = (path.stat().st_mtime_ns, path.read_bytes())
    result = run_cli("review", "approve", "--lang", "et", "--match", "radar", "--reviewer", "Mari Tamm", cwd=proj)
    assert result.exit_code == 0, result.output
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
    assert "Kadri Saar 2026-10-02" in find(proj, HARBOUR_PATH, "The radar links need faster hand-overs.").tcomment


def test_reopen_turns_approved_into_reviewed(run_cli, proj):
    result = run_cli("review", "reopen", "--lang", "et", "--catalog", "ui", cwd=proj)
    assert result.exit_code == 0, result.output
    e = find(proj, ET_UI_PATH, "Related Articles")
    assert state_of(e) is State.REVIEWED
    assert "locflow: approved" not in e.tcomment
    assert "fuzzy" not in e.flags
    assert "1 reopened" in result.stdout
    # the article's approval (another catalog) is untouched
    assert states(proj, HARBOUR_PATH)["The radar links need faster hand-overs."] == "approved"


def test_reopen_keeps_translator_comments(run_cli, proj):
    run_cli("review", "approve", "--lang", "et", "--match", "Home", "--reviewer", "Mari Tamm", cwd=proj)
    result = run_cli("review", "reopen", "--lang", "et", "--match", "home", cwd=proj)
    assert result.exit_code == 0, result.output
    e = find(proj, ET_UI_PATH, "Home")
    assert state_of(e) is State.REVIEWED
    assert translator_comments(e.tcomment) == ["keep it short"]
    assert e.tcomment.split("\n")[-1].startswith("locflow: reopened ")  # the log says who and when


@pytest.mark.parametrize("msgid, rel, before", [
    ("Home", ET_UI_PATH, "machine"),
    ("Trending", ET_UI_PATH, "fuzzy"),
    ("Our Picks", ET_UI_PATH, "reviewed"),
    ("Related Articles", ET_UI_PATH, "approved"),
    ("%(count)s comment", RU_UI_PATH, "machine"),
])
def test_reject_makes_any_translated_state_fuzzy_with_the_reason(run_cli, proj, msgid, rel, before):
    lang = "ru" if rel == RU_UI_PATH else "et"
    assert states(proj, rel)[msgid] == before
    result = run_cli("review", "reject", "--lang", lang, "--match", msgid, "--reviewer", "Mari Tamm",
                     "--reason", "Too literal;   use the style book", cwd=proj)
    assert result.exit_code == 0, result.output
    e = find(proj, rel, msgid)
    assert "fuzzy" in e.flags
    assert state_of(e) is State.FUZZY
    # polib wraps the marker at 78 columns: read it back joined
    rejected = [c for c in e.tcomment.replace("\n", " \n").split("\n") if c.startswith("locflow: rejected ")]
    assert len(rejected) == 1
    joined = e.tcomment.split("locflow: rejected ", 1)[1].split("\nlocflow:", 1)[0].replace("\n", " ")
    m = re.fullmatch(r"Mari Tamm (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z): (.*)", joined)
    assert m and m[1][:10] in today_dates()
    assert m[2] == "Too literal; use the style book"
    found = rejection(e)
    assert (found.who, found.date, found.detail) == ("Mari Tamm", m[1], m[2])
    assert "locflow: approved" not in e.tcomment
    assert "locflow: machine" not in e.tcomment
    assert f"# locflow: rejected Mari Tamm {m[1]}: Too literal; use the style book" in \
        re.sub(r"\n# (?!locflow:)", " ", block(proj, rel, msgid))
    # the translation itself is kept for the translator to fix
    assert e.msgstr or e.msgstr_plural[0]
    if msgid == "Home":
        assert "keep it short" in e.tcomment.split("\n")


def test_reject_leaves_untranslated_entries_alone(run_cli, proj):
    before = (proj / ET_UI_PATH).read_bytes()
    result = run_cli("review", "reject", "--lang", "et", "--match", "Don't Miss", "--reviewer", "Mari Tamm",
                     "--reason", "missing", cwd=proj)
    assert result.exit_code == 0, result.output
    assert (proj / ET_UI_PATH).read_bytes() == before
    assert "0 rejected" in result.stdout


def test_a_rejected_entry_can_be_approved_later_and_the_rejection_becomes_history(run_cli, proj):
    run_cli("review", "reject", "--lang", "et", "--match", "Our Picks", "--reviewer", "Kadri Saar",
            "--reason", "check the print edition", cwd=proj)
    assert states(proj, ET_UI_PATH)["Our Picks"] == "fuzzy"
    result = run_cli("review", "approve", "--lang", "et", "--match", "Our Picks", "--reviewer", "Mari Tamm", cwd=proj)
    assert result.exit_code == 0, result.output
    e = find(proj, ET_UI_PATH, "Our Picks")
    assert_approved_by(e, "Mari Tamm")
    assert "locflow: rejected" not in e.tcomment
    assert "locflow: was rejected Kadri Saar" in e.tcomment
    assert "check the print edition" in e.tcomment.replace("\n", " ")


@pytest.mark.parametrize("args", [[], ["--reason", ""], ["--reason", "   "]])
def test_reject_needs_a_reason(run_cli, proj, args):
    before = (proj / ET_UI_PATH).read_bytes()
    result = run_cli("review", "reject", "--lang", "et", "--match", "Home", "--reviewer", "Mari Tamm", *args,
                     cwd=proj)
    assert result.exit_code == 2, result.output
    assert "reason" in result.output.lower()
    assert result.exception is None
    assert (proj / ET_UI_PATH).read_bytes() == before


def test_approve_refuses_empty_forms_and_error_findings_and_approves_the_rest(run_cli, proj):
    result = run_cli("review", "approve", "--lang", "et", "--catalog", "ui", "--reviewer", "Mari Tamm", cwd=proj)
    assert result.exit_code == 1, result.output
    assert result.exception is None
    out = " ".join(result.stdout.split())
    s = states(proj, ET_UI_PATH)
    # approved in the same run
    for msgid in ("Home", "Trending", "Our Picks", "Subscribe", "Related Articles"):
        assert s[msgid] == "approved", (msgid, s)
    # refused, with reasons, and left as they were
    assert s["By %(author)s"] == "machine"
    assert s["%(count)s min read"] == "fuzzy"  # a plural with an empty form is never machine or above
    assert s["News from Kyiv"] == "machine"
    assert s["Don't Miss"] == "untranslated"
    refused = [line for line in result.stdout.splitlines() if line.startswith("refused")]
    assert len(refused) == 4, result.stdout
    by_msgid = {msgid: next(line for line in refused if msgid in line)
                for msgid in ("By %(author)s", "%(count)s min read", "News from Kyiv", "Don't Miss")}
    assert "%(author)" in by_msgid["By %(author)s"].split("placeholders", 1)[1]
    assert "empty translation" in by_msgid["%(count)s min read"]
    assert "glossary-forbidden" in by_msgid["News from Kyiv"]
    assert "empty translation" in by_msgid["Don't Miss"]
    assert f"{ET_UI_PATH}:" in by_msgid["By %(author)s"]
    assert "4 refused" in out
    # the refused entries kept their exact text
    assert block(proj, ET_UI_PATH, "By %(author)s") in ET_UI
    assert block(proj, ET_UI_PATH, "News from Kyiv") in ET_UI


def test_approve_refuses_a_plural_with_an_empty_last_form(run_cli, proj):
    result = run_cli("review", "approve", "--lang", "ru", "--all", "--reviewer", "Mari Tamm", cwd=proj)
    assert result.exit_code == 1, result.output
    s = states(proj, RU_UI_PATH)
    assert s["%(count)s min read"] == "fuzzy"
    assert s["%(count)s comment"] == "approved"
    assert s["Home"] == "approved"
    line = next(line for line in result.stdout.splitlines() if "min read" in line)
    assert line.startswith("refused") and "empty translation form" in line


def test_an_ignore_comment_lets_an_entry_with_a_finding_be_approved(run_cli, proj):
    text = ET_UI.replace("# locflow: machine google 2026-11-01\n#: site/templates/article.html:19",
                         "# locflow: ignore placeholders\n# locflow: machine google 2026-11-01\n"
                         "#: site/templates/article.html:19")
    write(proj / ET_UI_PATH, text)
    result = run_cli("review", "approve", "--lang", "et", "--match", "author", "--reviewer", "Mari Tamm", cwd=proj)
    assert result.exit_code == 0, result.output
    assert states(proj, ET_UI_PATH)["By %(author)s"] == "approved"


def test_severity_off_in_workflow_yaml_no_longer_blocks(run_cli, proj):
    write(proj / "workflow.yaml", WORKFLOW + "checks:\n  glossary-forbidden: off\n  glossary-mandated: warning\n")
    result = run_cli("review", "approve", "--lang", "et", "--match", "Kyiv", "--reviewer", "Mari Tamm", cwd=proj)
    assert result.exit_code == 0, result.output
    assert states(proj, ET_UI_PATH)["News from Kyiv"] == "approved"


# --- selectors ----------------------------------------------------------------------------------

def test_lang_is_required(run_cli, proj):
    before = (proj / ET_UI_PATH).read_bytes()
    for action, extra in (("approve", ["--reviewer", "M"]), ("reject", ["--reviewer", "M", "--reason", "x"]),
                          ("reopen", [])):
        result = run_cli("review", action, *extra, cwd=proj)
        assert result.exit_code == 2, (action, result.output)
        assert "--lang" in result.output
    assert (proj / ET_UI_PATH).read_bytes() == before


@pytest.mark.parametrize("action", ["approve", "reject", "reopen", "list"])
def test_unknown_language_is_a_usage_error(run_cli, proj, action):
    extra = {"approve": ["--reviewer", "M"], "reject": ["--reviewer", "M", "--reason", "x"]}.get(action, [])
    result = run_cli("review", action, "--lang", "xx", *extra, cwd=proj)
    assert result.exit_code == 2, result.output
    assert result.exception is None
    assert "unknown language `xx`" in result.stderr
    assert "et" in result.stderr  # the hint names the project's languages


@pytest.mark.parametrize("action", ["approve", "reject", "reopen", "list"])
def test_unknown_state_is_a_usage_error(run_cli, proj, action):
    before = (proj / ET_UI_PATH).read_bytes()
    extra = {"approve": ["--reviewer", "M"], "reject": ["--reviewer", "M", "--reason", "x"]}.get(action, [])
    result = run_cli("review", action, "--lang", "et", "--state", "machine,proofread", *extra, cwd=proj)
    assert result.exit_code == 2, result.output
    assert "unknown state `proofread`" in result.stderr
    assert "approved" in result.stderr  # the hint lists the states
    assert (proj / ET_UI_PATH).read_bytes() == before


def test_unknown_catalog_is_a_usage_error(run_cli, proj):
    result = run_cli("review", "approve", "--lang", "et", "--catalog", "footer", "--reviewer", "M", cwd=proj)
    assert result.exit_code == 2, result.output
    assert "footer" in result.stderr


def test_catalog_by_name_group_and_glob(run_cli, proj):
    by_name = listed(run_cli, proj, "--lang", "et", "--catalog", "articles/night-train")
    assert {e["catalog"] for e in by_name} == {"articles/night-train"}
    assert len(by_name) == 2
    by_group = listed(run_cli, proj, "--lang", "et", "--catalog", "articles")
    assert {e["catalog"] for e in by_group} == {"articles/harbour-drill", "articles/night-train"}
    assert len(by_group) == 5
    by_glob = listed(run_cli, proj, "--lang", "et", "--catalog", "articles/h*")
    assert {e["catalog"] for e in by_glob} == {"articles/harbour-drill"}
    both = listed(run_cli, proj, "--lang", "et", "--catalog", "ui,articles/night-train")
    assert {e["catalog"] for e in both} == {"ui", "articles/night-train"}


def test_catalog_selects_what_approve_changes(run_cli, proj):
    ui_before = (proj / ET_UI_PATH).read_bytes()
    train_before = (proj / TRAIN_PATH).read_bytes()
    result = run_cli("review", "approve", "--lang", "et", "--catalog", "articles/h*", "--reviewer", "Mari Tamm",
                     cwd=proj)
    assert result.exit_code == 0, result.output
    assert set(states(proj, HARBOUR_PATH).values()) == {"approved"}
    assert (proj / ET_UI_PATH).read_bytes() == ui_before
    assert (proj / TRAIN_PATH).read_bytes() == train_before


def test_lang_selects_one_language(run_cli, proj):
    ru_before = (proj / RU_UI_PATH).read_bytes()
    run_cli("review", "approve", "--lang", "et", "--match", "Home", "--reviewer", "Mari Tamm", cwd=proj)
    assert states(proj, ET_UI_PATH)["Home"] == "approved"
    assert (proj / RU_UI_PATH).read_bytes() == ru_before
    assert {e["language"] for e in listed(run_cli, proj, "--lang", "ru")} == {"ru"}
    assert {e["language"] for e in listed(run_cli, proj)} == {"et", "ru"}


def test_match_is_case_insensitive_on_source_and_translation(run_cli, proj):
    assert [e["msgid"] for e in listed(run_cli, proj, "--lang", "et", "--match", "HOME")] == ["Home"]
    assert [e["msgid"] for e in listed(run_cli, proj, "--lang", "et", "--match", "aVALEHT")] == ["Home"]
    # a plural's other forms count too
    assert [e["msgid"] for e in listed(run_cli, proj, "--lang", "ru", "--match", "КОММЕНТАРИЕВ")] \
        == ["%(count)s comment"]
    assert [e["msgid"] for e in listed(run_cli, proj, "--lang", "ru", "--match", "mins READ")] \
        == ["%(count)s min read"]
    assert listed(run_cli, proj, "--lang", "et", "--match", "no such words") == []


def test_state_selects_several_states(run_cli, proj):
    machine = listed(run_cli, proj, "--lang", "et", "--state", "machine")
    assert {e["state"] for e in machine} == {"machine"}
    assert {e["msgid"] for e in machine} == {"Home", "By %(author)s", "News from Kyiv",
                                            "Crews rehearsed a night-time alert at the harbour.",
                                            "The night train to Riga returns"}
    repeated = listed(run_cli, proj, "--lang", "et", "--state", "fuzzy", "--state", "reviewed")
    comma = listed(run_cli, proj, "--lang", "et", "--state", "fuzzy,reviewed")
    assert repeated == comma
    assert {e["msgid"] for e in comma} == {"Trending", "Our Picks", "Subscribe", "Lessons from the night",
                                          "Tickets go on sale on Monday.", "%(count)s min read"}
    assert [e["msgid"] for e in listed(run_cli, proj, "--lang", "et", "--state", "untranslated")] == ["Don't Miss"]


def test_state_selects_what_approve_changes(run_cli, proj):
    result = run_cli("review", "approve", "--lang", "et", "--state", "fuzzy,reviewed", "--reviewer", "Mari Tamm",
                     cwd=proj)
    assert result.exit_code == 1, result.output  # the plural with an empty form is fuzzy, and refused
    assert "refused" in result.stdout and "min read" in result.stdout
    s = states(proj, ET_UI_PATH)
    assert s["Trending"] == s["Our Picks"] == s["Subscribe"] == "approved"
    assert s["Home"] == "machine"
    assert states(proj, TRAIN_PATH) == {"The night train to Riga returns": "machine",
                                        "Tickets go on sale on Monday.": "approved"}


def test_selectors_combine(run_cli, proj):
    rows = listed(run_cli, proj, "--lang", "et", "--catalog", "articles", "--state", "machine", "--match", "riga")
    assert [(e["catalog"], e["msgid"]) for e in rows] == [("articles/night-train", "The night train to Riga returns")]
    result = run_cli("review", "reject", "--lang", "et", "--catalog", "articles", "--state", "machine",
                     "--match", "RIGA", "--reviewer", "Mari Tamm", "--reason", "title too long", cwd=proj)
    assert result.exit_code == 0, result.output
    assert "1 rejected" in result.stdout
    assert states(proj, TRAIN_PATH)["The night train to Riga returns"] == "fuzzy"
    assert states(proj, HARBOUR_PATH)["Crews rehearsed a night-time alert at the harbour."] == "machine"
    assert states(proj, ET_UI_PATH)["Home"] == "machine"
    # a combination that selects nothing changes nothing
    before = {p: (proj / p).read_bytes() for p in (ET_UI_PATH, HARBOUR_PATH, TRAIN_PATH)}
    result = run_cli("review", "approve", "--lang", "et", "--catalog", "ui", "--state", "reviewed", "--match", "riga",
                     "--reviewer", "Mari Tamm", cwd=proj)
    assert result.exit_code == 1, result.output
    assert "no entry matches the selectors" in result.stdout
    assert {p: (proj / p).read_bytes() for p in before} == before


def test_reopen_honours_selectors(run_cli, proj):
    run_cli("review", "approve", "--lang", "et", "--state", "reviewed", "--reviewer", "Mari Tamm", cwd=proj)
    result = run_cli("review", "reopen", "--lang", "et", "--catalog", "articles", "--match", "tickets", cwd=proj)
    assert result.exit_code == 0, result.output
    assert "1 reopened" in result.stdout
    assert states(proj, TRAIN_PATH)["Tickets go on sale on Monday."] == "reviewed"
    assert states(proj, HARBOUR_PATH)["Lessons from the night"] == "approved"
    assert states(proj, ET_UI_PATH)["Our Picks"] == "approved"


# --- the reviewer's name ------------------------------------------------------------------------

def _git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GIT_CONFIG_NOSYSTEM="1",
               COLUMNS="200", NO_COLOR="1")
    return env


def _locflow(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "locflow", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_reviewer_defaults_to_git_user_name(tmp_path, proj):
    home = tmp_path / "home"
    home.mkdir()
    env = _git_env(home)
    subprocess.run(["git", "init", "-q"], cwd=proj, env=env, check=True)
    subprocess.run(["git", "config", "user.name", "Mari Tamm"], cwd=proj, env=env, check=True)
    proc = _locflow("review", "approve", "--lang", "et", "--match", "Our Picks", cwd=proj, env=env)
    assert proc.returncode == 0, proc.stderr
    assert_approved_by(find(proj, ET_UI_PATH, "Our Picks"), "Mari Tamm")
    proc = _locflow("review", "reject", "--lang", "et", "--match", "Home", "--reason", "tone", cwd=proj, env=env)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^locflow: rejected Mari Tamm \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z: tone$",
                     find(proj, ET_UI_PATH, "Home").tcomment, re.M)


def test_reviewer_option_beats_git(tmp_path, proj):
    home = tmp_path / "home"
    home.mkdir()
    env = _git_env(home)
    subprocess.run(["git", "init", "-q"], cwd=proj, env=env, check=True)
    subprocess.run(["git", "config", "user.name", "Mari Tamm"], cwd=proj, env=env, check=True)
    proc = _locflow("review", "approve", "--lang", "et", "--match", "Our Picks", "--reviewer", "Kadri Saar",
                    cwd=proj, env=env)
    assert proc.returncode == 0, proc.stderr
    assert_approved_by(find(proj, ET_UI_PATH, "Our Picks"), "Kadri Saar")


@pytest.mark.parametrize("action", [["approve"], ["reject", "--reason", "tone"]])
def test_no_git_name_and_no_reviewer_is_a_usage_error_with_a_hint(tmp_path, proj, action):
    home = tmp_path / "home"
    home.mkdir()
    before = (proj / ET_UI_PATH).read_bytes()
    proc = _locflow("review", *action, "--lang", "et", "--match", "Our Picks", cwd=proj, env=_git_env(home))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "reviewer" in proc.stderr
    assert "hint:" in proc.stderr and "--reviewer" in proc.stderr and "user.name" in proc.stderr
    assert (proj / ET_UI_PATH).read_bytes() == before


def test_a_reviewer_name_that_would_break_the_marker_is_refused(run_cli, proj):
    before = (proj / ET_UI_PATH).read_bytes()
    result = run_cli("review", "approve", "--lang", "et", "--match", "Our Picks", "--reviewer", "Mari 2026-01-01",
                     cwd=proj)
    assert result.exit_code == 2, result.output
    assert (proj / ET_UI_PATH).read_bytes() == before


# --- review list --------------------------------------------------------------------------------

def test_list_json_has_catalog_line_state_source_and_translation(run_cli, proj):
    rows = listed(run_cli, proj, "--lang", "et", "--catalog", "ui")
    by_msgid = {r["msgid"]: r for r in rows}
    assert len(rows) == 9
    home = by_msgid["Home"]
    assert home["catalog"] == "ui" and home["language"] == "et" and home["path"] == ET_UI_PATH
    assert home["state"] == "machine" and home["translation"] == ["Avaleht"]
    assert by_msgid["%(count)s min read"]["translation"] == ["%(count)s min lugemist", ""]
    assert by_msgid["%(count)s min read"]["msgid_plural"] == "%(count)s mins read"
    assert by_msgid["Subscribe"]["msgctxt"] == "button"
    assert {m: r["state"] for m, r in by_msgid.items()} == {m: s for m, s in states(proj, ET_UI_PATH).items() if m}
    # `line` points into the entry's own block of the file
    lines = (proj / ET_UI_PATH).read_text(encoding="utf-8").split("\n")
    for r in rows:
        start = r["line"] - 1
        end = next(i for i in range(start, len(lines)) if lines[i] == "") if "" in lines[start:] else len(lines)
        assert f'msgid "{r["msgid"]}"' in lines[start:end], (r["msgid"], r["line"])


def test_list_text_output(run_cli, proj):
    result = run_cli("review", "list", "--lang", "et", "--catalog", "articles/night-train", cwd=proj)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    first, second, total = lines
    assert first.startswith(f"{TRAIN_PATH}:")
    assert "machine" in first and "The night train to Riga returns" in first and "Öörong Riiga naaseb" in first
    assert "reviewed" in second and "Tickets go on sale on Monday." in second
    assert total == "2 entries"


def test_list_unknown_format_is_a_usage_error(run_cli, proj):
    result = run_cli("review", "list", "--lang", "et", "--format", "xml", cwd=proj)
    assert result.exit_code == 2, result.output


# --- review log ---------------------------------------------------------------------------------

def test_log_lists_approvals_and_rejections_newest_first(run_cli, proj):
    # Kadri Saar approved on 2026-10-01 (ui) and 2026-10-02 (article); now two decisions of today.
    run_cli("review", "reject", "--lang", "et", "--match", "Home", "--reviewer", "Mari Tamm", "--reason",
            "tone is off", cwd=proj)
    run_cli("review", "approve", "--lang", "et", "--match", "Our Picks", "--reviewer", "Mari Tamm", cwd=proj)
    result = run_cli("review", "log", "--lang", "et", "--format", "json", cwd=proj)
    assert result.exit_code == 0, result.output
    log = json.loads(result.stdout)["log"]
    assert [r["date"] for r in log] == sorted((r["date"] for r in log), reverse=True)
    assert [(r["action"], r["reviewer"], r["msgid"]) for r in log[2:]] == [
        ("approved", "Kadri Saar", "The radar links need faster hand-overs."),
        ("approved", "Kadri Saar", "Related Articles"),
    ]
    assert {(r["action"], r["reviewer"], r["msgid"]) for r in log[:2]} == {
        ("rejected", "Mari Tamm", "Home"), ("approved", "Mari Tamm", "Our Picks")}
    rejected = next(r for r in log if r["action"] == "rejected")
    assert rejected["detail"] == "tone is off" and rejected["date"][:10] in today_dates()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", rejected["date"])  # UTC, to the second
    assert rejected["catalog"] == "ui" and rejected["language"] == "et"
    assert "no longer valid" not in json.dumps(log)

    text = run_cli("review", "log", "--lang", "et", cwd=proj)
    assert text.exit_code == 0, text.output
    lines = text.stdout.strip().splitlines()
    assert lines[-1] == "4 decisions"
    assert lines[2].startswith("2026-10-02") and "Kadri Saar" in lines[2] and "approved" in lines[2]
    assert lines[3].startswith("2026-10-01") and "Related Articles" in lines[3]


def test_log_marks_an_approval_edited_afterwards_as_no_longer_valid(run_cli, proj):
    path = proj / HARBOUR_PATH
    path.write_text(path.read_text(encoding="utf-8").replace("kiiremaid üleandmisi", "kiiremat üleandmist"),
                    encoding="utf-8")
    log = json.loads(run_cli("review", "log", "--lang", "et", "--format", "json", cwd=proj).stdout)["log"]
    radar = next(r for r in log if r["msgid"].startswith("The radar"))
    related = next(r for r in log if r["msgid"] == "Related Articles")
    assert "no longer valid" in radar["detail"]
    assert "no longer valid" not in related["detail"]
    text = run_cli("review", "log", "--lang", "et", "--catalog", "articles", cwd=proj).stdout
    line = next(line for line in text.splitlines() if "The radar" in line)
    assert "no longer valid" in line
    assert "Related Articles" not in text


def test_log_with_no_decisions(run_cli, proj):
    result = run_cli("review", "log", "--lang", "ru", cwd=proj)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "0 decisions"


# --- editors outside locflow --------------------------------------------------------------------

def _written_by_locflow(run_cli, root: Path) -> list[Path]:
    """Catalogs locflow has just rewritten with every kind of review decision."""
    assert run_cli("review", "approve", "--lang", "et", "--catalog", "ui", "--reviewer", "Mari Tamm",
                   cwd=root).exit_code == 1
    assert run_cli("review", "reject", "--lang", "et", "--catalog", "articles", "--state", "machine",
                   "--reviewer", "Mari Tamm", "--reason", "style: shorter", cwd=root).exit_code == 0
    assert run_cli("review", "approve", "--lang", "ru", "--all", "--reviewer", "Mari Tamm", cwd=root).exit_code == 1
    return [root / p for p in (ET_UI_PATH, RU_UI_PATH, HARBOUR_PATH, TRAIN_PATH)]


def _sample_written_by_locflow(run_cli, root: Path) -> list[Path]:
    assert run_cli("review", "approve", "--lang", "et", "--catalog", "articles/kyiv-disinformation-response",
                   "--reviewer", "Mari Tamm", cwd=root).exit_code == 0
    assert run_cli("review", "reject", "--lang", "ru", "--catalog", "ui", "--match", "min read",
                   "--reviewer", "Mari Tamm", "--reason", "check the forms", cwd=root).exit_code == 0
    assert run_cli("review", "approve", "--lang", "ru", "--catalog", "ui", "--match", "Subscribe",
                   "--reviewer", "Mari Tamm", cwd=root).exit_code == 0
    return [root / "locales/et/articles/kyiv-disinformation-response.po", root / "locales/ru/LC_MESSAGES/ui.po"]


def _gettext(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, env=dict(os.environ, LC_ALL="C", LANGUAGE=""))


@pytest.mark.parametrize("which", ["handmade", "sample"])
def test_msgcat_and_msgfmt_check_accept_what_locflow_writes(run_cli, proj, sample, tmp_path, which):
    files = _written_by_locflow(run_cli, proj) if which == "handmade" else _sample_written_by_locflow(run_cli, sample)
    for path in files:
        cat = _gettext("msgcat", str(path), "-o", str(tmp_path / "msgcat.po"))
        assert cat.returncode == 0 and "error" not in cat.stderr.lower(), (path, cat.stderr)
        fmt = _gettext("msgfmt", "--check", "-o", os.devnull, str(path))
        assert fmt.returncode == 0, (path, fmt.stderr)
        assert "error" not in fmt.stderr.lower(), (path, fmt.stderr)
        # msgcat reads the same entries: same msgids, msgstrs and fuzzy flags
        ours = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural), "fuzzy" in e.flags)
                for e in polib.pofile(str(path))}
        theirs = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural), "fuzzy" in e.flags)
                  for e in polib.pofile(str(tmp_path / "msgcat.po"))}
        assert theirs == ours


def test_polib_round_trip_is_byte_identical(run_cli, sample, tmp_path):
    for path in _sample_written_by_locflow(run_cli, sample):
        other = tmp_path / f"polib-{path.name}"
        polib.pofile(str(path)).save(str(other))
        assert other.read_bytes() == path.read_bytes(), path


@pytest.mark.parametrize("tool", [["msgcat", "-w", "60"], ["msgcat", "--no-wrap"], None])
def test_a_decision_rewrites_only_the_entries_it_changed(run_cli, sample, tmp_path, tool):
    """After Poedit, Weblate or msgcat re-wrapped a catalog, an approval once re-wrapped all of it
    back to polib's 78 columns: the diff showed every entry. Hand-written files keep their form too."""
    path = sample / "locales" / "et" / "articles" / "kyiv-disinformation-response.po"
    if tool:
        subprocess.run([*tool, str(path), "-o", str(path)], check=True)
    before = path.read_text(encoding="utf-8").split("\n")
    result = run_cli("review", "approve", "--lang", "et", "--catalog", "articles/kyiv-disinformation-response",
                     "--match", "Як працюватиме", "--reviewer", "Mari Tamm", cwd=sample)
    assert result.exit_code == 0 and "1 approved" in result.stdout, result.output
    after = path.read_text(encoding="utf-8").split("\n")
    added = [line for line in difflib.ndiff(before, after) if line.startswith(("+ ", "- "))]
    assert len(added) == 1 and added[0].startswith("+ # locflow: approved Mari Tamm "), added
    entry = next(e for e in polib.pofile(str(path)) if e.msgid == "Як працюватиме система")
    assert state_of(entry) is State.APPROVED


def test_hand_formatted_catalogs_keep_their_form_where_nothing_changed(run_cli, proj):
    before = {p: p.read_text(encoding="utf-8") for p in (proj / ET_UI_PATH, proj / RU_UI_PATH)}
    files = _written_by_locflow(run_cli, proj)
    for path in files[:2]:
        old, new = before[path].split("\n"), path.read_text(encoding="utf-8").split("\n")
        removed = [line for line in difflib.ndiff(old, new) if line.startswith("- ")]
        # only lines of the entries that changed state go: a fuzzy flag, a machine marker
        assert all(line[2:].startswith(("#, fuzzy", "# locflow: machine", "#| ")) for line in removed), removed


def test_polib_round_trip_of_the_committed_catalogs_is_byte_identical(tmp_path):
    paths = sorted((REPO / "locales").glob("*/LC_MESSAGES/*.po")) + sorted((REPO / "locales").glob("*/articles/*.po"))
    assert paths
    differ = []
    for path in paths:
        other = tmp_path / "round.po"
        polib.pofile(str(path)).save(str(other))
        if other.read_bytes() != path.read_bytes():
            differ.append(path.relative_to(REPO).as_posix())
    assert differ == []


def _babel_files(run_cli, root: Path) -> list[Path]:
    """Catalogs locflow wrote that hold every state, a `#|` previous msgid, a plural with an empty
    form, and approval, machine and rejection markers."""
    assert run_cli("review", "approve", "--lang", "et", "--match", "Our Picks", "--reviewer", "Mari Tamm",
                   cwd=root).exit_code == 0
    assert run_cli("review", "reject", "--lang", "et", "--catalog", "articles", "--state", "machine",
                   "--reviewer", "Mari Tamm", "--reason", "style: shorter", cwd=root).exit_code == 0
    assert run_cli("review", "approve", "--lang", "ru", "--match", "comment", "--reviewer", "Mari Tamm",
                   cwd=root).exit_code == 0
    paths = [root / p for p in (ET_UI_PATH, RU_UI_PATH, HARBOUR_PATH, TRAIN_PATH)]
    assert "#| msgid" in paths[0].read_text(encoding="utf-8")
    return paths


def _babel_save(path: Path, out: Path, **options) -> None:
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as fh:
        catalog = read_po(fh)
    buffer = io.BytesIO()
    write_po(buffer, catalog, **options)
    out.write_bytes(buffer.getvalue())


def _entries(path: Path) -> dict:
    return {(e.msgctxt, e.msgid): {"plural": e.msgid_plural, "msgstr": e.msgstr, "forms": dict(e.msgstr_plural),
                                   "flags": sorted(e.flags), "comments": e.tcomment.split("\n") if e.tcomment else [],
                                   "extracted": e.comment, "previous": e.previous_msgid, "state": state_of(e)}
            for e in polib.pofile(str(path)) if not e.obsolete}


@pytest.mark.parametrize("options", [
    {"width": 76},
    {"width": 78},
    {"width": 79, "include_previous": True},
])
def test_babel_round_trip_keeps_entries_and_states(run_cli, proj, tmp_path, options):
    """A babel read_po/write_po round trip cannot be byte-identical (see the next test); what it must
    keep is every entry: msgids, msgstrs, flags, translator comments (locflow's markers) and states."""
    for path in _babel_files(run_cli, proj):
        other = tmp_path / f"babel-{path.name}"
        _babel_save(path, other, **options)
        before, after = _entries(path), _entries(other)
        assert list(after) == list(before)
        for key, entry in before.items():
            got = dict(after[key])
            if entry["previous"]:
                # babel's reader does not know `#|`: the previous msgid comes back as a translator
                # comment `# | msgid "..."`; the entry's state is unaffected
                assert got["previous"] in (entry["previous"], None)
                got["comments"] = [c for c in got["comments"] if not c.startswith("| msgid")]
                got["previous"] = entry["previous"]
            assert got == entry, key
        metadata_before, metadata_after = polib.pofile(str(path)).metadata, polib.pofile(str(other)).metadata
        assert metadata_after["Language"] == metadata_before["Language"]
        assert metadata_after["Plural-Forms"] == metadata_before["Plural-Forms"]


def test_babel_round_trip_is_not_byte_identical_and_why(run_cli, sample, tmp_path):
    """Documents what babel changes, so the docs can say it: if babel ever writes locflow's bytes
    back, this test fails and the promise can be made."""
    path = _sample_written_by_locflow(run_cli, sample)[0]
    original = path.read_bytes()
    outputs = {}
    for name, options in {"76": {"width": 76}, "78": {"width": 78}, "79": {"width": 79, "include_previous": True},
                          "78-omit-header": {"width": 78, "omit_header": True, "include_previous": True}}.items():
        _babel_save(path, tmp_path / f"{name}.po", **options)
        outputs[name] = (tmp_path / f"{name}.po").read_text(encoding="utf-8")
    assert all(text.encode("utf-8") != original for text in outputs.values())
    header = outputs["78"].split("\n\n#")[0]
    # babel fills in its own header fields and drops unknown ones ...
    assert "Generated-By: Babel" in header and "POT-Creation-Date:" in header and "Last-Translator:" in header
    assert "X-Source-Language" not in header
    assert "X-Source-Language: uk" in original.decode("utf-8")
    # ... and with omit_header there is no header at all (no Language, no Plural-Forms)
    assert "Language:" not in outputs["78-omit-header"] and "Plural-Forms:" not in outputs["78-omit-header"]

    # the entries differ only in line wrapping: unwrapped, they are the same text
    def entries(text: str) -> list[str]:
        blocks = [b.strip("\n") for b in text.split("\n\n")]
        return [b.replace('"\n"', "") for b in blocks if b and 'msgid ""\nmsgstr ""\n"Project-Id-Version' not in b]

    assert entries(outputs["78"]) == entries(original.decode("utf-8"))
    assert entries(outputs["79"]) == entries(original.decode("utf-8"))
    assert entries(outputs["76"]) == entries(original.decode("utf-8"))


def test_an_edit_after_approval_makes_the_entry_reviewed_and_check_says_so(run_cli, proj):
    run_cli("review", "approve", "--lang", "et", "--match", "Our Picks", "--reviewer", "Mari Tamm", cwd=proj)
    assert states(proj, ET_UI_PATH)["Our Picks"] == "approved"
    # a translator edits the msgstr in Poedit (simulated by polib, as an editor would save it)
    catalog = polib.pofile(str(proj / ET_UI_PATH))
    next(e for e in catalog if e.msgid == "Our Picks").msgstr = "Meie valikud"
    catalog.save(str(proj / ET_UI_PATH))
    rows = listed(run_cli, proj, "--lang", "et", "--match", "Our Picks")
    assert [r["state"] for r in rows] == ["reviewed"]
    result = run_cli("check", "--lang", "et", "--only", "approval-stale", "--format", "json", cwd=proj)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["check"], f["msgid"], f["path"]) for f in findings] == [("approval-stale", "Our Picks", ET_UI_PATH)]
    # approving again renews the marker for the new text
    result = run_cli("review", "approve", "--lang", "et", "--match", "Our Picks", "--reviewer", "Kadri Saar",
                     cwd=proj)
    assert result.exit_code == 0, result.output
    e = find(proj, ET_UI_PATH, "Our Picks")
    assert_approved_by(e, "Kadri Saar")
    assert e.tcomment.count("locflow: approved") == 1
    findings = json.loads(run_cli("check", "--lang", "et", "--only", "approval-stale", "--format", "json",
                                  cwd=proj).stdout)["findings"]
    assert findings == []


def test_fuzzy_removed_by_hand_from_a_machine_entry_makes_it_reviewed(run_cli, proj):
    path = proj / ET_UI_PATH
    text = path.read_text(encoding="utf-8")
    home = block(proj, ET_UI_PATH, "Home")
    path.write_text(text.replace(home, home.replace("#, fuzzy\n", "")), encoding="utf-8")
    rows = listed(run_cli, proj, "--lang", "et", "--match", "Home")
    assert [r["state"] for r in rows] == ["reviewed"]
    status = json.loads(run_cli("status", "--lang", "et", "--catalog", "ui", "--format", "json", cwd=proj).stdout)
    # By %(author)s and News from Kyiv are still machine (the plural with an empty form is fuzzy);
    # Home joined Our Picks and Subscribe
    assert status["catalogs"][0]["states"]["machine"] == 2
    assert status["catalogs"][0]["states"]["reviewed"] == 3


# --- the project lock ---------------------------------------------------------------------------

def test_a_held_lock_fails_after_lock_timeout(proj):
    write(proj / "workflow.yaml", WORKFLOW + "lock_timeout: 1\n")
    before = (proj / ET_UI_PATH).read_bytes()
    holder = hold_lock(proj, 45)  # killed below; long enough for a loaded machine
    try:
        start = time.monotonic()
        proc = run_locflow("review", "approve", "--lang", "et", "--match", "Our Picks", "--reviewer", "Mari Tamm",
                           cwd=proj)
        elapsed = time.monotonic() - start
        assert holder.poll() is None, "the holder let go too early for this test to mean anything"
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "another locflow run" in proc.stderr and "lock" in proc.stderr
    assert "lock_timeout" in proc.stderr  # the hint says what to change
    assert elapsed < 30  # gave up after lock_timeout instead of waiting for the holder
    assert (proj / ET_UI_PATH).read_bytes() == before


def test_a_held_lock_is_waited_for_within_lock_timeout(proj):
    """The holder lets go only once the command says it is waiting: no race with a slow start on a
    loaded machine (the holder used to let go after 3 s, sometimes before the command even asked)."""
    write(proj / "workflow.yaml", WORKFLOW + "lock_timeout: 60\n")
    holder = hold_lock(proj, 120)
    before = (proj / ET_UI_PATH).read_bytes()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "locflow", "review", "approve", "--lang", "et", "--match",
                                 "Our Picks", "--reviewer", "Mari Tamm"], cwd=proj, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=dict(os.environ, NO_COLOR="1"))
        first = proc.stderr.readline()  # blocks until the command reports the wait
        assert "waiting" in first, first
        assert (proj / ET_UI_PATH).read_bytes() == before  # nothing written while the lock is held
    finally:
        holder.kill()
        holder.wait(timeout=30)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err
    assert_approved_by(find(proj, ET_UI_PATH, "Our Picks"), "Mari Tamm")


@pytest.mark.parametrize("action", [["reject", "--reason", "x"], ["reopen"]])
def test_reject_and_reopen_take_the_lock_too(proj, action):
    write(proj / "workflow.yaml", WORKFLOW + "lock_timeout: 0.5\n")
    before = (proj / ET_UI_PATH).read_bytes()
    holder = hold_lock(proj, 45)  # killed below
    try:
        proc = run_locflow("review", *action, "--lang", "et", "--catalog", "ui", "--reviewer", "Mari Tamm", cwd=proj)
        assert holder.poll() is None, "the holder let go too early for this test to mean anything"
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert (proj / ET_UI_PATH).read_bytes() == before
