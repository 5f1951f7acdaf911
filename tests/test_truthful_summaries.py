"""Every command's summary counts what happened: junit on a clean run, sync's check line, status rows."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from .conftest import copy_sample, pull


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
