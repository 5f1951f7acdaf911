"""What the translation memory is made of: a Unit (a source and its translation, with where it comes
from), and the units of the project's own catalogs (every reviewed and approved entry)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class Unit:
    """One translation the memory offers: a source, its translation (one form, or every plural form)."""

    source_language: str
    language: str
    msgctxt: str | None
    source: str
    source_plural: str | None
    forms: tuple[str, ...]
    state: str  # "approved", "reviewed", or what a TMX file says ("tmx" when it says nothing)
    origin: str  # where it comes from: "locales/et/LC_MESSAGES/ui.po:12", "memory/agency.tmx:40"
    printf: bool = False  # python-format: `%s` counts as a placeholder
    reviewer: str | None = None
    date: str | None = None
    catalog: str | None = None

    @property
    def where(self) -> str:
        """The origin without its line number (what a `# locflow: tm` marker records)."""
        return self.origin.rsplit(":", 1)[0] if self.origin.rsplit(":", 1)[-1].isdigit() else self.origin

    def text(self) -> str:
        return self.source + ("\n" + self.source_plural if self.source_plural else "")


def catalog_units(project: "Project") -> list[Unit]:
    """A unit for every reviewed or approved entry of every catalog (not the source language's own)."""
    from ..errors import LocflowError
    from ..states import State, approval, msgstr_forms, nplurals_of, state_of

    units = []
    for cat in project.catalog_files():
        shown = project.display(cat.path)
        try:
            po = read_lean(cat.path, shown)
            source_language = project.source_language(cat, po.metadata)
        except LocflowError:
            continue  # an unreadable catalog offers nothing; the run reports it where it translates
        if source_language == cat.language:
            continue
        nplurals = nplurals_of(po.metadata)
        for entry in po:
            if entry.obsolete or "fuzzy" in entry.flags or not (entry.msgstr or entry.msgstr_plural):
                continue  # the common cases decided before state_of reads the markers
            state = state_of(entry, nplurals)  # a plural with a missing form is fuzzy, never reused
            if state not in (State.REVIEWED, State.APPROVED):
                continue
            signed = approval(entry) if state is State.APPROVED else None
            units.append(Unit(source_language, cat.language, entry.msgctxt, entry.msgid, entry.msgid_plural or None,
                              tuple(msgstr_forms(entry)), state.value, f"{shown}:{entry.linenum}",
                              "python-format" in entry.flags, signed.reviewer if signed else None,
                              signed.date if signed else None, cat.name))
    return units


def read_lean(path: Path, shown: str):
    """The PO tokenizer's entries (no polib objects: a fraction of polib's time on large catalogs),
    with the same limits and file:line errors as every reader."""
    from ..errors import LocflowError
    from ..potokens import parse

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LocflowError(f"cannot read catalog: {exc.strerror or exc}", path=shown) from None
    return parse(raw, shown)
