"""`pull --check` lists the strings a pull would add, change and remove; `stale` names them too."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, edit_file, pull, snapshot


@pytest.fixture
def pulled(project: Path) -> Path:
    assert pull(project).exit_code == 0
    return project


def move_sources_on(root: Path) -> None:
    edit_file(root, "site/templates/base.html", '{{ _("All rights reserved.") }}',
              '{{ _("All rights reserved, 2026.") }} {{ _("Share on {network}") }}')
    edit_file(root, "site/templates/partials/sidebar.html", '<h2>{{ _("Stay In Touch") }}</h2>', "")


def translate_footer(root: Path) -> None:
    """A translated entry is carried over to its changed source (fuzzy), an untranslated one is not."""
    edit_file(root, "locales/et/LC_MESSAGES/ui.po", 'msgid "All rights reserved."\nmsgstr ""',
              'msgid "All rights reserved."\nmsgstr "Kõik õigused kaitstud."')


def test_pull_check_lists_strings_per_catalog_and_exits_1(pulled: Path, run_cli):
    translate_footer(pulled)
    move_sources_on(pulled)
    before = snapshot(pulled)
    result = run_cli("pull", "--check", cwd=pulled)
    assert result.exit_code == 1
    assert snapshot(pulled) == before
    out = result.stdout
    block = out.split("would update locales/et/LC_MESSAGES/ui.po\n", 1)[1].split("would ", 1)[0]
    assert block.splitlines() == ["  1 added, 1 changed, 1 removed", "  + Share on {network}",
                                  "  ~ All rights reserved. -> All rights reserved, 2026.", "  - Stay In Touch"]
    lv = out.split("would update locales/lv/LC_MESSAGES/ui.po\n", 1)[1].split("would ", 1)[0]
    assert lv.splitlines() == ["  2 added, 0 changed, 2 removed", "  + All rights reserved, 2026.",
                               "  + Share on {network}", "  - All rights reserved.", "  - Stay In Touch"]
    assert "would update locales/templates/ui.pot" in out
    assert out.strip().endswith("would write 5 of 13 files")


def test_pull_check_on_an_up_to_date_tree_exits_0(pulled: Path, run_cli):
    result = run_cli("pull", "--check", cwd=pulled)
    assert (result.exit_code, result.stdout.strip()) == (0, "up to date (3 templates, 10 catalogs)")


def test_pull_check_names_catalogs_it_would_create(pulled: Path, run_cli):
    (pulled / "locales" / "ru" / "LC_MESSAGES" / "ui.po").unlink()
    result = run_cli("pull", "--check", cwd=pulled)
    assert result.exit_code == 1
    assert "would create locales/ru/LC_MESSAGES/ui.po" in result.stdout
    assert "  + Home" in result.stdout


def test_stale_findings_name_the_strings_that_differ(pulled: Path, run_cli):
    translate_footer(pulled)
    move_sources_on(pulled)
    result = run_cli("check", "--only", "stale", "--format", "json", "--lang", "et", cwd=pulled)
    findings = json.loads(result.stdout)["findings"]
    messages = {f["path"]: f["message"] for f in findings}
    assert messages["locales/et/LC_MESSAGES/ui.po"] == (
        'out of date with its sources (added "Share on {network}"; changed "All rights reserved." -> '
        '"All rights reserved, 2026."; removed "Stay In Touch"): run `locflow pull`')


def test_the_pre_commit_hook_runs_pull_check():
    from ruamel.yaml import YAML

    hooks = {h["id"]: h for h in YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["locflow-pull-dry-run"]["entry"] == "locflow pull --check"


def test_the_hook_entry_fails_a_commit_whose_sources_moved_on(pulled: Path):
    import shlex
    import sys

    from ruamel.yaml import YAML

    hooks = {h["id"]: h for h in YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())}
    entry = shlex.split(hooks["locflow-pull-dry-run"]["entry"])
    assert entry[0] == "locflow"
    command = [sys.executable, "-m", "locflow", *entry[1:]]
    assert subprocess.run(command, cwd=pulled, capture_output=True).returncode == 0
    move_sources_on(pulled)
    failed = subprocess.run(command, cwd=pulled, capture_output=True, text=True)
    assert failed.returncode == 1 and "+ Share on {network}" in failed.stdout
