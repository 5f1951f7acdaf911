"""`locflow glossary`: the termbase commands."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import LocflowError
from .common import (Catalogs, CheckFormat, Languages, TextOrJson, app, check_format, handle_errors, load_project,
                     make_console, split_values)


glossary_app = typer.Typer(help="The termbase: list, add, check, import and export terms (CSV or TBX).\n\n"
                                "Example: locflow glossary export glossary.tbx", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")


def _pairs(values: Optional[List[str]], what: str) -> dict[str, tuple[str, ...]]:
    """LANG=FORM[; FORM...] options; a language given twice gets the forms of both."""
    result: dict[str, tuple[str, ...]] = {}
    for value in values or []:
        if "=" not in value:
            raise LocflowError(f"{what} must be LANG=FORM[; FORM...], got `{value}`")
        lang, forms = value.split("=", 1)
        found = tuple(f.strip() for f in forms.split(";") if f.strip())
        if not found:
            raise LocflowError(f"{what} {value!r} gives no form", hint=f"e.g. {what} en=Kyiv")
        result[lang.strip()] = tuple(dict.fromkeys(result.get(lang.strip(), ()) + found))
    return result


@glossary_app.command("list")
def glossary_list(
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages' columns."),
    fmt: TextOrJson = "text",
) -> None:
    """Show every concept with its forms per language. Example: locflow glossary list --lang uk"""
    from rich.table import Table

    with handle_errors():
        check_format(fmt)
        project = load_project()
        langs = split_values(lang) or list(project.config.languages)
        project.check_languages(langs)
        glossary = project.glossary()
        if fmt == "json":
            rows = [{"id": c.id, "kind": c.kind, "case_sensitive": c.case_sensitive, "note": c.note,
                     "terms": {k: list(v) for k, v in c.terms.items() if k in langs},
                     "forbidden": {k: list(v) for k, v in c.forbidden.items() if k in langs}}
                    for c in glossary.concepts]
            typer.echo(json.dumps({"concepts": rows}, ensure_ascii=False, indent=2))
            return
        table = Table(show_edge=False, header_style="bold")
        for column in ("id", "kind", *langs):
            table.add_column(column)
        for c in glossary.concepts:
            cells = []
            for code in langs:
                text = "; ".join(c.terms.get(code, ()))
                if c.forbidden.get(code):
                    text += " [red]not " + "; ".join(c.forbidden[code]) + "[/]"
                cells.append(text)
            table.add_row(c.id, c.kind, *cells)
        make_console().print(table)


@glossary_app.command("add")
def glossary_add(
    concept_id: str = typer.Argument(..., help="Concept id, e.g. kyiv."),
    term: Optional[List[str]] = typer.Option(None, "--term", "-t", help="LANG=FORM[; FORM...] (repeatable)."),
    forbidden: Optional[List[str]] = typer.Option(None, "--forbidden", help="LANG=WORDING[; ...] (repeatable)."),
    kind: str = typer.Option("term", "--kind", help="term or dnt."),
    case_sensitive: bool = typer.Option(False, "--case-sensitive", help="Match case exactly."),
    note: str = typer.Option("", "--note", help="A note for translators."),
) -> None:
    """Add or replace a concept. Example: locflow glossary add kyiv -t en=Kyiv -t uk="Київ; Києв*" --forbidden en=Kiev"""
    from ..glossary import KINDS, Concept, Glossary, merge_concepts, save_glossary

    with handle_errors():
        project = load_project()
        if kind not in KINDS:
            raise LocflowError(f"unknown kind `{kind}`", hint="term or dnt")
        terms, banned = _pairs(term, "--term"), _pairs(forbidden, "--forbidden")
        project.check_languages(list(terms) + list(banned))
        if not terms:
            raise LocflowError("give at least one --term LANG=FORM")
        if not concept_id.strip() or concept_id != concept_id.strip():
            raise LocflowError(f"concept id {concept_id!r} must be a non-empty word without outer spaces",
                               hint="e.g. kyiv")
        both = sorted({(lang, f) for lang, forms in banned.items() for f in forms
                       if f.casefold() in {t.casefold() for t in terms.get(lang, ())}})
        if both:
            lang, form = both[0]
            raise LocflowError(f"`{form}` ({lang}) is both a term and forbidden", hint="give it in one of them")
        base = project.glossary()
        glossary, added, _ = merge_concepts(Glossary(project.config.languages, base.concepts, base.path),
                                            [Concept(concept_id, kind, case_sensitive, note, terms, banned)])
        save_glossary(project, glossary)
        typer.echo(("added" if added else "updated") + f" `{concept_id}` in {project.config.glossary}")


@glossary_app.command("import")
def glossary_import(path: Path = typer.Argument(..., help="A .csv or .tbx file.")) -> None:
    """Merge concepts from a CSV or TBX file into the termbase. Example: locflow glossary import agency.tbx"""
    from ..glossary import Glossary, merge_concepts, save_glossary
    from ..termfiles import read_any

    with handle_errors():
        project = load_project()
        incoming = read_any(path, project.config.languages, str(path))
        base = project.glossary()
        glossary, added, updated = merge_concepts(Glossary(project.config.languages, base.concepts, base.path),
                                                  incoming.concepts)
        save_glossary(project, glossary)
        typer.echo(f"{added} concepts added, {updated} updated, "
                   f"{len(incoming.concepts) - added - updated} unchanged")


@glossary_app.command("export")
def glossary_export(path: Path = typer.Argument(..., help="Output .csv or .tbx file.")) -> None:
    """Write the termbase as CSV or TBX-Basic. Example: locflow glossary export terms.tbx"""
    from ..catalog import atomic_write
    from ..termfiles import export_text

    with handle_errors():
        project = load_project()
        text = export_text(project, project.glossary(), path.suffix)
        atomic_write(path, text.encode("utf-8"))
        typer.echo(f"wrote {len(project.glossary().concepts)} concepts to {path}")


@glossary_app.command("check")
def glossary_check(
    lang: Languages = None,
    catalog: Catalogs = None,
    fmt: CheckFormat = "text",
) -> None:
    """Run only the glossary checks over the catalogs. Example: locflow glossary check --lang ru"""
    from ..checks.runner import run_checks
    from ..checks.reporters import FORMATS

    with handle_errors():
        check_format(fmt, FORMATS)
        project = load_project()
        project.glossary()  # a broken termbase is reported before anything else
        result = run_checks(project, split_values(lang), split_values(catalog),
                            ["glossary-dnt", "glossary-mandated", "glossary-forbidden"], None)
        from ..render import check_output

        check_output(result, fmt, make_console(), show_info=True)
        raise typer.Exit(result.exit_code)


