"""XLIFF 1.2 and 2.0 exchange with CAT tools: export one language's catalogs, import the agency's work.

One `<file>` per catalog (`original` = the PO path inside the project, `datatype="po"`), one unit per
entry (a group of one unit per plural form), unit ids = a short hash of msgctxt + msgid. The project's
site name travels in the file (1.2 `product-name`, 2.0 `mda:meta type="site"`). States:

    locflow       XLIFF 1.2                                   XLIFF 2.0
    untranslated  needs-translation                           initial
    machine       needs-review-translation + mt-suggestion    initial, subState locflow:machine
    fuzzy         needs-review-translation                    initial, subState locflow:fuzzy
    reviewed      translated + approved="yes"                 reviewed (import: also translated)
    approved      final + approved="yes" (import: signed-off) final

The exact state is recorded too (1.2 `<context context-type="x-locflow-state">`, 2.0 subState
`locflow:<state>`) and trusted on import while the XLIFF state still agrees with it, so a round trip
without edits changes nothing.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LocflowError
from ..project import Project
from ..states import State

if TYPE_CHECKING:
    pass

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
VERSIONS = ("1.2", "2.0")
MAX_BYTES = 50_000_000
PLURALS_12 = "x-gettext-plurals"
PLURALS_20 = "gettext:plurals"
SUBSTATE = "locflow:"

EXPORT_12 = {State.UNTRANSLATED: ("needs-translation", None),
              State.MACHINE: ("needs-review-translation", "mt-suggestion"),
              State.FUZZY: ("needs-review-translation", None), State.REVIEWED: ("translated", None),
              State.APPROVED: ("final", None)}
# 2.0 `translated` is a CAT tool's ordinary confirmed state: unconfirmed text goes out as `initial`.
EXPORT_20 = {State.UNTRANSLATED: "initial", State.MACHINE: "initial", State.FUZZY: "initial",
              State.REVIEWED: "reviewed", State.APPROVED: "final"}
_U, _F, _R, _A = State.UNTRANSLATED, State.FUZZY, State.REVIEWED, State.APPROVED
IMPORT_12 = {"new": _U, "needs-translation": _U, "needs-l10n": _U, "needs-adaptation": _U,
              "needs-review-translation": _F, "needs-review-l10n": _F, "needs-review-adaptation": _F,
              "translated": _R, "final": _A, "signed-off": _A}
IMPORT_20 = {"initial": _U, "translated": _R, "reviewed": _R, "final": _A}
MT_QUALIFIERS = ("mt-suggestion", "leveraged-mt")
# XML 1.0 cannot carry these at all, not even as character references.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    units: int  # <trans-unit>/<unit> elements: one per entry, one per plural form
    catalogs: int
    version: str


@dataclass(frozen=True)
class ImportChange:
    catalog: str
    msgctxt: str | None
    msgid: str
    old_state: str
    new_state: str
    translation_changed: bool
    refused: str = ""  # why the unit's reviewed/approved state was not taken (the text waits as fuzzy)
    comments_added: bool = False  # notes written in the CAT tool, now translator comments


@dataclass(frozen=True)
class ImportSkip:
    """A unit left alone because the catalog entry changed after the export."""

    catalog: str
    msgctxt: str | None
    msgid: str
    reason: str
    conflict: bool  # the CAT tool changed the text too: someone must choose


@dataclass(frozen=True)
class ImportResult:
    changes: tuple[ImportChange, ...]
    unchanged: int
    written: tuple[str, ...]  # project-relative paths of rewritten catalogs; empty on a dry run
    language: str
    version: str
    skipped: tuple[ImportSkip, ...] = ()

    @property
    def exit_code(self) -> int:
        """1 when a conflict or a refused review waits for a person, as for `review approve`."""
        return 1 if any(s.conflict for s in self.skipped) or any(c.refused for c in self.changes) else 0


def forms_sha(forms: list[str] | tuple[str, ...]) -> str:
    """Hash of a translation as exported (every plural form, padded to Plural-Forms)."""
    return hashlib.sha1("\x00".join(forms).encode("utf-8")).hexdigest()[:8]


def unit_id(msgctxt: str | None, msgid: str) -> str:
    """Stable id of an entry: the same msgctxt and msgid give the same id in every export."""
    key = msgid if msgctxt is None else f"{msgctxt}\x04{msgid}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]



# --- shared ---------------------------------------------------------------------------------


def site_name(project: Project) -> str:
    site = project.config.site
    if m := NOT_XML.search(site):
        raise LocflowError(f"the site name contains U+{ord(m.group()):04X}, which XML cannot carry",
                           path=str(project.config.path))
    return site


def bcp47(code: str) -> str:
    return code.replace("_", "-")


