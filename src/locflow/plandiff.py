"""Which strings a planned pull adds, changes and removes in one catalog (as i18n-tasks lists them).

Used by `pull --check`/`--dry-run` and by the `stale` check, over pull's own plan.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .catalog import read_po

if TYPE_CHECKING:
    from .project import Project
    from .pull import Planned

SHOWN = 5  # strings named per kind in a one-line message


@dataclass(frozen=True)
class CatalogChanges:
    path: str
    created: bool
    added: tuple[str, ...] = ()
    changed: tuple[tuple[str, str], ...] = ()  # (old source, new source): a fuzzy match
    removed: tuple[str, ...] = ()
    # (old source, new source): added strings the merge pre-fills, fuzzy, with a similar string's translation
    prefilled: tuple[tuple[str, str], ...] = ()

    @property
    def prefilled_from(self) -> dict[str, str]:
        """new source -> the old source whose translation the merge pre-fills it with."""
        return {new: old for old, new in self.prefilled}

    @property
    def strings(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)

    def summary(self, limit: int = SHOWN) -> str:
        """One line naming the strings: `added "A", "B"; changed "C" -> "D"; removed "E"`."""
        parts = []
        source_of = self.prefilled_from
        for kind, items in (("added", [_quote(a) + (f" (fuzzy from {_quote(source_of[a])})" if a in source_of else "")
                                       for a in self.added]),
                            ("changed", [_quote_change(a, b) for a, b in self.changed]),
                            ("removed", [_quote(r) for r in self.removed])):
            if items:
                more = f" and {len(items) - limit} more" if len(items) > limit else ""
                parts.append(f"{kind} {', '.join(items[:limit])}{more}")
        return "; ".join(parts) or "only references, comments or headers differ"

    def to_json(self) -> dict:
        return {"path": self.path, "created": self.created, "added": list(self.added),
                "changed": [{"from": a, "to": b} for a, b in self.changed], "removed": list(self.removed),
                "prefilled": [{"from": a, "to": b} for a, b in self.prefilled]}


def _label(msgctxt: str | None, msgid: str) -> str:
    return f"[{msgctxt}] {msgid}" if msgctxt else msgid


def _quote(text: str, width: int = 60, start: int = 0) -> str:
    """`text` in quotes, cut to `width` characters from `start` (an ellipsis marks each cut)."""
    shown = text.replace("\n", "\\n")
    head = "…" if start > 0 else ""
    shown = shown[start:]
    return '"' + head + (shown if len(shown) <= width else shown[:width - 1] + "…") + '"'


def _quote_change(old: str, new: str, width: int = 60) -> str:
    """`"old" -> "new"`, both cut to show where they differ: two long strings that differ only at
    the end must not look alike."""
    a, b = old.replace("\n", "\\n"), new.replace("\n", "\\n")
    same = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, same - 20) if same > width - 20 else 0
    return f"{_quote(old, width, start)} -> {_quote(new, width, start)}"


def catalog_changes(project: "Project", item: "Planned") -> CatalogChanges:
    """The strings `item` would add, change (fuzzy-matched from an old source) and remove."""
    shown = project.display(item.path)
    new = read_po(item.path, display=shown, data=item.data, layout=False)
    if not item.path.is_file():
        return CatalogChanges(shown, True, tuple(_label(e.msgctxt, e.msgid) for e in new if not e.obsolete))
    old = read_po(item.path, display=shown, layout=False)
    before = {(e.msgctxt, e.msgid) for e in old if not e.obsolete}
    after = {(e.msgctxt, e.msgid): e for e in new if not e.obsolete}
    changed = []
    prefilled = []
    matched: set = set()
    for key, entry in after.items():
        previous = (entry.msgctxt, entry.previous_msgid) if entry.previous_msgid else None
        if key not in before and previous in before and previous not in after:
            changed.append((_label(*previous), _label(*key)))
            matched.add(previous)
        elif key not in before and previous in before:  # the old string stays: this one is new, pre-filled
            prefilled.append((_label(*previous), _label(*key)))
    added = [_label(*key) for key in after if key not in before and _label(*key) not in {b for _, b in changed}]
    removed = [_label(*key) for key in sorted(before, key=lambda k: (k[0] or "", k[1]))
               if key not in after and key not in matched]
    return CatalogChanges(shown, False, tuple(added), tuple(changed), tuple(removed), tuple(prefilled))
