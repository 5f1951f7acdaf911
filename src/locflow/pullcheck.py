"""The `stale` and `empty-msgid` checks: both are read off one planned pull, so pull registers them.

`locflow check` runs every registered project check; this one asks `pull.plan` what a pull would
write and reports each catalog in scope that would change (or be created), and the template
warnings the extraction gave.
"""
from __future__ import annotations

import fnmatch
from typing import Callable

from .checks.base import Finding, Scope, project_check
from .errors import LocflowError
from .project import Project

IDS = {
    "stale": ("error", "A `locflow pull` would change the catalogs: sources moved on since the last pull."),
    "empty-msgid": ("warning", "A template calls gettext with an empty string, which gettext reserves for the "
                               "catalog header; the call is left out of the catalog."),
}


def fingerprint(project: Project, hash_file: Callable) -> str:
    """Hashes of every file a pull reads: sources, existing catalogs and templates."""
    from .cache import digest

    paths: set = set()
    for catalog in project.config.catalogs.values():
        if catalog.sources:
            try:
                paths.update(project.source_files(catalog))
            except LocflowError:
                return "unreadable-sources"  # never cached as clean; the check reports the problem
    paths.update(p for p in project.config.locales_path.rglob("*.po*") if p.is_file())
    rows = sorted(f"{project.display(p)}={hash_file(p)}" for p in paths)
    return digest("\n".join(rows).encode())


@project_check(IDS, fingerprint)
def stale(project: Project, scope: Scope, active: dict[str, str]) -> list[Finding]:
    """The findings of both ids from one planned pull."""
    from .pull import plan

    severity = active.get("stale", IDS["stale"][0])
    skipped: list[LocflowError] = []
    try:
        plans = plan(project, errors=skipped)  # a catalog that does not parse is skipped; the rest is planned
    except LocflowError as exc:
        skipped, plans = [exc], []
    # A catalog that does not parse is the po-syntax finding's (once, at its line), not a second error here.
    catalogs_read = {project.display(f.path) for f in project.catalog_files()}
    out = [Finding("stale", severity, "", "", exc.path or project.display(project.config.path), exc.line,
                   None, None, f"cannot plan a pull: {exc.message}")
           for exc in skipped if exc.path not in catalogs_read]
    if "empty-msgid" in active:
        # About a template, so about every language (reported whatever --lang), but about one catalog.
        for item in plans:
            owner = project.template_owner(item.path) if item.warnings else None
            if owner is not None and (not scope.catalogs or any(owner == c or fnmatch.fnmatchcase(owner, c)
                                                                for c in scope.catalogs)):
                out += [Finding("empty-msgid", active["empty-msgid"], owner, "", w.path, w.line, None, None,
                                w.message) for w in item.warnings]
    if "stale" not in active:
        return out
    wanted = {f.path for f in scope.files}
    for item in plans:
        if item.path.suffix == ".pot" or not item.changes:
            continue
        cat = project.catalog_at(item.path)
        if cat is None or not (item.path in wanted or (not item.path.is_file() and _in_scope(project, cat, scope))):
            continue
        rel = project.display(item.path)
        if item.path.is_file():
            from .plandiff import catalog_changes

            message = f"out of date with its sources ({catalog_changes(project, item).summary()}): run `locflow pull`"
        else:
            message = "missing: run `locflow pull` to create it"
        out.append(Finding("stale", severity, cat.name, cat.language, rel, None, None, None, message))
    return out


def _in_scope(project: Project, cat, scope: Scope) -> bool:
    """A catalog that does not exist yet is in scope when `check`'s --lang, --catalog and --shard would
    have selected it."""
    if scope.shard is not None and not scope.shard.holds(project.display(cat.path)):
        return False
    if scope.languages and cat.language not in scope.languages:
        return False
    return not scope.catalogs or any(cat.name == c or cat.group == c or fnmatch.fnmatchcase(cat.name, c)
                                     for c in scope.catalogs)
