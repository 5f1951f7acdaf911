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
def _detector(languages: tuple[str, ...], low_accuracy: bool = False):
    """lingua restricted to plausible languages. The low-accuracy mode (trigrams only) is about
    a hundred times faster; its verdict is trusted when it agrees with the catalog, and
    anything it doubts goes to the full model."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    known = []
    for code in languages:
        try:
            known.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.split("_")[0].upper())))
        except (AttributeError, ValueError):
            continue
    if len(known) < 2:
        return None
    builder = LanguageDetectorBuilder.from_languages(*known)
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def _sample(ctx: CatalogContext, text: str) -> str | None:
    """The words worth judging, or None when the string is too short to judge."""
    sample = plain(text)
    for term in ctx.dnt_terms:
        sample = sample.replace(term, " ")
    words = _WORD.findall(sample)
    if len(words) < MIN_WORDS or sum(len(w) for w in words) < MIN_LETTERS:
        return None
    return " ".join(words)


def _scores(ctx: CatalogContext) -> dict[str, dict[str, float]]:
    """Confidence values for every judgeable string of the catalog, computed in one parallel batch."""
    if "wrong-language" not in ctx.extra:
        samples = sorted({s for entry in ctx.po if not entry.obsolete
                          for _, _, text in form_pairs(entry) if (s := _sample(ctx, text))})
        languages = tuple(sorted(set(ctx.project.config.languages) | set(LEAKS)))
        own = ctx.language.split("_")[0]
        scores: dict[str, dict[str, float]] = {}
        quick = _detector(languages, True) if samples else None
        if quick is not None:
            doubtful = []
            for sample, values in zip(samples, quick.compute_language_confidence_values_in_parallel(samples)):
                found = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
                if max(found, key=found.get) == own:
                    scores[sample] = found  # the catalog's own language wins: nothing to report
                else:
                    doubtful.append((sample, found))
            # The full models of every plausible language take a second or more to load; the
            # doubtful strings are judged between the catalog's language and the one suspected.
            by_suspect: dict[str, list[str]] = {}
            for sample, found in doubtful:
                by_suspect.setdefault(max(found, key=found.get), []).append(sample)
            for suspect, group in sorted(by_suspect.items()):
                full = _detector(tuple(sorted({own, suspect})))
                if full is None:
                    continue
                for sample, values in zip(group, full.compute_language_confidence_values_in_parallel(group)):
                    scores[sample] = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
        ctx.extra["wrong-language"] = scores
    return ctx.extra["wrong-language"]


@entry_check("wrong-language", "warning")
def wrong_language(ctx: CatalogContext, entry) -> list[str]:
    """The translation reads as another language than the catalog's (strings of 2+ words only)."""
    own_code = ctx.language.split("_")[0]
    problems = []
    for index, source, text in form_pairs(entry):
        if not ctx.is_source and text.strip() == source.strip():
            continue  # a copy of the source is the `identical` check's business
        sample = _sample(ctx, text)
        values = _scores(ctx).get(sample) if sample else None
        if not values:
            continue
        best = max(values, key=values.get)
        if best != own_code and values[best] >= CONFIDENCE and values.get(own_code, 0.0) < 0.05:
            problems.append(f"{where(index)}reads as {_name(best)}, not {_name(ctx.language)}")
    return problems


def _name(code: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(code).english_name
    except (ValueError, TypeError):
        return code
