"""Review states of a catalog entry, stored in plain PO: the only reader and writer of locflow's markers.

Every route that changes a decision (review CLI, interactive review, review page, XLIFF import, the
MT engine, the merge) calls the writers here, so a marker always means the same thing:

- `# locflow: machine <provider> <when> <sha>`: the exact text the provider returned, for this source;
- `# locflow: tm <score> <where> <when> <sha>`: the exact text a fuzzy translation-memory match gave for
  this source (it waits as fuzzy: a suggestion, never a decision);
- `# locflow: approved <reviewer> <when> <sha>`: a person signed off this text for this source;
- `# locflow: rejected <reviewer> <when>: <reason>`, `# locflow: reopened <reviewer> <when>`;
- `# locflow: edit-problem <who> <when>: <findings>` and `# locflow: mt-problem …`: why text waits as fuzzy;
- `# locflow: was …`: earlier decisions, the last HISTORY of them, newest last.

The sha (12 hex digits of SHA-256) binds msgctxt, msgid, msgid_plural and every msgstr form. Markers
written before it existed (an 8-digit SHA-1 of the msgstr alone, or a machine marker without a sha)
are read as valid only while the entry is not fuzzy (machine: is fuzzy) and has no `#|` previous msgid.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Iterable, Mapping, Protocol

MARKER = "locflow:"
WRAPPED = 60  # comment lines this long may have been wrapped by polib (78 columns, "# " included)
HISTORY = 10  # earlier decisions kept per entry as `# locflow: was …` lines
_WHEN = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?Z)?"
_MACHINE_RE = re.compile(r"^locflow: machine (?P<provider>\S+) (?P<date>\S+?)(?: (?P<sha>[0-9a-f]{12}))?\s*$")
_TM_RE = re.compile(rf"^locflow: tm (?P<score>\d{{1,3}}) (?P<where>.+?)(?: (?P<date>{_WHEN}) (?P<sha>[0-9a-f]{{12}}))?\s*$")
_TM_WHOLE_RE = re.compile(rf"^locflow: tm \d{{1,3}} .+ {_WHEN} [0-9a-f]{{12}}\s*$")  # a wrapped one is joined until this
_APPROVED_RE = re.compile(rf"^locflow: approved (?P<reviewer>.+) (?P<date>{_WHEN}) (?P<sha>[0-9a-f]{{12}}|[0-9a-f]{{8}})\s*$")
_DECISION_RE = re.compile(rf"^locflow: (?P<was>was )?(?P<action>approved|rejected|reopened|edit-problem) "
                          rf"(?P<who>.+?) (?P<date>{_WHEN})(?:: (?P<reason>.*)| (?P<sha>[0-9a-f]{{8,12}}))?\s*$")
IGNORE_MARKER = "locflow: ignore "
# Markers that say something about the current text; `was` lines and `ignore` settings are kept by every writer.
MARKER_KINDS = ("machine", "approved", "rejected", "reopened", "edit-problem", "mt-problem", "tm")
DECISIONS = ("approved", "rejected", "reopened", "edit-problem")


class State(str, Enum):
    UNTRANSLATED = "untranslated"
    FUZZY = "fuzzy"
    MACHINE = "machine"
    REVIEWED = "reviewed"
    APPROVED = "approved"

    @property
    def rank(self) -> int:
        """Order used by publish gates: a catalog publishes when every entry ranks at or above it."""
        return _RANK[self]


_RANK = {State.UNTRANSLATED: 0, State.FUZZY: 1, State.MACHINE: 2, State.REVIEWED: 3, State.APPROVED: 4}
STATE_ORDER = tuple(State)


class EntryLike(Protocol):
    msgid: str
    msgid_plural: str
    msgctxt: str | None
    msgstr: str
    msgstr_plural: dict
    tcomment: str
    flags: list
    previous_msgid: str | None


@dataclass(frozen=True)
class Approval:
    reviewer: str
    date: str
    sha: str

    @property
    def legacy(self) -> bool:
        """Written before approvals bound the source: an 8-digit hash of the msgstr alone."""
        return len(self.sha) == 8


@dataclass(frozen=True)
class MemoryFill:
    """Where a fuzzy translation-memory match came from, and how close its source was (0-100)."""

    score: int
    where: str


@dataclass(frozen=True)
class Decision:
    """One decision recorded on an entry: the current one or an earlier (`was`) one."""

    action: str  # approved, rejected, reopened, edit-problem
    who: str
    date: str
    detail: str  # the reason, or the approval's sha
    current: bool


def now() -> str:
    """The time a marker records: UTC, to the second (SOURCE_DATE_EPOCH, when set, for reproducible runs)."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch.isdigit() else \
        _dt.datetime.now(_dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def nplurals_of(metadata: Mapping[str, str]) -> int | None:
    """The number of plural forms a catalog's Plural-Forms header declares (None when it says nothing)."""
    from .plurals import declared_nplurals

    return declared_nplurals(metadata.get("Plural-Forms"))


def msgstr_forms(entry: EntryLike) -> list[str]:
    """All translated forms in index order (one for a singular entry)."""
    if entry.msgstr_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int)]
    return [entry.msgstr]


def msgstr_sha(entry: EntryLike) -> str:
    """Short hash of the translation alone (what the review page showed; legacy approvals)."""
    return hashlib.sha1("\x00".join(msgstr_forms(entry)).encode("utf-8")).hexdigest()[:8]


def content_sha(entry: EntryLike, forms: list[str] | None = None) -> str:
    """What a marker vouches for: msgctxt, msgid, msgid_plural and every msgstr form."""
    parts = ["" if entry.msgctxt is None else "\x01" + entry.msgctxt, entry.msgid, entry.msgid_plural or "",
             *(msgstr_forms(entry) if forms is None else forms)]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:12]


def marker_spans(tcomment: str) -> list[tuple[int, int, str]]:
    """locflow's markers in a translator comment: (first line, end line, text) each.

    polib wraps comment lines at 78 columns, so a marker with a long reviewer name spans two
    lines; those are joined back (without a space after a hyphen the wrap broke at).
    """
    if not tcomment or MARKER not in tcomment:
        return []  # most entries: nothing to split
    lines = tcomment.split("\n")
    spans = []
    i = 0
    while i < len(lines):
        text = lines[i].strip()
        if not text.startswith(MARKER + " "):
            i += 1
            continue
        end = i + 1
        kind = text.split(" ", 2)[1] if " " in text else ""
        pattern = {"approved": _APPROVED_RE, "machine": _MACHINE_RE, "tm": _TM_WHOLE_RE}.get(kind)
        if pattern:
            while not pattern.match(text) and end < len(lines) and end - i < 4 \
                    and not lines[end].strip().startswith(MARKER):
                nxt = lines[end].strip()
                text = text + nxt if text.endswith("-") else f"{text} {nxt}"
                end += 1
            if not pattern.match(text):
                text, end = lines[i].strip(), i + 1
        else:
            # Free-text markers (mt-problem, rejected, was …): a line near polib's 78-column limit was
            # wrapped, and the lines it was broken into follow it.
            previous = lines[i]
            while len(previous.strip()) >= WRAPPED and end < len(lines) and end - i < 6 \
                    and not lines[end].strip().startswith(MARKER):
                previous = lines[end]
                text = f"{text} {previous.strip()}"
                end += 1
        spans.append((i, end, text))
        i = end
    return spans


def _kind(text: str) -> str:
    rest = text[len(MARKER) + 1:]
    return rest.split(" ", 1)[0]


def approval_in(tcomment: str) -> Approval | None:
    for _, _, text in marker_spans(tcomment):
        m = _APPROVED_RE.match(text)
        if m:
            return Approval(m["reviewer"], m["date"], m["sha"])
    return None


def approval(entry: EntryLike) -> Approval | None:
    """The approval marker, if any, whether or not it still vouches for the entry."""
    return approval_in(entry.tcomment)


def _machine_match(entry: EntryLike) -> re.Match | None:
    for _, _, text in marker_spans(entry.tcomment):
        m = _MACHINE_RE.match(text)
        if m:
            return m
    return None


def _previous(entry: EntryLike) -> bool:
    return bool(getattr(entry, "previous_msgid", None))


def machine_valid(entry: EntryLike) -> bool:
    """The machine marker still vouches for the text: fuzzy, and exactly what the provider returned."""
    m = _machine_match(entry)
    if m is None or "fuzzy" not in entry.flags:
        return False
    if m["sha"] is None:  # written before machine markers had a hash
        return not _previous(entry)
    return m["sha"] == content_sha(entry)


def machine_provider(entry: EntryLike) -> str | None:
    """The provider of a machine translation that is still exactly what it returned (else None)."""
    return _machine_match(entry)["provider"] if machine_valid(entry) else None


def memory_fill(entry: EntryLike) -> MemoryFill | None:
    """The fuzzy memory match translate filled the entry from, while the text is still exactly what it gave
    (fuzzy, and the hash matches) -- else None: a person has taken it over."""
    for _, _, text in marker_spans(entry.tcomment):
        m = _TM_RE.match(text)
        if m is None:
            continue
        if "fuzzy" not in entry.flags:
            return None
        if m["sha"] is None:  # no hash: trusted only while the source has not moved
            return None if _previous(entry) else MemoryFill(int(m["score"]), m["where"])
        return MemoryFill(int(m["score"]), m["where"]) if m["sha"] == content_sha(entry) else None
    return None


def has_mt_problem(entry: EntryLike) -> bool:
    """A machine translation that came back broken (kept fuzzy with the reason)."""
    return any(_kind(text) == "mt-problem" for _, _, text in marker_spans(entry.tcomment or ""))


def mt_problem_text(entry: EntryLike) -> str:
    """What the mt-problem marker says broke (`added markup: <script> …`), wrapped lines joined; "" if none."""
    for _, _, text in marker_spans(entry.tcomment or ""):
        if _kind(text) == "mt-problem":
            rest = text[len(f"{MARKER} mt-problem "):]
            return rest.split(": ", 1)[1] if ": " in rest else rest
    return ""


def approval_valid(entry: EntryLike) -> bool:
    """The approval still vouches for this text and this source."""
    found = approval(entry)
    if found is None or "fuzzy" in entry.flags:
        return False
    if found.legacy:
        return not _previous(entry) and found.sha == msgstr_sha(entry)
    return found.sha == content_sha(entry)


def is_untranslated(entry: EntryLike) -> bool:
    # Like msgfmt --statistics: an entry whose first form is empty counts as untranslated,
    # even when it is also marked fuzzy.
    if entry.msgstr_plural:
        first = min(entry.msgstr_plural, key=int)
        return entry.msgstr_plural[first] == ""
    return entry.msgstr == ""


def incomplete(entry: EntryLike, nplurals: int | None = None) -> bool:
    """A plural entry with an empty form, a gap in its forms, or not the catalog's number of forms."""
    if not entry.msgid_plural:
        return False
    keys = sorted(int(k) for k in entry.msgstr_plural)
    if keys != list(range(len(keys))) or (nplurals is not None and len(keys) != nplurals):
        return True
    return any(v == "" for v in entry.msgstr_plural.values())


def state_of(entry: EntryLike, nplurals: int | None = None) -> State:
    """The entry's state; `nplurals` (the catalog's Plural-Forms) lets a missing plural form count."""
    if is_untranslated(entry):
        return State.UNTRANSLATED
    if incomplete(entry, nplurals):
        return State.FUZZY  # never publishable: a number would show the source or nothing
    if "fuzzy" in entry.flags:
        return State.MACHINE if machine_valid(entry) else State.FUZZY
    return State.APPROVED if approval_valid(entry) else State.REVIEWED


def decisions(entry: EntryLike) -> list[Decision]:
    """Every decision recorded on the entry, oldest first (the current one last)."""
    out = []
    for _, _, text in marker_spans(entry.tcomment or ""):
        m = _DECISION_RE.match(text)
        if m:
            out.append(Decision(m["action"], m["who"], m["date"], m["reason"] or m["sha"] or "", not m["was"]))
    return out


def rejection(entry: EntryLike) -> Decision | None:
    """The current rejection, if the entry carries one."""
    return next((d for d in decisions(entry) if d.current and d.action == "rejected"), None)


def translator_comments(tcomment: str) -> list[str]:
    """The people's comments: every line that is not part of a locflow marker (wrapped ones whole)."""
    return [line for line in strip_markers(tcomment, (*MARKER_KINDS, "was")).split("\n") if line.strip()]


def ignored_checks(entry: EntryLike) -> set[str]:
    """Checks a translator switched off for one entry: `# locflow: ignore placeholders numbers`."""
    names: set[str] = set()
    for line in (entry.tcomment or "").split("\n"):
        line = line.strip()
        if line.startswith(IGNORE_MARKER):
            names.update(line[len(IGNORE_MARKER):].replace(",", " ").split())
    return names


def strip_markers(tcomment: str, kinds: Iterable[str] = ("machine", "approved")) -> str:
    """Drop locflow's markers of the given kinds (wrapped ones whole) and keep every other comment."""
    if not tcomment:
        return ""
    prefixes = tuple(f"{MARKER} {k} " for k in kinds)
    drop: set[int] = set()
    for start, end, text in marker_spans(tcomment):
        if text.startswith(prefixes):
            drop.update(range(start, end))
    return "\n".join(line for n, line in enumerate(tcomment.split("\n")) if n not in drop)


# --- writers ----------------------------------------------------------------------------------


def add_comments(entry, lines: Iterable[str]) -> bool:
    """Translator comments from elsewhere (a CAT tool's notes): the lines not there yet go in before
    locflow's markers. True when something was added."""
    have = {line.strip() for line in translator_comments(entry.tcomment or "")}
    new = [line for line in dict.fromkeys(lines) if line.strip() not in have and not line.startswith(MARKER)]
    if not new:
        return False
    tcomment = entry.tcomment or ""
    spans = marker_spans(tcomment)
    lines_now = tcomment.split("\n") if tcomment else []
    first = spans[0][0] if spans else len(lines_now)
    entry.tcomment = "\n".join(lines_now[:first] + new + lines_now[first:])
    return True


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _rewrite(entry, live: str | None, drop: Iterable[str] = MARKER_KINDS) -> None:
    """Drop the markers of `drop`, keep earlier decisions as `was` lines (the last HISTORY), add `live`."""
    tcomment = entry.tcomment or ""
    lines = tcomment.split("\n") if tcomment else []
    spans = marker_spans(tcomment)
    taken: set[int] = set()
    history: list[str] = []
    drop = tuple(drop)
    for start, end, text in spans:
        kind = _kind(text)
        if kind == "was":
            history.append(text)
        elif kind in drop and kind in DECISIONS:
            history.append(f"{MARKER} was {text[len(MARKER) + 1:]}")
        elif kind not in drop:
            continue
        taken.update(range(start, end))
    kept = [line for n, line in enumerate(lines) if n not in taken and line != ""]
    entry.tcomment = "\n".join(kept + history[-HISTORY:] + ([live] if live else []))


def _set_forms(entry, forms: list[str]) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = dict(enumerate(forms))
    else:
        entry.msgstr = forms[0]


def _fuzzy(entry, on: bool) -> None:
    if on and "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    elif not on:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]


def _forget_previous(entry) -> None:
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None


_FILLED = ("machine", "approved", "mt-problem", "edit-problem", "tm")  # what a new fill replaces


def mark_machine(entry, forms: list[str], provider: str, when: str, problems: Iterable[str] = ()) -> None:
    """Store a provider's translation: `machine` with the hash of exactly this text, or plain fuzzy
    with an `mt-problem` line when something broke (nobody mistakes it for a clean MT result)."""
    _set_forms(entry, forms)
    _fuzzy(entry, True)
    problems = list(problems)
    if problems:
        _rewrite(entry, f"{MARKER} mt-problem {provider} {when}: " + "; ".join(problems), _FILLED)
    else:
        _rewrite(entry, f"{MARKER} machine {provider} {when} {content_sha(entry)}", _FILLED)


def mark_memory(entry, forms: list[str], fill: MemoryFill, when: str) -> None:
    """Store a fuzzy translation-memory match: fuzzy (a suggestion waiting for review, whatever the state of
    the unit it came from), with the score, the origin and the hash of exactly this text."""
    _set_forms(entry, forms)
    _fuzzy(entry, True)
    _rewrite(entry, f"{MARKER} tm {fill.score} {_one_line(fill.where)} {when} {content_sha(entry)}", _FILLED)


def mark_approved(entry, reviewer: str, when: str) -> None:
    """A person signed off this text for this source: not fuzzy, no `#|`, the approval marker."""
    _fuzzy(entry, False)
    _forget_previous(entry)
    _rewrite(entry, f"{MARKER} approved {reviewer} {when} {content_sha(entry)}")


def mark_rejected(entry, reviewer: str, reason: str, when: str) -> None:
    """Sent back: fuzzy, with the reason (an earlier decision stays in the history)."""
    _fuzzy(entry, True)
    _rewrite(entry, f"{MARKER} rejected {reviewer} {when}: {_one_line(reason)}")


def reopen(entry, reviewer: str, when: str) -> None:
    """Withdraw the approval: the entry is reviewed again, and the log says who reopened it."""
    _rewrite(entry, f"{MARKER} reopened {reviewer} {when}", ("approved", "reopened"))


def mark_edited(entry, forms: list[str], who: str, when: str, problems: Iterable[str] = ()) -> None:
    """A person wrote this text. Clean, it is `reviewed`; with error findings it waits as fuzzy, and
    the reasons are stored with it (`edit-problem`), whichever tool the edit came through."""
    _set_forms(entry, forms)
    problems = [_one_line(p) for p in problems]
    if problems:
        _fuzzy(entry, True)
        _rewrite(entry, f"{MARKER} edit-problem {who} {when}: " + "; ".join(problems))
        return
    _fuzzy(entry, False)
    _forget_previous(entry)
    _rewrite(entry, None)


def mark_fuzzy(entry, forms: list[str] | None = None) -> None:
    """Text from elsewhere that waits for review (an XLIFF unit in a not-yet-confirmed state)."""
    if forms is not None:
        _set_forms(entry, forms)
    _fuzzy(entry, True)
    _rewrite(entry, None, ("machine", "approved", "mt-problem", "tm"))


def mark_reviewed(entry, forms: list[str] | None = None) -> None:
    """Confirmed text from elsewhere (or emptied): not fuzzy, nothing left to compare against."""
    if forms is not None:
        _set_forms(entry, forms)
    _fuzzy(entry, False)
    _forget_previous(entry)
    _rewrite(entry, None)


def source_changed(tcomment: str) -> str:
    """The merge matched the translation to a changed source: machine, memory and approval markers no
    longer vouch for it and go; the rest (people's comments, rejections, history) stays."""
    return strip_markers(tcomment, ("machine", "approved", "tm"))


def hand_edited(entry: EntryLike) -> bool:
    """Not fuzzy, but carrying a machine or approval marker that no longer vouches for the text: a person
    changed it (or cleared fuzzy) in another editor."""
    if "fuzzy" in entry.flags or not entry.tcomment or MARKER not in entry.tcomment:
        return False
    return _machine_match(entry) is not None or any(_TM_RE.match(text) for _, _, text in marker_spans(entry.tcomment)) \
        or (approval(entry) is not None and not approval_valid(entry))


def settle(entry, problems: Callable[[], list[str]], who: str, when: str) -> bool:
    """Tidy an entry a person edited outside locflow (fuzzy cleared or text changed in Poedit): an edit
    with error findings waits as fuzzy with the reasons, like an edit made in locflow; lines that no
    longer describe a confirmed entry (machine, mt-problem, a rejection) go. True when it changed."""
    if not entry.tcomment or MARKER not in entry.tcomment:
        return False
    before = (list(entry.flags), entry.tcomment)
    if "fuzzy" in entry.flags:
        # Still waiting for review, but a person changed the text: a machine or memory marker whose
        # hash no longer matches describes text that is gone.
        gone = [kind for kind, still in (("machine", machine_valid), ("tm", memory_fill))
                if f"{MARKER} {kind} " in entry.tcomment and not still(entry)]
        if gone:
            _rewrite(entry, None, gone)
        return before != (list(entry.flags), entry.tcomment)
    found = problems() if hand_edited(entry) else []
    if found:
        mark_edited(entry, msgstr_forms(entry), who, when, found)
    else:
        kinds = [k for k in ("machine", "tm", "mt-problem", "edit-problem", "rejected")
                 if f"{MARKER} {k} " in entry.tcomment]
        if kinds:
            _rewrite(entry, None, kinds)
    return before != (list(entry.flags), entry.tcomment)
