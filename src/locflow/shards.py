"""`--shard K/N`: split a project's catalogs over N CI jobs, and merge their JSON outputs back.

A catalog belongs to shard 1 + (hash of its path) mod N: the assignment depends on nothing but
the catalog's own path, so adding an article never moves other catalogs between shards, and
every job computes the same split on its own. Merging the shards' `check --format json` (or
`status --format json`) outputs gives what one run over the whole project gives.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LocflowError

if TYPE_CHECKING:
    from .checks.runner import CheckResult
    from .project import Project
    from dataclasses import replace

    from .status import CatalogStatus, table_note

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as GitHub's matrix counts
    count: int

    def holds(self, rel_path: str) -> bool:
        """Whether the catalog at this project-relative path belongs to this shard."""
        h = int.from_bytes(hashlib.blake2b(rel_path.encode("utf-8"), digest_size=8).digest(), "big")
        return h % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str | None) -> Shard | None:
    """`K/N` with 1 <= K <= N; None for no sharding."""
    if text is None or text == "":
        return None
    m = _SPEC.match(text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise LocflowError(f"bad shard `{text}`", hint="write K/N with 1 <= K <= N, e.g. --shard 2/4")
    return Shard(int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class Merged:
    kind: str  # "check" or "status"
    check: "CheckResult | None" = None
    status: "list[CatalogStatus] | None" = None
    errors: tuple[LocflowError, ...] = ()  # status: catalogs the shards could not read


def merge_outputs(project: "Project", paths: list[Path]) -> Merged:
    """The shards' JSON outputs as one result, in the order one run gives."""
    docs = []
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise LocflowError(f"cannot read {path}: {exc.strerror}", path=str(path)) from None
        except ValueError as exc:
            raise LocflowError(f"not JSON: {exc}", path=str(path), line=getattr(exc, "lineno", None),
                               hint="give the files `locflow check --format json` or `status --format json` wrote")
        if not isinstance(doc, dict) or not ({"findings"} <= doc.keys() or {"catalogs"} <= doc.keys()):
            raise LocflowError("neither a check nor a status JSON output", path=str(path))
        docs.append((path, doc))
    kinds = {"check" if "findings" in doc else "status" for _, doc in docs}
    if len(kinds) != 1:
        raise LocflowError("cannot merge check and status outputs together", hint="merge each kind on its own")
    _whole_set(docs)
    if kinds == {"check"}:
        return Merged("check", check=_merge_check([doc for _, doc in docs]))
    return Merged("status", status=_merge_status(project, docs), errors=_status_errors(project, docs))


def _whole_set(docs: list[tuple[Path, dict]]) -> None:
    """Shard outputs merge into one run's answer only as a whole set: every shard of one split,
    each once. A missing shard would hide its findings, a doubled one count them twice."""
    shards: list[tuple[Path, Shard | None]] = []
    for path, doc in docs:
        scope = doc.get("scope")
        text = scope.get("shard") if isinstance(scope, dict) else None
        try:
            shards.append((path, parse_shard(text) if isinstance(text, str) else None))
        except LocflowError:
            raise LocflowError(f"not a shard: `{text}`", path=str(path)) from None
    given = [s for _, s in shards if s is not None]
    if not given:
        return  # outputs of runs that were not sharded (or older ones): merged as given
    if len(given) != len(shards):
        whole = next(path for path, s in shards if s is None)
        raise LocflowError("this output is of a run that was not sharded: it cannot be merged with shards",
                           path=str(whole), hint="merge the outputs of one run's shards, each once")
    counts = sorted({s.count for s in given})
    if len(counts) > 1:
        raise LocflowError(f"the outputs come from different splits ({', '.join(f'N={n}' for n in counts)})",
                           hint="merge the outputs of one run's shards, each once")
    seen: dict[int, Path] = {}
    for path, shard in shards:
        if shard.index in seen:
            raise LocflowError(f"shard {shard} is given twice (also {seen[shard.index]})", path=str(path),
                               hint="merge the outputs of one run's shards, each once")
        seen[shard.index] = path
    missing = [f"{k}/{counts[0]}" for k in range(1, counts[0] + 1) if k not in seen]
    if missing:
        raise LocflowError(f"shard {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing",
                           hint="a missing shard's findings would be left out: give every shard's output")


def _status_errors(project: "Project", docs: list[tuple[Path, dict]]) -> tuple[LocflowError, ...]:
    """The catalogs the shards could not read, each once, in the order one run lists them."""
    found: dict[tuple, LocflowError] = {}
    for path, doc in docs:
        for item in doc.get("errors") or []:
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                raise LocflowError("an `errors` item without a path", path=str(path))
            key = (item["path"], item.get("line"), item.get("message"))
            found.setdefault(key, LocflowError(str(item.get("message", "")), path=item["path"], line=item.get("line"),
                                               hint=item.get("hint")))
    if not found:
        return ()
    order = {project.display(cat.path): i for i, cat in enumerate(project.catalog_files())}
    return tuple(found[key] for key in sorted(found, key=lambda k: (order.get(k[0], len(order)), k[0], k[1] or 0)))


def _merge_check(docs: list[dict]) -> "CheckResult":
    from .checks.base import Finding
    from .checks.runner import CheckResult

    findings: list[Finding] = []
    project_wide: set[Finding] = set()
    ran: set[str] = set()
    languages: list[str] = []
    for doc in docs:
        scope = doc.get("scope") or {}
        ran.update(scope.get("checks", ()))
        languages += [lang for lang in scope.get("languages", ()) if lang not in languages]
        for row in doc["findings"]:
            finding = Finding(**row)
            if not finding.language:
                # Not about one catalog file (sources that cannot be extracted, a template's empty
                # msgid): every shard plans the whole pull and reports it.
                if finding in project_wide:
                    continue
                project_wide.add(finding)
            findings.append(finding)
    return CheckResult(tuple(sorted(findings, key=lambda f: f.sort_key)), tuple(sorted(ran)), tuple(languages))


def _merge_status(project: "Project", docs: list[tuple[Path, dict]]) -> "list[CatalogStatus]":
    from dataclasses import replace

    from .status import CatalogStatus, table_note

    rows: dict[str, CatalogStatus] = {}
    for path, doc in docs:
        for row in doc["catalogs"]:
            item = CatalogStatus(**row)
            item = replace(item, note=table_note(project, item))
            if item.path in rows:
                raise LocflowError(f"{item.path} is in two of the outputs", path=str(path),
                                   hint="merge the outputs of one run's shards, each once")
            rows[item.path] = item
    order = {lang: i for i, lang in enumerate(project.config.languages)}
    return sorted(rows.values(), key=lambda r: (order.get(r.language, 99), r.catalog.split("/")[0], r.catalog))
