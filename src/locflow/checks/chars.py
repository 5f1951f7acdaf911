"""Characters a reader notices: numbers, whitespace, final punctuation, untranslated copies."""
from __future__ import annotations

import functools
import re
from collections import Counter

from .base import CatalogContext, entry_check, form_pairs, where
from .format import BRACE, PRINTF, PYTHON_NAMED
from .markup import EMAIL, ENTITY, HTML_TAG, NUMBERED, URL

_NOT_TEXT = [NUMBERED, HTML_TAG, ENTITY, URL, EMAIL, PYTHON_NAMED, BRACE]
_NUMBER = re.compile(r"\d(?:[\d]|[.,\u00a0\u202f ](?=\d{3}(?!\d))|[.,](?=\d))*")
WORD = re.compile(r"[^\W\d_]{2,}")  # a word of two letters or more (the language check counts them too)
_DIGIT = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"\D")
_MAYBE_NOT_TEXT = re.compile(r"[<&@%{]|://")  # every pattern below needs one of these


@functools.lru_cache(maxsize=4096)
def plain(text: str) -> str:
    """Text without placeholders, tags, entities, URLs and e-mail addresses."""
    if not _MAYBE_NOT_TEXT.search(text):
        return text  # most strings: eight substitutions spared
    for pattern in _NOT_TEXT:
        text = pattern.sub(" ", text)
    return PRINTF.sub(" ", text.replace("%%", "%"))


@functools.lru_cache(maxsize=4096)
def _numbers(text: str) -> Counter:
    return Counter(m if m.isdigit() else _NOT_DIGIT.sub("", m) for m in _NUMBER.findall(plain(text)))


@entry_check("numbers", "warning")
def numbers(ctx: CatalogContext, entry) -> list[str]:
    """Digits in the translation differ from the source (thousand separators and decimal marks aside)."""
    if entry.msgid_plural:
        return []  # plural forms are written for other numbers than the source shows
    problems = []
    for index, source, text in form_pairs(entry):
        if not _DIGIT.search(source) and not _DIGIT.search(text):
            continue
        if source == text:
            continue
        want, got = _numbers(source), _numbers(text)
        if want != got:
            lost = ", ".join(sorted(want - got)) or "none"
            new = ", ".join(sorted(got - want)) or "none"
            problems.append(f"{where(index)}numbers differ: missing {lost}; added {new}")
    return problems


def _edges(text: str) -> tuple[str, str]:
    stripped = text.strip(" \t\n")
    start = text.find(stripped) if stripped else len(text)
    return text[:start], text[start + len(stripped):]


@entry_check("whitespace", "warning")
def whitespace(ctx: CatalogContext, entry) -> list[str]:
    """Leading or trailing whitespace, doubled spaces or line breaks differ from the source."""
    problems = []
    for index, source, text in form_pairs(entry):
        if _edges(source) != _edges(text):
            problems.append(f"{where(index)}leading/trailing whitespace differs from the source")
        if "  " in text.strip() and "  " not in source.strip():
            problems.append(f"{where(index)}doubled space")
        if source.count("\n") != text.count("\n"):
            problems.append(f"{where(index)}{source.count(chr(10))} line breaks in the source, "
                            f"{text.count(chr(10))} in the translation")
    return problems


_CLOSERS = "\"'»«“”„‘’)]}*_ \t\n"
_END_CLASSES = {".": ".", "…": "…", "!": "!", "?": "?", ":": ":", ";": ";", "。": "."}


def _end(text: str) -> str:
    text = NUMBERED.sub("", HTML_TAG.sub("", text)).rstrip(_CLOSERS)
    if text.endswith("..."):
        return "…"
    return _END_CLASSES.get(text[-1:], "") if text else ""


def _abbreviation(text: str) -> bool:
    words = text.strip().split()
    if not words or not words[-1].endswith("."):
        return False
    last = words[-1][:-1]
    return "." in last or (len(words) <= 2 and 0 < len(last) <= 6)


@entry_check("end-punctuation", "warning")
def end_punctuation(ctx: CatalogContext, entry) -> list[str]:
    """The sentence ends differently: full stop, question or exclamation mark, colon, ellipsis."""
    problems = []
    for index, source, text in form_pairs(entry):
        want, got = _end(source), _end(text)
        if want == got:
            continue
        if {want, got} <= {".", "…"} or (want == ";" and got == "."):
            continue  # an ellipsis for a full stop, or a Slavic full stop for a semicolon, reads fine
        if {want, got} == {"", "."} and (_abbreviation(source) or _abbreviation(text)):
            continue  # "Mon" -> "esmasp.", "p.m." -> "pēcpusdienā": abbreviations, not sentences
        name = {"": "no punctuation", ".": "a full stop", "…": "an ellipsis", "!": "an exclamation mark",
                "?": "a question mark", ":": "a colon", ";": "a semicolon"}
        problems.append(f"{where(index)}source ends with {name[want]}, translation with {name[got]}")
    return problems


@entry_check("identical", "warning")
def identical(ctx: CatalogContext, entry) -> list[str]:
    """The translation is a copy of the source (do-not-translate terms, codes and one-word names aside)."""
    if ctx.is_source:
        return []
    problems = []
    for index, source, text in form_pairs(entry):
        if text.strip() != source.strip():
            continue
        rest = plain(source)
        for term in ctx.dnt_terms:
            rest = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", " ", rest)
        words = WORD.findall(rest)
        # One word ("Moldova", "Contact") is often spelled the same in the target language.
        if len(words) >= 2:
            problems.append(f"{where(index)}translation is identical to the source")
    return problems


@entry_check("control-chars", "error")
def control_chars(ctx: CatalogContext, entry) -> list[str]:
    """Control characters (terminal escapes, NUL, C1 codes) other than newline and tab in the translation."""
    from ..textscan import control_characters

    problems = []
    for index, _source, text in form_pairs(entry):
        if found := control_characters(text):
            problems.append(f"{where(index)}control characters {' '.join(found)}: a terminal or a parser "
                            "would act on them")
    return problems
