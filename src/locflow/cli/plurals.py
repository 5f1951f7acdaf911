"""`locflow plurals`: the project's plural rules and the catalogs that differ from them."""
from __future__ import annotations

import json

import typer

from ..errors import EXIT_FINDINGS
from .common import (Catalogs, DryRun, Languages, TextOrJson, app, check_format, handle_errors, load_project,
                     show_waiting, split_values)

plurals_app = typer.Typer(help="Plural rules: which catalogs differ from the project's rule, and converting them.\n\n"
                               "Example: locflow plurals convert --lang lv", no_args_is_help=True)
app.add_typer(plurals_app, name="plurals")


@plurals_app.command("show")
def show(lang: Languages = None, catalog: Catalogs = None, fmt: TextOrJson = "text") -> None:
    """Each catalog's Plural-Forms against the project's rule; exit 1 if any differs. Example: locflow plurals show"""
    from ..plural_convert import rule_status

    with handle_errors():
        check_format(fmt)
        rows = rule_status(load_project(), split_values(lang), split_values(catalog))
        if fmt == "json":
            typer.echo(json.dumps({"catalogs": [r.to_json() for r in rows]}, ensure_ascii=False, indent=2))
        else:
            rules = {}
            for r in rows:
                rules.setdefault(r.language, r.project)
            for language, rule in rules.items():
                typer.echo(f"{language}: {rule}")
            for r in rows:
                if not r.matches:
                    typer.echo(f"{r.path}: Plural-Forms `{r.declared or ''}` differs from the project's rule "
                               f"(`locflow plurals convert --lang {r.language}`)")
            differ = sum(not r.matches for r in rows)
            typer.echo(f"{len(rows) - differ} of {len(rows)} catalogs use the project's rules")
        if any(not r.matches for r in rows):
            raise typer.Exit(EXIT_FINDINGS)


@plurals_app.command("convert")
def convert(lang: Languages = None, catalog: Catalogs = None, dry_run: DryRun = False,
            fmt: TextOrJson = "text") -> None:
    """Rewrite catalogs to the project's plural rule, moving every form to the index that now means
    the same numbers. Example: locflow plurals convert --lang lv --dry-run"""
    from ..plural_convert import convert as do_convert

    with handle_errors():
        check_format(fmt)
        done = do_convert(load_project(), split_values(lang), split_values(catalog), dry_run=dry_run, waiting=show_waiting)
        if fmt == "json":
            typer.echo(json.dumps({"converted": [c.to_json() for c in done]}, ensure_ascii=False, indent=2))
        else:
            verb = "would convert" if dry_run else "converted"
            for c in done:
                typer.echo(f"{verb} {c.path}: {c.reordered} plural entries reordered"
                           + (f", {len(c.needs_review)} marked fuzzy (two old forms merged into one)"
                              if c.needs_review else ""))
                for msgid in c.needs_review:
                    typer.echo(f"  fuzzy: {msgid}")
            if not done:
                typer.echo("every catalog already uses the project's plural rules")
        if any(c.needs_review for c in done):
            raise typer.Exit(EXIT_FINDINGS)
