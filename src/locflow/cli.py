"""The `locflow` command line: parse options, call the core, render. No logic lives here."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from . import __version__
from .errors import EXIT_INTERRUPTED, EXIT_USAGE, LocflowError

app = typer.Typer(
    help="Localization workflow: pull strings into gettext catalogs, translate, review, check, publish.\n\n"
         "Example: locflow sync",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _State:
    config: Optional[Path] = None
    debug: bool = False


state = _State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"locflow {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="workflow.yaml to use (default: search upwards)."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for unexpected errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Localization workflow for the site's catalogs. Example: locflow status --format json"""
    state.config = config
    state.debug = debug


def _console(stderr: bool = False):
    from .render import console

    return console(stderr)


@contextmanager
def _errors() -> Iterator[None]:
    """One coloured line for user errors; exit codes per DESIGN.md."""
    try:
        yield
    except LocflowError as exc:
        from .render import print_error

        print_error(exc)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _console(stderr=True).print("[yellow]interrupted[/]: finished work is saved; run the command again to resume")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except Exception as exc:  # a bug in locflow: one line, the traceback only under --debug
        if state.debug:
            raise
        from rich.markup import escape

        _console(stderr=True).print(f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}"
                                    " (a bug in locflow; rerun with --debug for the traceback and report it)")
        raise typer.Exit(EXIT_USAGE) from None


def _project():
    from .project import Project

    return Project.load(state.config)


def _split(values: Optional[List[str]]) -> Optional[List[str]]:
    """Accept both `--lang et --lang lv` and `--lang et,lv`."""
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


FORMAT_HELP = "Output format: text or json."


def _check_format(fmt: str, allowed: tuple[str, ...] = ("text", "json")) -> None:
    if fmt not in allowed:
        raise LocflowError(f"unknown format `{fmt}`", hint="one of: " + ", ".join(allowed))


@app.command()
def init(
    site: str = typer.Option(..., "--site", help="The site's name."),
    source: str = typer.Option("en", "--source", help="Language of the UI labels."),
    languages: str = typer.Option(..., "--languages", help="Comma-separated language codes."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing workflow.yaml."),
) -> None:
    """Create workflow.yaml and the project folders here. Example: locflow init --site "My News" --source en --languages et,lv"""
    from .init import init_project

    with _errors():
        langs = [code.strip() for code in languages.split(",") if code.strip()]
        path = init_project(Path.cwd(), site, source, langs, force=force)
        typer.echo(f"created {path.name} and the folders site/templates, site/articles, locales, glossaries")


@app.command()
def pull(
    purge_obsolete: bool = typer.Option(False, "--purge-obsolete", help="Drop obsolete (#~) entries."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
) -> None:
    """Extract labels and articles into POT templates and merge them into every catalog. Example: locflow pull"""
    from .pull import pull as do_pull

    with _errors():
        result = do_pull(_project(), purge_obsolete=purge_obsolete, dry_run=dry_run, waiting=_waiting)
        _print_pull(result, dry_run)


def _print_pull(result, dry_run: bool) -> None:
    if result.up_to_date:
        typer.echo(f"up to date ({result.templates} templates, {result.catalogs} catalogs)")
        return
    verb = "would update" if dry_run else "updated"
    for path in result.written:
        typer.echo(f"{verb} {path}")
    typer.echo(f"{verb} {len(result.written)} of {result.templates + result.catalogs} files")


@app.command()
def status(
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs (name, group or glob)."),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
) -> None:
    """Entries per review state, per language and catalog. Example: locflow status --catalog articles/<slug>"""
    from .status import rollup, status as do_status

    with _errors():
        _check_format(fmt)
        rows = do_status(_project(), _split(lang), _split(catalog))
        if fmt == "json":
            from .render import status_json

            typer.echo(status_json(rows))
            return
        _status_table(rows if catalog else rollup(rows))


def _status_table(rows) -> None:
    from .render import status_table

    status_table(rows, _console())


@app.command()
def translate(
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs (name, group or glob)."),
    provider: Optional[str] = typer.Option(None, "--provider", "-p", help="Use only this provider."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Send nothing: count segments, characters and cost."),
    retranslate_machine: bool = typer.Option(False, "--retranslate-machine",
                                             help="Also replace entries still in machine state."),
) -> None:
    """Machine-translate untranslated entries; they are saved as `machine` and wait for review. Example: locflow translate --lang et --provider google"""
    with _errors():
        result = _run_translate(_project(), _split(lang), _split(catalog), provider, dry_run, retranslate_machine)
        raise typer.Exit(result.exit_code)


def _run_translate(project, languages, catalogs, provider, dry_run, retranslate_machine):
    from .mt.engine import TranslateOptions, translate as do_translate

    console = _console(stderr=True)
    progress_bar = None
    task = None
    state_box: dict = {}

    def progress(done: int, total: int, chars: int) -> None:
        nonlocal progress_bar, task
        if console.is_terminal:
            if progress_bar is None:
                from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                           TimeRemainingColumn)

                progress_bar = Progress(TextColumn("translating"), BarColumn(), MofNCompleteColumn(),
                                        TextColumn("{task.fields[chars]} chars"), TimeRemainingColumn(),
                                        console=console, transient=True)
                progress_bar.start()
                task = progress_bar.add_task("mt", total=total, chars=0)
            progress_bar.update(task, completed=done, chars=chars)
        elif done == total or done - state_box.get("last", 0) >= max(1, total // 10):
            state_box["last"] = done
            console.print(f"translated {done}/{total} segments, {chars} characters")

    options = TranslateOptions(languages=languages, catalogs=catalogs, provider=provider, dry_run=dry_run,
                               retranslate_machine=retranslate_machine, progress=progress, waiting=_waiting)
    try:
        result = do_translate(project, options)
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    _print_translate(result)
    return result


def _print_translate(result) -> None:
    from rich.markup import escape

    out = _console()
    if result.dry_run:
        if not result.estimates and not result.memory_hits:
            out.print("nothing to translate")
            return
        for e in result.estimates:
            cost = f", about {e.cost:.2f} in provider fees" if e.cost else ""
            out.print(f"{e.language}: {e.segments} segments, {e.characters} characters via {e.provider}{cost}")
        out.print(f"memory: {result.memory_hits} exact matches, no request needed")
        return
    if not (result.translated or result.memory_hits or result.broken or result.failed):
        out.print("nothing to translate")
        return
    out.print(f"{result.translated} entries machine-translated, {result.memory_hits} from memory, "
              f"{result.broken} kept fuzzy (a token, number or glossary term did not survive), {result.failed} failed; "
              f"{result.requests} requests, {result.characters} characters in {result.elapsed:.1f}s")
    for report in result.providers:
        if report.failures:
            off = " (switched off)" if report.switched_off else ""
            out.print(f"[red]{escape(report.name)}[/]: {report.failures} failed requests{off}: "
                      + escape("; ".join(report.errors)))
    if result.failed:
        out.print(f"[yellow]{result.failed} entries left untranslated: rerun `locflow translate` to resume[/]")


@app.command()
def check(
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs (name, group or glob)."),
    only: Optional[List[str]] = typer.Option(None, "--only", help="Run only these checks."),
    skip: Optional[List[str]] = typer.Option(None, "--skip", help="Do not run these checks."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json, junit or github."),
    list_checks: bool = typer.Option(False, "--list", help="List every check with its severity and exit."),
) -> None:
    """Find missing and broken translations; exit 1 on any error. Example: locflow check --format github"""
    from .checks import run_checks
    from .checks.reporters import FORMATS

    with _errors():
        _check_format(fmt, FORMATS)
        project = _project()
        if list_checks:
            _list_checks(project)
            return
        result = run_checks(project, _split(lang), _split(catalog), _split(only), _split(skip))
        from .render import check_output

        check_output(result, fmt, _console(), show_info=bool(only))
        raise typer.Exit(result.exit_code)


def _list_checks(project) -> None:
    from rich.table import Table

    from .checks.runner import all_checks, severities

    configured = severities(project)
    table = Table(show_edge=False, header_style="bold")
    for column in ("check", "severity", "description"):
        table.add_column(column)
    for cid, default, description in all_checks():
        sev = configured.get(cid, default)
        table.add_row(cid, sev if sev == default else f"{sev} (default {default})", description)
    _console().print(table)


@app.command()
def sync(
    purge_obsolete: bool = typer.Option(False, "--purge-obsolete", help="Drop obsolete (#~) entries."),
) -> None:
    """Pull, translate what is missing, check, then print the status summary. Example: locflow sync"""
    from .checks import run_checks
    from .checks.reporters import print_text
    from .pull import pull as do_pull
    from .status import rollup, status as do_status

    with _errors():
        project = _project()
        _print_pull(do_pull(project, purge_obsolete=purge_obsolete, waiting=_waiting), dry_run=False)
        result = _run_translate(project, None, None, None, False, False)
        checked = run_checks(project)
        # Warnings are for `locflow check`; sync reports errors only, to stay readable.
        from .checks.runner import CheckResult

        print_text(CheckResult(tuple(f for f in checked.findings if f.severity == "error")), _console())
        _status_table(rollup(do_status(project)))
        raise typer.Exit(result.exit_code or checked.exit_code)


@app.command()
def publish(
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default: build/ in the project)."),
) -> None:
    """Publish what passed the gates: MO and JSON bundles, articles, the static site, a manifest. Example: locflow publish --out build"""
    from .publish import publish as do_publish

    with _errors():
        project = _project()
        target = out if out is not None else project.root / "build"
        result = do_publish(project, _split(lang), target)
        console = _console()
        for lang_code, info in result.manifest["languages"].items():
            arts = info["articles"]
            console.print(f"{lang_code}: UI {info['ui']['published']} strings "
                          f"({info['ui']['fallback_to_source']} fall back to source), "
                          f"{len(arts['published'])} articles published, {len(arts['held_back'])} held back")
        if result.written or result.removed:
            console.print(f"wrote {len(result.written)} files, removed {len(result.removed)} in {project.display(target)}")
        else:
            console.print(f"up to date: nothing to write in {project.display(target)}")


@app.command()
def report(
    out: Optional[Path] = typer.Option(None, "--out", help="Write the page here (default: report.html in the project)."),
    fmt: str = typer.Option("html", "--format", "-f", help="html or json."),
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages."),
) -> None:
    """An editors' report: coverage, blocked articles, findings, glossary violations. Example: locflow report --out report.html"""
    from .catalog import write_if_changed
    from .report import build_report, render_html

    with _errors():
        _check_format(fmt, ("html", "json"))
        project = _project()
        result = build_report(project, _split(lang))
        if fmt == "json":
            text = json.dumps(result.data, ensure_ascii=False, indent=2) + "\n"
            if out is None:
                typer.echo(text, nl=False)
                return
        else:
            text = render_html(result)
        target = out if out is not None else project.root / "report.html"
        write_if_changed(target, text.encode("utf-8"))
        typer.echo(f"wrote {target}")


@app.command("export")
def export_command(
    out: Path = typer.Argument(..., help="The XLIFF file to write."),
    lang: str = typer.Option(..., "--lang", "-l", help="Target language."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs."),
    fmt: str = typer.Option("xliff", "--format", "-f", help="Exchange format: xliff."),
    version: str = typer.Option("1.2", "--xliff-version", help="1.2 or 2.0."),
) -> None:
    """Export catalogs for a CAT tool (Trados, memoQ, OmegaT). Example: locflow export --format xliff --lang et et.xlf"""
    from .xliff import export_xliff

    with _errors():
        _check_format(fmt, ("xliff",))
        project = _project()
        project.check_languages([lang])
        result = export_xliff(project, lang, out, catalogs=_split(catalog), version=version)
        typer.echo(f"wrote {result.units} units from {result.catalogs} catalogs to {result.path} (XLIFF {result.version})")


@app.command("import")
def import_command(
    path: Path = typer.Argument(..., help="An XLIFF 1.2 or 2.0 file exported by locflow."),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Name for approvals (default: git user.name)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what would change; write nothing."),
) -> None:
    """Bring a CAT tool's work back into the catalogs and report what changed. Example: locflow import et.xlf"""
    from rich.markup import escape

    from .review import check_reviewer, default_reviewer
    from .xliff import import_xliff

    with _errors():
        project = _project()
        if reviewer:
            name = check_reviewer(reviewer)
        else:
            try:
                name = default_reviewer()
            except LocflowError:
                name = ""  # only needed when the file approves something; the import says so then
        result = import_xliff(project, path, reviewer=name, dry_run=dry_run, waiting=_waiting)
        out = _console()
        for c in result.changes:
            what = "text and state" if c.translation_changed and c.old_state != c.new_state else (
                "text" if c.translation_changed else "state")
            out.print(f"{escape(c.catalog)}: {escape(c.msgid[:60])}  {c.old_state} → {c.new_state} ({what})")
        verb = "would change" if dry_run else "changed"
        out.print(f"XLIFF {result.version}, {result.language}: {verb} {len(result.changes)} entries, "
                  f"{result.unchanged} unchanged" + ("" if dry_run else f", {len(result.written)} catalogs written"))


review_app = typer.Typer(help="Review machine translations: list, approve, reject, reopen, log; or walk them one by one.\n\n"
                              "Example: locflow review --lang et", invoke_without_command=True)
app.add_typer(review_app, name="review")


def _waiting(message: str) -> None:
    _console(stderr=True).print(f"[yellow]{message}[/]")


def _reviewer(name: Optional[str]) -> str:
    from .review import check_reviewer, default_reviewer

    return check_reviewer(name) if name else default_reviewer()


@review_app.callback()
def review_main(
    ctx: typer.Context,
    lang: Optional[str] = typer.Option(None, "--lang", "-l", help="Language to review."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs."),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Your name (default: git user.name)."),
) -> None:
    """Walk the entries that need review, one at a time. Example: locflow review --lang et"""
    if ctx.invoked_subcommand is not None:
        return
    from .review_tui import run_interactive

    with _errors():
        if not lang:
            raise LocflowError("interactive review needs --lang", hint="e.g. locflow review --lang et")
        project = _project()
        project.check_languages([lang])
        run_interactive(project, lang, _split(catalog), _reviewer(reviewer), _console())


def _print_entries(rows, fmt: str) -> None:
    from rich.markup import escape

    if fmt == "json":
        typer.echo(json.dumps({"entries": [r.to_json() for r in rows]}, ensure_ascii=False, indent=2))
        return
    out = _console()
    for r in rows:
        text = " | ".join(r.translation)
        out.print(f"{escape(r.path)}:{r.line}  [bold]{r.state:<12}[/] {escape(r.msgid[:60])!s}  [dim]→[/] "
                  f"{escape(text[:60])}")
    out.print(f"{len(rows)} entries")


@review_app.command("list")
def review_list(
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs."),
    state_: Optional[List[str]] = typer.Option(None, "--state", help="Only entries in these states."),
    match: Optional[str] = typer.Option(None, "--match", help="Only entries whose text contains this."),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
) -> None:
    """List entries with catalog, line, state, source and translation. Example: locflow review list --lang et --state machine"""
    from .review import list_entries

    with _errors():
        _check_format(fmt)
        rows = list_entries(_project(), _split(lang), _split(catalog), _split(state_), match)
        _print_entries(rows, fmt)


def _print_action(result) -> None:
    from rich.markup import escape

    out = _console()
    verb = {"approve": "approved", "reject": "rejected", "reopen": "reopened"}[result.action]
    for r in result.changed:
        out.print(f"{verb} {escape(r.path)}:{r.line} {escape(r.msgid[:60])}")
    for refusal in result.refused:
        r = refusal.entry
        out.print(f"[red]refused[/] {escape(r.path)}:{r.line} {escape(r.msgid[:60])}: "
                  + escape("; ".join(refusal.reasons)))
    out.print(f"{len(result.changed)} {verb}" + (f", {len(result.refused)} refused" if result.refused else ""))


@review_app.command("approve")
def review_approve(
    lang: str = typer.Option(..., "--lang", "-l", help="Language."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs."),
    match: Optional[str] = typer.Option(None, "--match", help="Only entries whose text contains this."),
    state_: Optional[List[str]] = typer.Option(None, "--state", help="Only entries in these states."),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Your name (default: git user.name)."),
) -> None:
    """Approve the selected entries (refused, with reasons, when a check finds an error). Example: locflow review approve --lang et --catalog ui"""
    from .review import approve

    with _errors():
        project = _project()
        project.check_languages([lang])
        result = approve(project, lang, catalogs=_split(catalog), match=match, states=_split(state_),
                         reviewer=_reviewer(reviewer), waiting=_waiting)
        _print_action(result)
        raise typer.Exit(result.exit_code)


@review_app.command("reject")
def review_reject(
    lang: str = typer.Option(..., "--lang", "-l", help="Language."),
    reason: str = typer.Option(..., "--reason", help="Why: stored as a translator comment."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs."),
    match: Optional[str] = typer.Option(None, "--match", help="Only entries whose text contains this."),
    state_: Optional[List[str]] = typer.Option(None, "--state", help="Only entries in these states."),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Your name (default: git user.name)."),
) -> None:
    """Send translations back as fuzzy, with a reason. Example: locflow review reject --lang ru --match Киев --reason "Style book: Kyiv" """
    from .review import reject

    with _errors():
        project = _project()
        project.check_languages([lang])
        result = reject(project, lang, reason=reason, catalogs=_split(catalog), match=match,
                        states=_split(state_), reviewer=_reviewer(reviewer), waiting=_waiting)
        _print_action(result)


@review_app.command("reopen")
def review_reopen(
    lang: str = typer.Option(..., "--lang", "-l", help="Language."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs."),
    match: Optional[str] = typer.Option(None, "--match", help="Only entries whose text contains this."),
    state_: Optional[List[str]] = typer.Option(None, "--state", help="Only entries in these states."),
) -> None:
    """Withdraw approvals (approved entries become reviewed). Example: locflow review reopen --lang et --catalog articles/kyiv-disinformation-response"""
    from .review import reopen

    with _errors():
        project = _project()
        project.check_languages([lang])
        _print_action(reopen(project, lang, catalogs=_split(catalog), match=match, states=_split(state_),
                             waiting=_waiting))


@review_app.command("log")
def review_log_command(
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs."),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
) -> None:
    """Who approved or rejected what and when, newest first. Example: locflow review log --lang et"""
    from rich.markup import escape

    from .review import review_log

    with _errors():
        _check_format(fmt)
        rows = review_log(_project(), _split(lang), _split(catalog))
        if fmt == "json":
            typer.echo(json.dumps({"log": [r.to_json() for r in rows]}, ensure_ascii=False, indent=2))
            return
        out = _console()
        for r in rows:
            out.print(f"{r.date}  {escape(r.reviewer):<16} {r.action:<8} {r.language} {escape(r.catalog)}  "
                      f"{escape(r.msgid[:50])}  [dim]{escape(r.detail)}[/]")
        out.print(f"{len(rows)} decisions")


glossary_app = typer.Typer(help="The termbase: list, add, check, import and export terms (CSV or TBX).\n\n"
                                "Example: locflow glossary export glossary.tbx", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")


def _pairs(values: Optional[List[str]], what: str) -> dict[str, tuple[str, ...]]:
    result: dict[str, tuple[str, ...]] = {}
    for value in values or []:
        if "=" not in value:
            raise LocflowError(f"{what} must be LANG=FORM[; FORM...], got `{value}`")
        lang, forms = value.split("=", 1)
        result[lang.strip()] = tuple(f.strip() for f in forms.split(";") if f.strip())
    return result


@glossary_app.command("list")
def glossary_list(
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages' columns."),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
) -> None:
    """Show every concept with its forms per language. Example: locflow glossary list --lang uk"""
    from rich.table import Table

    with _errors():
        _check_format(fmt)
        project = _project()
        langs = _split(lang) or list(project.config.languages)
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
        _console().print(table)


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
    from .glossary import KINDS, Concept, Glossary, merge_concepts, save_glossary

    with _errors():
        project = _project()
        if kind not in KINDS:
            raise LocflowError(f"unknown kind `{kind}`", hint="term or dnt")
        terms, banned = _pairs(term, "--term"), _pairs(forbidden, "--forbidden")
        project.check_languages(list(terms) + list(banned))
        if not terms:
            raise LocflowError("give at least one --term LANG=FORM")
        base = project.glossary()
        glossary, added, _ = merge_concepts(Glossary(project.config.languages, base.concepts, base.path),
                                            [Concept(concept_id, kind, case_sensitive, note, terms, banned)])
        save_glossary(project, glossary)
        typer.echo(("added" if added else "updated") + f" `{concept_id}` in {project.config.glossary}")


@glossary_app.command("import")
def glossary_import(path: Path = typer.Argument(..., help="A .csv or .tbx file.")) -> None:
    """Merge concepts from a CSV or TBX file into the termbase. Example: locflow glossary import agency.tbx"""
    from .glossary import Glossary, merge_concepts, read_any, save_glossary

    with _errors():
        project = _project()
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
    from .catalog import atomic_write
    from .glossary import export_text

    with _errors():
        project = _project()
        text = export_text(project, project.glossary(), path.suffix)
        atomic_write(path, text.encode("utf-8"))
        typer.echo(f"wrote {len(project.glossary().concepts)} concepts to {path}")


@glossary_app.command("check")
def glossary_check(
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages."),
    catalog: Optional[List[str]] = typer.Option(None, "--catalog", help="Only these catalogs."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json, junit or github."),
) -> None:
    """Run only the glossary checks over the catalogs. Example: locflow glossary check --lang ru"""
    from .checks import run_checks
    from .checks.reporters import FORMATS, print_text, render_github, render_json, render_junit

    with _errors():
        _check_format(fmt, FORMATS)
        project = _project()
        project.glossary()  # a broken termbase is reported before anything else
        result = run_checks(project, _split(lang), _split(catalog),
                            ["glossary-dnt", "glossary-mandated", "glossary-forbidden"], None)
        from .render import check_output

        check_output(result, fmt, _console(), show_info=True)
        raise typer.Exit(result.exit_code)


def run() -> None:  # pragma: no cover - console entry for `python -m locflow`
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
