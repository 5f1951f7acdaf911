"""wrong-language: a translation written in another language than its catalog's.

The seed page shows a French label ("Articles Liés") on the English site. Detection uses
lingua, restricted to the site's languages plus the languages that most often leak in, and
only judges strings long enough to judge. CLD2 (pycld2, a few microseconds a string) screens
first: what it reliably reads as the catalog's own language is not a finding, and only the
rest (a few percent of a catalog) costs lingua's time.
"""
from __future__ import annotations

import functools

from .base import CatalogContext, entry_check, form_pairs, where
from .chars import WORD, plain

MIN_LETTERS = 10
MIN_WORDS = 2
CONFIDENCE = 0.9  # the full model's confidence in the other language
OWN_BELOW = 0.05  # ... and in the catalog's own
QUICK_OWN_BELOW = 0.05
QUICK_SUSPECT_FROM = 0.5
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
    words = WORD.findall(sample)
    if len(words) < MIN_WORDS or sum(len(w) for w in words) < MIN_LETTERS:
        return None
    return " ".join(words)


def _reads_as_own(sample: str, own: str) -> bool:
    """CLD2's verdict, trusted only when it is reliable and names the catalog's language."""
    import pycld2

    try:
        reliable, _, details = pycld2.detect(sample, bestEffort=True)
    except (pycld2.error, UnicodeError):
        return False
    return bool(reliable) and details[0][1].split("-")[0] == own


def _scores(ctx: CatalogContext) -> dict[str, dict[str, float]]:
    """lingua's confidence values, by translation text, for what CLD2 could not vouch for."""
    if "wrong-language" not in ctx.extra:
        own = ctx.language.split("_")[0]
        by_sample: dict[str, list[str]] = {}
        for entry in ctx.po:
            if entry.obsolete:
                continue
            for _, source, text in form_pairs(entry):
                if text and (ctx.is_source or text.strip() != source.strip()) and (sample := _sample(ctx, text)):
                    by_sample.setdefault(sample, []).append(text)
        samples = [s for s in sorted(by_sample) if not _reads_as_own(s, own)]
        languages = tuple(sorted(set(ctx.project.config.languages) | set(LEAKS)))
        scores: dict[str, dict[str, float]] = {}
        quick = _detector(languages, True) if samples else None
        if quick is not None:
            by_suspect: dict[str, list[str]] = {}
            for sample, values in zip(samples, quick.compute_language_confidence_values_in_parallel(samples)):
                found = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
                suspect = max(found, key=found.get)
                # Only a clear verdict against the catalog's language is worth a full model (each
                # takes a fifth of a second to load). Over Django's catalogs in our languages, our
                # sample site and the benchmark corpus, every string the full model flagged had
                # here at most 0.014 for the catalog's language and at least 0.62 for the suspect.
                if suspect != own and found.get(own, 0.0) < QUICK_OWN_BELOW and found[suspect] >= QUICK_SUSPECT_FROM:
                    by_suspect.setdefault(suspect, []).append(sample)
            for suspect, group in sorted(by_suspect.items()):
                full = _detector(tuple(sorted({own, suspect})))
                if full is None:
                    continue
                for sample, values in zip(group, full.compute_language_confidence_values_in_parallel(group)):
                    verdict = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
                    for text in by_sample[sample]:
                        scores[text] = verdict
        ctx.extra["wrong-language"] = scores
    return ctx.extra["wrong-language"]


@entry_check("wrong-language", "warning")
def wrong_language(ctx: CatalogContext, entry) -> list[str]:
    """The translation reads as another language than the catalog's (strings of 2+ words only)."""
    own_code = ctx.language.split("_")[0]
    problems = []
    scores = _scores(ctx)
    for index, _, text in form_pairs(entry):
        values = scores.get(text)
        if not values:
            continue
        best = max(values, key=values.get)
        if best != own_code and values[best] >= CONFIDENCE and values.get(own_code, 0.0) < OWN_BELOW:
            # Quote what was judged: the translation, not the source the finding is filed under.
            shown = text if len(text) <= 60 else text[:59] + "…"
            problems.append(f"{where(index)}the translation {shown!r} reads as {_name(best)}, not {_name(ctx.language)}")
    return problems


def _name(code: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(code).english_name
    except (ValueError, TypeError):
        return code
