"""Glossary terms per MT segment: what a provider is told, and what its reply is checked against.

The same inflection-aware matcher as the glossary checks finds the concepts in the source
segment; a reply satisfies a term when any allowed target form (any inflection) occurs in it.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..glossary import INFLECTING, Glossary, find
from .protect import Masked, unmask


@dataclass(frozen=True)
class SegmentTerm:
    """A glossary concept found in a source segment, with the target language's mandated form."""

    concept: str
    source: str  # the words as they occur in the segment
    target: str  # the mandated (preferred) target form
    note: str
    forms: tuple[str, ...]  # every allowed target form, stem patterns included
    case_sensitive: bool
    occurrences: int  # how often the concept occurs in the source segment
    exact: bool = False  # do-not-translate: matched without inflection

    def wire(self) -> dict[str, str]:
        return {"source": self.source, "target": self.target, "note": self.note}


@dataclass(frozen=True)
class ForbiddenTerm:
    concept: str
    form: str
    instead: str | None
    case_sensitive: bool


def _base(language: str) -> str:
    return language.split("_")[0]


def segment_terms(glossary: Glossary, text: str, source: str, target: str
                  ) -> tuple[tuple[SegmentTerm, ...], tuple[ForbiddenTerm, ...]]:
    """Concepts of the termbase that occur in `text`, and the target wordings they forbid."""
    terms: list[SegmentTerm] = []
    forbidden: list[ForbiddenTerm] = []
    for concept in glossary.concepts:
        sources = concept.terms.get(_base(source), ())
        if concept.kind == "dnt":
            forms = concept.dnt_forms()
            hits = [h for f in forms for h in find(f, text, source, case_sensitive=concept.case_sensitive,
                                                   inflect=False)]
            targets = tuple(forms)
            note = "do not translate: keep exactly as written"
        else:
            targets = concept.terms.get(_base(target), ())
            if not sources or not targets:
                continue
            hits = [h for f in sources for h in find(f, text, source, case_sensitive=concept.case_sensitive)]
            note = "may be inflected" if _base(target) in INFLECTING and not targets[0].isupper() \
                else "write exactly as given"
        if not hits:
            continue
        spans = sorted({(h.start, h.end): h for h in hits}.values(), key=lambda h: h.start)
        preferred = targets[0].rstrip("*") if concept.kind != "dnt" else spans[0].text
        if concept.note:
            note += "; " + concept.note
        terms.append(SegmentTerm(concept.id, spans[0].text, preferred, note, targets, concept.case_sensitive,
                                 len(spans), exact=concept.kind == "dnt"))
        for form in concept.forbidden.get(_base(target), ()):
            forbidden.append(ForbiddenTerm(concept.id, form, concept.preferred(target), concept.case_sensitive))
    return tuple(terms), tuple(forbidden)


def satisfied(term: SegmentTerm, reply: str, target: str) -> int:
    """How many of the term's source occurrences the reply renders with an allowed form."""
    found = {(h.start, h.end) for f in term.forms
             for h in find(f, reply, target, case_sensitive=term.case_sensitive,
                           inflect=not term.exact)}
    return min(term.occurrences, len(found))


def findings(masked: Masked, terms: tuple[SegmentTerm, ...], forbidden: tuple[ForbiddenTerm, ...],
             reply: str, target: str) -> list[str]:
    """What is wrong with a reply: broken tokens, mandated terms missing, forbidden wordings used."""
    problems = list(unmask(reply, masked).problems)
    for term in terms:
        if not satisfied(term, reply, target):
            problems.append(f"'{term.source}' must be translated as '{term.target}'")
    for bad in forbidden:
        hits = find(bad.form, reply, target, case_sensitive=bad.case_sensitive)
        if hits:
            instead = f", write '{bad.instead}'" if bad.instead else ""
            problems.append(f"'{hits[0].text}' is forbidden{instead}")
    return problems
