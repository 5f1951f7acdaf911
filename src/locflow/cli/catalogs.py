"""Commands on the catalogs: init, pull, status, translate, check, sync, publish, report."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import EXIT_USAGE
from .common import (Catalogs, CheckFormat, DryRun, Languages, ShardOption, TextOrJson, app, check_format,
                     handle_errors, load_project, make_console, show_waiting, split_values)


@app.command()
def init(
    site: str = typer.Option(..., "--site", help="The site's name."),
    source: str = typer.Option("en", "--source", help="Language of the UI labels."),
    languages: str = typer.Option(..., "--languages", help="Comma-separated language codes."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing workflow.yaml."),
) -> None:
    """Create workflow.yaml and the project folders here. Example: locflow init --site "My News" --source en --languages et,lv"""
    from ..init import init_project

    with handle_errors():
        langs = [code.strip() for code in languages.split(",") if code.strip()]
        path = init_project(Path.cwd(), site, source, langs, force=force)
        typer.echo(f"created {path.name}, .gitignore entries and the folders site/templates, site/articles, "
                   "locales, glossaries")
        typer.echo("next: put the site's Jinja2 templates in site/templates and its Markdown articles in "
                   "site/articles, then run `locflow pull`")


@app.command()
def pull(
    purge_obsolete: bool = typer.Option(False, "--purge-obsolete", help="Drop obsolete (#~) entries."),
    dry_run: DryRun = False,
    check: bool = typer.Option(False, "--check",
                               help="Write nothing; list the strings a pull would add, change and remove, and "
                                    "exit 1 when it would change anything (CI, pre-commit)."),
) -> None:
    """Extract labels and articles into POT templates and merge them into every catalog. Example: locflow pull"""
    from ..pull import pull as do_pull

    with handle_errors():
        result = do_pull(load_project(), purge_obsolete=purge_obsolete, dry_run=dry_run or check, waiting=show_waiting)
        _print_pull(result, dry_run or check)
        if result.exit_code:
            raise typer.Exit(result.exit_code)
        if check and (result.written or result.orphaned):
            raise typer.Exit(1)


def _print_pull(result, dry_run: bool) -> None:
    from ..render import print_pull

    print_pull(result, dry_run, typer.echo)


@app.command()
def status(
    lang: Languages = None,
    catalog: Catalogs = None,
    fmt: TextOrJson = "text",
    shard: ShardOption = None,
) -> None:
    """Entries per review state, per language and catalog. Example: locflow status --catalog articles/<slug>"""
    from ..shards import parse_shard
    from ..status import rollup, status as do_status

    with handle_errors():
        check_format(fmt)
        broken: list = []
        split = parse_shard(shard)
        rows = do_status(load_project(), split_values(lang), split_values(catalog), split, missing=True,
                         errors=broken)
        if fmt == "json":
            from ..render import status_json

            typer.echo(status_json(rows, broken, split))
        else:
            _status_table(rows if catalog else rollup(rows))
        _report_broken(broken)


def _status_table(rows) -> None:
    from ..render import status_table

    status_table(rows, make_console())


@app.command()
def translate(
    lang: Languages = None,
    catalog: Catalogs = None,
    provider: Optional[str] = typer.Option(None, "--provider", "-p", help="Use only this provider."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Send nothing: count segments, characters and cost."),
    retranslate_machine: bool = typer.Option(False, "--retranslate-machine",
                                             help="Also replace entries still in machine state."),
    fmt: TextOrJson = "text",
    shard: ShardOption = None,
) -> None:
    """Machine-translate untranslated entries; they are saved as `machine` and wait for review. Example: locflow translate --lang et --provider google"""
    with handle_errors():
        from ..shards import parse_shard

        check_format(fmt)
        result = _run_translate(load_project(), split_values(lang), split_values(catalog), provider, dry_run, retranslate_machine,
                                fmt, parse_shard(shard))
        raise typer.Exit(result.exit_code)


def _run_translate(project, languages, catalogs, provider, dry_run, retranslate_machine, fmt="text", shard=None):
    from ..mt.engine import TranslateOptions, translate as do_translate

    console = make_console(stderr=True)
    progress_bar = None
    task = None
    state_box: dict = {}

    def progress(done: int, total: int, chars: int, failed: int = 0) -> None:
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
            console.print(f"{done}/{total} segments done: {done - failed} translated, {failed} failed; "
                          f"{chars} characters")

    options = TranslateOptions(languages=languages, catalogs=catalogs, provider=provider, dry_run=dry_run,
                               retranslate_machine=retranslate_machine, progress=progress, waiting=show_waiting,
                               shard=shard)
    try:
        result = do_translate(project, options)
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    if fmt == "json":
        from ..render import translate_json

        typer.echo(translate_json(result))
    else:
        _print_translate(result)
    return result


def _print_translate(result) -> None:
    from rich.markup import escape

    from ..render import print_error

    for exc in result.errors:  # skipped; every other catalog was translated
        print_error(exc)
    out = make_console()
    if result.dry_run:
        if not result.estimates and not result.memory_hits and not result.memory_bands and not result.left:
            out.print("nothing to translate")
            return
        for e in result.estimates:
            cost = f", about {e.cost:.2f} {e.currency} in provider fees" if e.cost >= 0.01 else \
                f", about {e.cost:.4f} {e.currency} in provider fees" if e.cost else ""
            tokens = f", about {e.tokens_in} prompt + {e.tokens_out} reply tokens" if e.tokens_in else ""
            out.print(f"{e.language}: {e.segments} segments, {e.characters} characters via {e.provider}{tokens}{cost}")
        out.print(f"memory: {result.memory_hits} exact matches, no request needed")
        if result.estimates:
            segments = sum(e.segments for e in result.estimates)
            cost = sum(e.cost for e in result.estimates)
            first = result.estimates[0]
            fee = (f"about {cost:.2f} {first.currency} in provider fees" if cost else
                   f"no fee configured for {first.provider} (price_per_million)")
            out.print(f"total: {segments} segments, {result.characters} characters via {first.provider}, {fee}")
        if result.left:
            out.print(f"{result.left} entries would be left untranslated: no machine translation provider in the "
                      "chain (translation.providers, or --provider)")
        _print_memory(result)
        return
    if not (result.translated or result.memory_hits or result.memory_fuzzy or result.broken or result.failed
            or result.left):
        out.print("nothing to translate")
        return
    out.print(f"{result.translated} entries machine-translated, {result.memory_hits} from memory, "
              f"{result.broken} kept fuzzy, {result.failed} failed; {result.segments} segments translated, "
              f"{result.segments_failed} failed; {result.requests} requests ({result.retries} retries, "
              f"{result.throttled} answered 429), {result.characters} characters in {result.elapsed:.1f}s")
    for problem in result.problems[:20]:
        out.print(f"[yellow]kept fuzzy[/]: {escape(problem)}")
    if len(result.problems) > 20:
        out.print(f"… and {len(result.problems) - 20} more kept fuzzy (`locflow review list --state fuzzy`)")
    from ..render import term_rate

    for report in result.providers:
        if report.terms:
            out.print(f"{escape(report.name)}: term success {report.terms_satisfied}/{report.terms} "
                      f"({term_rate(report.terms_satisfied, report.terms):.0%} of mandated glossary terms)")
        if report.sent_back:
            out.print(f"{escape(report.name)}: {report.sent_back} segments sent back once with their findings, "
                      f"{report.corrected} corrected")
        if report.failures:
            off = " (switched off)" if report.switched_off else ""
            out.print(f"[red]{escape(report.name)}[/]: {report.failures} failed requests{off}: "
                      + escape("; ".join(report.errors)))
    if result.failed:
        out.print(f"[yellow]{result.failed} entries left untranslated: rerun `locflow translate` to resume[/]")
    if result.left:
        out.print(f"{result.left} entries left untranslated: no machine translation provider in the chain "
                  "(translation.providers, or --provider)")
    _print_memory(result)


def _print_memory(result) -> None:
    """Memory hits by score band and the characters they kept from MT (fuzzy ones wait for review)."""
    if not result.memory_bands:
        return
    out = make_console()
    verb = "would fill" if result.dry_run else "filled"
    if result.memory_fuzzy:
        out.print(f"memory: {result.memory_fuzzy} fuzzy matches {verb} as `fuzzy` (# locflow: tm), not sent to MT")
    out.print("memory matches by score (100%: exact, filled as `machine memory`; below: fuzzy):")
    for band in result.memory_bands:
        out.print(f"  {band.band:>6}%: {band.entries} entries, {band.characters} characters")
    out.print(f"  saved: {sum(b.characters for b in result.memory_bands)} characters not sent")


@app.command()
def check(
    lang: Languages = None,
    catalog: Catalogs = None,
    only: Optional[List[str]] = typer.Option(None, "--only", help="Run only these checks."),
    skip: Optional[List[str]] = typer.Option(None, "--skip", help="Do not run these checks."),
    fmt: CheckFormat = "text",
    list_checks: bool = typer.Option(False, "--list", help="List every check with its severity and exit."),
    path_prefix: Optional[str] = typer.Option(None, "--path-prefix",
                                              help="Prefix for the catalog paths in the output (default: paths "
                                                   "relative to the current folder)."),
    shard: ShardOption = None,
) -> None:
    """Find missing and broken translations; exit 1 on any error. Example: locflow check --format github"""
    from ..checks.runner import run_checks
    from ..checks.reporters import FORMATS
    from ..shards import parse_shard

    with handle_errors():
        check_format(fmt, FORMATS)
        project = load_project()
        if list_checks:
            _list_checks(project, fmt)
            return
        from ..checks.runner import relocated

        result = relocated(run_checks(project, split_values(lang), split_values(catalog), split_values(only),
                                      split_values(skip), parse_shard(shard)), project, path_prefix)
        _print_check(result, fmt, show_info=bool(only))


def _print_check(result, fmt: str, show_info: bool) -> None:
    from ..render import check_output

    check_output(result, fmt, make_console(), show_info=show_info)
    if fmt == "github":
        _github_step_summary(result)
    raise typer.Exit(result.exit_code)


@app.command("merge-shards")
def merge_shards(
    files: List[Path] = typer.Argument(..., help="JSON outputs of `check --shard` (or `status --shard`) runs."),
    fmt: CheckFormat = "text",
    show_info: bool = typer.Option(False, "--info", help="List info findings too (text format)."),
) -> None:
    """Merge the JSON outputs of sharded runs into one result, as one run gives it. Example: locflow merge-shards check-*.json --format github"""
    from ..checks.reporters import FORMATS
    from ..shards import merge_outputs

    with handle_errors():
        check_format(fmt, FORMATS)
        merged = merge_outputs(load_project(), files)
        if merged.kind == "status":
            check_format(fmt)
            if fmt == "json":
                from ..render import status_json

                typer.echo(status_json(merged.status, merged.errors))
            else:
                from ..status import rollup

                _status_table(rollup(merged.status))
            _report_broken(list(merged.errors))  # as the one run: each at its line, exit 2
            return
        # The shards' paths are already as their runs printed them (relative to the folder they ran in).
        _print_check(merged.check, fmt, show_info)


def _github_step_summary(result) -> None:
    """Append the Markdown summary to the job's summary page when running in GitHub Actions."""
    import os

    from ..checks.reporters import render_github_summary

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(render_github_summary(result))
    except OSError as exc:
        make_console(stderr=True).print(f"[yellow]could not write the job summary {target}: {exc.strerror}[/]")


def _list_checks(project, fmt: str) -> None:
    from rich.table import Table

    from ..checks.suite import all_checks, severities

    configured = severities(project.config)
    if fmt == "json":
        rows = [{"check": cid, "severity": configured.get(cid, default), "default": default,
                 "description": description} for cid, default, description in all_checks()]
        typer.echo(json.dumps({"checks": rows}, ensure_ascii=False, indent=2))
        return
    table = Table(show_edge=False, header_style="bold")
    for column in ("check", "severity", "description"):
        table.add_column(column)
    for cid, default, description in all_checks():
        sev = configured.get(cid, default)
        table.add_row(cid, sev if sev == default else f"{sev} (default {default})", description)
    make_console().print(table)


@app.command()
def sync(
    purge_obsolete: bool = typer.Option(False, "--purge-obsolete", help="Drop obsolete (#~) entries."),
) -> None:
    """Pull, translate what is missing, check, then print the status summary. Example: locflow sync"""
    from ..checks.runner import run_checks
    from ..checks.reporters import print_text
    from ..pull import pull as do_pull
    from ..status import rollup, status as do_status

    with handle_errors():
        project = load_project()
        pulled = do_pull(project, purge_obsolete=purge_obsolete, waiting=show_waiting)
        _print_pull(pulled, dry_run=False)
        result = _run_translate(project, None, None, None, False, False)
        checked = run_checks(project)
        # Errors in full; warnings counted per check (listed by `locflow check`), to stay readable.
        print_text(checked, make_console(), show_warnings=False)
        broken: list = []
        _status_table(rollup(do_status(project, missing=True, errors=broken)))
        raise typer.Exit(pulled.exit_code or result.exit_code or checked.exit_code or (EXIT_USAGE if broken else 0))


@app.command()
def publish(
    lang: Languages = None,
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default: build/ in the project)."),
) -> None:
    """Publish what passed the gates: MO and JSON bundles, articles, the static site, a manifest. Example: locflow publish --out build"""
    from ..publish import publish as do_publish

    with handle_errors():
        project = load_project()
        target = out if out is not None else project.root / "build"
        result = do_publish(project, split_values(lang), target)
        console = make_console()
        from rich.markup import escape

        for problem in result.problems:
            make_console(stderr=True).print(f"[yellow]warning:[/] {escape(problem)}")
        for lang_code in result.languages:  # the others were not republished: their figures are not news
            parts = []
            for name, info in result.manifest["languages"][lang_code].items():
                if name in result.pages:
                    parts.append(f"{name}: {len(info['published'])} published, {len(info['held_back'])} held back")
                else:
                    parts.append(f"{name}: {info['published']} strings ({info['fallback_to_source']} fall back to "
                                 "source)")
            console.print(f"{lang_code}: " + "; ".join(parts))
        if result.written or result.removed:
            console.print(f"wrote {len(result.written)} files, removed {len(result.removed)} in {project.display(target)}")
        else:
            console.print(f"up to date: nothing to write in {project.display(target)}")


@app.command()
def report(
    out: Optional[Path] = typer.Option(None, "--out", help="Write the page here (default: report.html in the project)."),
    fmt: str = typer.Option("html", "--format", "-f", help="html or json."),
    lang: Languages = None,
) -> None:
    """An editors' report: coverage, blocked articles, findings, glossary violations. Example: locflow report --out report.html"""
    from ..catalog import write_if_changed
    from ..report import build_report, render_html

    with handle_errors():
        check_format(fmt, ("html", "json"))
        project = load_project()
        result = build_report(project, split_values(lang))
        if fmt == "json":
            text = json.dumps(result.data, ensure_ascii=False, indent=2) + "\n"
            if out is None:
                typer.echo(text, nl=False)
                return
        else:
            text = render_html(result)
        target = out if out is not None else project.root / "report.html"
        changed = write_if_changed(target, text.encode("utf-8"))
        typer.echo(f"wrote {target}" if changed else f"{target} is up to date")


def _report_broken(broken: list) -> None:
    """Catalogs left out of a listing because they do not parse: each at its line, then exit 2."""
    if not broken:
        return
    from ..render import print_error

    for exc in broken:
        print_error(exc)
    raise typer.Exit(EXIT_USAGE)
