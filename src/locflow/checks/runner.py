"""Run the registered checks over a project's catalogs."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import LocflowError
from ..project import CatalogFile, Project
from .base import PROJECT_CHECKS, Finding, Scope, catalog_context
from .suite import check_catalog as catalog_rules, check_entry, severities

if TYPE_CHECKING:
    from ..shards import Shard


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    ran: tuple[str, ...] = ()  # the checks that ran, so a clean report still says what it checked
    languages: tuple[str, ...] = ()
    shard: str = ""  # K/N of a sharded run: its JSON then says what ran, so merge-shards can say it too

    @property
    def summary(self) -> dict[str, int]:
        return {"error": sum(f.severity == "error" for f in self.findings),
                "warning": sum(f.severity == "warning" for f in self.findings)}

    @property
    def exit_code(self) -> int:
        return 1 if self.summary["error"] else 0

    def to_json(self, findings: bool = True) -> dict:
        """The documented report (`findings=False`: all of it but the findings, for a streamed one)."""
        doc: dict = {"findings": [f.to_json() for f in self.findings]} if findings else {}
        doc["summary"] = self.summary
        if self.shard:
            doc["scope"] = {"shard": self.shard, "checks": list(self.ran), "languages": list(self.languages)}
        return doc


def relocated(result: CheckResult, project: Project, prefix: str | None = None) -> CheckResult:
    """Findings with paths as linters give them: relative to the current folder, or `prefix` + the
    path in the project, so CI annotations attach to files in a monorepo too."""
    import os
    from dataclasses import replace
    from pathlib import Path

    def where(path: str) -> str:
        if not path or Path(path).is_absolute():
            return path
        if prefix is not None:
            return prefix.rstrip("/") + "/" + path if prefix.strip("/") else path
        return Path(os.path.relpath(project.root / path)).as_posix()

    return replace(result, findings=tuple(replace(f, path=where(f.path)) for f in result.findings))


def selected(project: Project, only: list[str] | None, skip: list[str] | None) -> dict[str, str]:
    sev = severities(project.config)
    for name in (only or []) + (skip or []):
        if name not in sev:
            import difflib

            close = difflib.get_close_matches(name, list(sev), n=1)
            raise LocflowError(f"unknown check `{name}`",
                               hint=f"did you mean `{close[0]}`?" if close else "see `locflow check --list`")
    chosen = {cid: s for cid, s in sev.items()
              if s != "off" and (not only or cid in only) and cid not in (skip or [])}
    if not chosen:
        # A gate that checks nothing would pass every build.
        raise LocflowError("no check left to run", hint="--only and --skip (or `off` in workflow.yaml) exclude them all")
    return chosen


def run_checks(project: Project, languages: list[str] | None = None, catalogs: list[str] | None = None,
               only: list[str] | None = None, skip: list[str] | None = None,
               shard: "Shard | None" = None) -> CheckResult:
    from ..cache import FileCache, enabled

    active = selected(project, only, skip)
    files = project.catalog_files(languages, catalogs, shard)
    cache = FileCache(project.root, "check", _signature(project, active)) if enabled() else None
    findings: list[Finding] = []
    try:
        misses = []
        for cat in files:
            rows, miss = cache.lookup(cat.path) if cache is not None else (None, None)
            if cache is not None and miss is None:
                findings += [Finding(*row) for row in rows]
            else:
                misses.append((cat, miss))
        from ..parallel import run_all

        computed = run_all(_check_job, [cat for cat, _ in misses], context=(project, active),
                           weight=sum(cat.path.stat().st_size for cat, _ in misses))
        for (cat, miss), rows in zip(misses, computed):
            if cache is not None and miss is not None:
                cache.store(miss, rows)
            findings += [Finding(*row) for row in rows]
        scope = Scope(files, languages, catalogs, shard)
        for check in PROJECT_CHECKS:
            wanted = sorted(k for k in check.ids if k in active)
            if not wanted:
                continue
            if cache is None:
                findings += check.run(project, scope, active)
                continue
            key = "@project:" + json.dumps([wanted, languages, catalogs, str(shard) if shard else None])
            rows = cache.value(key, check.fingerprint(project, cache.hash),
                               lambda check=check: [f.row() for f in check.run(project, scope, active)])
            findings += [Finding(*row) for row in rows]
    finally:
        if cache is not None:
            cache.save()
    return CheckResult(tuple(sorted(findings, key=lambda f: f.sort_key)), tuple(sorted(active)),
                       tuple(languages or project.config.languages), str(shard) if shard else "")


def _check_job(cat: CatalogFile) -> list[list]:
    from ..parallel import shared

    project, active = shared()
    return [f.row() for f in check_catalog(project, cat, active)]


def _signature(project: Project, active: dict[str, str]) -> str:
    """Everything besides a catalog's own bytes that its findings depend on."""
    from ..cache import digest

    parts = [project.config.path.read_bytes()]
    if project.config.glossary and (project.root / project.config.glossary).is_file():
        parts.append((project.root / project.config.glossary).read_bytes())
    parts.append(json.dumps(sorted(active.items())).encode())
    return digest(b"\0".join(parts))


def check_catalog(project: Project, cat: CatalogFile, active: dict[str, str], data: bytes | None = None) -> list[Finding]:
    shown = project.display(cat.path)
    try:
        po = _read(cat.path, shown, data)
    except LocflowError as exc:
        if "po-syntax" not in active:
            return []
        return [Finding("po-syntax", active["po-syntax"], cat.name, cat.language, shown, exc.line, None, None,
                        exc.message)]
    ctx = catalog_context(project, cat, po)
    out = [Finding(cid, severity, cat.name, cat.language, shown, line, None, None, message)
           for cid, severity, line, message in catalog_rules(ctx, active)]
    for entry in po:
        if not entry.obsolete:
            out += [Finding(cid, severity, cat.name, cat.language, shown, entry.linenum, entry.msgctxt, entry.msgid,
                            message) for cid, severity, message in check_entry(ctx, entry, active)]
    return out


def _read(path, shown: str, data: bytes | None):
    """The tokenizer's entries: the checks only read them, so no polib objects are built."""
    from ..potokens import parse

    return parse(data if data is not None else path.read_bytes(), shown)
