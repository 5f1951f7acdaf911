"""Plural rules: locflow's own table (gettext's), the `header` check, and `locflow plurals convert`."""
from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from .conftest import entry, po, pull
from .test_pull import ALL_LANGUAGES, WORKFLOW_ALL, ui
from locflow.catalog import plural_forms
from locflow.errors import LocflowError
from locflow.plurals import GETTEXT_RULES, SAMPLE_RANGE, form_map, parse_rule, project_rule
from locflow.project import Project
from locflow.plural_convert import convert, rule_status
from locflow.states import State, state_of

# What babel 2.19 (CLDR order and partition) writes for Latvian; babel 2.18 wrote gettext's rule.
CLDR_LV = "nplurals=3; plural=(n % 10 == 0 || n % 100 >= 11 && n % 100 <= 19 ? 0 : n % 10 == 1 && n % 100 != 11 ? 1 : 2);"
# The same Russian rule with the forms numbered the other way round (some converters write this).
SHUFFLED_RU = ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 2 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) "
               "? 0 : 1);")
POT = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgid_plural "b"\nmsgstr[0] ""\nmsgstr[1] ""\n'

needs_gettext = pytest.mark.skipif(shutil.which("msginit") is None, reason="GNU gettext not installed")


@needs_gettext
@pytest.mark.parametrize("language", sorted(GETTEXT_RULES))
def test_table_is_what_msginit_writes(tmp_path, language):
    """The oracle is GNU gettext itself: msginit's Plural-Forms for the language, byte for byte."""
    (tmp_path / "t.pot").write_text(POT, encoding="utf-8")
    proc = subprocess.run(["msginit", "--no-translator", "--no-wrap", "-l", language, "-i", "t.pot", "-o", "-"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    header = polib.pofile(proc.stdout).metadata["Plural-Forms"]
    assert GETTEXT_RULES[language] == header


def test_site_languages_take_the_table_not_babel():
    for language in ALL_LANGUAGES:
        count, header = plural_forms(language)
        assert header == GETTEXT_RULES[language]
        assert count == project_rule(language).nplurals


def test_installed_babel_splits_numbers_as_the_table_does_except_cldr_latvian():
    """Whatever babel is installed, the table decides; this shows where the two may differ."""
    from babel.messages.plurals import get_plural

    for language in ALL_LANGUAGES:
        ours, theirs = project_rule(language), parse_rule(get_plural(language).plural_forms)
        groups = lambda rule: sorted(sorted(n for n in SAMPLE_RANGE if rule.index(n) == i)  # noqa: E731
                                     for i in range(rule.nplurals))
        if language != "lv":
            assert groups(ours) == groups(theirs), language
    # gettext's Latvian: 0 alone in form 2; 10-20 with 2-9 in form 1.
    lv = project_rule("lv")
    assert [lv.index(n) for n in (0, 1, 2, 10, 11, 21)] == [2, 0, 1, 1, 1, 0]


def test_languages_outside_the_table_fall_back_to_babel():
    from babel.messages.plurals import get_plural

    assert project_rule("ar").header.startswith(f"nplurals={get_plural('ar').num_plurals};")


@pytest.mark.parametrize("header, problem", [
    ("nplurals=100000; plural=n;", "1 to 6 forms"),
    ("nplurals=2; plural=n==1 ? 0 : 5;", "picks form 5"),
    ("nplurals=2; plural=" + "(" * 25 + "n != 1" + ")" * 25 + ";", "not a gettext plural expression"),
    ("nplurals=2; plural=__import__('os');", "not a gettext plural expression"),
    ("nplurals=2", "needs `nplurals=N; plural=EXPRESSION;`"),
])
def test_broken_rules_are_user_errors(header, problem):
    with pytest.raises(LocflowError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_rule(header)


def test_new_pull_writes_the_table_rule(make_project):
    root = make_project(workflow=WORKFLOW_ALL)
    assert pull(root).exit_code == 0
    for language in ALL_LANGUAGES:
        assert po(ui(root, language)).metadata["Plural-Forms"] == GETTEXT_RULES[language]


def test_sample_catalogs_new_pull_and_header_check_agree(sample, run_cli):
    """The committed lv catalogs, what a fresh pull writes for lv, and the `header` check agree."""
    sample_lv = po(sample / "locales/lv/LC_MESSAGES/ui.po").metadata["Plural-Forms"]
    assert parse_rule(sample_lv).mapping() == project_rule("lv").mapping()
    assert run_cli("check", "--only", "header", cwd=sample).exit_code == 0
    status = rule_status(Project.load(sample / "workflow.yaml"))
    assert status and all(row.matches for row in status)


def _lv_cldr_catalog(root: Path) -> Path:
    """The sample's lv UI catalog as babel 2.19's pull would have written it: CLDR header, CLDR form order."""
    path = ui(root, "lv")
    catalog = po(path)
    catalog.metadata["Plural-Forms"] = CLDR_LV
    for e in catalog:
        if e.msgid_plural:
            one, other, zero = (e.msgstr_plural[i] for i in range(3))
            e.msgstr_plural = {0: zero, 1: one, 2: other}
    catalog.save(str(path))
    return path


def test_header_check_reports_a_rule_that_picks_other_forms(sample, run_cli):
    _lv_cldr_catalog(sample)
    result = run_cli("check", "--only", "header", "--format", "json", cwd=sample)
    assert result.exit_code == 1
    assert "picks form 0 for n=0, the project's rule for lv picks form 2" in result.stdout
    assert "locflow plurals convert --lang lv" in result.stdout
    shown = run_cli("plurals", "show", "--lang", "lv", cwd=sample)
    assert shown.exit_code == 1 and "locales/lv/LC_MESSAGES/ui.po" in shown.stdout


def test_equivalent_rule_written_differently_is_not_reported(sample, run_cli):
    path = ui(sample, "ro")
    catalog = po(path)
    catalog.metadata["Plural-Forms"] = "nplurals=3; plural=((n==1) ? 0 : ((n==0) || ((n%100 > 0) && (n%100 < 20))) ? 1 : 2);"
    catalog.save(str(path))
    assert run_cli("check", "--only", "header", cwd=sample).exit_code == 0


def test_pull_never_changes_an_existing_catalogs_rule(sample):
    path = _lv_cldr_catalog(sample)
    before = path.read_bytes()
    assert pull(sample).exit_code == 0
    assert path.read_bytes() == before


def _mo_texts(path: Path, tmp_path: Path, msgid: str, msgid_plural: str) -> list[str]:
    """What gettext shows for n = 0..1000 once msgfmt has compiled the catalog."""
    mo = tmp_path / (path.stem + ".mo")
    proc = subprocess.run(["msgfmt", "-c", "-o", str(mo), str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with mo.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    return [translations.ngettext(msgid, msgid_plural, n) for n in SAMPLE_RANGE]


@needs_gettext
def test_convert_of_a_reordered_rule_keeps_every_number_and_the_approval(sample, run_cli, tmp_path):
    path = ui(sample, "ru")
    catalog = po(path)
    catalog.metadata["Plural-Forms"] = SHUFFLED_RU
    plural = [e for e in catalog if e.msgid_plural]
    assert plural
    for e in plural:
        one, few, many = (e.msgstr_plural[i] for i in range(3))
        e.msgstr_plural = {0: few, 1: many, 2: one}
    catalog.save(str(path))
    from locflow.states import mark_approved

    catalog = po(path)
    mark_approved(entry(catalog, plural[0].msgid), "Maria Tamm", "2026-11-20T09:00:00Z")
    catalog.save(str(path))
    before = {e.msgid: _mo_texts(path, tmp_path, e.msgid, e.msgid_plural) for e in plural}

    result = run_cli("plurals", "convert", "--lang", "ru", cwd=sample)
    assert result.exit_code == 0, result.output
    assert f"converted locales/ru/LC_MESSAGES/ui.po: {len(plural)} plural entries reordered" in result.stdout
    after = po(path)
    assert after.metadata["Plural-Forms"] == GETTEXT_RULES["ru"]
    for e in plural:
        assert _mo_texts(path, tmp_path, e.msgid, e.msgid_plural) == before[e.msgid]
    assert state_of(entry(after, plural[0].msgid)) is State.APPROVED
    assert run_cli("check", "--only", "header", cwd=sample).exit_code == 0
    again = run_cli("plurals", "convert", "--lang", "ru", cwd=sample)
    assert "every catalog already uses the project's plural rules" in again.stdout


@needs_gettext
def test_convert_from_cldr_latvian_flags_forms_that_split_differently(sample, run_cli, tmp_path):
    path = _lv_cldr_catalog(sample)
    catalog = po(path)
    plural = [e for e in catalog if e.msgid_plural]
    same = plural[0]  # a translator who wrote the same text for "zero" and "other": nothing to decide
    same.msgstr_plural[0] = same.msgstr_plural[2]
    catalog.save(str(path))

    dry = run_cli("plurals", "convert", "--lang", "lv", "--dry-run", cwd=sample)
    assert dry.exit_code == 1 and "would convert" in dry.stdout
    assert po(path).metadata["Plural-Forms"] == CLDR_LV

    result = run_cli("plurals", "convert", "--lang", "lv", "--format", "json", cwd=sample)
    assert result.exit_code == 1
    after = po(path)
    assert after.metadata["Plural-Forms"] == GETTEXT_RULES["lv"]
    exact = entry(after, same.msgid)
    assert "fuzzy" not in exact.flags
    for e in plural[1:]:
        converted = entry(after, e.msgid)
        assert "fuzzy" in converted.flags and e.msgid in result.stdout
        # n=1 keeps CLDR's "one" text, n=0 keeps CLDR's "zero" text, under gettext's numbering.
        assert converted.msgstr_plural[0] == e.msgstr_plural[1]
        assert converted.msgstr_plural[2] == e.msgstr_plural[0]
        assert converted.msgstr_plural[1] == e.msgstr_plural[2]
    proc = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_form_map_of_identical_rules_is_the_identity():
    for language in ALL_LANGUAGES:
        rule = project_rule(language)
        mapping = form_map(rule, rule)
        assert mapping.exact and mapping.sources == tuple((i,) for i in range(rule.nplurals))


def test_unreadable_rule_is_not_guessed_at(sample, run_cli):
    path = ui(sample, "lv")
    path.write_text(path.read_text(encoding="utf-8").replace(
        po(path).metadata["Plural-Forms"], "nplurals=3; plural=n==1 ? 0 : 7;"), encoding="utf-8")
    result = run_cli("plurals", "convert", "--lang", "lv", cwd=sample)
    assert result.exit_code == 2
    assert "locales/lv/LC_MESSAGES/ui.po:1" in result.output and "cannot be read" in result.output
