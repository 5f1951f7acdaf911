"""The `locflow` command line, in-process (CliRunner) and as a real `python -m locflow` child process."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
import typer.main

from .conftest import ARTICLE_EN, WORKFLOW, copy_sample, po, run_locflow, snapshot, write
from locflow import __version__
from locflow.cli import app
from locflow.config import load_config


def assert_clean_error(exit_code: int, stdout: str, stderr: str, location: str) -> None:
    """Exit 2, no traceback, and one `error: file:line[:col]: message` line (plus an optional hint)."""
    assert "Traceback" not in stdout + stderr, stdout + stderr
    assert exit_code == 2, f"exit {exit_code}\nstdout: {stdout}\nstderr: {stderr}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "no error message on stderr"
    assert re.match(rf"error: (\S*/)?{location}: \S", lines[0]), lines[0]
    assert all(line.startswith("  hint: ") for line in lines[1:]), lines


# --- help, version, usage ---------------------------------------------------------------------------

COMMANDS = sorted(typer.main.get_command(app).commands)


def test_the_foundation_commands_exist():
    assert {"init", "pull", "status", "sync"} <= set(COMMANDS)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_shows_an_example(run_cli, command):
    result = run_cli(*([command] if command else []), "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # click rewraps long help lines
    assert "Example:" in text
    assert ("locflow " + command).strip() in text.split("Example:", 1)[1]


def test_help_as_a_real_process(tmp_path):
    proc = run_locflow("pull", "--help", cwd=tmp_path)
    assert proc.returncode == 0
    assert "Example: locflow pull" in proc.stdout
    assert "--purge-obsolete" in proc.stdout and "--dry-run" in proc.stdout


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"locflow {__version__}"


def test_unknown_command_is_a_usage_error(run_cli, tmp_path):
    result = run_cli("frobnicate", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.exception is None


# --- init ---------------------------------------------------------------------------------------

def test_init_in_an_empty_folder(run_cli, tmp_path):
    folder = tmp_path / "newsite"
    folder.mkdir()
    result = run_cli("init", "--site", "Baltic Wire", "--source", "en", "--languages", "et,lv", cwd=folder)
    assert result.exit_code == 0, result.output
    cfg = load_config(folder / "workflow.yaml")
    assert cfg.site == "Baltic Wire"
    assert cfg.source_language == "en"
    assert cfg.languages == ("en", "et", "lv")
    assert set(cfg.catalogs) == {"ui", "articles"}
    for name in ("site/templates", "site/articles", "locales", "glossaries"):
        assert (folder / name).is_dir(), name
    assert sorted(p.name for p in folder.iterdir()) == [".gitignore", "glossaries", "locales", "site", "workflow.yaml"]


def test_init_as_a_real_process_then_pull(tmp_path):
    folder = tmp_path / "newsite"
    folder.mkdir()
    proc = run_locflow("init", "--site", 'Ēesti "Vaba" Ajakiri: #1', "--source", "et", "--languages", "lv,ru,en",
                       cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert load_config(folder / "workflow.yaml").site == 'Ēesti "Vaba" Ajakiri: #1'
    assert "next: put the site's Jinja2 templates in site/templates" in proc.stdout
    early = run_locflow("pull", cwd=folder)  # before any source exists: say what to add
    assert early.returncode == 2 and "site/templates/ is empty: add the site's files there" in early.stderr
    write(folder / "site" / "templates" / "base.html", '<a>{{ _("Avaleht") }}</a>\n')
    write(folder / "site" / "articles" / "a.md", ARTICLE_EN)
    proc = run_locflow("pull", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert po(folder / "locales" / "ru" / "LC_MESSAGES" / "ui.po").metadata["Language"] == "ru"
    assert load_config(folder / "workflow.yaml").languages == ("et", "lv", "ru", "en")
    assert (folder / "locales" / "et" / "articles" / "harbour-drill.po").is_file()
    assert not (folder / "locales" / "en" / "articles" / "harbour-drill.po").exists()


def test_init_refuses_to_overwrite_without_force(run_cli, tmp_path):
    write(tmp_path / "workflow.yaml", "site: Mine\n")
    result = run_cli("init", "--site", "Other", "--languages", "et", cwd=tmp_path)
    assert_clean_error(result.exit_code, result.stdout, result.stderr, r"workflow\.yaml")
    assert (tmp_path / "workflow.yaml").read_text() == "site: Mine\n"
    result = run_cli("init", "--site", "Other", "--languages", "et", "--force", cwd=tmp_path)
    assert result.exit_code == 0
    assert load_config(tmp_path / "workflow.yaml").site == "Other"


@pytest.mark.parametrize("languages", ["et,xx", "et,lv,et"])
def test_init_with_bad_languages_creates_nothing(run_cli, tmp_path, languages):
    result = run_cli("init", "--site", "S", "--languages", languages, cwd=tmp_path)
    assert "Traceback" not in result.output
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []
    bad = "xx" if "xx" in languages else "et"
    assert f"`{bad}`" in result.stderr
    # the message must not send the user to a temporary file that no longer exists
    assert ".workflow.yaml.new" not in result.stderr


# --- finding workflow.yaml ---------------------------------------------------------------------------

def test_finds_workflow_yaml_in_parent_folders(run_cli, project):
    deep = project / "site" / "templates" / "partials"
    result = run_cli("pull", cwd=deep)
    assert result.exit_code == 0, result.output
    assert (project / "locales" / "lv" / "LC_MESSAGES" / "ui.po").is_file()
    assert not (deep / "locales").exists()
    result = run_cli("status", "--format", "json", cwd=deep)
    paths = {row["path"] for row in json.loads(result.stdout)["catalogs"]}
    assert "locales/lv/LC_MESSAGES/ui.po" in paths


def test_finds_workflow_yaml_in_parent_folders_as_a_real_process(project):
    proc = run_locflow("pull", cwd=project / "site" / "articles")
    assert proc.returncode == 0, proc.stderr
    assert (project / "locales" / "ru" / "articles" / "harbour-drill.po").is_file()


def test_config_option_overrides_the_search(run_cli, make_project):
    here = make_project("here")
    there = make_project("there", workflow=WORKFLOW.replace("[en, et, lv, ru]", "[en, uk]"),
                         articles={"a.md": ARTICLE_EN})
    before = snapshot(here)
    result = run_cli("--config", there / "workflow.yaml", "pull", cwd=here)
    assert result.exit_code == 0, result.output
    assert snapshot(here) == before  # the workflow.yaml in the cwd was not used
    assert (there / "locales" / "uk" / "LC_MESSAGES" / "ui.po").is_file()
    proc = run_locflow("-c", there / "workflow.yaml", "status", "--format", "json", cwd=here)
    assert proc.returncode == 0, proc.stderr
    assert {r["language"] for r in json.loads(proc.stdout)["catalogs"]} == {"en", "uk"}


def test_config_option_pointing_nowhere(run_cli, tmp_path):
    result = run_cli("--config", tmp_path / "missing.yaml", "status", cwd=tmp_path)
    assert_clean_error(result.exit_code, result.stdout, result.stderr, r"missing\.yaml")


def test_no_workflow_yaml_anywhere(run_cli, tmp_path):
    folder = tmp_path / "nothing" / "here"
    folder.mkdir(parents=True)
    result = run_cli("status", cwd=folder)
    assert "Traceback" not in result.output
    assert result.exit_code == 2
    assert "workflow.yaml" in result.stderr and "locflow init" in result.stderr


# --- bad input: one clear line, exit 2, never a traceback --------------------------------------------

def _edit(relpath: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / relpath
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def _add(relpath: str, text: str) -> Callable[[Path], None]:
    return lambda root: write(root / relpath, text)


def _unparsable_po(text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        from .conftest import pull

        assert pull(root).exit_code == 0
        write(root / "locales" / "et" / "LC_MESSAGES" / "ui.po", text)
    return apply


BROKEN_ARTICLE = ARTICLE_EN.replace("harbour-drill", "night-patrol")
PO_HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'

BAD_INPUTS = {
    "broken YAML": (_edit("workflow.yaml", "[en, et, lv, ru]", "[en, et, lv, ru"), "pull",
                    r"workflow\.yaml:[45]:\d+"),
    "unknown key": (_edit("workflow.yaml", "languages:", "langauges:"), "status", r"workflow\.yaml:4:1"),
    "unknown language code": (_edit("workflow.yaml", "[en, et, lv, ru]", "[en, et, xx, ru]"), "status",
                              r"workflow\.yaml:4:21"),
    "duplicate language code": (_edit("workflow.yaml", "[en, et, lv, ru]", "[en, et, lv, et]"), "status",
                                r"workflow\.yaml:4:25"),
    "sources glob matching no file": (_edit("workflow.yaml", "site/articles/*.md", "site/news/*.md"), "pull",
                                      r"workflow\.yaml:13:\d+"),
    "unparsable PO (unknown keyword)": (_unparsable_po(PO_HEAD + 'msgid "a"\nmsgstr "b"\n\nbogus "c"\n'), "status",
                                        r"locales/et/LC_MESSAGES/ui\.po:8(:\d+)?"),
    "unparsable PO (unterminated string)": (_unparsable_po(PO_HEAD + 'msgid "a"\nmsgstr "b"\n\nmsgid "c\nmsgstr ""\n'),
                                            "status", r"locales/et/LC_MESSAGES/ui\.po:[89](:\d+)?"),
    "article with broken front matter": (_add("site/articles/bad.md", BROKEN_ARTICLE.replace(
        "section: National Security", "section: [National Security")), "pull", r"site/articles/bad\.md:\d+:\d+"),
    "article with an impossible date": (_add("site/articles/bad.md", BROKEN_ARTICLE.replace(
        "date: 2026-10-01", "date: 2026-02-30")), "pull", r"site/articles/bad\.md:5:\d+"),
    "article slug that is not a safe file name": (_add("site/articles/bad.md", BROKEN_ARTICLE.replace(
        "slug: night-patrol", "slug: ../../etc/passwd")), "pull", r"site/articles/bad\.md:2:7"),
    "template syntax error": (_add("site/templates/bad.html", '<p>{{ _("Home") }}</p>\n<p>{{ _("Oops" }}</p>\n'),
                              "pull", r"site/templates/bad\.html:2(:\d+)?"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_in_process(run_cli, project, case):
    mutate, command, location = BAD_INPUTS[case]
    mutate(project)
    result = run_cli(command, cwd=project)
    assert result.exception is None, repr(result.exception)
    assert_clean_error(result.exit_code, result.stdout, result.stderr, location)


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_real_process(project, case):
    mutate, command, location = BAD_INPUTS[case]
    mutate(project)
    proc = run_locflow(command, cwd=project)
    assert_clean_error(proc.returncode, proc.stdout, proc.stderr, location)


def test_unknown_key_error_suggests_the_closest_key(run_cli, project):
    _edit("workflow.yaml", "languages:", "langauges:")(project)
    result = run_cli("status", cwd=project)
    assert "did you mean `languages`?" in result.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (("status", "--format", "xml"), "xml"),
    (("status", "--lang", "fr"), "fr"),
    (("status", "--catalog", "nope"), "nope"),
])
def test_bad_options_exit_2(run_cli, project, args, needle):
    result = run_cli(*args, cwd=project)
    assert "Traceback" not in result.output
    assert result.exit_code == 2
    assert needle in result.stderr


# --- commands on a good project --------------------------------------------------------------------

def test_pull_then_status_in_process(run_cli, project):
    result = run_cli("pull", cwd=project)
    assert result.exit_code == 0
    assert "created locales/templates/ui.pot" in result.stdout  # not "updated": it did not exist
    assert result.stdout.strip().endswith("wrote 13 of 13 files: 13 created, 0 updated")
    result = run_cli("pull", cwd=project)
    assert result.stdout.strip() == "up to date (3 templates, 10 catalogs)"
    result = run_cli("status", "--format", "json", "--lang", "lv", cwd=project)
    assert result.exit_code == 0
    rows = {r["catalog"]: r for r in json.loads(result.stdout)["catalogs"]}
    assert set(rows) == {"ui", "articles/harbour-drill", "articles/tartu-cyber-range"}
    assert rows["ui"]["total"] == rows["ui"]["untranslated"] == 9
    result = run_cli("status", cwd=project)
    assert result.exit_code == 0
    assert "lv" in result.stdout and "ui" in result.stdout


def test_pull_and_status_as_real_processes(project):
    proc = run_locflow("pull", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "wrote 13 of 13 files: 13 created, 0 updated" in proc.stdout
    proc = run_locflow("pull", "--dry-run", cwd=project)
    assert (proc.returncode, proc.stdout.strip()) == (0, "up to date (3 templates, 10 catalogs)")
    proc = run_locflow("status", "--format", "json", cwd=project)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["catalogs"]
    assert len(rows) == 10
    assert {r["catalog"] for r in rows} == {"ui", "articles/harbour-drill", "articles/tartu-cyber-range"}


@pytest.mark.parametrize("value", ["2026-13-45", "2026-10-01", "12:30:00"])
def test_date_like_values_in_workflow_yaml_never_crash(run_cli, project, value):
    _edit("workflow.yaml", "site: Test Press", f"site: {value}")(project)
    result = run_cli("status", cwd=project)
    assert result.exception is None, repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert re.match(r"error: \S*workflow\.yaml:2:\d+: ", result.stderr)


# --- the committed sample project (copied: never write in the repository) ----------------------------

def test_sample_project_dry_run_is_up_to_date(run_cli, sample):
    before = snapshot(sample)
    result = run_cli("pull", "--dry-run", cwd=sample)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("up to date"), result.stdout
    assert snapshot(sample) == before


def test_sample_project_as_a_real_process(sample):
    before = snapshot(sample)
    proc = run_locflow("pull", "--dry-run", cwd=sample)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("up to date"), proc.stdout
    proc = run_locflow("status", "--format", "json", cwd=sample)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["catalogs"]
    assert sorted(r["path"] for r in rows) == sorted(
        p.relative_to(sample).as_posix() for p in (sample / "locales").rglob("*.po"))
    assert snapshot(sample) == before


def test_the_main_job_on_a_fresh_copy_of_the_sample_is_clean_offline_and_writes_nothing(tmp_path):
    """README's first command: `locflow sync` on the committed sample. Any request would go to a closed
    port (proxies point there), so a run that tried the network could not pass."""
    root = copy_sample(tmp_path / "sample")
    before = snapshot(root)
    env = dict(os.environ, HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9", NO_PROXY="",
               COLUMNS="200", NO_COLOR="1")
    proc = subprocess.run([sys.executable, "-m", "locflow", "sync"], cwd=root, capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "up to date" in proc.stdout and "nothing to translate" in proc.stdout
    assert "passed: 0 errors, 0 warnings" in proc.stdout
    assert snapshot(root) == before
