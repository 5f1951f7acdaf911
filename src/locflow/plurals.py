"""The project's plural rules: one fixed table, so a library upgrade never changes what a form means.

The table is GNU gettext's (what `msginit` writes and `msgmerge`, Poedit and most existing
catalogs use), not CLDR's: babel 2.19 switched Latvian to CLDR's order and partition (form 0 =
"zero", which also covers 10-20, 30, ...), so the same pull would have written catalogs whose
forms mean different numbers depending on the installed babel. Languages outside gettext's table
take babel's rule when their first catalog is created; after that the catalog's own header rules.
"""
from __future__ import annotations

import functools
import gettext
import re
from dataclasses import dataclass

from .errors import LocflowError

# GNU gettext 0.21 plural table (gettext-tools/src/plural-table.c), as `msginit` writes it.
GETTEXT_RULES: dict[str, str] = {
    "ja": "nplurals=1; plural=0;",
    "ko": "nplurals=1; plural=0;",
    "vi": "nplurals=1; plural=0;",
    "bg": "nplurals=2; plural=(n != 1);",
    "da": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "el": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "eo": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "et": "nplurals=2; plural=(n != 1);",
    "fi": "nplurals=2; plural=(n != 1);",
    "fo": "nplurals=2; plural=(n != 1);",
    "he": "nplurals=2; plural=(n != 1);",
    "hu": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "nb": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "nn": "nplurals=2; plural=(n != 1);",
    "no": "nplurals=2; plural=(n != 1);",
    "pt": "nplurals=2; plural=(n != 1);",
    "sv": "nplurals=2; plural=(n != 1);",
    "tr": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "ga": "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;",
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "lt": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ro": "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;",
    "be": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "hr": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "sr": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "cs": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "sk": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
}

SAMPLE_RANGE = range(0, 1001)  # numbers over which two rules are compared
MAX_NPLURALS = 6  # CLDR's largest (Arabic); anything above is a broken header
MAX_DEPTH = 20  # nesting gettext's own parser would still accept comfortably
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")
_PLURAL = re.compile(r"plural\s*=\s*(.+?);?\s*$")
_EXPRESSION_CHARS = re.compile(r"^[n0-9\s?:()!=<>&|%+*/-]*$")


@functools.lru_cache(maxsize=64)
def _compiled(expression: str):
    return gettext.c2py(expression)


@functools.lru_cache(maxsize=64)
def _mapping(expression: str) -> tuple[int, ...]:
    func = _compiled(expression)
    return tuple(int(func(n)) for n in SAMPLE_RANGE)


@dataclass(frozen=True)
class PluralRule:
    nplurals: int
    expression: str

    @property
    def header(self) -> str:
        return f"nplurals={self.nplurals}; plural={self.expression};"

    def index(self, n: int) -> int:
        return int(_compiled(self.expression)(n))

    def mapping(self) -> tuple[int, ...]:
        """The form this rule picks for every number of SAMPLE_RANGE: equal tuples, equal rules."""
        return _mapping(self.expression)

    def samples(self, index: int, avoid: set[str] = frozenset()) -> int:
        """A number the rule maps to `index`: the smallest n >= 1 not already in the text, else 0."""
        func = _compiled(self.expression)
        for n in list(range(1, 1000)) + [0]:
            if int(func(n)) == index and str(n) not in avoid:
                return n
        raise ValueError(f"no number selects plural form {index} of {self.expression}")


@functools.lru_cache(maxsize=256)
def parse_rule(header: str) -> PluralRule:
    """A Plural-Forms value as a rule; LocflowError when gettext could not use it."""
    n = _NPLURALS.search(header)
    rest = header.split(";", 1)[1] if ";" in header else ""
    p = _PLURAL.search(rest)
    if not n or not p:
        raise LocflowError(f"Plural-Forms `{header.strip()}` needs `nplurals=N; plural=EXPRESSION;`")
    nplurals = int(n.group(1))
    expression = p.group(1).strip().rstrip(";").strip()
    if not 1 <= nplurals <= MAX_NPLURALS:
        raise LocflowError(f"Plural-Forms declares nplurals={nplurals}; a language has 1 to {MAX_NPLURALS} forms")
    if not _EXPRESSION_CHARS.match(expression) or _depth(expression) > MAX_DEPTH:
        raise LocflowError(f"Plural-Forms expression `{expression[:60]}` is not a gettext plural expression")
    try:
        func = _compiled(expression)
    except (ValueError, SyntaxError, RecursionError) as exc:
        raise LocflowError(f"Plural-Forms expression `{expression[:60]}` does not parse: {exc}") from None
    for probe in (0, 1, 2, 5, 11, 21, 101, 1000):
        if not 0 <= int(func(probe)) < nplurals:
            raise LocflowError(f"Plural-Forms picks form {int(func(probe))} for n={probe}, "
                               f"but declares only {nplurals} forms")
    return PluralRule(nplurals, expression)


def _depth(expression: str) -> int:
    depth = deepest = 0
    for ch in expression:
        depth += (ch == "(") - (ch == ")")
        deepest = max(deepest, depth)
    return deepest


def declared_nplurals(header: str | None) -> int | None:
    """nplurals as a header states it (None when absent), for checks that must not fail on a bad rule."""
    m = _NPLURALS.search(header or "")
    return int(m.group(1)) if m else None


def catalog_nplurals(header: str | None, language: str) -> int:
    """Forms a catalog has: as its header declares, else as the project's rule for the language says."""
    return declared_nplurals(header) or project_rule(language).nplurals


@functools.lru_cache(maxsize=64)
def project_rule(language: str) -> PluralRule:
    """The rule locflow writes into new catalogs of `language`."""
    header = GETTEXT_RULES.get(language) or GETTEXT_RULES.get(language.split("_")[0].split("-")[0])
    if header is None:
        from babel.messages.plurals import get_plural

        header = get_plural(language).plural_forms
    return parse_rule(header)


def catalog_rule(header: str | None, language: str) -> PluralRule:
    """The catalog's own rule when its header is usable, else the project's rule for the language."""
    if header:
        try:
            return parse_rule(header)
        except LocflowError:
            pass
    return project_rule(language)


@dataclass(frozen=True)
class FormMap:
    """Which old form each new form takes its text from, and whether that is a pure reordering."""
    sources: tuple[tuple[int, ...], ...]  # per new form: the old forms covering its numbers

    @property
    def exact(self) -> bool:
        return all(len(s) == 1 for s in self.sources)


def form_map(old: PluralRule, new: PluralRule) -> FormMap:
    """Old forms behind each new form, over SAMPLE_RANGE, most-used first."""
    counts: list[dict[int, int]] = [{} for _ in range(new.nplurals)]
    for o, n in zip(old.mapping(), new.mapping()):
        counts[n][o] = counts[n].get(o, 0) + 1
    return FormMap(tuple(tuple(sorted(c, key=lambda k: (-c[k], k))) for c in counts))


def reorder(forms: list[str], mapping: FormMap) -> tuple[list[str], bool]:
    """The forms under the new rule, and whether the result is exact for every number.

    A new form fed by several old forms is exact only when those forms have the same text; else
    it takes the form that covered most numbers and the entry needs a translator's look.
    """
    out: list[str] = []
    exact = True
    for sources in mapping.sources:
        if not sources:  # a form no number in SAMPLE_RANGE selects: nothing to carry
            out.append("")
            exact = False
            continue
        texts = {forms[i] if i < len(forms) else "" for i in sources}
        if len(texts) > 1:
            exact = False
        out.append(forms[sources[0]] if sources[0] < len(forms) else "")
    return out, exact
