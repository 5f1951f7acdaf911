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
    """Language and Plural-Forms headers agree with workflow.yaml and the project's plural rule
    (gettext's table; see `locflow plurals show`): a catalog whose rule picks other forms for
    any n in 0..1000 is reported, and `locflow plurals convert` rewrites it."""
    from ..errors import LocflowError
    from ..plurals import SAMPLE_RANGE, parse_rule, project_rule

    meta = ctx.po.metadata
    problems: list[tuple[int | None, str]] = []
    language = meta.get("Language", "")
    if not language:
        problems.append((1, f"no Language header (expected `{ctx.language}`)"))
    elif language.replace("-", "_").split("_")[0] != ctx.language.split("_")[0]:
        problems.append((1, f"Language header is `{language}`, the catalog is `{ctx.language}`"))
    expected = project_rule(ctx.language)
    declared = meta.get("Plural-Forms", "")
    if not declared:
        problems.append((1, f"no Plural-Forms header ({ctx.language} has {expected.nplurals} forms: "
                            f"`{expected.header}`)"))
    else:
        try:
            rule = parse_rule(declared)
        except LocflowError as exc:
            problems.append((1, exc.message))
        else:
            if rule.mapping() != expected.mapping():
                n = next(n for n, (a, b) in enumerate(zip(rule.mapping(), expected.mapping())) if a != b)
                problems.append((1, f"Plural-Forms picks form {rule.index(n)} for n={SAMPLE_RANGE[n]}, the "
                                    f"project's rule for {ctx.language} picks form {expected.index(n)} "
                                    f"(`{expected.header}`); run `locflow plurals convert --lang {ctx.language}`"))
    if "charset=" not in meta.get("Content-Type", "charset="):
        problems.append((1, "Content-Type header names no charset"))
    return problems
