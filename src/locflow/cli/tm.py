"""`locflow tm`: the translation memory: export and import TMX, search it (concordance)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .common import (Languages, TextOrJson, app, check_format, handle_errors, load_project, make_console, one_line,
                     show_waiting, split_values)

tm_app = typer.Typer(help="The translation memory: reviewed and approved translations, and imported TMX files.\n\n"
                          "Example: locflow tm search \"min read\" --lang ru")
app.add_typer(tm_app, name="tm")


@tm_app.command("export")
def tm_export(
    out: Path = typer.Argument(..., help="The TMX file to write."),
    lang: Languages = None,
) -> None:
    """Write every reviewed and approved translation as TMX 1.4b (state and reviewer as properties). Example: locflow tm export --lang et et.tmx"""
    from ..tm.store import export_tmx

    with handle_errors():
        result = export_tmx(load_project(), out, split_values(lang))
        typer.echo(f"wrote {result.tus} units with {result.translations} translations "
                   f"({', '.join(result.languages) or 'no language'}) to {result.path} (TMX 1.4b)")


@tm_app.command("import")
def tm_import(
    path: Path = typer.Argument(..., help="A TMX 1.4 file from locflow or any CAT tool."),
    name: Optional[str] = typer.Option(None, "--name", help="File name in memory/ (default: the file's own)."),
) -> None:
    """Add a TMX file to the memory (memory/NAME.tmx), never to the catalogs. Example: locflow tm import agency.tmx"""
    from ..tm.store import import_tmx

    with handle_errors():
        project = load_project()
        result = import_tmx(project, path, str(path), name=name, waiting=show_waiting)
        pairs = ", ".join(f"{s}→{t} {n}" for s, t, n in result.pairs)
        typer.echo(f"{result.status} {result.path}: {result.tus} units ({pairs})")
        if result.skipped:
            typer.echo("skipped languages the project does not have: "
                       + ", ".join(f"{code or '(none)'} {n}" for code, n in result.skipped))


@tm_app.command("search")
def tm_search(
    text: str = typer.Argument(..., help="Text to find in sources or translations (case-insensitive)."),
    lang: Languages = None,
    fmt: TextOrJson = "text",
) -> None:
    """Concordance: find a text across all catalogs and the memory, with its translations. Example: locflow tm search Kyiv --lang uk,ru"""
    from rich.markup import escape

    from ..tm.search import search

    with handle_errors():
        check_format(fmt)
        rows = search(load_project(), text, split_values(lang))
        if fmt == "json":
            typer.echo(json.dumps({"results": [r.to_json() for r in rows]}, ensure_ascii=False, indent=2))
            return
        out = make_console()
        for r in rows:
            out.print(f"[bold]{r.source_language}[/] {escape(one_line(r.msgctxt, r.source, 100))}")
            for t in r.translations:
                out.print(f"  {t.language} [dim]{t.state:<10}[/] {escape(one_line(None, ' | '.join(t.forms), 90))}"
                          f"  [dim]{escape(t.origin)}[/]")
        out.print(f"{len(rows)} sources")
