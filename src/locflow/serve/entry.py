"""One entry as the review page shows it: source and translation side by side, plural forms with
the counts that select them, the previous-source diff, glossary terms, check findings.

Catalog text stays plain strings here (highlights are segments of text, never markup), so the
templates' autoescaping is the only thing that turns it into HTML.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..catalog import read_po
from ..project import CatalogFile, Project
from ..review import approval_blockers
from ..states import (State, approval, decisions, machine_provider, memory_fill, msgstr_forms, msgstr_sha,
                      nplurals_of, rejection as current_rejection, state_of, translator_comments)
from .actions import find_entry


@dataclass(frozen=True)
class Segment:
    """A run of text; `kind` is "" (plain), "term" (a glossary term), "del" or "ins" (a diff)."""

    text: str
    kind: str = ""
    note: str = ""


@dataclass(frozen=True)
class FormView:
    index: int
    label: str
    numbers: str  # which counts select this plural form ("1, 21, 31, …"); "" for a singular entry
    source: tuple[Segment, ...]
    text: str


@dataclass(frozen=True)
class TermView:
    concept: str
    kind: str  # "term" or "dnt"
    source: str
    targets: tuple[str, ...]
    forbidden: tuple[str, ...]
    note: str
    used: bool | None  # the translation uses a mandated form; None when there is nothing to look for


@dataclass(frozen=True)
class FindingView:
    severity: str
    check: str
    message: str
    blocking: bool


@dataclass(frozen=True)
class Rejection:
    reviewer: str
    date: str
    reason: str


@dataclass(frozen=True)
class EntryView:
    language: str
    catalog: str
    path: str
    line: int
    eid: str
    state: str
    provider: str | None
    sha: str
    source_language: str
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    forms: tuple[FormView, ...]
    extracted: tuple[str, ...]
    comments: tuple[str, ...]
    occurrences: tuple[str, ...]
    flags: tuple[str, ...]
    approved_by: str | None
    approved_on: str | None
    approval_valid: bool
    rejection: Rejection | None
    previous: tuple[Segment, ...] | None
    terms: tuple[TermView, ...]
    findings: tuple[FindingView, ...]
    blockers: tuple[str, ...]
    publish: str = field(default="reviewed")
    history: tuple[str, ...] = ()  # every recorded decision, newest first
    memory: str | None = None  # filled from a fuzzy memory match: "92% match from locales/uk/…"


def entry_line(project: Project, cat: CatalogFile, eid: str) -> int | None:
    """The entry's line in its catalog now (None when it is gone)."""
    found = find_entry(read_po(cat.path, display=project.display(cat.path)), eid)
    return found.linenum if found is not None else None


def entry_view(project: Project, cat: CatalogFile, eid: str) -> EntryView | None:
    """Everything the entry page shows, read fresh from the catalog; None when the entry is gone."""
    from ..checks.base import catalog_context

    po = read_po(cat.path, display=project.display(cat.path))
    entry = find_entry(po, eid)
    if entry is None:
        return None
    ctx = catalog_context(project, cat, po)
    source_language = ctx.source_language
    terms, spans = _glossary(project, entry, source_language, cat.language)
    blockers = tuple(approval_blockers(project, cat, po, entry))
    found = approval(entry)
    rejected = current_rejection(entry)
    rejection = Rejection(rejected.who, rejected.date, rejected.detail) if rejected else None
    state = state_of(entry, nplurals_of(po.metadata))
    fill = memory_fill(entry)
    previous = None
    if entry.previous_msgid and entry.previous_msgid != entry.msgid:
        previous = word_diff(entry.previous_msgid, entry.msgid)
    return EntryView(
        language=cat.language, catalog=cat.name, path=project.display(cat.path), line=entry.linenum, eid=eid,
        state=state.value, provider=machine_provider(entry), sha=msgstr_sha(entry),
        source_language=source_language, msgctxt=entry.msgctxt, msgid=entry.msgid,
        msgid_plural=entry.msgid_plural or None, forms=_forms(po, entry, cat.language, spans),
        extracted=tuple(line for line in (entry.comment or "").split("\n") if line),
        comments=tuple(translator_comments(entry.tcomment or "")),
        occurrences=tuple(f"{path}:{line}" if line else path for path, line in entry.occurrences),
        flags=tuple(entry.flags), approved_by=found.reviewer if found else None,
        approved_on=found.date if found else None, approval_valid=state is State.APPROVED,
        rejection=rejection, previous=previous, terms=terms,
        history=tuple(f"{d.date} {d.who} {d.action}" + (f": {d.detail}" if d.detail else "")
                      for d in reversed(decisions(entry))),
        findings=_findings(project, ctx, entry, blockers), blockers=blockers, publish=cat.publish,
        memory=f"{fill.score}% match from {fill.where}" if fill else None)


def _forms(po, entry, language: str, spans: dict[str, list[tuple[int, int, str]]]) -> tuple[FormView, ...]:
    texts = msgstr_forms(entry)
    if not entry.msgid_plural:
        return (FormView(0, "translation", "", _highlight(entry.msgid, spans.get(entry.msgid, [])), texts[0]),)
    from ..plurals import catalog_rule

    rule = catalog_rule(po.metadata.get("Plural-Forms"), language)
    numbers: dict[int, list[int]] = {}
    for n in range(0, 1000):
        picked = numbers.setdefault(rule.index(n), [])
        if len(picked) < 5:
            picked.append(n)
    out = []
    for i, text in enumerate(texts):
        source = entry.msgid if i == 0 else entry.msgid_plural
        shown = numbers.get(i, [])
        label = ", ".join(map(str, shown[:4])) + (", …" if len(shown) > 4 else "")
        out.append(FormView(i, f"form {i}", label, _highlight(source, spans.get(source, [])), text))
    return tuple(out)


def _glossary(project: Project, entry, source_language: str,
              language: str) -> tuple[tuple[TermView, ...], dict[str, list[tuple[int, int, str]]]]:
    """The glossary concepts found in the source (as the interactive review lists them), with where
    they occur in each source text and whether the translation uses the mandated form."""
    from ..checks.chars import plain
    from ..glossary import find

    src, lang = source_language.split("_")[0], language.split("_")[0]
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    translations = [t for t in msgstr_forms(entry) if t]
    spans: dict[str, list[tuple[int, int, str]]] = {s: [] for s in sources}
    terms = []
    for concept in project.glossary().concepts:
        dnt = concept.kind == "dnt"
        forms = concept.dnt_forms() if dnt else concept.terms.get(src, ())
        hits = {s: [m for f in forms for m in find(f, s, src, case_sensitive=concept.case_sensitive,
                                                    inflect=not dnt)] for s in sources}
        if not any(hits.values()):
            continue
        # A do-not-translate term must reappear as it is; a term, in one of the language's forms.
        if dnt:
            targets = tuple(sorted({m.text for found in hits.values() for m in found}))
        else:
            targets = concept.terms.get(lang, ())
        note = "do not translate" if dnt else (concept.preferred(lang) or "")
        for s, found in hits.items():
            spans[s] += [(m.start, m.end, note) for m in found]
        used = None
        if targets and translations:
            used = all(any(find(f, t if dnt else plain(t), lang, case_sensitive=concept.case_sensitive,
                                inflect=not dnt) for f in targets) for t in translations)
        terms.append(TermView(concept.id, concept.kind, concept.preferred(src) or (forms[0] if forms else ""),
                              tuple(f.rstrip("*") for f in targets), concept.forbidden.get(lang, ()),
                              concept.note, used))
    return tuple(terms), spans


def _highlight(text: str, spans: list[tuple[int, int, str]]) -> tuple[Segment, ...]:
    """Text cut into plain runs and glossary terms (longest first where two overlap)."""
    taken: list[tuple[int, int, str]] = []
    for start, end, note in sorted(spans, key=lambda s: (s[0], s[0] - s[1])):
        if all(end <= a or start >= b for a, b, _ in taken):
            taken.append((start, end, note))
    out, pos = [], 0
    for start, end, note in sorted(taken):
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], "term", note))
        pos = end
    if pos < len(text) or not out:
        out.append(Segment(text[pos:]))
    return tuple(out)


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level difference in the interactive review's notation, [-removed-] {+added+}, as segments.

    (Not review_tui._diff itself: it returns rich markup, which loses a removed word that opens
    a bracket it does not close, e.g. "[link".)
    """
    a, b = old.split(), new.split()
    parts: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        if op == "equal":
            parts.append(Segment(" ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            parts.append(Segment("[-" + " ".join(a[i1:i2]) + "-]", "del"))
        if op in ("insert", "replace"):
            parts.append(Segment("{+" + " ".join(b[j1:j2]) + "+}", "ins"))
    out: list[Segment] = []
    for part in parts:
        if out:
            out.append(Segment(" "))
        out.append(part)
    return tuple(out)


def _findings(project: Project, ctx, entry, blockers: tuple[str, ...]) -> tuple[FindingView, ...]:
    """What `locflow check` says about this entry (as the interactive review shows it), errors first."""
    from ..checks.suite import check_entry, severities

    out = [FindingView(severity, cid, message, f"{cid}: {message}" in blockers)
           for cid, severity, message in check_entry(ctx, entry, severities(project.config), ["unreviewed"])]
    rank = {"error": 0, "warning": 1, "info": 2}
    return tuple(sorted(out, key=lambda f: rank.get(f.severity, 3)))
