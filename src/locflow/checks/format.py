"""Placeholders: python-format, brace-format and printf must survive translation."""
from __future__ import annotations

import re
from collections import Counter

from .base import CatalogContext, entry_check, form_pairs, where

PYTHON_NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
PRINTF = re.compile(r"%(?:\d+\$)?[-#0 +']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGcrsaApn]")
BRACE = re.compile(r"(?<!\{)\{([A-Za-z_][\w.]*|\d*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


_POSITION = re.compile(r"^%(\d+)\$")


def _printf(text: str) -> list[str]:
    """printf conversions in argument order: `%2$d %1$s` counts as `%s %d` (positions reorder)."""
    text = text.replace("%%", "")
    found = [m.group() for m in PRINTF.finditer(text) if not m.group().startswith("%(")]
    positions = [_POSITION.match(f) for f in found]
    if found and all(positions):
        ordered = sorted(zip((int(p.group(1)) for p in positions), found))
        return ["%" + f[len(p_.group(0)):] for (_, f), p_ in zip(ordered, (_POSITION.match(f) for _, f in ordered))]
    return found


@entry_check("placeholders", "error")
def placeholders(ctx: CatalogContext, entry) -> list[str]:
    """python-format, brace-format and printf placeholders missing, extra or renamed (per plural form)."""
    problems = []
    # A UI label is rendered by Jinja2's newstyle gettext (labelformat): its placeholders are the named
    # directives whatever the flags say, and any other `%` is text, as the renderer treats it.
    flagged = "python-format" in entry.flags or "c-format" in entry.flags
    newstyle = _newstyle(ctx) and "c-format" not in entry.flags
    python = newstyle or flagged
    brace = "python-brace-format" in entry.flags or (not flagged and BRACE.search(entry.msgid) is not None
                                                     and "no-python-brace-format" not in entry.flags)
    for index, source, text in form_pairs(entry):
        # A plural form used for exactly one number may spell it out ("one article"): the count may go.
        optional = _count_names(entry) if index is not None and _single_number(ctx, index) else set()
        if python:
            if newstyle:
                # A bare `%` renders as text; msgfmt -c still rejects one in a translation whose source
                # writes its percent signs as `%%`, so that case is reported.
                if (stray := _bare_percent(text)) and not _bare_percent(source):
                    problems.append(f"{where(index)}`{stray}` is not a python-format directive (a percent sign "
                                    f"is written %%)")
                # `%%(x)s` is the text "%(x)s", as the renderer reads it
                source, text = source.replace("%%", ""), text.replace("%%", "")
            tokens = {m.group(1): m.group() for m in PYTHON_NAMED.finditer(source + " " + text)}
            problems += _compare("placeholder", Counter(PYTHON_NAMED.findall(source)),
                                 Counter(PYTHON_NAMED.findall(text)), optional, index, tokens)
            problems += _conversions(source, text, index)
            if not newstyle and (stray := _stray_percent(text)) and not _stray_percent(source):
                problems.append(f"{where(index)}`{stray}` is not a python-format directive (a percent sign is "
                                f"written %%)")
            src, got = ([], []) if newstyle else (_printf(source), _printf(text))
            if src != got and not (index is not None and not got and len(src) == 1):
                problems.append(f"{where(index)}printf placeholders {' '.join(src) or 'none'} became "
                                f"{' '.join(got) or 'none'}")
        if brace:
            problems += _compare("brace placeholder", Counter(BRACE.findall(source)),
                                 Counter(BRACE.findall(text)), optional, index)
    return problems


def _bare_percent(text: str) -> str | None:
    """The first `%` of a label that is neither `%%` nor a named directive, with what follows."""
    from ..labelformat import DIRECTIVE

    rest = DIRECTIVE.sub("", text)
    at = rest.find("%")
    return rest[at:at + 2].strip() or "%" if at >= 0 else None


def _newstyle(ctx: CatalogContext) -> bool:
    """True for a labels catalog: its strings are Jinja2 newstyle gettext labels (see labelformat)."""
    spec = ctx.project.config.catalogs.get(ctx.file.group)
    return spec is not None and ctx.project.kind(spec).labels


def _conversions(source: str, text: str, index: int | None) -> list[str]:
    """A text placeholder must not become a number: `%(author)d` fed a name fails at run time (number
    conversions among themselves, and a number shown with %s, still format)."""
    want = {m.group(1): m.group() for m in PYTHON_NAMED.finditer(source)}
    out = []
    for m in PYTHON_NAMED.finditer(text):
        name, spec = m.group(1), m.group()
        if name in want and want[name][-1] in "rsa" and spec[-1] not in "rsa":
            out.append(f"{where(index)}placeholder {want[name]} became {spec}")
            want.pop(name)
    return out


_DIRECTIVE = re.compile(PYTHON_NAMED.pattern + "|" + PRINTF.pattern + "|%%")


def _stray_percent(text: str) -> str | None:
    """The first `%` that does not start a valid directive (what msgfmt -c rejects), with what follows."""
    rest = _DIRECTIVE.sub("", text)
    at = rest.find("%")
    return rest[at:at + 2].strip() or "%" if at >= 0 else None


def _single_number(ctx: CatalogContext, index: int) -> bool:
    """True when the catalog's Plural-Forms selects form `index` for one number only (en: 1)."""
    cache = ctx.extra.setdefault("single-number-forms", {})
    if index not in cache:
        from ..plurals import catalog_rule

        rule = catalog_rule(ctx.po.metadata.get("Plural-Forms"), ctx.language)
        try:
            cache[index] = sum(1 for n in range(1000) if rule.index(n) == index) == 1
        except (ValueError, SyntaxError, ZeroDivisionError):
            cache[index] = False
    return cache[index]


def _count_names(entry) -> set[str]:
    names = set(PYTHON_NAMED.findall(entry.msgid_plural or "")) | set(BRACE.findall(entry.msgid_plural or ""))
    return names if len(names) == 1 else {n for n in names if n in ("count", "num", "n", "number")}


def _compare(kind: str, want: Counter, got: Counter, optional: set[str], index: int | None,
             tokens: dict[str, str] | None = None) -> list[str]:
    out = []
    missing = [n for n in want if got[n] == 0 and n not in optional]
    extra = [n for n in got if want[n] == 0]
    for name in missing:
        out.append(f"{where(index)}{kind} {_show(kind, name, tokens)} is missing")
    for name in extra:
        out.append(f"{where(index)}{kind} {_show(kind, name, tokens)} is not in the source")
    return out


def _show(kind: str, name: str, tokens: dict[str, str] | None) -> str:
    if kind.startswith("brace"):
        return "{" + name + "}"
    return (tokens or {}).get(name, f"%({name})s")
