"""wrong-language: a translation written in another language than its catalog's.

The seed page shows a French label ("Articles Liés") on the English site. Detection uses
lingua, restricted to the site's languages plus the languages that most often leak in, and
only judges strings long enough to judge.
"""
from __future__ import annotations

import functools

from .base import CatalogContext, entry_check, form_pairs, where
from .chars import _WORD, plain

MIN_LETTERS = 10
MIN_WORDS = 2
CONFIDENCE = 0.9
LEAKS = ("fr", "de", "es", "it", "fi", "sv")


@functools.lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    known = []
    for code in languages:
        try:
            known.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.split("_")[0].upper())))
        except (AttributeError, ValueError):
            continue
    return LanguageDetectorBuilder.from_languages(*known).build() if len(known) >= 2 else None


@entry_check("wrong-language", "warning")
def wrong_language(ctx: CatalogContext, entry) -> list[str]:
    """The translation reads as another language than the catalog's (strings of 2+ words only)."""
    languages = tuple(sorted(set(ctx.project.config.languages) | set(LEAKS)))
    problems = []
    for index, source, text in form_pairs(entry):
        sample = plain(text)
        for term in ctx.dnt_terms:
            sample = sample.replace(term, " ")
        words = _WORD.findall(sample)
        if len(words) < MIN_WORDS or sum(len(w) for w in words) < MIN_LETTERS:
            continue
        if ctx.is_source is False and text.strip() == source.strip():
            continue  # a copy of the source is the `identical` check's business
        detector = _detector(languages)
        if detector is None:
            return []
        values = {v.language.iso_code_639_1.name.lower(): v.value
                  for v in detector.compute_language_confidence_values(" ".join(words))}
        best = max(values, key=values.get)
        own = values.get(ctx.language.split("_")[0], 0.0)
        if best != ctx.language.split("_")[0] and values[best] >= CONFIDENCE and own < 0.05:
            problems.append(f"{where(index)}reads as {_name(best)}, not {_name(ctx.language)}")
    return problems


def _name(code: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(code).english_name
    except (ValueError, TypeError):
        return code
