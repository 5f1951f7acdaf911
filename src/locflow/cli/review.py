"""`locflow review`: list, approve, reject, reopen, log, and the interactive review."""
from __future__ import annotations

import json
from typing import Annotated, List, Optional

import typer

from ..errors import LocflowError
from .common import (Catalogs, Language, Languages, Reviewer, TextOrJson, app, check_format, handle_errors,
                     load_project, make_console, one_line, show_waiting, split_values)

Match = Annotated[Optional[List[str]],
                  typer.Option("--match", help="Only entries whose text contains this (several: any of them).")]
States = Annotated[Optional[List[str]], typer.Option("--state", help="Only entries in these states.")]
Ids = Annotated[Optional[List[str]], typer.Option("--id", help="Only this entry (its id as `review list` shows it).")]
Exact = Annotated[bool, typer.Option("--exact", help="--match compares whole texts (source, context or translation).")]
Everything = Annotated[bool, typer.Option("--all", help="Act on every entry of the language (no selector needed).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="List what would change; write nothing.")]


review_app = typer.Typer(help="Review machine translations: list, approve, reject, reopen, log; or walk them one by one.\n\n"
                              "Example: locflow review --lang et", invoke_without_command=True)
app.add_typer(review_app, name="review")


def _reviewer(name: Optional[str]) -> str:
    from ..review import check_reviewer, default_reviewer

    return check_reviewer(name) if name else default_reviewer()


@review_app.callback()
def review_main(
    ctx: typer.Context,
    lang: Optional[str] = typer.Option(None, "--lang", "-l", help="Language to review."),
    catalog: Catalogs = None,
    reviewer: Reviewer = None,
) -> None:
    """Walk the entries that need review, one at a time. Example: locflow review --lang et"""
    if ctx.invoked_subcommand is not None:
        return
    from ..review_tui import run_interactive

    with handle_errors():
        if not lang:
            raise LocflowError("interactive review needs --lang", hint="e.g. locflow review --lang et")
        project = load_project()
        project.check_languages([lang])
        run_interactive(project, lang, split_values(catalog), _reviewer(reviewer), make_console())


def _print_entries(rows, fmt: str, project=None) -> None:
    from rich.markup import escape

    if fmt == "json":
        from ..tm.suggest import Suggester

        suggest = Suggester(project).for_row if project is not None else None
        listed = [{**r.to_json(), **(suggest(r).to_json() if suggest else {})} for r in rows]
        typer.echo(json.dumps({"entries": listed}, ensure_ascii=False, indent=2))
        return
    out = make_console()
    for r in rows:
        text = " | ".join(r.translation)
        out.print(f"{escape(r.path)}:{r.line}  [dim]{r.id}[/]  [bold]{r.state:<12}[/] "
                  f"{escape(one_line(r.msgctxt, r.msgid))}  [dim]→[/] {escape(one_line(None, text))}")
    out.print(f"{len(rows)} entries")


@review_app.command("list")
def review_list(
    lang: Languages = None,
    catalog: Catalogs = None,
    state_: States = None,
    match: Match = None,
    ids: Ids = None,
    exact: Exact = False,
    fmt: TextOrJson = "text",
) -> None:
    """List entries with catalog, line, id, state, source and translation. Example: locflow review list --lang et --state machine"""
    from ..review import list_entries

    with handle_errors():
        check_format(fmt)
        project = load_project()
        rows = list_entries(project, split_values(lang), split_values(catalog), split_values(state_), match,
                            ids=split_values(ids),
                            exact=exact)
        _print_entries(rows, fmt, project)


def _print_action(result) -> None:
    from rich.markup import escape

    out = make_console()
    verb = {"approve": "approved", "reject": "rejected", "reopen": "reopened"}[result.action]
    if not result.matched:
        out.print("[yellow]no entry matches the selectors[/]: nothing was changed")
        return
    if result.dry_run:
        verb = f"would be {verb}"
    for r in result.changed:
        out.print(f"{verb} {escape(r.path)}:{r.line} {escape(one_line(r.msgctxt, r.msgid))}")
    for h in result.held:
        r = h.entry
        out.print(f"[yellow]held as fuzzy[/] (edited outside locflow) {escape(r.path)}:{r.line} "
                  f"{escape(one_line(r.msgctxt, r.msgid))}: " + escape("; ".join(h.reasons)))
    for refusal in result.refused:
        r = refusal.entry
        out.print(f"[red]refused[/] {escape(r.path)}:{r.line} {escape(one_line(r.msgctxt, r.msgid))}: "
                  + escape("; ".join(refusal.reasons)))
    out.print(f"{len(result.changed)} {verb}" + (f", {len(result.refused)} refused" if result.refused else "")
              + (" (dry run: nothing written)" if result.dry_run else ""))


# The selection every review action takes (README, "Review"), as typer reads it: name -> (type, default).
_SELECTION = {"catalog": (Catalogs, None), "match": (Match, None), "state_": (States, None), "ids": (Ids, None),
              "exact": (Exact, False), "everything": (Everything, False), "dry_run": (DryRun, False),
              "reviewer": (Reviewer, None)}
_REASON = typer.Option(..., "--reason", help="Why: stored as a translator comment.")


def _review_command(name: str, action: str, doc: str, *, reason: bool = False) -> None:
    """Register `locflow review <name>` over `review.<action>` with the shared selection options."""
    import inspect

    def command(lang: List[str], reason: Optional[str] = None, **selection) -> None:
        from .. import review

        extra = {"reason": reason} if reason is not None else {}
        _act(getattr(review, action), lang[0], **selection, **extra)

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [inspect.Parameter("lang", kind, annotation=Language)]
    if reason:
        params.append(inspect.Parameter("reason", kind, default=_REASON, annotation=str))
    params += [inspect.Parameter(key, kind, default=default, annotation=hint)
               for key, (hint, default) in _SELECTION.items()]
    command.__signature__ = inspect.Signature(params)  # typer reads the options from this signature
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = doc
    command.__name__ = f"review_{name}"
    review_app.command(name)(command)


_review_command("approve", "approve", "Approve the selected entries (refused, with reasons, when a check finds an "
                "error). Example: locflow review approve --lang et --catalog ui --dry-run")
_review_command("reject", "reject", "Send translations back as fuzzy, with a reason. Example: locflow review reject "
                "--lang ru --match Киев --reason \"Style book: Kyiv\"", reason=True)
_review_command("reopen", "reopen", "Withdraw approvals (approved entries become reviewed). Example: locflow review "
                "reopen --lang et --catalog articles/kyiv-disinformation-response")


def _act(action, lang: str, *, catalog, match, state_, ids, exact: bool, everything: bool, dry_run: bool,
         reviewer: Optional[str], **extra) -> None:
    """One review action on the selected entries (the `_SELECTION` options): print what changed (or
    would), exit 1 when some were refused or nothing matched. `reviewer` is the --reviewer value
    (None: git's user.name)."""
    with handle_errors():
        project = load_project()
        project.check_languages([lang])
        extra["reviewer"] = _reviewer(reviewer)
        result = action(project, lang, catalogs=split_values(catalog), match=match, states=split_values(state_),
                        ids=split_values(ids), exact=exact, all=everything, dry_run=dry_run, waiting=show_waiting, **extra)
        _print_action(result)
        raise typer.Exit(result.exit_code)


@review_app.command("log")
def review_log_command(
    lang: Languages = None,
    catalog: Catalogs = None,
    fmt: TextOrJson = "text",
) -> None:
    """Who approved or rejected what and when, newest first. Example: locflow review log --lang et"""
    from rich.markup import escape

    from ..review import review_log

    with handle_errors():
        check_format(fmt)
        rows = review_log(load_project(), split_values(lang), split_values(catalog))
        if fmt == "json":
            typer.echo(json.dumps({"log": [r.to_json() for r in rows]}, ensure_ascii=False, indent=2))
            return
        out = make_console()
        for r in rows:
            out.print(f"{r.date}  {escape(r.reviewer):<16} {r.action:<8} {r.language} {escape(r.catalog)}  "
                      f"{escape(one_line(None, r.msgid, 50))}  [dim]{escape(r.detail)}[/]")
        out.print(f"{len(rows)} decisions")




@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8765, "--port", help="Port to listen on."),
    lang: Optional[str] = typer.Option(None, "--lang", "-l", help="Open on this language."),
    reviewer: Reviewer = None,
    open_browser: bool = typer.Option(False, "--open", help="Open the page in a browser."),
) -> None:
    """A local review page in the browser, with a per-run access token. Example: locflow serve --lang et"""
    from ..serve import serve_command

    with handle_errors():
        serve_command(load_project(), host, port, lang, open_browser, reviewer=reviewer)
