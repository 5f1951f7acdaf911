"""Plural entries: one MT request per target form, with a real number in place of the count.

For each plural index the catalog's own Plural-Forms picks a representative n (ru: 1, 2, 5);
the source phrase is translated with that number written out, and the number is turned back
into the placeholder afterwards. "%(count)s min read" -> "5 min read" -> "5 минут чтения"
-> "%(count)s минут чтения".
"""
from __future__ import annotations

import functools
import gettext
import re
from dataclasses import dataclass

_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")
_PLURAL = re.compile(r"plural\s*=\s*(.+?);?\s*$")
_COUNT_NAMES = ("count", "num", "n", "number", "total", "minutes", "days", "hours")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*[dis]|%[dis]|\{(\w*)\}")


@functools.lru_cache(maxsize=64)
def _compiled(expression: str):
    return gettext.c2py(expression)


@dataclass(frozen=True)
class PluralRule:
    nplurals: int
    expression: str

    def index(self, n: int) -> int:
        return int(_compiled(self.expression)(n))

    def samples(self, index: int, avoid: set[str] = frozenset()) -> int:
        """A number the rule maps to `index`: the smallest n >= 1 not already in the text, else 0."""
        func = _compiled(self.expression)
        for n in list(range(1, 1000)) + [0]:
            if int(func(n)) == index and str(n) not in avoid:
                return n
        raise ValueError(f"no number selects plural form {index} of {self.expression}")


MAX_NPLURALS = 10  # no language has more than 6 forms


@functools.lru_cache(maxsize=64)
def header_problem(header: str) -> str | None:
    """Why a Plural-Forms header cannot be used (what `msgfmt -c` or Python's gettext reject), or None."""
    n = _NPLURALS.search(header)
    p = _PLURAL.search(header.split(";", 1)[1] if ";" in header else "")
    if not n or not p:
        return "Plural-Forms needs `nplurals=N; plural=EXPRESSION;`"
    nplurals = int(n.group(1))
    if not 1 <= nplurals <= MAX_NPLURALS:
        return f"nplurals = {nplurals}: a language has 1 to {MAX_NPLURALS} plural forms"
    try:
        func = gettext.c2py(p.group(1).strip().rstrip(";"))
        largest = max(int(func(k)) for k in range(1001))
    except (ValueError, SyntaxError, ZeroDivisionError, RecursionError, OverflowError, TypeError) as exc:
        return f"plural expression cannot be read: {exc}"
    if largest >= nplurals:
        return f"nplurals = {nplurals} but the plural expression can produce values as large as {largest}"
    return None


def parse_plural_forms(header: str | None, fallback_language: str) -> PluralRule:
    """The catalog's Plural-Forms header, or babel's rule for the language when it has none (or a broken one)."""
    if header and not header_problem(header):
        n = _NPLURALS.search(header)
        p = _PLURAL.search(header.split(";", 1)[1] if ";" in header else "")
        if n and p:
            expr = p.group(1).strip().rstrip(";")
            try:
                gettext.c2py(expr)
                return PluralRule(int(n.group(1)), expr)
            except (ValueError, SyntaxError):
                pass
    from ..catalog import plural_forms

    count, value = plural_forms(fallback_language)
    return parse_plural_forms(value, fallback_language) if value else PluralRule(count, "n != 1")


def count_placeholder(text: str) -> str | None:
    """The placeholder that carries the count: a count-like name, else the only numeric one."""
    found = [(m.group(), m.group(1) or m.group(2)) for m in _PLACEHOLDER.finditer(text)]
    for token, name in found:
        if name and name.lower() in _COUNT_NAMES:
            return token
    numeric = [t for t, _ in found if t.endswith("d") or t in ("{0}", "{}")]
    if len(numeric) == 1:
        return numeric[0]
    return found[0][0] if len(found) == 1 else None


@dataclass(frozen=True)
class PluralJob:
    index: int
    number: int
    source: str  # source phrase with the number in place of the count placeholder
    placeholder: str | None


def plural_jobs(msgid: str, msgid_plural: str, source_rule: PluralRule, target_rule: PluralRule) -> list[PluralJob]:
    jobs = []
    for index in range(target_rule.nplurals):
        avoid = set(re.findall(r"\d+", msgid + " " + msgid_plural))
        n = target_rule.samples(index, avoid)
        phrase = msgid if source_rule.index(n) == 0 else msgid_plural
        holder = count_placeholder(phrase)
        jobs.append(PluralJob(index, n, phrase.replace(holder, str(n), 1) if holder else phrase, holder))
    return jobs


def restore_count(translated: str, job: PluralJob) -> tuple[str, str | None]:
    """Put the placeholder back where the number came out; a problem message when it did not."""
    if job.placeholder is None:
        return translated, None
    hits = list(re.finditer(rf"(?<!\d){job.number}(?!\d)", translated))
    if len(hits) != 1:
        return translated, f"plural form {job.index}: the number {job.number} came back {len(hits)} times"
    m = hits[0]
    return translated[:m.start()] + job.placeholder + translated[m.end():], None
