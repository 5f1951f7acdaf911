"""The termbase's file formats for import and export: CSV or TBX, chosen by the file's extension."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LocflowError
from .glossary import Glossary, read_csv, write_csv
from .glossary_tbx import read_tbx, write_tbx

if TYPE_CHECKING:
    from .project import Project


def read_any(path: Path, languages: tuple[str, ...], shown: str) -> Glossary:
    """CSV or TBX, by file extension."""
    if not path.is_file():
        raise LocflowError("file not found", path=shown)
    if path.suffix.lower() in (".tbx", ".xml"):
        return read_tbx(path, languages, shown)
    if path.suffix.lower() == ".csv":
        return read_csv(path, languages, shown)
    raise LocflowError(f"unknown glossary format `{path.suffix}`", path=shown, hint="use .csv or .tbx")


def export_text(project: "Project", glossary: Glossary, suffix: str) -> str:
    if suffix.lower() in (".tbx", ".xml"):
        return write_tbx(glossary, f"{project.config.site} glossary")
    if suffix.lower() == ".csv":
        return write_csv(glossary, for_spreadsheets=True)
    raise LocflowError(f"unknown glossary format `{suffix}`", hint="use .csv or .tbx")
