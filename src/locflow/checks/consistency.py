"""Completeness and bookkeeping: missing, unreviewed, plural forms, approvals, headers."""
from __future__ import annotations

from .base import CatalogContext, catalog_check, entry_check, forms
from ..states import State, approval, approval_valid, state_of


@entry_check("missing", "error")
def missing(ctx: CatalogContext, entry) -> list[str]:
    """The entry has no translation (in the source language's own catalog an empty entry shows the
    source text, as gettext does, so it is not missing there)."""
    if ctx.is_source:
        return []
    return ["not translated"] if state_of(entry) is State.UNTRANSLATED else []


@entry_check("unreviewed", "info")
def unreviewed(ctx: CatalogContext, entry) -> list[str]:
    """Translated, but below the catalog's publish state (machine, fuzzy, or not yet approved)."""
    state = state_of(entry, ctx.nplurals)
    publish = State(ctx.file.publish)
    if state is State.UNTRANSLATED or state.rank >= publish.rank:
        return []
    return [f"{state.value}, below the publish state `{publish.value}`"]


@entry_check("plural-forms", "error")
def plural_forms(ctx: CatalogContext, entry) -> list[str]:
    """Plural entries need exactly the language's number of forms, none of them empty."""
    if not entry.msgid_plural:
        return []
    got = forms(entry)
    problems = []
    if len(got) != ctx.nplurals:
        problems.append(f"{len(got)} plural forms, the catalog's Plural-Forms says {ctx.nplurals}")
    if got and got[0] and any(not f for f in got):
        empty = ", ".join(f"msgstr[{i}]" for i, f in enumerate(got) if not f)
        problems.append(f"empty plural form: {empty}")
    return problems


@entry_check("approval-stale", "warning")
def approval_stale(ctx: CatalogContext, entry) -> list[str]:
    """The text or its source changed after approval: the approval no longer vouches for it."""
    found = approval(entry)
    if found is None or "fuzzy" in entry.flags or approval_valid(entry):
        return []
    return [f"changed after approval by {found.reviewer} on {found.date}: review and approve again"]


@catalog_check("header", "error")
def header(ctx: CatalogContext) -> list[tuple[int | None, str]]:
    """Language and Plural-Forms headers agree with workflow.yaml and babel's plural rules."""
    from ..catalog import plural_forms as babel_plural
    from ..mt.plurals import _NPLURALS

    meta = ctx.po.metadata
    problems: list[tuple[int | None, str]] = []
    language = meta.get("Language", "")
    if not language:
        problems.append((1, f"no Language header (expected `{ctx.language}`)"))
    elif language.replace("-", "_").split("_")[0] != ctx.language.split("_")[0]:
        problems.append((1, f"Language header is `{language}`, the catalog is `{ctx.language}`"))
    expected = babel_plural(ctx.language)[0]
    declared = _NPLURALS.search(meta.get("Plural-Forms", ""))
    if declared is None:
        problems.append((1, f"no Plural-Forms header ({ctx.language} has {expected} forms)"))
    elif int(declared.group(1)) < expected:
        # More forms than babel knows is a convention some platforms use (Transifex adds one for
        # fractions); fewer means numbers that cannot be written correctly.
        problems.append((1, f"Plural-Forms declares {declared.group(1)} forms, {ctx.language} needs {expected}"))
    if "charset=" not in meta.get("Content-Type", "charset="):
        problems.append((1, "Content-Type header names no charset"))
    return problems
