"""`locflow pull`: templates and catalogs on disk after real pulls of a small project."""
from __future__ import annotations

import gettext
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import ARTICLE_ET, WORKFLOW, entry, po, pull, snapshot, write
from locflow.errors import LocflowError
from locflow.project import Project
from locflow.pull import pull as core_pull
from locflow.states import State, msgstr_sha, state_of

ALL_LANGUAGES = ["en", "et", "lv", "lt", "pl", "ro", "ru", "uk"]
NPLURALS = {"en": 2, "et": 2, "ro": 3, "lv": 3, "lt": 3, "pl": 3, "ru": 3, "uk": 3}
WORKFLOW_ALL = WORKFLOW.replace("[en, et, lv, ru]", "[" + ", ".join(ALL_LANGUAGES) + "]")


def ui(root: Path, lang: str) -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / "ui.po"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def template(root: Path, name: str = "base.html") -> Path:
    return root / "site" / "templates" / name


def translate(path: Path, translations: dict[str, str | list[str]], *, comments: dict[str, str] | None = None,
              approved: tuple[str, ...] = (), machine: tuple[str, ...] = ()) -> None:
    """What a translator's editor (or `locflow review`) leaves in the file."""
    catalog = po(path)
    for e in catalog:
        if e.msgid in translations:
            value = translations[e.msgid]
            if isinstance(value, list):
                e.msgstr_plural = dict(enumerate(value))
            else:
                e.msgstr = value
        lines = [comments[e.msgid]] if comments and e.msgid in comments else []
        if e.msgid in approved:
            lines.append(f"locflow: approved Anna Ozola 2026-10-01 {msgstr_sha(e)}")
        if e.msgid in machine:
            lines.append("locflow: machine google 2026-10-01")
            e.flags.append("fuzzy")
        if lines:
            e.tcomment = "\n".join(lines)
    catalog.save()


@pytest.fixture
def pulled(project) -> Path:
    result = pull(project)
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture
def translated(pulled) -> Path:
    """Latvian UI catalog with reviewed, approved and machine entries and translator notes."""
    translate(ui(pulled, "lv"), {
        "Home": "Sākums",
        "Type to search and press Enter": "Rakstiet un nospiediet Enter",
        "All rights reserved.": "Visas tiesības aizsargātas.",
        "What's Hot": "Karstākās ziņas",
        "Stay In Touch": "Sazinieties ar mums",
        "%(num)d min read": ["%(num)d minūte", "%(num)d minūtes", "%(num)d minūšu"],
    }, comments={"Home": "keep it short: the menu is narrow", "Stay In Touch": "informal tone"},
        approved=("Home", "Type to search and press Enter", "%(num)d min read"), machine=("What's Hot",))
    states = {e.msgid: state_of(e) for e in po(ui(pulled, "lv"))}
    assert states["Home"] is State.APPROVED and states["What's Hot"] is State.MACHINE
    return pulled


# --- what a first pull writes -------------------------------------------------------------------

def test_first_pull_writes_templates_and_a_catalog_per_language(pulled):
    files = {p.relative_to(pulled / "locales").as_posix() for p in (pulled / "locales").rglob("*") if p.is_file()}
    assert files == {
        "templates/ui.pot",
        "templates/articles/harbour-drill.pot",
        "templates/articles/tartu-cyber-range.pot",
        "en/LC_MESSAGES/ui.po", "et/LC_MESSAGES/ui.po", "lv/LC_MESSAGES/ui.po", "ru/LC_MESSAGES/ui.po",
        # an article is translated into every language but its own
        "et/articles/harbour-drill.po", "lv/articles/harbour-drill.po", "ru/articles/harbour-drill.po",
        "en/articles/tartu-cyber-range.po", "lv/articles/tartu-cyber-range.po", "ru/articles/tartu-cyber-range.po",
    }


def test_article_catalogs_hold_the_article_units(pulled):
    catalog = po(pulled / "locales" / "en" / "articles" / "tartu-cyber-range.po")
    assert [e.msgid for e in catalog] == ["Tartu küberpolügoon avab uksed",
                                         "Uus harjutusväli toob kokku ülikooli ja kaitseväe.",
                                         "Tartu uus küberpolügoon alustas tööd esmaspäeval."]
    assert catalog.metadata["Language"] == "en"
    assert all(e.msgstr == "" for e in catalog)


def test_article_target_languages_follow_the_article_language(make_project):
    # the same article declared in Latvian: now et gets a catalog and lv does not
    root = make_project(articles={"tartu.md": ARTICLE_ET.replace("language: et", "language: lv")})
    assert pull(root).exit_code == 0
    targets = sorted(p.parent.parent.name for p in (root / "locales").glob("*/articles/tartu-cyber-range.po"))
    assert targets == ["en", "et", "ru"]


def test_new_catalogs_get_language_and_plural_forms(make_project):
    root = make_project(workflow=WORKFLOW_ALL)
    assert pull(root).exit_code == 0
    for lang in ALL_LANGUAGES:
        catalog = po(ui(root, lang))
        assert catalog.metadata["Language"] == lang
        n = NPLURALS[lang]
        assert re.match(rf"nplurals={n}; plural=", catalog.metadata["Plural-Forms"]), lang
        assert sorted(entry(catalog, "%(num)d min read").msgstr_plural) == list(range(n)), lang
        proc = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(ui(root, lang))], capture_output=True,
                              text=True)
        assert proc.returncode == 0, proc.stderr


# n -> plural form index, as GNU gettext's catalogs for these languages number them
PLURAL_CASES = {
    "et": {1: 0, 2: 1, 5: 1},
    "lv": {0: 2, 1: 0, 2: 1, 11: 1, 21: 0},
    "lt": {1: 0, 2: 1, 9: 1, 10: 2, 11: 2, 21: 0},
    "pl": {1: 0, 2: 1, 5: 2, 12: 2, 22: 1},
    "ru": {1: 0, 2: 1, 5: 2, 11: 2, 21: 0, 22: 1},
    "uk": {1: 0, 3: 1, 7: 2, 14: 2, 31: 0},
}


def test_plural_formulas_pick_the_right_forms(make_project):
    root = make_project(workflow=WORKFLOW_ALL)
    assert pull(root).exit_code == 0
    for lang, cases in PLURAL_CASES.items():
        formula = po(ui(root, lang)).metadata["Plural-Forms"].split("plural=", 1)[1].rstrip(";")
        choose = gettext.c2py(formula)
        assert {n: choose(n) for n in cases} == cases, lang


# --- a second pull writes nothing --------------------------------------------------------------------

def test_second_pull_writes_nothing(pulled):
    before = snapshot(pulled)
    result = pull(pulled)
    assert result.exit_code == 0
    assert result.stdout.startswith("up to date")
    assert snapshot(pulled) == before  # same bytes and same mtime_ns for every file


def test_second_pull_after_changes_writes_nothing(translated):
    edit(template(translated), "Type to search and press Enter", "Type to search, then press Enter")
    edit(template(translated, "partials/sidebar.html"), "{{ _(\"Stay In Touch\") }}", "")
    edit(template(translated), "All rights reserved.", "All rights reserved")
    first = pull(translated)
    assert "updated locales/lv/LC_MESSAGES/ui.po" in first.stdout
    before = snapshot(translated)
    second = pull(translated)
    assert second.stdout.startswith("up to date"), second.stdout
    assert snapshot(translated) == before


def test_dry_run_lists_changes_and_writes_nothing(pulled):
    edit(template(pulled), "All rights reserved.", "All rights reserved, 2026.")
    before = snapshot(pulled)
    dry = pull(pulled, "--dry-run")
    assert dry.exit_code == 0
    assert snapshot(pulled) == before
    would = sorted(line.split(" ", 2)[2] for line in dry.stdout.splitlines() if line.startswith("would update locales/"))
    assert would == ["locales/en/LC_MESSAGES/ui.po", "locales/et/LC_MESSAGES/ui.po", "locales/lv/LC_MESSAGES/ui.po",
                     "locales/ru/LC_MESSAGES/ui.po", "locales/templates/ui.pot"]
    real = pull(pulled)
    written = sorted(line.split(" ", 1)[1] for line in real.stdout.splitlines() if line.startswith("updated locales"))
    assert written == would
    changed = {k for k, v in snapshot(pulled).items() if before.get(k) != v}
    assert changed == set(would)


# --- merge semantics on disk -------------------------------------------------------------------------

def test_changed_source_string_becomes_fuzzy_with_previous_msgid(translated):
    edit(template(translated), "Type to search and press Enter", "Type to search, then press Enter")
    assert pull(translated).exit_code == 0
    text = ui(translated, "lv").read_text(encoding="utf-8")
    assert ('#, fuzzy\n#| msgid "Type to search and press Enter"\nmsgid "Type to search, then press Enter"\n'
            'msgstr "Rakstiet un nospiediet Enter"\n') in text
    e = entry(po(ui(translated, "lv")), "Type to search, then press Enter")
    assert state_of(e) is State.FUZZY
    # the approval vouched for the old source only
    assert "locflow: approved" not in e.tcomment
    # untouched languages get the new string untranslated, not fuzzy
    assert entry(po(ui(translated, "et")), "Type to search, then press Enter").flags == []


def test_machine_marker_is_dropped_on_a_fuzzy_match(translated):
    edit(template(translated, "partials/sidebar.html"), "What's Hot", "What's Hot Today")
    assert pull(translated).exit_code == 0
    e = entry(po(ui(translated, "lv")), "What's Hot Today")
    assert e.msgstr == "Karstākās ziņas"
    assert e.previous_msgid == "What's Hot"
    assert "locflow: machine" not in e.tcomment
    assert state_of(e) is State.FUZZY


def test_removed_string_becomes_obsolete_and_purge_drops_it(translated):
    edit(template(translated, "partials/sidebar.html"), '<h2>{{ _("Stay In Touch") }}</h2>', "")
    assert pull(translated).exit_code == 0
    text = ui(translated, "lv").read_text(encoding="utf-8")
    assert '#~ msgid "Stay In Touch"\n#~ msgstr "Sazinieties ar mums"\n' in text
    assert "# informal tone\n#~ msgid" in text  # the translator's note goes with it
    # untranslated in et: dropped, not kept as an obsolete empty entry
    assert "Stay In Touch" not in ui(translated, "et").read_text(encoding="utf-8")

    assert pull(translated, "--purge-obsolete").exit_code == 0
    purged = ui(translated, "lv").read_text(encoding="utf-8")
    assert "#~" not in purged and "Stay In Touch" not in purged
    assert entry(po(ui(translated, "lv")), "Home").msgstr == "Sākums"


def test_obsolete_translation_comes_back_with_its_string(translated):
    sidebar = template(translated, "partials/sidebar.html")
    original = sidebar.read_text(encoding="utf-8")
    edit(sidebar, '<h2>{{ _("Stay In Touch") }}</h2>', "")
    assert pull(translated).exit_code == 0
    sidebar.write_text(original, encoding="utf-8")
    assert pull(translated).exit_code == 0
    catalog = po(ui(translated, "lv"))
    e = entry(catalog, "Stay In Touch")
    assert not e.obsolete and e.msgstr == "Sazinieties ar mums" and state_of(e) is State.REVIEWED
    assert not [x for x in catalog if x.obsolete]


def test_comments_and_approvals_survive_an_unchanged_merge(translated):
    before = {e.msgid: (e.msgstr, e.msgstr_plural, e.tcomment, state_of(e)) for e in po(ui(translated, "lv"))}
    # a change elsewhere forces the Latvian catalog to be rewritten
    edit(template(translated), "All rights reserved.", "All rights reserved, 2026.")
    result = pull(translated)
    assert "updated locales/lv/LC_MESSAGES/ui.po" in result.stdout
    after = {e.msgid: (e.msgstr, e.msgstr_plural, e.tcomment, state_of(e)) for e in po(ui(translated, "lv"))}
    for msgid in ("Home", "Type to search and press Enter", "%(num)d min read", "What's Hot", "Stay In Touch"):
        assert after[msgid] == before[msgid], msgid
    assert after["Home"][3] is State.APPROVED
    assert after["%(num)d min read"][3] is State.APPROVED
    assert after["What's Hot"][3] is State.MACHINE
    assert after["Home"][2].startswith("keep it short: the menu is narrow\nlocflow: approved Anna Ozola ")


def test_existing_header_is_kept(pulled):
    path = ui(pulled, "ru")
    catalog = po(path)
    catalog.metadata["Last-Translator"] = "Olga <olga@example.org>"
    catalog.metadata["Language-Team"] = "Russian"
    catalog.save()
    edit(template(pulled), "All rights reserved.", "All rights reserved, 2026.")
    assert pull(pulled).exit_code == 0
    meta = po(path).metadata
    assert meta["Last-Translator"] == "Olga <olga@example.org>"
    assert meta["Language-Team"] == "Russian"
    assert meta["Language"] == "ru"


def test_plural_translation_is_kept_when_the_plural_source_changes(translated):
    edit(template(translated, "partials/sidebar.html"), '"%(num)d mins read"', '"%(num)d minutes read"')
    assert pull(translated).exit_code == 0
    e = entry(po(ui(translated, "lv")), "%(num)d min read")
    assert e.msgid_plural == "%(num)d minutes read"
    assert [e.msgstr_plural[i] for i in range(3)] == ["%(num)d minūte", "%(num)d minūtes", "%(num)d minūšu"]
    assert "fuzzy" in e.flags and e.previous_msgid_plural == "%(num)d mins read"
    assert state_of(e) is State.FUZZY


def test_edited_article_paragraph_is_fuzzy_in_every_target_language(pulled):
    for lang in ("lv", "ru"):
        translate(pulled / "locales" / lang / "articles" / "harbour-drill.po",
                  {"Lessons from the night": f"[{lang}] Lessons"})
    edit(pulled / "site" / "articles" / "harbour-drill.md", "## Lessons from the night", "## Lessons from that night")
    assert pull(pulled).exit_code == 0
    for lang in ("lv", "ru"):
        e = entry(po(pulled / "locales" / lang / "articles" / "harbour-drill.po"), "Lessons from that night")
        assert e.msgstr == f"[{lang}] Lessons" and "fuzzy" in e.flags
        assert e.previous_msgid == "Lessons from the night"
    e = entry(po(pulled / "locales" / "et" / "articles" / "harbour-drill.po"), "Lessons from that night")
    assert e.msgstr == "" and "fuzzy" not in e.flags


# --- errors stop the pull before anything is written ---------------------------------------------------

def only_error(root):
    """The one file a pull skipped (it reports and skips an unreadable file, and pulls the rest)."""
    result = core_pull(Project.load(root / "workflow.yaml"))
    assert result.exit_code == 2 and len(result.errors) == 1, result.errors
    return result.errors[0]


def test_unparsable_catalog_is_skipped_and_the_rest_pulled(pulled):
    bad = write(ui(pulled, "et"), 'msgid "Home"\nmsgstr "Avaleht"\n\nbogus "x"\n')
    edit(template(pulled), "All rights reserved.", "All rights reserved, 2026.")
    before = snapshot(pulled)
    error = only_error(pulled)
    assert (error.path, error.line) == ("locales/et/LC_MESSAGES/ui.po", 4)
    assert bad.read_text() == 'msgid "Home"\nmsgstr "Avaleht"\n\nbogus "x"\n'  # never half-fixed
    changed = {k for k, v in snapshot(pulled).items() if before.get(k) != v}
    assert "locales/lv/LC_MESSAGES/ui.po" in changed and "locales/et/LC_MESSAGES/ui.po" not in changed


def test_broken_article_is_skipped_with_its_position(pulled):
    edit(pulled / "site" / "articles" / "harbour-drill.md", "slug: harbour-drill", "slug: Harbour Drill")
    before = snapshot(pulled)
    error = only_error(pulled)
    assert (error.path, error.line, error.col) == ("site/articles/harbour-drill.md", 2, 7)
    assert snapshot(pulled) == before  # nothing else changed, and its catalogs are not purged


def test_duplicate_article_slug_is_an_error(make_project):
    root = make_project(articles={"a.md": ARTICLE_ET, "b.md": ARTICLE_ET})
    error = only_error(root)
    assert "tartu-cyber-range" in error.message
    assert error.path == "site/articles/b.md"


def test_article_in_a_language_the_site_does_not_have(make_project):
    root = make_project(articles={"fr.md": ARTICLE_ET.replace("language: et", "language: fr")})
    error = only_error(root)
    assert "`fr`" in error.message
    assert (error.path, error.line) == ("site/articles/fr.md", 4)


# --- the committed sample project -----------------------------------------------------------------

def test_sample_project_is_up_to_date(sample):
    before = snapshot(sample)
    result = pull(sample)
    assert result.exit_code == 0
    assert result.stdout.startswith("up to date"), result.stdout
    assert snapshot(sample) == before


def test_sample_project_catalogs_pass_msgfmt_check(sample):
    for path in sorted((sample / "locales").rglob("*.po")):
        proc = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, f"{path}: {proc.stderr}"


def test_catalogs_of_a_deleted_article_are_reported_and_purged_on_request(sample):
    """They once stayed listed by `status` forever, and no command said so."""
    article = next((sample / "site" / "articles").glob("*.md"))
    slug = next(line.split(":", 1)[1].strip() for line in article.read_text(encoding="utf-8").splitlines()
                if line.startswith("slug:"))
    left = sorted(p.relative_to(sample).as_posix() for p in (sample / "locales").rglob(f"{slug}.po*"))
    assert len(left) >= 2
    article.unlink()
    result = pull(sample)
    assert result.exit_code == 0
    for rel in left:
        assert f"{rel}: its article is gone" in result.stdout and (sample / rel).is_file()
    purged = pull(sample, "--purge-obsolete")
    assert purged.exit_code == 0
    for rel in left:
        assert f"removed {rel}" in purged.stdout and not (sample / rel).exists()
    assert "up to date" not in purged.stdout  # it removed files: the tree was not up to date
    again = pull(sample).stdout
    assert "its article is gone" not in again and "up to date" in again


def test_a_dangling_symlinked_article_is_an_error_not_a_deleted_article(sample):
    """A link whose target is gone is no deleted article: its catalogs must not be listed as
    orphans (which `--purge-obsolete` removes); the run stops at the link, writing nothing."""
    drafts = sample / "site" / "drafts"
    drafts.mkdir()
    article = next((sample / "site" / "articles").glob("*.md"))
    (drafts / article.name).write_bytes(article.read_bytes())
    article.unlink()
    article.symlink_to(Path("..") / "drafts" / article.name)
    assert pull(sample).exit_code == 0
    (drafts / article.name).unlink()
    before = snapshot(sample)
    for args in ([], ["--purge-obsolete"]):
        result = pull(sample, *args)
        assert result.exit_code == 2, result.output
        assert f"site/articles/{article.name} is a symbolic link to a missing file" in result.stderr
        assert "its article is gone" not in result.output
        assert snapshot(sample) == before
