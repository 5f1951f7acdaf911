"""The built-in checks, registered, and the one loop that runs them over an entry or a catalog.

`check`, the review commands, the interactive review, the review page, publish and the MT engine
all ask here, so an `# locflow: ignore` marker or a severity set in workflow.yaml means the same
thing everywhere. Unknown check ids in workflow.yaml are reported here, where severities are read.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from . import chars, consistency, format, glossary, language, markup  # noqa: F401  (registers the checks)
from .. import pullcheck  # noqa: F401  (registers `stale` and `empty-msgid`, read off a planned pull)
from ..errors import LocflowError
from .base import PROJECT_CHECKS, REGISTRY, CatalogContext, ignored_checks

if TYPE_CHECKING:
    import polib

    from ..config import Config

# A catalog that cannot be read has no entries to check: the runner reports it as this check.
PO_SYNTAX = ("po-syntax", "error", "The file does not parse as PO (file:line of the first problem).")


def all_checks() -> list[tuple[str, str, str]]:
    """(id, default severity, description) of every check, sorted by id."""
    rows = [(c.id, c.severity, c.description) for c in REGISTRY.values()] + [PO_SYNTAX]
    rows += [(cid, sev, desc) for check in PROJECT_CHECKS for cid, (sev, desc) in check.ids.items()]
    return sorted(rows)


def severities(config: "Config") -> dict[str, str]:
    """Default severities with workflow.yaml's `checks:` overrides ("off" switches a check off).

    An id the registry does not know is an error at its line in workflow.yaml, raised here, where
    the registry is, so config.py stays below the checks."""
    result = {cid: sev for cid, sev, _ in all_checks()}
    for cid in config.checks:
        if cid not in result:
            import difflib

            close = difflib.get_close_matches(cid, sorted(result), n=1)
            line, col = config.check_positions.get(cid) or (None, None)
            raise LocflowError(f"unknown check `{cid}` in `checks`", path=str(config.path), line=line, col=col,
                               hint=f"did you mean `{close[0]}`?" if close else "see `locflow check --list`")
    result.update(config.checks)
    return result


def check_entry(ctx: CatalogContext, entry: "polib.POEntry", severities: dict[str, str],
                exclude: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """(check id, severity, message) of every entry check that is on, not excluded by the caller and
    not switched off for this entry by an `# locflow: ignore` marker."""
    skip = ignored_checks(entry) | set(exclude)
    out = []
    for check in REGISTRY.values():
        severity = severities.get(check.id, "off")
        if check.scope != "entry" or severity == "off" or check.id in skip:
            continue
        out += [(check.id, severity, message) for message in check.func(ctx, entry)]
    return out


def check_catalog(ctx: CatalogContext, severities: dict[str, str]) -> list[tuple[str, str, int | None, str]]:
    """(check id, severity, line, message) of every catalog-wide check that is on."""
    out = []
    for check in REGISTRY.values():
        severity = severities.get(check.id, "off")
        if check.scope != "catalog" or severity == "off":
            continue
        out += [(check.id, severity, line, message) for line, message in check.func(ctx)]
    return out
