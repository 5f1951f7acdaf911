"""The review page's translation-memory panel: the top matches with what differs from the entry's
source, and the same source in the other languages with their states."""
from __future__ import annotations

from dataclasses import dataclass

from ..catalog import read_po
from ..project import CatalogFile, Project
from ..tm.search import Rendering
from .actions import find_entry
from .entry import Segment, word_diff


@dataclass(frozen=True)
class MatchView:
    score: int
    diff: tuple[Segment, ...]  # the memory's source against this entry's: [-only there-] {+only here+}
    forms: tuple[str, ...]
    origin: str
    state: str


@dataclass(frozen=True)
class MemoryPanel:
    matches: tuple[MatchView, ...]
    others: tuple[Rendering, ...]
    problem: str | None = None


def memory_panel(project: Project, cat: CatalogFile, eid: str) -> MemoryPanel | None:
    from ..tm.suggest import Suggester

    po = read_po(cat.path, display=project.display(cat.path))
    entry = find_entry(po, eid)
    if entry is None:
        return None
    found = Suggester(project).for_entry(cat, entry, project.source_language(cat, po.metadata))
    here = entry.msgid + ("\n" + entry.msgid_plural if entry.msgid_plural else "")
    return MemoryPanel(
        tuple(MatchView(m.score, word_diff(m.unit.text(), here), m.forms, m.unit.origin, m.unit.state)
              for m in found.matches),
        found.others, found.problem)
