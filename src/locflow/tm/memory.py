"""The project translation memory: units from reviewed and approved catalog entries and TMX files,
looked up exactly (translate's `memory` provider) or fuzzily (top matches with a 0-100 score).

One index per (source language, target language, singular or plural), built on first use: a
translate run for one language indexes only that language. Candidates come from the merge's
inverted index of rare words (`fuzzy.FuzzyIndex`) and are scored with rapidfuzz's Indel ratio on
normalised text (`normalize.py`), so renumbered tags and renamed placeholders cost nothing.
"""
from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .normalize import Normal, adapt, normalize
from .units import Unit, catalog_units

if TYPE_CHECKING:
    from ..project import Project

DEFAULT_MIN_SCORE = 75
LIMIT = 3
POOL = 40  # candidates the inverted index hands to the scorer per query
RANK = {"approved": 2, "reviewed": 1}  # ties between equal scores: approved first, then reviewed, then TMX

ExactKey = tuple[str, str | None, str, str | None]  # language, msgctxt, msgid, msgid_plural


@dataclass(frozen=True)
class Match:
    score: int  # 0-100; 100 = the same text once tags and placeholders are normalised
    unit: Unit
    forms: tuple[str, ...]  # the translation with the query's own tags and placeholders
    diff: tuple[tuple[str, str], ...]  # words of the query vs the unit's source: ("equal"|"delete"|"insert", text)

    def to_json(self) -> dict:
        u = self.unit
        return {"score": self.score, "source": u.source, "source_plural": u.source_plural,
                "msgctxt": u.msgctxt, "translation": list(self.forms), "state": u.state, "origin": u.origin,
                "reviewer": u.reviewer, "diff": [{"op": op, "text": text} for op, text in self.diff]}


def word_diff(query: str, source: str) -> tuple[tuple[str, str], ...]:
    """What differs between the text under review and the memory's source, word by word:
    "delete" = only in the memory's source, "insert" = only in the text under review."""
    a, b = source.split(), query.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("insert", " ".join(b[j1:j2])))
    return tuple(out)


@dataclass
class _Pair:
    """The index of one (source language, target language, plural or not)."""

    index: object
    units: dict[str, list[tuple[Unit, Normal]]] = field(default_factory=dict)


class Memory:
    def __init__(self, units: Iterable[Unit]) -> None:
        self.units: list[Unit] = list(units)
        self.exact: dict[ExactKey, list[str]] = {}
        ranks: dict[ExactKey, int] = {}
        for u in self.units:
            if u.catalog is None:
                continue  # exact reuse is for the project's own catalogs; a TMX match is always reviewed
            key = (u.language, u.msgctxt, u.source, u.source_plural)
            rank = RANK.get(u.state, 0)
            if key not in self.exact or rank > ranks[key]:
                self.exact[key], ranks[key] = list(u.forms), rank
        self._pairs: dict[tuple[str, str, bool], _Pair] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.units)

    def _pair(self, source_language: str, language: str, plural: bool) -> _Pair:
        key = (source_language, language, plural)
        with self._lock:
            found = self._pairs.get(key)
            if found is None:
                from ..fuzzy import FuzzyIndex

                grouped: dict[str, list[tuple[Unit, Normal]]] = {}
                for u in self.units:
                    if (u.source_language, u.language, u.source_plural is not None) == key:
                        normal = normalize(u.text(), u.printf)
                        grouped.setdefault(normal.text, []).append((u, normal))
                found = self._pairs[key] = _Pair(FuzzyIndex(grouped), grouped)
        return found

    def lookup(self, source: str, source_language: str, language: str, *, source_plural: str | None = None,
               msgctxt: str | None = None, printf: bool = False, limit: int = LIMIT, min_score: float = 0,
               exclude: str | None = None) -> list[Match]:
        """The best `limit` matches scoring at least `min_score`, one per distinct translation, best first.

        Equal scores: approved before reviewed before TMX, the same msgctxt first, then by origin.
        `exclude` is an origin (the entry under review) that must not suggest itself."""
        pair = self._pair(source_language, language, source_plural is not None)
        query_text = source + ("\n" + source_plural if source_plural is not None else "")
        query = normalize(query_text, printf)
        if not query.text:
            return []
        found = pair.index.top(query.text, POOL, max(min_score, 1) / 100, POOL)  # type: ignore[attr-defined]
        scored = []
        for text, ratio in found:
            score = 100 if text == query.text else min(99, int(ratio + 0.5))
            for unit, normal in pair.units[text]:
                if unit.origin != exclude:
                    scored.append((score, unit, normal))
        scored.sort(key=lambda s: (-s[0], -RANK.get(s[1].state, 0), s[1].msgctxt != msgctxt,
                                   s[1].origin))
        out: list[Match] = []
        seen: set[tuple] = set()
        for score, unit, normal in scored:
            forms = tuple(adapt(f, normal, query, printf or unit.printf) for f in unit.forms)
            if (unit.source, forms) in seen:
                continue
            seen.add((unit.source, forms))
            out.append(Match(score, unit, forms, word_diff(query_text, unit.text())))
            if len(out) == limit:
                break
        return out


# --- building ---------------------------------------------------------------------------------

_CACHE: dict[str, tuple[tuple, Memory]] = {}
_CACHE_LOCK = threading.Lock()


def memory_inputs(project: "Project") -> list[Path]:
    """Every file the memory reads: the catalogs, the imported TMX files, and those workflow.yaml lists."""
    from .store import tmx_files

    return [c.path for c in project.catalog_files()] + tmx_files(project)


def project_memory(project: "Project", *, tmx: bool = True) -> Memory:
    """The project's memory; rebuilt only when one of its files changed (the review page asks per request)."""
    paths = memory_inputs(project) if tmx else [c.path for c in project.catalog_files()]
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths if p.exists())
    key = f"{project.root}:{tmx}"
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    memory = Memory([*catalog_units(project), *(tmx_units(project) if tmx else [])])
    with _CACHE_LOCK:
        _CACHE.clear()
        _CACHE[key] = (stamp, memory)
    return memory


def tmx_units(project: "Project") -> list[Unit]:
    from .store import tmx_files
    from .tmx import read_tmx

    units = []
    for path in tmx_files(project):
        units += read_tmx(path, project.display(path), project.config.languages).units
    return units
