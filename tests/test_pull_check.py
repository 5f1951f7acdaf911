"""`pull --check` lists the strings a pull would add, change and remove; `stale` names them too."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polib
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


def test_a_change_at_the_end_of_a_long_string_is_shown_where_it_is():
    """Two long strings cut at the same width looked the same; the cut follows the first difference."""
    from locflow.plandiff import CatalogChanges

    old = "A new detachment of allied fighter jets has taken over NATO air policing and landed at Ämari."
    new = old.replace("landed", "touched down")
    summary = CatalogChanges("x.po", False, changed=((old, new),)).summary()
    assert summary == 'changed "…TO air policing and landed at Ämari." -> "…TO air policing and touched down at Ämari."'


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


def test_dry_run_says_which_added_strings_the_merge_pre_fills_fuzzy(sample: Path, run_cli):
    """Found by a user: a new `%(num)d comment` was listed as plainly added, but pull wrote it fuzzy with
    the translation of `%(num)d article`, as msgmerge does."""
    edit_file(sample, "site/templates/article.html", '{{ _("Share") }}',
              '{{ _("Share") }} {{ ngettext("%(num)d comment", "%(num)d comments", n) }}')
    dry = run_cli("pull", "--dry-run", cwd=sample)
    assert dry.exit_code == 0, dry.stderr
    block = dry.stdout.split("would update locales/et/LC_MESSAGES/ui.po\n")[1].split("would ")[0]
    assert "1 added (1 pre-filled, fuzzy)" in block
    assert "+ %(num)d comment  (fuzzy, from the translation of %(num)d article)" in block
    assert run_cli("pull", cwd=sample).exit_code == 0
    po = {e.msgid: e for e in polib.pofile(str(sample / "locales/et/LC_MESSAGES/ui.po"))}
    assert "fuzzy" in po["%(num)d comment"].flags and po["%(num)d comment"].previous_msgid == "%(num)d article"
