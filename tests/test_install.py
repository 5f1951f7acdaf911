"""locflow as a user installs it: a wheel built from the repository, installed into a fresh venv,
run on a copy of the sample. A checkout hides missing package data; this does not."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO, copy_sample, snapshot

PACKAGING = ("pyproject.toml", "README.md", "src")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """`python -m build --wheel` on a clean copy of the packaging inputs (no egg-info, no caches)."""
    work = tmp_path_factory.mktemp("pkg")
    for part in PACKAGING:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, work / part, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(src, work / part)
    # --no-isolation: build with the locked setuptools already installed (no download, same result).
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work / "dist")],
                          cwd=work, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "License classifiers are deprecated" not in proc.stderr
    assert "project.license` as a TOML table is deprecated" not in proc.stdout + proc.stderr
    (found,) = (work / "dist").glob("locflow-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A venv holding the wheel; its dependencies come from this interpreter's site-packages (no network)."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                           "--quiet", str(wheel)], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 and "no such option: --python" in proc.stderr:  # pip < 22.3
        proc = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                              capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    where = subprocess.run([str(python), "-c", "import locflow; print(locflow.__file__)"], capture_output=True,
                           text=True, cwd=env_dir, check=True).stdout.strip()
    assert where.startswith(str(env_dir)), f"the checkout's locflow shadows the wheel: {where}"
    return env_dir


def test_the_wheel_carries_the_review_page(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in sorted((REPO / "src").rglob("*")):
        if rel.is_file() and "__pycache__" not in rel.parts and ".egg-info" not in str(rel):
            assert rel.relative_to(REPO / "src").as_posix() in names, f"{rel} is not in the wheel"
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in metadata


def _run(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(installed / "bin" / "locflow"), *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=240)


# Every command a user runs offline on the sample, with the exit code it gives there.
COMMANDS = [
    (("--help",), 0),
    (("--version",), 0),
    (("pull",), 0),
    (("status",), 0),
    (("status", "--format", "json"), 0),
    (("check",), 0),
    (("check", "--list"), 0),
    (("translate", "--dry-run", "--provider", "memory"), 0),
    (("review", "list", "--lang", "et"), 0),
    (("review", "log"), 0),
    (("glossary", "list", "--lang", "en,uk"), 0),
    (("glossary", "check"), 0),
    (("plurals", "show"), 0),
    (("export", "--lang", "uk", "out.xlf"), 0),
    (("publish",), 0),
    (("report",), 0),
    (("sync",), 0),
]


def test_every_command_runs_from_the_installed_wheel(installed, tmp_path):
    root = copy_sample(tmp_path / "sample")
    for args, expected in COMMANDS:
        proc = _run(installed, *args, cwd=root)
        assert proc.returncode == expected, (args, proc.stdout[-1500:], proc.stderr[-1500:])
        assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)
    assert (root / "build").is_dir() and any((root / "build").rglob("*.html"))


def test_sync_on_the_sample_writes_nothing_when_installed(installed, tmp_path):
    root = copy_sample(tmp_path / "sample")
    before = snapshot(root)
    proc = _run(installed, "sync", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert snapshot(root) == before


def test_installed_review_page_answers_over_http(installed, tmp_path):
    root = copy_sample(tmp_path / "sample")
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    env.pop("PYTHONPATH", None)
    proc = subprocess.Popen([str(installed / "bin" / "locflow"), "serve", "--port", "0", "--reviewer", "Test Reader"],
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        url = None
        for _ in range(40):
            line = proc.stdout.readline()
            if not line:
                break
            m = re.search(r"(http://127\.0\.0\.1:\d+/\S*token\S*)", line)
            if m:
                url = m.group(1)
                break
        assert url, "serve printed no URL"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(url, timeout=30) as response:
            page = response.read().decode("utf-8")
            assert response.status == 200
        assert "Estonian Free Press" in page and "TemplateNotFound" not in page
        origin = url.split("/?", 1)[0].split("?", 1)[0].rstrip("/")
        css = re.search(r'href="(/static/[^"]+\.css[^"]*)"', page)
        assert css, page[:500]
        with opener.open(origin + css.group(1), timeout=30) as response:
            assert response.status == 200 and b"{" in response.read()
        with opener.open(origin + "/entries?lang=et", timeout=30) as response:
            assert response.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
