"""Translation memory: exact matches already reviewed or approved anywhere in the project."""
from __future__ import annotations

from pathlib import Path

from ..catalog import read_po
from ..states import State, msgstr_forms, nplurals_of, state_of

Key = tuple[str, str | None, str, str | None]  # language, msgctxt, msgid, msgid_plural


def build_memory(paths: list[tuple[str, Path]]) -> dict[Key, list[str]]:
    """(language, path) pairs -> best translation per entry; approved beats reviewed, then first seen."""
    from ..errors import LocflowError

    memory: dict[Key, tuple[int, list[str]]] = {}
    for language, path in paths:
        try:
            po = read_po(path)
        except LocflowError:
            continue  # an unreadable catalog offers nothing; the run reports it where it translates
        nplurals = nplurals_of(po.metadata)
        for entry in po:
            if entry.obsolete:
                continue
            state = state_of(entry, nplurals)
            if state not in (State.REVIEWED, State.APPROVED):
                continue
            key = (language, entry.msgctxt, entry.msgid, entry.msgid_plural or None)
            rank = 1 if state is State.APPROVED else 0
            if key not in memory or rank > memory[key][0]:
                memory[key] = (rank, msgstr_forms(entry))
    return {k: v[1] for k, v in memory.items()}
