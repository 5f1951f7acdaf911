"""Every command's summary counts what happened: junit on a clean run, sync's check line, status rows."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from .conftest import pull


def test_junit_of_a_clean_run_reports_the_checks_that_ran(sample: Path, run_cli):
    result = run_cli("check", "--format", "junit", "--lang", "et,lv", "--only", "placeholders,unreviewed",
                     cwd=sample)
    assert result.exit_code == 0
    root = ET.fromstring(result.stdout)
    assert root.get("tests") != "0"
    cases = {(c.get("classname"), c.get("name")) for c in root.iter("testcase")}
    assert cases == {("locflow.placeholders", "et"), ("locflow.placeholders", "lv"),
                     ("locflow.unreviewed", "et"), ("locflow.unreviewed", "lv")}  # info findings are no cases
    assert root.get("tests") == "4" and not list(root.iter("failure"))


def test_sync_counts_the_warnings_check_reports(sample: Path, run_cli):
    from .conftest import edit_file

    # A warning (whitespace) in an otherwise clean tree.
    edit_file(sample, "locales/et/LC_MESSAGES/ui.po", 'Kõik õigused kaitstud."', 'Kõik  õigused kaitstud."')
    checked = json.loads(run_cli("check", "--format", "json", cwd=sample).stdout)["summary"]
    synced = run_cli("sync", cwd=sample)
    assert f"passed: {checked['error']} errors, {checked['warning']} warnings" in synced.stdout
    assert checked["warning"] > 0


def test_status_treats_the_source_languages_own_catalog_as_check_and_publish_do(project: Path, run_cli):
    assert pull(project).exit_code == 0
    rows = {(r["language"], r["catalog"]): r for r in
            json.loads(run_cli("status", "--format", "json", cwd=project).stdout)["catalogs"]}
    en = rows[("en", "ui")]
    assert en["untranslated"] == en["total"] > 0  # the counts still agree with msgfmt --statistics
    assert en["publishable"] is True  # an empty entry shows the English source, as publish does
    assert rows[("et", "ui")]["publishable"] is False
    missing = json.loads(run_cli("check", "--only", "missing", "--format", "json", "--lang", "en", "--catalog", "ui",
                                 cwd=project).stdout)["findings"]
    assert missing == []
    text = run_cli("status", cwd=project).stdout
    assert "ui (source language)" in text


def test_status_has_a_row_for_a_language_without_catalogs(project: Path, run_cli):
    assert pull(project).exit_code == 0
    workflow = project / "workflow.yaml"
    workflow.write_text(workflow.read_text().replace("languages: [en, et, lv, ru]", "languages: [en, et, lv, ru, pl]"))
    rows = json.loads(run_cli("status", "--format", "json", "--lang", "pl", cwd=project).stdout)["catalogs"]
    assert rows == [{"catalog": "ui", "language": "pl", "path": "locales/pl/LC_MESSAGES/ui.po", "total": 9,
                     "translated": 0, "fuzzy": 0, "untranslated": 9, "obsolete": 0,
                     "states": {"untranslated": 9, "fuzzy": 0, "machine": 0, "reviewed": 0, "approved": 0},
                     "publishable": False}]
    text = run_cli("status", cwd=project).stdout
    assert "no catalog yet" in text and " pl " in text
