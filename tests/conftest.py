"""Small real locflow projects in tmp_path (or a copy of the committed sample), and ways to run the CLI on them."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import polib
import pytest
from typer.testing import CliRunner

from locflow.cli import app

REPO = Path(__file__).resolve().parents[1]
SAMPLE_PARTS = ("site", "locales", "glossaries", "workflow.yaml")

WORKFLOW = """\
# test project
site: Test Press
source_language: en
languages: [en, et, lv, ru]
locales_dir: locales
catalogs:
  ui:
    kind: labels
    sources: ["site/templates/**/*.html"]
    publish: reviewed
  articles:
    kind: articles
    sources: ["site/articles/*.md"]
    publish: approved
"""

BASE_HTML = """\
<!doctype html>
<html>
<body>
{# Translators: top navigation link to the front page #}
<a href="/">{{ _("Home") }}</a>
<form>
  <label>{{ _("Type to search and press Enter") }}</label>
  <button>{{ pgettext("button", "Subscribe") }}</button>
</form>
{% block content %}{% endblock %}
<footer>{{ _("All rights reserved.") }}</footer>
</body>
</html>
"""

SIDEBAR_HTML = """\
<aside>
  <h2>{{ pgettext("heading", "Subscribe") }}</h2>
  {# Translators: sidebar heading for the most popular stories right now #}
  <h2>{{ _("What's Hot") }}</h2>
  <h2>{{ _("Stay In Touch") }}</h2>
  {# Translators: estimated reading time next to the date #}
  <span>{{ ngettext("%(num)d min read", "%(num)d mins read", minutes) }}</span>
  <p>{% trans author=item.author %}By {{ author }}{% endtrans %}</p>
  <a href="/">{{ _("Home") }}</a>
</aside>
"""

ARTICLE_EN = """\
---
slug: harbour-drill
title: "Harbour drill tests the new coastal radar"
language: en
date: 2026-10-01
section: National Security
author: Kadri Saar
summary: "Crews rehearsed a night-time alert at the harbour."
---

Crews from three agencies rehearsed a night-time alert at the harbour on Tuesday.

## Lessons from the night

The exercise showed that the radar links need **faster** hand-overs.
"""

ARTICLE_ET = """\
---
slug: tartu-cyber-range
title: "Tartu küberpolügoon avab uksed"
language: et
date: 2026-10-02
section: Küberkaitse
author: Mari Tamm
summary: "Uus harjutusväli toob kokku ülikooli ja kaitseväe."
---

Tartu uus küberpolügoon alustas tööd esmaspäeval.
"""

TEMPLATES = {"base.html": BASE_HTML, "partials/sidebar.html": SIDEBAR_HTML}
ARTICLES = {"harbour-drill.md": ARTICLE_EN, "tartu-cyber-range.md": ARTICLE_ET}


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def build_project(root: Path, *, workflow: str = WORKFLOW, templates: dict[str, str] | None = None,
                  articles: dict[str, str] | None = None) -> Path:
    """workflow.yaml + site/templates/*.html + site/articles/*.md under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    write(root / "workflow.yaml", workflow)
    for name, text in (TEMPLATES if templates is None else templates).items():
        write(root / "site" / "templates" / name, text)
    for name, text in (ARTICLES if articles is None else articles).items():
        write(root / "site" / "articles" / name, text)
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str = "proj", **kwargs) -> Path:
        return build_project(tmp_path / name, **kwargs)

    return make


@pytest.fixture
def project(make_project) -> Path:
    """The default small project (not pulled yet)."""
    return make_project()


def copy_sample(dest: Path) -> Path:
    """A copy of the committed sample project (site, locales, glossaries, workflow.yaml) at `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in SAMPLE_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The committed sample project, copied to tmp_path/"sample": the repository's own catalogs are never written."""
    return copy_sample(tmp_path / "sample")


def edit_file(root: Path, rel: str, old: str, new: str) -> None:
    """Replace `old`, which must occur exactly once, by `new` in the file root/rel."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def break_author_placeholder(root: Path, lang: str = "et") -> None:
    """In the sample's ui.po, `By %(author)s` becomes a machine draft that dropped its placeholder: an error finding."""
    translated = {"et": "Autor: %(author)s", "ru": "Автор: %(author)s"}[lang]
    edit_file(root, f"locales/{lang}/LC_MESSAGES/ui.po",
              f'#, python-format\nmsgid "By %(author)s"\nmsgstr "{translated}"\n',
              f'# locflow: machine google 2026-11-20\n#, fuzzy, python-format\nmsgid "By %(author)s"\n'
              f'msgstr "{translated.split(":")[0]}"\n')


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None = None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def run_cli(monkeypatch) -> Callable[..., Run]:
    """Invoke `locflow.cli.app` in-process through typer's CliRunner, from `cwd`."""

    def run(*args, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        result = CliRunner().invoke(app, [str(a) for a in args])
        exc = result.exception
        if isinstance(exc, SystemExit):
            exc = None
        return Run(result.exit_code, result.stdout, result.stderr, exc)

    return run


def run_locflow(*args, cwd: Path) -> subprocess.CompletedProcess:
    """The real thing: `python -m locflow ...` in a child process."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "locflow", *[str(a) for a in args]], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=60)


def pull(root: Path, *args: str) -> Run:
    """`locflow pull` through CliRunner without touching the process cwd."""
    result = CliRunner().invoke(app, ["--config", str(root / "workflow.yaml"), "pull", *args])
    exc = result.exception if not isinstance(result.exception, SystemExit) else None
    assert exc is None, f"pull raised {exc!r}\n{result.output}"
    return Run(result.exit_code, result.stdout, result.stderr, None)


HOLDER = """\
import sys, time
from pathlib import Path
from locflow.lock import project_lock
with project_lock(Path(sys.argv[1]), 0):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(root: Path, seconds: float) -> subprocess.Popen:
    """Another process (a `locflow translate`, say) holding the project lock for `seconds`."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(root), str(seconds)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked", proc.stderr.read()
    return proc


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """(mtime_ns, bytes) of every project file under root (not locflow's own `.locflow/` cache)."""
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file() and ".locflow" not in p.relative_to(root).parts}


def po(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


def entry(catalog: polib.POFile, msgid: str, msgctxt: str | None = None, *, obsolete: bool | None = None):
    found = [e for e in catalog if e.msgid == msgid and e.msgctxt == msgctxt
             and (obsolete is None or e.obsolete == obsolete)]
    assert len(found) == 1, f"{len(found)} entries for {msgctxt!r}/{msgid!r}"
    return found[0]


_STAT_RE = {
    "translated": re.compile(r"(\d+) translated message"),
    "fuzzy": re.compile(r"(\d+) fuzzy translation"),
    "untranslated": re.compile(r"(\d+) untranslated message"),
}


def msgfmt_statistics(path: Path) -> dict[str, int]:
    """GNU msgfmt's own counts for a PO file (it prints them on stderr)."""
    proc = subprocess.run(["msgfmt", "--statistics", "-o", os.devnull, str(path)], capture_output=True,
                          text=True, env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
    assert proc.returncode == 0, proc.stderr
    counts = {}
    for key, rx in _STAT_RE.items():
        m = rx.search(proc.stderr)
        counts[key] = int(m.group(1)) if m else 0
    assert any(_STAT_RE[k].search(proc.stderr) for k in _STAT_RE), proc.stderr
    return counts
