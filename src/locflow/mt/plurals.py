"""Plural entries: one MT request per target form, with a real number in place of the count.

For each plural index the catalog's own Plural-Forms picks a representative n (ru: 1, 2, 5);
the source phrase is translated with that number written out, and the number is turned back
into the placeholder afterwards. "%(count)s min read" -> "5 min read" -> "5 минут чтения"
-> "%(count)s минут чтения".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..plurals import PluralRule

_COUNT_NAMES = ("count", "num", "n", "number", "total", "minutes", "days", "hours")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*[dis]|%[dis]|\{(\w*)\}")


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
