"""Read, merge and write PO catalogs: atomic, deterministic, and never a needless rewrite."""
from __future__ import annotations

import os
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from . import potokens
from .errors import LocflowError
from .fuzzy import FuzzyIndex
from .potokens import MAX_STRING_CHARS  # noqa: F401 - the MT engine's bound on a translation
from .states import source_changed

if TYPE_CHECKING:
    import polib

WRAPWIDTH = 78
FUZZY_CUTOFF = 0.6


def plural_forms(language: str) -> tuple[int, str]:
    """(nplurals, Plural-Forms header value) that new catalogs of `language` get (plurals.py)."""
    from .plurals import project_rule

    rule = project_rule(language)
    return rule.nplurals, rule.header


def read_po(path: Path, *, display: str | None = None, data: bytes | None = None,
            layout: bool = True) -> "polib.POFile":
    """Parse a PO/POT file (or its bytes) into polib objects; a broken file becomes a LocflowError with file:line.

    potokens reads and validates; polib only holds the entries and writes them. `layout` keeps
    each entry's original lines (`layout_of`) so an edit rewrites only what changed (splice.py);
    a merge builds a new catalog anyway and skips it."""
    shown = display or str(path)
    if data is None:
        if not path.is_file():
            raise LocflowError("catalog not found", path=shown)
        data = path.read_bytes()
    tokens = potokens.parse(data, shown)
    po = _pofile(tokens, potokens.declared_charset(data))
    if layout and "\r" not in tokens.text:  # CRLF or CR files: a plain render normalises them, as before
        entries = list(po)
        spans = {id(e): (t.linenum - 1, entry_fields(e)) for e, t in zip(entries, tokens)}
        _LAYOUTS[id(po)] = Layout(tokens.text.split("\n"), header_fields(po), spans, entries)
        weakref.finalize(po, _LAYOUTS.pop, id(po), None)
    return po


@dataclass(frozen=True)
class Layout:
    """A catalog as read_po read it: its lines, its header, where each entry began and what it said.

    splice.py copies the lines of the entries that still say the same when an edit is written."""

    lines: list[str]
    header: tuple
    spans: dict[int, tuple[int, tuple]]  # id(entry) -> (first line index, entry_fields when read)
    entries: list  # the entries themselves, so no other object takes their ids while the layout lives


# Keyed by id(POFile): polib's objects get no attributes of ours. A layout goes when its catalog does.
_LAYOUTS: dict[int, Layout] = {}


def layout_of(po: "polib.POFile") -> Layout | None:
    """How `po` stood in its file when read_po read it (None for a catalog built in memory)."""
    return _LAYOUTS.get(id(po))


def entry_fields(entry: "polib.POEntry") -> tuple:
    """Everything an entry says, in a comparable form."""
    return (entry.obsolete, entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr,
            tuple(sorted((int(k), v) for k, v in entry.msgstr_plural.items())), tuple(entry.flags),
            entry.tcomment, entry.comment, tuple(entry.occurrences), entry.previous_msgctxt,
            entry.previous_msgid, entry.previous_msgid_plural)


def header_fields(po: "polib.POFile") -> tuple:
    return dict(po.metadata), po.header, po.metadata_is_fuzzy, po.encoding


def _pofile(tokens: potokens.Catalog, encoding: str) -> "polib.POFile":
    """polib's objects for the tokenizer's entries, holding what polib's own parser would."""
    import polib

    po = polib.POFile(wrapwidth=WRAPWIDTH, encoding=encoding)
    po.header = tokens.header
    if tokens.header_entry is not None:
        po.metadata = tokens.metadata
        po.metadata_is_fuzzy = tokens.header_flags
    for t in tokens:
        po.append(polib.POEntry(
            msgid=t.msgid, msgstr=t.msgstr, msgid_plural=t.msgid_plural, msgstr_plural=t.msgstr_plural,
            msgctxt=t.msgctxt, obsolete=t.obsolete, comment=t.comment, tcomment=t.tcomment,
            occurrences=t.occurrences, flags=t.flags, previous_msgctxt=t.previous_msgctxt,
            previous_msgid=t.previous_msgid, previous_msgid_plural=t.previous_msgid_plural, linenum=t.linenum))
    return po


def render(po: "polib.POFile") -> bytes:
    # polib's own format, "#" for an empty header comment included: whatever locflow writes
    # survives a polib read-write round trip byte for byte.
    text = po.__unicode__()
    if not text.endswith("\n"):
        text += "\n"
    try:
        return text.encode(po.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        # A translation the declared charset cannot hold (’ in KOI8-U): convert the catalog to
        # UTF-8, as msgconv would, rather than lose the run's work.
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        po.encoding = "utf-8"
        return render(po)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically replace `path` with `data` unless it already holds exactly that; True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(path, data)
    return True


def atomic_write(path: Path, data: "bytes | Iterable[bytes]") -> None:
    """Temp file in the same folder, fsync, rename: readers see the old file or the new one.

    `data` may come in pieces (a cache of an archive's findings is hundreds of megabytes: written
    as it is encoded, it is never whole in memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise WriteError(f"cannot write: {exc.strerror}", path=_shown(path), hint="the file was left as it was") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, (bytes, bytearray, memoryview)):
                handle.write(data)
            else:
                for piece in data:
                    handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            # Disk full, file too large, read-only folder: the old file is intact, say which one.
            raise WriteError(f"cannot write: {exc.strerror or exc}", path=_shown(path),
                               hint="the file was left as it was; free space or fix permissions and rerun") from None
        raise


class WriteError(LocflowError, OSError):
    """A write failed (disk full, too large, read-only): the user's problem, and still an OSError."""


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable: without it a power cut can bring the old file back."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def new_pofile(metadata: dict[str, str], header: str = "") -> "polib.POFile":
    import polib

    po = polib.POFile(wrapwidth=WRAPWIDTH)
    po.metadata = dict(metadata)
    po.header = header
    return po


def default_header(project: str, language: str | None) -> str:
    """A header comment, so that polib's own save (which writes "#" for none) round-trips our files."""
    if language is None:
        return f"{project}: translation template."
    from babel import Locale

    return f"{project}: {Locale.parse(language).english_name} translations."


NEVER_REVISED = "1970-01-01 00:00+0000"


def catalog_metadata(project: str, language: str | None) -> dict[str, str]:
    """Header of a new catalog (a POT when `language` is None). No dates: output stays reproducible."""
    meta = {"Project-Id-Version": project, "Report-Msgid-Bugs-To": ""}
    if language is not None:
        # Filled with fixed values, so `msgfmt -c` has nothing to warn about and output stays
        # reproducible; a PO editor replaces them when a translator saves.
        from babel import Locale

        meta["PO-Revision-Date"] = NEVER_REVISED
        meta["Last-Translator"] = "none yet"
        meta["Language-Team"] = Locale.parse(language).english_name or language
        meta["Language"] = language
    meta.update({"MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                 "Content-Transfer-Encoding": "8bit"})
    if language is not None:
        meta["Plural-Forms"] = plural_forms(language)[1]
    meta["Generated-By"] = "locflow"
    return meta


def _key(entry: "polib.POEntry") -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _format_flags(flags: Iterable[str]) -> list[str]:
    return [f for f in flags if f != "fuzzy"]


SOURCE_HEADER = "X-Source-Language"


def merge(template: "polib.POFile", old: "polib.POFile | None", language: str, project: str,
          *, purge_obsolete: bool = False, source_language: str | None = None) -> "polib.POFile":
    """msgmerge semantics: keep translations, fuzzy-match changed sources, obsolete the rest."""
    from .plurals import catalog_nplurals

    if old is None:
        result = new_pofile(catalog_metadata(project, language), default_header(project, language))
        old_entries: list[polib.POEntry] = []
    else:
        result = new_pofile(old.metadata, old.header or default_header(project, language))
        result.metadata_is_fuzzy = old.metadata_is_fuzzy
        result.encoding = old.encoding
        old_entries = list(old)
    # An existing catalog keeps its own rule (a library upgrade must not change what forms mean).
    nplurals = catalog_nplurals(result.metadata.get("Plural-Forms"), language)
    if source_language is not None:
        # Article catalogs say which language they are translated from: the MT engine needs it.
        result.metadata[SOURCE_HEADER] = source_language

    by_key = {_key(e): e for e in old_entries if not e.obsolete}
    obsolete_by_key = {_key(e): e for e in old_entries if e.obsolete}
    used: set[int] = set()
    pending: list[polib.POEntry] = []
    merged: dict[int, polib.POEntry] = {}

    for i, ref in enumerate(template):
        if ref.obsolete:
            continue
        prior = by_key.get(_key(ref)) or obsolete_by_key.get(_key(ref))
        if prior is not None:
            used.add(id(prior))
            merged[i] = _carry(ref, prior, nplurals, fuzzy_match=False)
        else:
            pending.append(ref)

    # Like msgmerge, any translated old entry may lend its translation to a changed string:
    # obsolete ones and ones an exact match already claimed too. Same context is preferred.
    pool: dict[str | None, dict[str, polib.POEntry]] = {}
    everything: dict[str, polib.POEntry] = {}
    for e in old_entries:
        if _translated(e):
            pool.setdefault(e.msgctxt, {}).setdefault(e.msgid, e)
            everything.setdefault(e.msgid, e)
    indexes: dict[object, FuzzyIndex] = {}

    def best(key: object, candidates: dict[str, polib.POEntry], msgid: str) -> polib.POEntry | None:
        if not candidates:
            return None
        if key not in indexes:
            indexes[key] = FuzzyIndex(candidates)
        match = indexes[key].best(msgid, FUZZY_CUTOFF)
        return candidates.get(match) if match is not None else None

    for i, ref in enumerate(template):
        if ref.obsolete or i in merged:
            continue
        same = pool.get(ref.msgctxt, {})
        prior = best(("ctxt", ref.msgctxt), same, ref.msgid)
        if prior is None and len(same) != len(everything):  # other contexts exist: look there too
            prior = best("all", everything, ref.msgid)
        if prior is not None:
            used.add(id(prior))
            merged[i] = _carry(ref, prior, nplurals, fuzzy_match=True)
        else:
            merged[i] = _fresh(ref, nplurals)

    for i in sorted(merged):
        result.append(merged[i])
    if not purge_obsolete:
        for e in old_entries:
            if id(e) in used or not _translated(e):
                continue  # like msgmerge: untranslated leftovers are dropped, not kept obsolete
            result.append(_obsolete(e))
    return result


def _translated(entry: "polib.POEntry") -> bool:
    return bool(entry.msgstr or any(entry.msgstr_plural.values()))


def _fresh(ref: "polib.POEntry", nplurals: int) -> "polib.POEntry":
    import polib

    entry = polib.POEntry(
        msgid=ref.msgid, msgctxt=ref.msgctxt, occurrences=list(ref.occurrences),
        comment=ref.comment, flags=_format_flags(ref.flags),
    )
    if ref.msgid_plural:
        entry.msgid_plural = ref.msgid_plural
        entry.msgstr_plural = {i: "" for i in range(nplurals)}
    return entry


def _carry(ref: "polib.POEntry", prior: "polib.POEntry", nplurals: int, *, fuzzy_match: bool) -> "polib.POEntry":
    """The template's entry with the prior translation, comments and state carried over."""
    entry = _fresh(ref, nplurals)
    entry.tcomment = prior.tcomment
    fuzzy = "fuzzy" in prior.flags or fuzzy_match
    old_forms = ([prior.msgstr_plural[k] for k in sorted(prior.msgstr_plural, key=int)]
                 if prior.msgstr_plural else [prior.msgstr])
    if ref.msgid_plural:
        if not prior.msgid_plural or prior.msgid_plural != ref.msgid_plural:
            fuzzy = fuzzy or any(old_forms)
        forms = (old_forms + [""] * nplurals)[:nplurals]
        entry.msgstr_plural = {i: s for i, s in enumerate(forms)}
    else:
        if prior.msgid_plural:
            fuzzy = fuzzy or any(old_forms)
        entry.msgstr = old_forms[0]
    if fuzzy and not any(old_forms):
        fuzzy = False  # an empty entry has nothing to review
    if fuzzy:
        # Where the catalog had it (a hand edit may put it last); otherwise first, as msgmerge and
        # every locflow command write it, so a pull after a translate rewrites nothing.
        had_it_later = "fuzzy" in prior.flags and prior.flags.index("fuzzy") > 0
        entry.flags.insert(len(entry.flags) if had_it_later else 0, "fuzzy")
        changed = fuzzy_match or prior.msgid_plural != ref.msgid_plural
        if changed:
            # The source moved under the translation: an approval or machine run no longer vouches for it.
            entry.tcomment = source_changed(prior.tcomment)
            entry.previous_msgctxt = prior.msgctxt if prior.msgctxt != ref.msgctxt else None
            entry.previous_msgid = prior.msgid
            entry.previous_msgid_plural = prior.msgid_plural or None
        else:
            entry.previous_msgctxt = prior.previous_msgctxt
            entry.previous_msgid = prior.previous_msgid
            entry.previous_msgid_plural = prior.previous_msgid_plural
    return entry


def _obsolete(prior: "polib.POEntry") -> "polib.POEntry":
    import polib

    entry = polib.POEntry(
        msgid=prior.msgid, msgctxt=prior.msgctxt, msgstr=prior.msgstr, tcomment=prior.tcomment,
        flags=list(prior.flags), obsolete=True,
    )
    if prior.msgid_plural:
        entry.msgid_plural = prior.msgid_plural
        entry.msgstr_plural = dict(prior.msgstr_plural)
    return entry
