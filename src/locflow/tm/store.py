"""Where the memory's TMX files live, and `tm import` / `tm export`.

Imported memories are kept as they came (after validation) in `memory/` in the project, so they
travel with the repository and the memory reads them with their own line numbers; workflow.yaml's
`translation.memory.tmx` lists further files (an agency's memory kept elsewhere in the tree).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LocflowError

if TYPE_CHECKING:
    from ..project import Project

MEMORY_DIR = "memory"


def tmx_files(project: "Project") -> list[Path]:
    """memory/*.tmx and the files workflow.yaml lists, each once, sorted; a listed pattern that matches
    nothing is an error (a memory that silently went missing would only show as more MT cost)."""
    found: dict[Path, None] = {}
    folder = project.root / MEMORY_DIR
    if folder.is_dir():
        for path in sorted(folder.glob("*.tmx")):
            found[project.inside(path)] = None
    for pattern in project.config.translation.memory.tmx:
        matches = sorted(p for p in project.root.glob(pattern) if p.is_file())
        if not matches:
            raise LocflowError(f"translation.memory.tmx: `{pattern}` matches no file", path=str(project.config.path),
                               hint="fix the path, or remove it from workflow.yaml")
        for path in matches:
            found[project.inside(path)] = None
    return list(found)


@dataclass(frozen=True)
class ImportResult:
    path: str  # where the memory keeps the file
    tus: int
    pairs: tuple[tuple[str, str, int], ...]  # (source language, target language, units)
    skipped: tuple[tuple[str, int], ...]  # languages the project does not have, with their segments
    status: str  # "added", "replaced" or "unchanged"


def import_tmx(project: "Project", source: Path, shown: str, *, name: str | None = None,
               waiting=None) -> ImportResult:
    """Validate a TMX file and keep it in memory/ (never in the catalogs), under the project lock."""
    with project.lock(waiting):
        return _import(project, source, shown, name)


def _import(project: "Project", source: Path, shown: str, name: str | None) -> ImportResult:
    from ..catalog import atomic_write
    from .tmx import read_tmx

    doc = read_tmx(source, shown, project.config.languages)
    if not doc.units:
        raise LocflowError("the TMX file holds no translation between two of the project's languages",
                           path=shown, hint="the project's languages: " + ", ".join(project.config.languages))
    stem = name or source.stem
    if not stem or "/" in stem or stem.startswith("."):
        raise LocflowError(f"`{stem}` is not usable as a file name in {MEMORY_DIR}/", hint="pass --name NAME")
    target = project.root / MEMORY_DIR / f"{stem}.tmx"
    data = source.read_bytes()
    if target.exists():
        project.inside(target)
        status = "unchanged" if target.read_bytes() == data else "replaced"
    else:
        status = "added"
    if status != "unchanged":
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)
    pairs = tuple((s, t, n) for (s, t), n in sorted(doc.pairs.items()))
    return ImportResult(project.display(target), doc.tus, pairs, tuple(sorted(doc.skipped.items())), status)


@dataclass(frozen=True)
class ExportResult:
    path: str
    tus: int
    translations: int
    languages: tuple[str, ...]


def export_tmx(project: "Project", out: Path, languages: list[str] | None = None) -> ExportResult:
    """Every reviewed and approved translation (of `languages`, default all) as TMX 1.4b."""
    from .. import __version__
    from ..catalog import write_if_changed
    from ..safexml import NOT_XML
    from .units import catalog_units
    from .tmx import TmxUnit, write_tmx

    project.check_languages(languages)
    order = {lang: i for i, lang in enumerate(project.config.languages)}
    grouped: dict[tuple, list] = {}
    for unit in catalog_units(project):
        if languages and unit.language not in languages:
            continue
        for text in (unit.msgctxt or "", unit.source, unit.source_plural or "", *unit.forms, unit.reviewer or ""):
            if m := NOT_XML.search(text):
                raise LocflowError(f"entry {unit.source[:40]!r} contains U+{ord(m.group()):04X}, a control character "
                                   "XML 1.0 cannot carry", path=unit.where, line=int(unit.origin.rsplit(":", 1)[1]),
                                   hint="remove it from the catalog (or its source), then export again")
        key = (unit.catalog, unit.source_language, unit.msgctxt, unit.source, unit.source_plural, unit.printf)
        grouped.setdefault(key, []).append(unit)
    tus = [TmxUnit(c, s, ctx, src, plural, printf, tuple(sorted(units, key=lambda u: order.get(u.language, 99))))
           for (c, s, ctx, src, plural, printf), units in sorted(
               grouped.items(), key=lambda kv: (kv[0][0], kv[0][2] or "", kv[0][3], kv[0][4] or ""))]
    data = write_tmx(tus, srclang=project.config.source_language, site=project.config.site, version=__version__)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(out, data)
    used = sorted({u.language for tu in tus for u in tu.targets}, key=lambda lang: order.get(lang, 99))
    return ExportResult(str(out), len(tus), sum(len(tu.targets) for tu in tus), tuple(used))
