"""XLIFF exchange with CAT tools: export and import."""
from __future__ import annotations

from pathlib import Path

import typer

from ..errors import LocflowError
from .common import (Catalogs, DryRun, Language, Reviewer, app, check_format, handle_errors, load_project, make_console,
                     one_line, show_waiting, split_values)


@app.command("export")
def export_command(
    lang: Language,
    out: Path = typer.Argument(..., help="The XLIFF file to write."),
    catalog: Catalogs = None,
    fmt: str = typer.Option("xliff", "--format", "-f", help="Exchange format: xliff."),
    version: str = typer.Option("1.2", "--xliff-version", help="1.2 or 2.0."),
) -> None:
    """Export catalogs for a CAT tool (Trados, memoQ, OmegaT). Example: locflow export --format xliff --lang et et.xlf"""
    from ..xliff import export_xliff

    with handle_errors():
        check_format(fmt, ("xliff",))
        project = load_project()
        project.check_languages(lang)
        result = export_xliff(project, lang[0], out, catalogs=split_values(catalog), version=version)
        typer.echo(f"wrote {result.units} units from {result.catalogs} catalogs to {result.path} (XLIFF {result.version})")


@app.command("import")
def import_command(
    path: Path = typer.Argument(..., help="An XLIFF 1.2 or 2.0 file exported by locflow."),
    reviewer: Reviewer = None,
    dry_run: DryRun = False,
) -> None:
    """Bring a CAT tool's work back into the catalogs and report what changed. Example: locflow import et.xlf"""
    from rich.markup import escape

    from ..review import check_reviewer, default_reviewer
    from ..xliff import import_xliff

    with handle_errors():
        project = load_project()
        if reviewer:
            name = check_reviewer(reviewer)
        else:
            try:
                name = default_reviewer()
            except LocflowError:
                name = ""  # only needed when the file approves something; the import says so then
        result = import_xliff(project, path, reviewer=name, dry_run=dry_run, waiting=show_waiting)
        out = make_console()
        for c in result.changes:
            what = "text and state" if c.translation_changed and c.old_state != c.new_state else (
                "text" if c.translation_changed else "state" if c.old_state != c.new_state else "comments")
            out.print(f"{escape(c.catalog)}: {escape(one_line(c.msgctxt, c.msgid))}  {c.old_state} → {c.new_state} ({what})")
            if c.refused:
                out.print(f"  [yellow]refused as reviewed or approved, kept as fuzzy[/]: {escape(c.refused)}")
        for s in result.skipped:
            colour = "red" if s.conflict else "yellow"
            out.print(f"[{colour}]{'conflict' if s.conflict else 'kept'}[/] {escape(s.catalog)}: "
                      f"{escape(one_line(s.msgctxt, s.msgid))}: {escape(s.reason)}")
        verb = "would change" if dry_run else "changed"
        out.print(f"XLIFF {result.version}, {result.language}: {verb} {len(result.changes)} entries, "
                  f"{result.unchanged} unchanged" + (f", {len(result.skipped)} left for a person" if result.skipped else "")
                  + ("" if dry_run else f", {len(result.written)} catalogs written"))
        raise typer.Exit(result.exit_code)



