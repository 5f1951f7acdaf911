"""The termbase: load/save CSV, import/export TBX, and find terms in text (inflection-aware).

`glossaries/terms.csv`, one row per concept:

    id, kind, case_sensitive, note, <lang>..., forbidden_<lang>...

- kind: `dnt` (never translated: the source form must appear as is) or `term` (a mandated
  form per language);
- a language cell lists that language's forms separated by `;`, the preferred form first; a
  form ending in `*` is a stem pattern ("Києв*" matches Києві, Києва) for inflections the
  stemmer cannot reach;
- `forbidden_<lang>` lists wordings the style book forbids, separated by `;`; the replacement
  is the concept's preferred form in that language.
"""
from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .errors import LocflowError, decode_position

if TYPE_CHECKING:
    from .project import Project

KINDS = ("term", "dnt")
BASE_COLUMNS = ("id", "kind", "case_sensitive", "note")
# Languages with a Snowball stemmer in `snowballstemmer`; the rest use the suffix fallback below.
SNOWBALL = {"en": "english", "et": "estonian", "lt": "lithuanian", "ro": "romanian", "ru": "russian",
            "de": "german", "fr": "french", "fi": "finnish", "sv": "swedish", "es": "spanish", "it": "italian"}
# Fallback for languages without a Snowball stemmer: longest matching ending is cut off.
# A caller of `find`/`stem` may pass its own table (`endings=`); workflow.yaml has no key for it.
FALLBACK_ENDINGS = {
    "lv": ["ajām", "ām", "iem", "ai", "am", "as", "es", "is", "os", "us", "ei", "ā", "ē", "ī", "ū", "u", "a", "e", "i",
           "s", "š", "o"],
    "pl": ["owie", "ami", "ach", "ów", "om", "em", "ie", "ią", "ę", "ą", "u", "a", "y", "i", "e", "o"],
    "uk": ["ами", "ями", "ові", "еві", "ою", "ею", "ом", "ем", "ів", "ах", "ях", "і", "ї", "а", "я", "у", "ю", "и",
           "е", "о"],
}
MIN_STEM = 3
MAX_ENDING = 3
MIN_BASE = 4  # a shorter base plus an ending matches too much (uk Ризі would match ризик, "risk")
INFLECTING = {"et", "lv", "lt", "pl", "ro", "ru", "uk", "fi", "cs", "sk", "hu"}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str
    case_sensitive: bool
    note: str
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    forbidden: dict[str, tuple[str, ...]] = field(default_factory=dict)
    line: int = field(default=0, compare=False)

    def preferred(self, language: str) -> str | None:
        forms = self.terms.get(language)
        return forms[0].rstrip("*") if forms else None

    def dnt_forms(self) -> tuple[str, ...]:
        return tuple(f for forms in self.terms.values() for f in forms if not f.endswith("*"))


@dataclass(frozen=True)
class Glossary:
    languages: tuple[str, ...]
    concepts: tuple[Concept, ...]
    path: Path | None = None


def columns(languages: Iterable[str]) -> list[str]:
    langs = list(languages)
    return [*BASE_COLUMNS, *langs, *(f"forbidden_{lang}" for lang in langs)]


def load_glossary(project: "Project") -> Glossary:
    """The project's termbase; an empty one when workflow.yaml names none or the file is absent."""
    langs = project.config.languages
    if not project.config.glossary:
        return Glossary(langs, ())
    path = project.inside(project.root / project.config.glossary)
    if not path.is_file():
        return Glossary(langs, (), path)
    return read_csv(path, langs, project.display(path))


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split(";") if p.strip())


def read_csv(path: Path, languages: Iterable[str], shown: str | None = None) -> Glossary:
    shown = shown or str(path)
    langs = tuple(languages)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LocflowError("glossary is not UTF-8", path=shown, **decode_position(exc)) from None
    return parse_csv(text, langs, shown, path)


def parse_csv(text: str, langs: tuple[str, ...], shown: str, path: Path | None = None) -> Glossary:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    for required in ("id", "kind"):
        if required not in header:
            raise LocflowError(f"glossary has no `{required}` column", path=shown, line=1,
                               hint="columns: " + ", ".join(columns(langs)))
    unknown = [h for h in header if h not in columns(langs)]
    if unknown:
        raise LocflowError(f"unknown glossary column `{unknown[0]}`", path=shown, line=1,
                           hint="columns: " + ", ".join(columns(langs)))
    concepts: list[Concept] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        cid = (row.get("id") or "").strip()
        if not cid:
            raise LocflowError("glossary row without an id", path=shown, line=line)
        if cid in seen:
            raise LocflowError(f"duplicate glossary id `{cid}`", path=shown, line=line)
        seen.add(cid)
        kind = (row.get("kind") or "term").strip()
        if kind not in KINDS:
            raise LocflowError(f"unknown kind `{kind}` for `{cid}`", path=shown, line=line, hint="term or dnt")
        case = (row.get("case_sensitive") or "").strip().lower() in ("yes", "true", "1", "y")
        terms = {lang: _split(row.get(lang)) for lang in langs if _split(row.get(lang))}
        forbidden = {lang: _split(row.get(f"forbidden_{lang}")) for lang in langs
                     if _split(row.get(f"forbidden_{lang}"))}
        if not terms:
            raise LocflowError(f"glossary concept `{cid}` has no term in any language", path=shown, line=line)
        concepts.append(Concept(cid, kind, case, (row.get("note") or "").strip(), terms, forbidden, line))
    return Glossary(langs, tuple(concepts), path)


def write_csv(glossary: Glossary, *, for_spreadsheets: bool = False) -> str:
    """The termbase as CSV; `for_spreadsheets` (exports) defuses formulas, the termbase itself keeps raw values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns(glossary.languages))
    cell = _defused if for_spreadsheets else str
    for c in glossary.concepts:
        writer.writerow([cell(v) for v in [c.id, c.kind, "yes" if c.case_sensitive else "no", c.note,
                                           *("; ".join(c.terms.get(lang, ())) for lang in glossary.languages),
                                           *("; ".join(c.forbidden.get(lang, ())) for lang in glossary.languages)]])
    return out.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defused(value: str) -> str:
    """OWASP's CSV-injection advice: a cell a spreadsheet would run as a formula starts with a quote."""
    return "'" + value if value.startswith(_FORMULA_START) else value


# --- matching -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _stemmer(language: str):
    name = SNOWBALL.get(language.split("_")[0])
    if name is None:
        return None
    import snowballstemmer

    return snowballstemmer.stemmer(name)


def stem(word: str, language: str, endings: dict[str, list[str]] | None = None) -> str:
    """Snowball where the language has one; otherwise the longest listed ending is cut off."""
    if endings:
        return _stem(word, language, tuple((k, tuple(v)) for k, v in sorted(endings.items())))
    return _stem(word, language, ())


@functools.lru_cache(maxsize=65536)
def _stem(word: str, language: str, endings_items: tuple) -> str:
    endings = {k: list(v) for k, v in endings_items}
    lower = word.lower()
    stemmer = _stemmer(language)
    if stemmer is not None:
        return stemmer.stemWord(lower)
    table = (endings or {}).get(language) or FALLBACK_ENDINGS.get(language.split("_")[0], [])
    for ending in sorted(table, key=len, reverse=True):
        if lower.endswith(ending) and len(lower) - len(ending) >= MIN_STEM:
            return lower[: -len(ending)]
    return lower


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str


def find(form: str, text: str, language: str, *, case_sensitive: bool = False, inflect: bool = True,
         endings: dict[str, list[str]] | None = None) -> list[Match]:
    """Occurrences of a term form in text: exact word-bounded match, else via stems word by word.

    Multi-word forms match word sequences. A trailing `*` makes the form a prefix pattern.
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    parts = form.rstrip("*").split()
    prefix = form.endswith("*")
    if not parts:
        return []
    n = len(parts)
    found = []
    for i in range(len(words) - n + 1):
        window = words[i:i + n]
        if all(_word_matches(p, w[2], language, case_sensitive, inflect and not prefix, endings,
                             prefix and k == n - 1) for k, (p, w) in enumerate(zip(parts, window))):
            start, end = window[0][0], window[-1][1]
            found.append(Match(start, end, text[start:end]))
    return found


def _word_matches(part: str, word: str, language: str, case_sensitive: bool, inflect: bool,
                  endings: dict | None, prefix: bool) -> bool:
    a, b = (part, word) if case_sensitive else (part.lower(), word.lower())
    if prefix:
        return b.startswith(a)
    if a == b:
        return True
    if not inflect or (case_sensitive and part[:1] != word[:1]):
        return False
    if part.isupper() and word.startswith(part):
        rest = word[len(part):]
        return rest.islower() and len(rest) <= 3  # et ELi, ELis; lv NATO-s is split at the hyphen
    a, b = a.lower(), b.lower()
    if not part[:1].isalpha() or len(a) < MIN_STEM:
        return False  # other short words match exactly or not at all
    stem_a = stem(a, language, endings)
    # Stems must agree, and so must the literal letters up to the stem: Romanian Snowball folds
    # the old cedilla ş into ș, which would make a forbidden "Chişinău" match the correct one.
    literal = a[:max(1, min(len(stem_a), len(a)) - 1)]
    if len(stem_a) >= MIN_STEM and stem(b, language, endings) == stem_a and b.startswith(literal):
        return True
    if language.split("_")[0] not in INFLECTING:
        return False
    # Case endings the stemmer does not strip the same way on both words (et Kiiev/Kiievis,
    # ru Киев/Киеве): the term or its stem, plus a short ending. (Not the term minus its last
    # vowel: et Riia would then match Riigi, "of the state".)
    bases = {base for base in (a, stem_a) if len(base) >= MIN_BASE and a.startswith(base[:-1])}
    return any(b.startswith(base) and 0 < len(b) - len(base) <= MAX_ENDING for base in bases)


def occurs(forms: Iterable[str], text: str, language: str, *, case_sensitive: bool = False,
           endings: dict | None = None) -> bool:
    return any(find(f, text, language, case_sensitive=case_sensitive, endings=endings) for f in forms)


# --- files ----------------------------------------------------------------------------------------


def glossary_path(project: "Project") -> Path:
    if not project.config.glossary:
        raise LocflowError("workflow.yaml names no glossary file", path=project.display(project.config.path),
                           hint="add `glossary: glossaries/terms.csv`")
    return project.inside(project.root / project.config.glossary)


def save_glossary(project: "Project", glossary: Glossary) -> bool:
    """Write the termbase, only if locflow can read it back (nothing is written otherwise)."""
    from .catalog import write_if_changed

    text = write_csv(glossary)
    try:
        parse_csv(text, tuple(glossary.languages), "the new termbase")
    except LocflowError as exc:
        raise LocflowError(f"not saved: {exc.message}", path=project.display(glossary_path(project)),
                           hint="the termbase was left as it was") from None
    return write_if_changed(glossary_path(project), text.encode("utf-8"))


def merge_concepts(base: Glossary, incoming: Iterable[Concept]) -> tuple[Glossary, int, int]:
    """Concepts with a known id replace the old ones in place; new ids are appended."""
    concepts = list(base.concepts)
    index = {c.id: i for i, c in enumerate(concepts)}
    added = updated = 0
    for concept in incoming:
        if concept.id in index:
            if concepts[index[concept.id]] != concept:
                concepts[index[concept.id]] = concept
                updated += 1
        else:
            index[concept.id] = len(concepts)
            concepts.append(concept)
            added += 1
    return Glossary(base.languages, tuple(concepts), base.path), added, updated
