"""The built-in checks, registered, and the one loop that runs them over an entry or a catalog.

`check`, the review commands, the interactive review, the review page, publish and the MT engine
all ask here, so an `# locflow: ignore` marker or a severity set in workflow.yaml means the same
thing everywhere. This module sits below `config` (which validates check ids against it) and never
imports a project, a pull or a provider.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from . import chars, consistency, format, glossary, language, markup  # noqa: F401  (registers the checks)
from .base import REGISTRY, CatalogContext, ignored_checks

if TYPE_CHECKING:
    import polib

# Checks that are not a function of one catalog: the runner decides them over the whole project.
SPECIAL = {
    "po-syntax": ("error", "The file does not parse as PO (file:line of the first problem)."),
    "stale": ("error", "A `locflow pull` would change the catalogs: sources moved on since the last pull."),
    "empty-msgid": ("warning", "A template calls gettext with an empty string, which gettext reserves for the "
                               "catalog header; the call is left out of the catalog."),
}


def all_checks() -> list[tuple[str, str, str]]:
    """(id, default severity, description) of every check, sorted by id."""
    rows = [(c.id, c.severity, c.description) for c in REGISTRY.values()]
    rows += [(cid, sev, desc) for cid, (sev, desc) in SPECIAL.items()]
    return sorted(rows)


def known_ids() -> tuple[str, ...]:
    return tuple(cid for cid, _, _ in all_checks())


def severities(overrides: dict[str, str]) -> dict[str, str]:
    """Default severities with workflow.yaml's `checks:` overrides ("off" switches a check off)."""
    result = {cid: sev for cid, sev, _ in all_checks()}
    result.update(overrides)
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
