"""XLIFF 1.2 and 2.0 exchange with CAT tools (Trados, memoQ, OmegaT)."""
from __future__ import annotations

from .common import (
           MAX_BYTES,
           NS12,
           NS20,
           VERSIONS,
           ExportResult,
           ImportChange,
           ImportResult,
           unit_id,
)
from .export import export_xliff
from .importer import import_xliff

__all__ = ["MAX_BYTES", "NS12", "NS20", "VERSIONS", "ExportResult", "ImportChange", "ImportResult", "export_xliff",
           "import_xliff", "unit_id"]
