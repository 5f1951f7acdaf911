"""`locflow review --lang L`: walk the entries that need review, one key per decision.

Each decision is applied to a fresh read of the catalog under the project lock and saved at
once, so quitting, a crash or a concurrent `locflow translate` loses nothing.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from .catalog import read_po
from .project import CatalogFile, Project
from .review import approval_blockers, edit, review_queue, stamp, write_catalog
from .states import (decisions, machine_provider, mark_approved, mark_rejected, memory_fill, msgstr_forms, nplurals_of,
                     state_of, translator_comments)

if TYPE_CHECKING:
    import polib

KEYS = "\\[a]pprove  \\[e]dit  \\[E]ditor  \\[r]eject  \\[s]kip  \\[u]ndo  \\[q]uit"
Key = tuple[str | None, str]


@dataclass
class _Step:
    index: int
    cat: CatalogFile
    key: Key
    before: dict
    after: dict  # what the decision wrote: undo only takes back exactly that
    action: str  # the counter to take back on undo


def _snapshot(e: "polib.POEntry") -> dict:
    return {"msgstr": e.msgstr, "msgstr_plural": dict(e.msgstr_plural), "flags": list(e.flags),
            "tcomment": e.tcomment, "previous_msgid": e.previous_msgid,
            "previous_msgid_plural": e.previous_msgid_plural, "previous_msgctxt": e.previous_msgctxt}


def _restore(e: "polib.POEntry", snap: dict) -> None:
    for name, value in snap.items():
        setattr(e, name, value)


class Session:
    """The review loop, with its input and output passed in so tests and terminals share it."""

    def __init__(self, project: Project, language: str, catalogs: list[str] | None, reviewer: str, console,
                 getkey: Callable[[], str], ask: Callable[[str, str], str | None],
                 edit: Callable[[str], str | None], today: str | None = None) -> None:
        self.project, self.language, self.reviewer, self.console = project, language, reviewer, console
        self.getkey, self.ask, self.edit = getkey, ask, edit
        self.today = today  # None: each decision records the time it was made
        self.queue = review_queue(project, language, catalogs)
        self.history: list[_Step] = []
        self.counts = {"approved": 0, "edited": 0, "rejected": 0, "skipped": 0}
        self.shown_matches: tuple = ()  # the memory matches of the entry on screen, for keys 1-3
        self._suggester = None

    # -- catalog access: always a fresh read under the lock --------------------------------------

    def _change(self, cat: CatalogFile, key: Key, change: Callable[["polib.POFile", "polib.POEntry"], bool | None],
                expect: dict) -> dict | None:
        """The entry after the change; None, and nothing written, when it is gone or no longer what
        the reviewer saw (another editor or run changed it since)."""
        with self.project.lock():
            po = read_po(cat.path, display=self.project.display(cat.path))
            entry = next((e for e in po if not e.obsolete and (e.msgctxt, e.msgid) == key), None)
            if entry is None or _snapshot(entry) != expect or change(po, entry) is False:
                return None
            write_catalog(self.project, cat, po, self.reviewer, stamp(self.today))
            # As it reads back (polib wraps long comment lines): what undo compares against.
            return _snapshot(self._load(cat, key)[1])

    def _decide(self, i: int, cat: CatalogFile, entry, action: str,
                change: Callable[["polib.POFile", "polib.POEntry"], bool | None]) -> bool:
        shown = _snapshot(entry)
        after = self._change(cat, (entry.msgctxt, entry.msgid), change, shown)
        if after is None:
            self.console.print("[yellow]not saved: the entry changed on disk since it was shown; here it is again[/]")
            return False
        self.history.append(_Step(i, cat, (entry.msgctxt, entry.msgid), shown, after, action))
        self.counts[action] += 1
        return True

    def _load(self, cat: CatalogFile, key: Key) -> tuple["polib.POFile", "polib.POEntry | None"]:
        po = read_po(cat.path, display=self.project.display(cat.path))
        return po, next((e for e in po if not e.obsolete and (e.msgctxt, e.msgid) == key), None)

    # -- the loop ---------------------------------------------------------------------------------

    def run(self) -> dict:
        i = 0
        if not self.queue:
            self.console.print("nothing to review")
            return self.counts
        while i < len(self.queue):
            cat, key = self.queue[i]
            po, entry = self._load(cat, key)
            if entry is None:
                i += 1
                continue
            self.show(i, cat, po, entry)
            choice = self.getkey()
            if choice == "q":
                break
            if choice == "s":
                self.counts["skipped"] += 1
                i += 1
            elif choice == "u":
                i = self.undo(i)
            elif choice == "a":
                i += self.approve(i, cat, po, entry)
            elif choice in ("e", "E"):
                self.edit_entry(i, cat, entry, external=choice == "E")
            elif choice == "r":
                i += self.reject(i, cat, entry)
            elif choice in ("1", "2", "3") and int(choice) <= len(self.shown_matches):
                self.edit_entry(i, cat, entry, external=False, start=list(self.shown_matches[int(choice) - 1].forms))
            else:
                self.console.print(f"[yellow]unknown key {choice!r}[/]: {KEYS}")
        self.console.print("review: " + ", ".join(f"{n} {k}" for k, n in self.counts.items()))
        return self.counts

    def approve(self, i: int, cat: CatalogFile, po, entry) -> int:
        reasons = approval_blockers(self.project, cat, po, entry)
        if reasons:
            self.console.print("[red]cannot approve:[/] " + "; ".join(reasons))
            return 0
        if not self._decide(i, cat, entry, "approved",
                            lambda po, e: mark_approved(e, self.reviewer, stamp(self.today))):
            return 0
        self.console.print("[green]approved[/]")
        return 1

    def reject(self, i: int, cat: CatalogFile, entry) -> int:
        reason = self.ask("reason", "")
        if not reason or not reason.strip():
            self.console.print("[yellow]not rejected: a rejection needs a reason[/]")
            return 0
        if not self._decide(i, cat, entry, "rejected",
                            lambda po, e: mark_rejected(e, self.reviewer, reason, stamp(self.today))):
            return 0
        self.console.print("[yellow]rejected[/]")
        return 1

    def edit_entry(self, i: int, cat: CatalogFile, entry, *, external: bool, start: list[str] | None = None) -> None:
        forms = msgstr_forms(entry)
        new_forms = []
        for n, form in enumerate(start if start and len(start) == len(forms) else forms):
            label = f"msgstr[{n}]" if entry.msgid_plural else "translation"
            value = self.edit(form) if external else self.ask(label, form)
            if value is None:
                self.console.print("[yellow]edit cancelled[/]")
                return
            new_forms.append(value.rstrip("\n") if external else value)
        if new_forms == forms:
            self.console.print("unchanged")
            return
        held: list[str] = []

        def change(po, e) -> None:
            held[:] = edit(self.project, cat, po, e, new_forms, self.reviewer, stamp(self.today))

        if not self._decide(i, cat, entry, "edited", change):
            return
        if held:
            from rich.markup import escape

            self.console.print("[red]saved as fuzzy[/]: " + escape("; ".join(held)))
            return
        self.console.print("[cyan]saved as reviewed[/]: press a to approve it, s to move on")

    def undo(self, i: int) -> int:
        if not self.history:
            self.console.print("[yellow]nothing to undo[/]")
            return i
        step = self.history.pop()
        if self._change(step.cat, step.key, lambda po, e: _restore(e, step.before), step.after) is None:
            self.console.print("[yellow]not undone: the entry changed on disk after that decision[/]")
            return i
        self.counts[step.action] -= 1
        self.console.print("[magenta]undone[/]")
        return step.index

    # -- display ----------------------------------------------------------------------------------

    def show(self, i: int, cat: CatalogFile, po, entry) -> None:
        from rich.markup import escape
        from rich.panel import Panel

        state = state_of(entry, nplurals_of(po.metadata))
        provider = machine_provider(entry)
        lines = []
        if entry.msgctxt:
            lines.append(f"[bold]context     [/]{escape(entry.msgctxt)}")
        lines.append(f"[bold]source      [/]{escape(entry.msgid)}")
        if entry.msgid_plural:
            lines.append(f"[bold]plural      [/]{escape(entry.msgid_plural)}")
        for n, form in enumerate(msgstr_forms(entry)):
            label = f"msgstr\\[{n}]" if entry.msgid_plural else "translation"
            lines.append(f"[bold]{label:<12}[/]{escape(form)}")
        if entry.comment:
            lines.append(f"[dim]extracted   [/]{escape(entry.comment)}")
        for comment in translator_comments(entry.tcomment or ""):
            lines.append(f"[dim]comment     [/]{escape(comment)}")
        for d in reversed(decisions(entry)):
            detail = f": {d.detail}" if d.detail and d.action != "approved" else ""
            lines.append(f"[dim]{'decision' if d.current else 'earlier':<12}[/]"
                         + escape(f"{d.action} by {d.who} {d.date}{detail}"))
        if entry.previous_msgid and entry.previous_msgid != entry.msgid:
            lines.append("[bold]was         [/]" + _diff(entry.previous_msgid, entry.msgid))
        lines += self._glossary(cat, entry)
        lines += self._findings(cat, po, entry)
        lines += self._memory(cat, po, entry)
        title = f"[{i + 1}/{len(self.queue)}] {self.project.display(cat.path)}:{entry.linenum}  {state.value}"
        if provider:
            title += f" ({provider})"
        elif fill := memory_fill(entry):
            title += f" (memory {fill.score}% from {fill.where})"
        from .textscan import visible

        self.console.print(Panel(visible("\n".join(lines)), title=visible(escape(title)), title_align="left"))
        self.console.print(KEYS)

    def _glossary(self, cat: CatalogFile, entry) -> list[str]:
        from rich.markup import escape

        from .checks.base import catalog_context
        from .glossary import find

        ctx = catalog_context(self.project, cat, read_po(cat.path))
        out = []
        for concept in self.project.glossary().concepts:
            forms = concept.terms.get(ctx.source_language, ())
            if any(find(f, entry.msgid, ctx.source_language, case_sensitive=concept.case_sensitive) for f in forms):
                target = concept.preferred(self.language) or concept.preferred(ctx.source_language)
                out.append(f"[bold]glossary    [/]{escape(concept.preferred(ctx.source_language) or '')} → "
                           f"{escape(target or '')}" + (f"  [dim]{escape(concept.note)}[/]" if concept.note else ""))
        return out

    def _memory(self, cat: CatalogFile, po, entry) -> list[str]:
        """The memory's top matches (keys 1-3 take one into the edit prompt) and the other languages."""
        from rich.markup import escape

        from .tm.suggest import Suggester

        if self._suggester is None:
            self._suggester = Suggester(self.project)
        found = self._suggester.for_entry(cat, entry, self.project.source_language(cat, po.metadata))
        self.shown_matches = found.matches
        out = [f"[yellow]memory unavailable: {escape(found.problem)}[/]"] if found.problem else []
        for n, match in enumerate(found.matches, 1):
            out.append(f"[bold]memory {n}  {match.score:>3}%[/] " + _diff(match.unit.text(), entry.msgid + (
                "\n" + entry.msgid_plural if entry.msgid_plural else ""))
                       + f"  [dim]{escape(match.unit.origin)} ({match.unit.state})[/]")
            out.append("            → " + escape(" | ".join(match.forms)))
        if found.matches:
            out.append("[dim]            press " + "/".join(str(n) for n in range(1, len(found.matches) + 1))
                       + " to edit starting from that memory match[/]")
        for other in found.others:
            out.append(f"[bold]{other.language:<12}[/]{escape(' | '.join(other.forms))}  [dim]{other.state}[/]")
        return out

    def _findings(self, cat: CatalogFile, po, entry) -> list[str]:
        from rich.markup import escape

        from .checks.base import catalog_context
        from .checks.suite import check_entry, severities

        found = check_entry(catalog_context(self.project, cat, po), entry, severities(self.project.config),
                            ["unreviewed"])
        return [f"[{'red' if severity == 'error' else 'yellow'}]{severity:<12}[/]{cid}: {escape(message)}"
                for cid, severity, message in found]


def _diff(old: str, new: str) -> str:
    """Word-level difference, as [-removed-] {+added+}."""

    def escape(text: str) -> str:
        # Every bracket, not only tag-like ones: "[link" next to our own markup would become a tag.
        return text.replace("[", "\\[")

    a, b = old.split(), new.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append("[red]\\[-" + escape(" ".join(a[i1:i2])) + "-][/]")
        if op in ("insert", "replace"):
            out.append("[green]{+" + escape(" ".join(b[j1:j2])) + "+}[/]")
    return " ".join(out)


_ESCAPE = re.compile(r"\x1b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z]|.)?", re.S)


class KeyReader:
    """One key per call. A terminal read returns every key typed since the last one ("aaaaa" typed
    ahead arrives at once): they are queued and handed out one by one, escape sequences whole."""

    def __init__(self, read: Callable[[], str]) -> None:
        self.read, self.pending = read, ""

    def __call__(self) -> str:
        while not self.pending:
            self.pending = self.read()
        m = _ESCAPE.match(self.pending)
        key = m.group() if m else self.pending[0]
        self.pending = self.pending[len(key):]
        if key == "\x03":  # Ctrl-C in raw mode
            raise KeyboardInterrupt
        if key == "\x04":  # Ctrl-D
            raise EOFError
        return key


def _terminal_key() -> str:
    """What the terminal has for us, at least one key. Raw mode is entered and left with TCSANOW:
    click.getchar's TCSAFLUSH would throw away keys typed while the previous decision was saved."""
    import os
    import sys

    try:
        import termios
        import tty
    except ImportError:  # pragma: no cover - not on Linux
        import click

        return click.getchar()
    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    try:
        tty.setraw(fd, termios.TCSANOW)
        data = os.read(fd, 64)
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, old)
    if not data:
        raise EOFError
    return data.decode("utf-8", errors="replace")


def _terminal_ask(label: str, current: str) -> str | None:
    """A line of input, prefilled with the current text where readline is available."""
    try:
        import readline
    except ImportError:  # pragma: no cover - not on Linux
        readline = None
    if readline is not None:
        readline.set_startup_hook(lambda: readline.insert_text(current))
    try:
        return input(f"{label}> ")
    except EOFError:
        return None
    finally:
        if readline is not None:
            readline.set_startup_hook(None)


def _terminal_edit(text: str) -> str | None:
    import click

    return click.edit(text + "\n", extension=".txt", require_save=True)


def run_interactive(project: Project, language: str, catalogs: list[str] | None, reviewer: str, console=None) -> dict:
    import sys

    from .errors import LocflowError
    from .render import safe_console_class

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise LocflowError("the interactive review needs a terminal",
                           hint="in scripts use `locflow review list/approve/reject`; or `locflow serve`")

    # Its own console: the CLI's soft-wraps for log lines, which would cut long text off in the panel.
    return Session(project, language, catalogs, reviewer, safe_console_class()(highlight=False),
                   KeyReader(_terminal_key), _terminal_ask, _terminal_edit).run()
