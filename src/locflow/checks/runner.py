"""Run the registered checks over a project's catalogs."""
from __future__ import annotations

from dataclasses import dataclass

from ..catalog import SOURCE_HEADER, plural_forms, read_po
from ..errors import LocflowError
from ..project import CatalogFile, Project
from .base import REGISTRY, CatalogContext, Finding, ignored_checks

# Checks that are not a function of one catalog: the runner itself decides them.
SPECIAL = {
    "po-syntax": ("error", "The file does not parse as PO (file:line of the first problem)."),
    "stale": ("error", "A `locflow pull` would change the catalogs: sources moved on since the last pull."),
}


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]

    @property
    def summary(self) -> dict[str, int]:
        return {"error": sum(f.severity == "error" for f in self.findings),
                "warning": sum(f.severity == "warning" for f in self.findings)}

    @property
    def exit_code(self) -> int:
        return 1 if self.summary["error"] else 0

    def to_json(self) -> dict:
        return {"findings": [f.to_json() for f in self.findings], "summary": self.summary}


def all_checks() -> list[tuple[str, str, str]]:
    """(id, default severity, description) of every check, sorted by id."""
    rows = [(c.id, c.severity, c.description) for c in REGISTRY.values()]
    rows += [(cid, sev, desc) for cid, (sev, desc) in SPECIAL.items()]
    return sorted(rows)


def severities(project: Project) -> dict[str, str]:
    """Default severities with workflow.yaml's `checks:` overrides ("off" switches a check off)."""
    result = {cid: sev for cid, sev, _ in all_checks()}
    result.update(project.config.checks)
    return result


def selected(project: Project, only: list[str] | None, skip: list[str] | None) -> dict[str, str]:
    sev = severities(project)
    for name in (only or []) + (skip or []):
        if name not in sev:
            import difflib

            close = difflib.get_close_matches(name, list(sev), n=1)
            raise LocflowError(f"unknown check `{name}`",
                               hint=f"did you mean `{close[0]}`?" if close else "see `locflow check --list`")
    return {cid: s for cid, s in sev.items()
            if s != "off" and (not only or cid in only) and cid not in (skip or [])}


def run_checks(project: Project, languages: list[str] | None = None, catalogs: list[str] | None = None,
               only: list[str] | None = None, skip: list[str] | None = None) -> CheckResult:
    active = selected(project, only, skip)
    files = project.catalog_files(languages, catalogs)
    findings: list[Finding] = []
    for cat in files:
        findings += check_catalog(project, cat, active)
    if "stale" in active:
        findings += _stale(project, files, active["stale"], languages, catalogs)
    return CheckResult(tuple(sorted(findings, key=lambda f: f.sort_key)))


def check_catalog(project: Project, cat: CatalogFile, active: dict[str, str]) -> list[Finding]:
    shown = project.display(cat.path)
    try:
        po = read_po(cat.path, display=shown)
    except LocflowError as exc:
        if "po-syntax" not in active:
            return []
        return [Finding("po-syntax", active["po-syntax"], cat.name, cat.language, shown, exc.line, None, None,
                        exc.message)]
    ctx = context(project, cat, po)
    out: list[Finding] = []
    for check in REGISTRY.values():
        if check.id not in active or check.scope != "catalog":
            continue
        for line, message in check.func(ctx):
            out.append(Finding(check.id, active[check.id], cat.name, cat.language, shown, line, None, None, message))
    entry_checks = [c for c in REGISTRY.values() if c.id in active and c.scope == "entry"]
    for entry in po:
        if entry.obsolete:
            continue
        skip = ignored_checks(entry)
        for check in entry_checks:
            if check.id in skip:
                continue
            for message in check.func(ctx, entry):
                out.append(Finding(check.id, active[check.id], cat.name, cat.language, shown, entry.linenum,
                                   entry.msgctxt, entry.msgid, message))
    return out


def context(project: Project, cat: CatalogFile, po) -> CatalogContext:
    from ..mt.plurals import _NPLURALS

    group = project.config.catalogs[cat.group]
    source = po.metadata.get(SOURCE_HEADER) if group.kind == "articles" else None
    declared = _NPLURALS.search(po.metadata.get("Plural-Forms", ""))
    nplurals = int(declared.group(1)) if declared else plural_forms(cat.language)[0]
    return CatalogContext(project=project, file=cat, po=po, display=project.display(cat.path),
                          source_language=source or project.config.source_language, nplurals=nplurals,
                          dnt_terms=project.dnt_terms())


def _stale(project: Project, files: list[CatalogFile], severity: str, languages, catalogs) -> list[Finding]:
    from ..pull import plan

    try:
        plans = plan(project)
    except LocflowError as exc:
        return [Finding("stale", severity, "", "", exc.path or project.display(project.config.path), exc.line,
                        None, None, f"cannot extract sources: {exc.message}")]
    wanted = {f.path for f in files}
    out = []
    known = {f.path for f in project.catalog_files()}
    for item in plans:
        if item.path.suffix == ".pot":
            continue
        in_scope = item.path in wanted or (item.path not in known and _in_scope(project, item.path, languages,
                                                                                 catalogs))
        if not in_scope:
            continue
        current = item.path.read_bytes() if item.path.is_file() else None
        if current == item.data:
            continue
        rel = project.display(item.path)
        lang = item.path.relative_to(project.config.locales_path).parts[0]
        name = _catalog_name(project, item.path)
        message = ("missing: run `locflow pull` to create it" if current is None
                   else "out of date with its sources: run `locflow pull`")
        out.append(Finding("stale", severity, name, lang, rel, None, None, None, message))
    return out


def _catalog_name(project: Project, path) -> str:
    parts = path.relative_to(project.config.locales_path).parts
    return path.stem if parts[1] == "LC_MESSAGES" else f"{parts[1]}/{path.stem}"


def _in_scope(project: Project, path, languages, catalogs) -> bool:
    import fnmatch

    lang = path.relative_to(project.config.locales_path).parts[0]
    name = _catalog_name(project, path)
    if languages and lang not in languages:
        return False
    if catalogs and not any(name == c or name.split("/")[0] == c or fnmatch.fnmatchcase(name, c) for c in catalogs):
        return False
    return True
