"""Rendering shared by the typer CLI and the fast path: consoles, errors, the status table."""
from __future__ import annotations

import json
import shutil
import sys

from .errors import LocflowError

STATE_COLOURS = {"untranslated": "red", "fuzzy": "yellow", "machine": "magenta", "reviewed": "cyan",
                 "approved": "green"}


def console(stderr: bool = False, file=None):
    stream = file or (sys.stderr if stderr else sys.stdout)
    tty = hasattr(stream, "isatty") and stream.isatty()
    # Not a terminal (CI logs, pipes): wide enough that tables never cut a catalog name short.
    width = None if tty else max(shutil.get_terminal_size((200, 24)).columns, 200)
    return safe_console_class()(file=file, stderr=stderr, highlight=False, soft_wrap=True, width=width)


def safe_console_class():
    """A rich Console that shows control characters in printed strings as `\\xNN`.

    Catalog text is untrusted: a msgstr holding ESC [ 2 J would clear the reader's screen and
    could print a fake "passed". Colours are added by rich after this, so they still work.
    """
    from rich.console import Console

    from .errors import stop_on_closed_pipe
    from .textscan import visible

    class SafeConsole(Console):
        def print(self, *objects, **kwargs):  # noqa: A003 - rich's name
            super().print(*(visible(o) if isinstance(o, str) else o for o in objects), **kwargs)

        def on_broken_pipe(self) -> None:  # rich's own ends with exit 1, which means findings here
            if not self.quiet:
                stop_on_closed_pipe()

    return SafeConsole


def pull_warning(path: str, line: int, message: str) -> str:
    """What a template's extraction left out (`_("")`), as `pull` prints it; the fast path prints it too."""
    return f"warning: {path}:{line}: {message}"


def pull_up_to_date(templates: int, catalogs: int) -> str:
    return f"up to date ({templates} templates, {catalogs} catalogs)"


def print_pull(result, dry_run: bool, echo) -> None:
    """What `pull` (and `sync`) print of a PullResult; `echo(text, err=False)` is typer's or click's."""
    for exc in result.errors:  # skipped; everything else was pulled
        print_error(exc)
    if result.errors:
        echo(f"skipped {len(result.errors)} file(s) that could not be read or written (errors on stderr); "
             "the rest was pulled")
    for w in result.warnings:
        echo(pull_warning(w.path, w.line, w.message), err=True)
    for path in result.orphaned:
        echo(f"removed {path} (its article is gone)" if result.removed else
             f"{path}: its article is gone (`locflow pull --purge-obsolete` removes it)")
    if result.up_to_date:
        echo(pull_up_to_date(result.templates, result.catalogs))
        return
    if not result.written:  # only removed (purge) or skipped: the lines above said what
        return
    if dry_run:
        for change in result.changes:
            echo(f"{'would create' if change.created else 'would update'} {change.path}")
            filled = f" ({len(change.prefilled)} pre-filled, fuzzy)" if change.prefilled else ""
            echo(f"  {len(change.added)} added{filled}, {len(change.changed)} changed, "
                 f"{len(change.removed)} removed")
            source_of = change.prefilled_from
            for text in change.added:
                echo(f"  + {text}" + (f"  (fuzzy, from the translation of {source_of[text]})"
                                      if text in source_of else ""))
            for old, new in change.changed:
                echo(f"  ~ {old} -> {new}")
            for text in change.removed:
                echo(f"  - {text}")
        echo(f"would write {len(result.written)} of {result.templates + result.catalogs} files")
        return
    created = set(result.created)
    for path in result.written:
        echo(f"{'created' if path in created else 'updated'} {path}")
    echo(f"wrote {len(result.written)} of {result.templates + result.catalogs} files: {len(created)} created, "
         f"{len(result.written) - len(created)} updated")


def internal_error(exc: BaseException) -> None:
    """A bug in locflow: one line on stderr, the traceback only under --debug."""
    from rich.markup import escape

    console(stderr=True).print(f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}"
                               " (a bug in locflow; rerun as `locflow --debug <command> …` for the traceback and report it)")


def show_waiting(message: str) -> None:
    """The project lock is held by another run: say so while waiting for it."""
    console(stderr=True).print(f"[yellow]{message}[/]")


INTERRUPTED = "[yellow]interrupted[/]: finished work is saved; run the command again to resume"


def print_error(exc: LocflowError) -> None:
    """One coloured line (plus a hint) on stderr."""
    from rich.markup import escape

    err = console(stderr=True)
    where = f"{escape(exc.where)}: " if exc.where else ""
    err.print(f"[bold red]error:[/] {where}{escape(exc.message)}")
    if exc.hint:
        err.print(f"  [dim]hint:[/] {escape(exc.hint)}")


def status_json(rows, errors=(), shard=None) -> str:
    """`errors`: catalogs that did not parse, left out of the rows (the key is there only then);
    `shard`: a sharded run says which shard it was (`scope`), so merge-shards can tell a set is whole."""
    data: dict = {"catalogs": [r.to_json() for r in rows]}
    if errors:
        data["errors"] = [{"path": e.path, "line": e.line, "message": e.message, "hint": e.hint} for e in errors]
    if shard:
        data["scope"] = {"shard": str(shard)}
    return json.dumps(data, ensure_ascii=False, indent=2)


def translate_json(result) -> str:
    """`translate --format json`: the result's own fields (no timings), term success per provider."""
    from dataclasses import asdict

    data = asdict(result)
    data.pop("elapsed")
    data["exit_code"] = result.exit_code
    for provider in data["providers"]:
        provider["term_success"] = term_rate(provider["terms_satisfied"], provider["terms"])
    terms = sum(p["terms"] for p in data["providers"])
    satisfied = sum(p["terms_satisfied"] for p in data["providers"])
    data["terms"] = {"occurrences": terms, "satisfied": satisfied, "term_success": term_rate(satisfied, terms)}
    return json.dumps(data, ensure_ascii=False, indent=2)


def term_rate(satisfied: int, occurrences: int) -> float | None:
    """The WMT terminology task's term success rate; None when no mandated term occurred."""
    return round(satisfied / occurrences, 4) if occurrences else None


def status_table(rows, out) -> None:
    from rich.table import Table

    from .states import STATE_ORDER

    table = Table(title=None, show_edge=False, header_style="bold", min_width=90)
    table.add_column("lang")
    table.add_column("catalog", no_wrap=True)
    for s in STATE_ORDER:
        table.add_column(s.value, justify="right", style=STATE_COLOURS[s.value])
    table.add_column("total", justify="right")
    table.add_column("publishable")
    for r in rows:
        note = {"source": " (source language)", "no catalog yet": " (no catalog yet: run `locflow pull`)"}
        table.add_row(r.language, r.catalog + note.get(r.note, ""), *[str(r.states[s.value]) for s in STATE_ORDER],
                      str(r.total), "yes" if r.publishable else "no")
    out.print(table)


def check_output(result, fmt: str, out, show_info: bool) -> None:
    """Print a CheckResult in one of the check formats."""
    from .checks.reporters import json_pieces, print_text, render_github, render_junit

    renderers = {"junit": render_junit, "github": render_github}
    if fmt == "json":
        for piece in json_pieces(result):
            out.file.write(piece)
        out.file.write("\n")
    elif fmt in renderers:
        out.file.write(renderers[fmt](result) + "\n")
    else:
        print_text(result, out, show_info=show_info)
