"""Fuzzy matching of changed source strings to old entries, fast on large catalogs.

The score is the normalized Indel similarity, 2·LCS/(len a + len b), computed by rapidfuzz
(C++) — difflib's ratio measures the same thing more slowly and a little less exactly — with
msgmerge's cutoff 0.6. Small pools are compared exhaustively. Large ones first pick candidates
through an inverted index of words and 4-letter word prefixes, rarest first, and score only the
best few: 900 changed strings against 20,000 old ones take a fraction of a second.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

CUTOFF = 0.6
EXHAUSTIVE = 600  # pools up to this size are compared with every entry
VOTE_BUDGET = 3000  # postings read per query, rarest keys first: common words say little
CANDIDATES = 12
_WORD = re.compile(r"\w+")


def _keys(text: str) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    return set(words) | {"^" + w[:4] for w in words if len(w) > 4}


class FuzzyIndex:
    def __init__(self, msgids: Iterable[str]) -> None:
        self.msgids = list(dict.fromkeys(msgids))
        self.postings: dict[str, list[int]] = {}
        if len(self.msgids) > EXHAUSTIVE:
            for i, msgid in enumerate(self.msgids):
                for key in _keys(msgid):
                    self.postings.setdefault(key, []).append(i)

    def best(self, query: str, cutoff: float = CUTOFF) -> str | None:
        """The most similar msgid with ratio >= cutoff, or None."""
        found = self.top(query, 1, cutoff)
        return found[0][0] if found else None

    def top(self, query: str, limit: int, cutoff: float = CUTOFF, candidates: int = CANDIDATES) -> list[tuple[str, float]]:
        """Up to `limit` (msgid, ratio 0-100) pairs with ratio >= cutoff, best first; ties in index order."""
        if not self.msgids:
            return []
        from rapidfuzz import fuzz, process

        if len(self.msgids) <= EXHAUSTIVE:
            pool = self.msgids
        else:
            keys = sorted((k for k in _keys(query) if k in self.postings), key=lambda k: len(self.postings[k]))
            votes: Counter[int] = Counter()
            spent = 0
            for key in keys:
                posting = self.postings[key]
                if votes and spent + len(posting) > VOTE_BUDGET:
                    break
                votes.update(posting)
                spent += len(posting)
            pool = [self.msgids[index] for index, _ in votes.most_common(candidates)]
        found = process.extract(query, pool, scorer=fuzz.ratio, score_cutoff=cutoff * 100, limit=limit)
        return [(text, score) for text, score, _ in found]
