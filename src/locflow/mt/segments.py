"""What goes with each unique MT segment: its id, context, notes and glossary terms.

An LLM reads all of it; engines without context read only the masked text. Term success (how
many mandated terms came back satisfied) is measured against the same terms.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..states import MARKER
from .protect import Masked
from .registry import Segment
from .terms import segment_terms

if TYPE_CHECKING:
    import polib

    from ..glossary import Glossary


class Neighbours:
    """The previous and next unit of an article catalog, indexed once per catalog."""

    def __init__(self) -> None:
        self._index: dict[int, tuple[dict[int, int], list["polib.POEntry"]]] = {}

    def around(self, po: "polib.POFile", entry: "polib.POEntry") -> tuple[str, str]:
        if id(po) not in self._index:
            live = [e for e in po if not e.obsolete and e.msgid]
            self._index[id(po)] = ({id(e): i for i, e in enumerate(live)}, live)
        positions, live = self._index[id(po)]
        at = positions.get(id(entry))
        if at is None:
            return "", ""
        before = live[at - 1].msgid if at > 0 else ""
        after = live[at + 1].msgid if at + 1 < len(live) else ""
        return before, after


def build_segment(number: int, key: tuple, masked: Masked, entry: "polib.POEntry", glossary: "Glossary",
                  neighbours: tuple[str, str] | None) -> Segment:
    source, target, text = key
    terms, forbidden = segment_terms(glossary, text, source, target) if glossary.concepts else ((), ())
    context = [f"msgctxt: {entry.msgctxt}"] if entry.msgctxt else []
    if neighbours:
        before, after = neighbours
        context += [f"previous: {before}"] if before else []
        context += [f"next: {after}"] if after else []
    notes = [line for line in (entry.comment or "").split("\n") if line.strip()]
    notes += [line for line in (entry.tcomment or "").split("\n") if line.strip() and not line.startswith(MARKER)]
    return Segment(str(number), masked, "\n".join(context), "\n".join(notes), terms, forbidden)
