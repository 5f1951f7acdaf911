"""CI: annotation paths that attach to files in a monorepo, and the GitHub Actions example as written."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, break_author_placeholder, copy_sample


def locflow(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "locflow", *args], capture_output=True, text=True, cwd=cwd,
                          env=env)


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A repository whose localization project lives in `site/`, with one placeholder error in et."""
    repo = tmp_path / "repo"
    project = copy_sample(repo / "web")
    break_author_placeholder(project, "et")
    return repo


def test_github_annotations_from_the_repository_root_point_at_repository_paths(monorepo: Path):
    for run in range(2):  # the second run is answered from the output cache: it must say the same
        result = locflow("--config", "web/workflow.yaml", "check", "--format", "github", "--only", "placeholders",
                         cwd=monorepo)
        assert result.returncode == 1, result.stderr
        annotations = [line for line in result.stdout.splitlines() if line.startswith("::error")]
        assert annotations, result.stdout
        assert all(line.startswith("::error file=web/locales/et/LC_MESSAGES/ui.po,line=") for line in annotations)
        assert (monorepo / "web/locales/et/LC_MESSAGES/ui.po").is_file()


@pytest.mark.parametrize("fmt", ["json", "junit", "text"])
def test_every_format_gives_paths_relative_to_the_current_folder(monorepo: Path, fmt: str):
    result = locflow("--config", "web/workflow.yaml", "check", "--format", fmt, "--only", "placeholders",
                     cwd=monorepo)
    assert "web/locales/et/LC_MESSAGES/ui.po" in result.stdout
    inside = locflow("check", "--format", fmt, "--only", "placeholders", cwd=monorepo / "web" / "locales")
    assert "et/LC_MESSAGES/ui.po" in inside.stdout and "locales/et/LC_MESSAGES" not in inside.stdout


def test_path_prefix_replaces_the_project_folder(monorepo: Path):
    result = locflow("--config", "web/workflow.yaml", "check", "--format", "json", "--only", "placeholders",
                     "--path-prefix", "apps/web", cwd=monorepo)
    paths = {f["path"] for f in json.loads(result.stdout)["findings"]}
    assert paths == {"apps/web/locales/et/LC_MESSAGES/ui.po"}


# --- the GitHub Actions example, step by step ---------------------------------------------------

EXAMPLE = REPO / "docs" / "examples" / "github-actions-locflow.yml"
REPOSITORY_PARTS = ("src", "pyproject.toml", "README.md", "requirements.lock", "site", "locales", "glossaries",
                    "workflow.yaml")


def installed(tmp_path: Path, install: str) -> tuple[Path, dict]:
    """A checkout of the repository, and the environment in which `install` (an example's pip step,
    run offline from the checkout with this environment's packages) put locflow."""
    checkout = tmp_path / "checkout"  # what actions/checkout gives: the repository's files
    checkout.mkdir()
    for part in REPOSITORY_PARTS:
        src = REPO / part
        (shutil.copytree(src, checkout / part, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
         if src.is_dir() else shutil.copy2(src, checkout / part))
    target = tmp_path / "installed"
    env = dict(os.environ, PYTHONPATH=str(target), PATH=f"{target / 'bin'}{os.pathsep}{os.environ['PATH']}",
               GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"))
    env.pop("LOCFLOW_NO_CACHE", None)
    # The install step as written, offline: from the checkout, with this environment's packages.
    install = install.replace("pip", f"{sys.executable} -m pip", 1)
    offline = f"{install} --no-index --no-deps --no-build-isolation --target {target}"
    done = subprocess.run(offline, shell=True, cwd=checkout, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    where = subprocess.run([sys.executable, "-c", "import locflow; print(locflow.__file__)"], capture_output=True,
                           text=True, env=env, cwd=tmp_path)
    assert where.stdout.strip().startswith(str(target)), where.stdout  # the installed copy runs below
    return checkout, env


def test_the_github_actions_example_runs_as_written(tmp_path: Path):
    from ruamel.yaml import YAML

    workflow = YAML(typ="safe").load(EXAMPLE.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["check"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]
    assert [c.split()[:2] for c in commands] == [["pip", "install"], ["locflow", "check"], ["locflow", "check"]]
    checkout, env = installed(tmp_path, commands[0])
    for command in commands[1:]:
        ran = subprocess.run(["bash", "-e", "-c", command], cwd=checkout, capture_output=True, text=True, env=env)
        assert ran.returncode == 0, (command, ran.stdout, ran.stderr)
    assert "locflow check: 0 errors" in subprocess.run(["bash", "-c", commands[1]], cwd=checkout, capture_output=True,
                                                      text=True, env=env).stdout
    junit = (checkout / "locflow-junit.xml").read_text(encoding="utf-8")
    assert junit.startswith('<?xml version="1.0" encoding="UTF-8"?>') and "<testcase " in junit
    assert "### locflow check passed" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_the_sharded_example_runs_as_written(tmp_path: Path):
    """The matrix example: each job's steps with its `matrix.shard`, then the merge job's; the
    merged report is the unsharded one, and a job whose check fails for another reason than
    findings fails (`|| [ $? -eq 1 ]` waves exit 1 through, not 2)."""
    from ruamel.yaml import YAML

    workflow = YAML(typ="safe").load((REPO / "docs/examples/github-actions-locflow-shards.yml").read_text(
        encoding="utf-8"))
    matrix = workflow["jobs"]["check"]["strategy"]["matrix"]["shard"]
    check = [step["run"] for step in workflow["jobs"]["check"]["steps"] if "run" in step]
    report = [step["run"] for step in workflow["jobs"]["report"]["steps"] if "run" in step]
    assert [c.split()[:2] for c in check] == [["pip", "install"], ["locflow", "check"]] and report[0] == check[0]
    checkout, env = installed(tmp_path, check[0])
    break_author_placeholder(checkout, "et")  # a finding, so the jobs have something to report
    for shard in matrix:
        command = check[1].replace("${{ matrix.shard }}", str(shard))
        ran = subprocess.run(["bash", "-e", "-c", command], cwd=checkout, capture_output=True, text=True, env=env)
        assert ran.returncode == 0, (command, ran.stderr)
    merged = subprocess.run(["bash", "-c", report[1]], cwd=checkout, capture_output=True, text=True, env=env)
    whole = subprocess.run(["bash", "-c", "locflow check --format github"], cwd=checkout, capture_output=True,
                           text=True, env=env)
    assert (merged.returncode, merged.stdout) == (whole.returncode, whole.stdout) and whole.returncode == 1
    (checkout / "workflow.yaml").write_text("site: [", encoding="utf-8")
    broken = subprocess.run(["bash", "-e", "-c", check[1].replace("${{ matrix.shard }}", "1")], cwd=checkout,
                            capture_output=True, text=True, env=env)
    assert broken.returncode != 0 and "workflow.yaml:1" in broken.stderr  # the job fails, saying why
