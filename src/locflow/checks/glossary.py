"""Glossary checks: do-not-translate terms kept, mandated terms used, forbidden wordings absent.

Matching is inflection-aware (see locflow.glossary): "Kyiv" in the source is satisfied by
"Києві" in a Ukrainian translation; a check that flags a correct inflection is a bug.
"""
from __future__ import annotations

from ..glossary import find
from .base import CatalogContext, entry_check, form_pairs, where
from .chars import plain


def _concepts(ctx: CatalogContext):
    return ctx.project.glossary().concepts


@entry_check("glossary-dnt", "error")
def glossary_dnt(ctx: CatalogContext, entry) -> list[str]:
    """A do-not-translate term of the source is missing, translated or altered in the translation."""
    problems = []
    for index, source, text in form_pairs(entry):
        for concept in _concepts(ctx):
            if concept.kind != "dnt":
                continue
            for form in concept.dnt_forms():
                if find(form, source, ctx.source_language, case_sensitive=concept.case_sensitive, inflect=False) \
                        and not find(form, text, ctx.language, case_sensitive=concept.case_sensitive, inflect=False):
                    problems.append(f"{where(index)}do-not-translate term '{form}' must appear unchanged")
    return problems


@entry_check("glossary-mandated", "error")
def glossary_mandated(ctx: CatalogContext, entry) -> list[str]:
    """A glossary term of the source is not rendered with the language's mandated form (any inflection)."""
    if ctx.is_source or not _concepts(ctx):
        return []
    problems = []
    for index, source, text in form_pairs(entry):
        source_text, target_text = plain(source), plain(text)
        for concept in _concepts(ctx):
            if concept.kind != "term":
                continue
            sources = concept.terms.get(ctx.source_language.split("_")[0], ())
            targets = concept.terms.get(ctx.language.split("_")[0], ())
            if not sources or not targets:
                continue
            if not any(find(f, source_text, ctx.source_language, case_sensitive=concept.case_sensitive)
                       for f in sources):
                continue
            if not any(find(f, target_text, ctx.language, case_sensitive=concept.case_sensitive) for f in targets):
                problems.append(f"{where(index)}'{concept.preferred(ctx.source_language)}' should be "
                                f"'{concept.preferred(ctx.language)}' ({concept.id})")
    return problems


@entry_check("glossary-forbidden", "error")
def glossary_forbidden(ctx: CatalogContext, entry) -> list[str]:
    """The translation uses a wording the style book forbids; the message names the replacement."""
    if not any(c.forbidden for c in _concepts(ctx)):
        return []
    problems = []
    for index, source, text in form_pairs(entry):
        target_text = plain(text)
        for concept in _concepts(ctx):
            for form in concept.forbidden.get(ctx.language.split("_")[0], ()):
                hits = find(form, target_text, ctx.language, case_sensitive=concept.case_sensitive)
                if hits:
                    preferred = concept.preferred(ctx.language)
                    instead = f": use '{preferred}'" if preferred else ""
                    problems.append(f"{where(index)}forbidden '{hits[0].text}' ({concept.id}){instead}")
    return problems
