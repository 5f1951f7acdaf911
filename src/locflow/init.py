"""`locflow init`: a new project's workflow.yaml and folders, no questions asked."""
from __future__ import annotations

from pathlib import Path

from .catalog import atomic_write
from .config import CONFIG_NAME, load_config
from .errors import LocflowError

FOLDERS = ("site/templates", "site/articles", "locales/templates", "glossaries")
# What locflow writes that is no source: its cache and lock, the published site, the report.
IGNORED = (".locflow/", "build/", "report.html")

TEMPLATE = """\
# locflow project configuration; see README.md for every key.
site: {site}
source_language: {source}            # language of UI labels; articles declare their own
languages: [{languages}]
locales_dir: locales
glossary: glossaries/terms.csv
catalogs:
  ui:
    kind: labels               # one catalog per language: locales/<lang>/LC_MESSAGES/ui.po
    sources: ["site/templates/**/*.html"]
    publish: reviewed          # lowest state that may be published
  articles:
    kind: articles             # one catalog per article per target language
    sources: ["site/articles/*.md"]
    publish: approved
translation:
  providers: [memory, google]  # tried in order; memory = exact matches already in catalogs
  concurrency: 8
  timeout: 20                  # seconds per request
  retries: 4
"""


def init_project(folder: Path, site: str, source: str, languages: list[str], *, force: bool = False) -> Path:
    """Write workflow.yaml and the layout's folders; validate the result with the real loader."""
    target = folder / CONFIG_NAME
    if target.exists() and not force:
        raise LocflowError(f"{CONFIG_NAME} already exists", path=target, hint="use --force to overwrite it")
    from .config import language_problem

    for code in [source, *languages]:
        if problem := language_problem(code):
            raise LocflowError(f"--languages/--source: {problem}", hint="use ISO 639 codes such as `et,lv,ru`")
    langs = [source] + [code for code in languages if code != source]
    if len(set(langs)) != len(langs):
        dup = next(c for c in langs if langs.count(c) > 1)
        raise LocflowError(f"duplicate language `{dup}` in --languages")
    if not site.strip() or "\n" in site:
        raise LocflowError("--site must be a one-line name")
    text = TEMPLATE.format(site=_quote(site), source=source, languages=", ".join(langs))
    staged = folder / f".{CONFIG_NAME}.new"
    staged.write_text(text, encoding="utf-8")
    try:
        load_config(staged)  # unknown language codes fail here, before anything is created
    finally:
        staged.unlink()
    for name in FOLDERS:
        (folder / name).mkdir(parents=True, exist_ok=True)
    atomic_write(target, text.encode("utf-8"))
    _ignore(folder / ".gitignore")
    return target


def _ignore(path: Path) -> None:
    """Add locflow's outputs to .gitignore, keeping what it already says."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    have = {line.strip() for line in old.splitlines()}
    missing = [name for name in IGNORED if name not in have and "/" + name not in have]
    if missing:
        joined = old + ("\n" if old and not old.endswith("\n") else "")
        atomic_write(path, (joined + "# locflow's cache, published site and report\n" + "\n".join(missing)
                            + "\n").encode("utf-8"))


def _quote(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
