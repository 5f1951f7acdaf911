"""The `locflow` command line: parse options, call the core, render. No logic lives here."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, List, Optional

import typer

from .. import __version__
from ..errors import EXIT_INTERRUPTED, EXIT_USAGE, LocflowError

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
    from ..render import console

    return console(stderr)


@contextmanager
def _errors() -> Iterator[None]:
    """One coloured line for user errors; exit codes as the README lists them."""
    try:
        yield
    except LocflowError as exc:
        from ..render import print_error

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
    from ..project import Project

    return Project.load(state.config)


def _split(values: Optional[List[str]]) -> Optional[List[str]]:
    """Accept both `--lang et --lang lv` and `--lang et,lv`."""
    if not values:
        return None
    found = [v.strip() for item in values for v in item.split(",") if v.strip()]
    if not found:
        raise LocflowError("an option was given an empty value", hint="e.g. --lang et,lv")
    return found


def _waiting(message: str) -> None:
    _console(stderr=True).print(f"[yellow]{message}[/]")


FORMAT_HELP = "Output format: text or json."

# Options that mean the same in every command, declared once.
Languages = Annotated[Optional[List[str]], typer.Option("--lang", "-l", help="Only these languages.")]
Language = Annotated[str, typer.Option("--lang", "-l", help="Language.")]
Catalogs = Annotated[Optional[List[str]],
                     typer.Option("--catalog", help="Only these catalogs (name, group or glob).")]
TextOrJson = Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)]
CheckFormat = Annotated[str, typer.Option("--format", "-f", help="text, json, junit or github.")]
Reviewer = Annotated[Optional[str], typer.Option("--reviewer", help="Your name (default: git user.name).")]
ShardOption = Annotated[Optional[str], typer.Option(
    "--shard", help="Only shard K of N (e.g. 2/4): a stable split of the catalogs for parallel CI jobs.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")]


def one_line(msgctxt: Optional[str], text: str, width: int = 60) -> str:
    """One line per entry, whatever the text holds: line breaks and tabs shown as \\n and \\t, the
    context in brackets (two entries may differ only by it)."""
    shown = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    shown = shown if len(shown) <= width else shown[:width - 1] + "…"
    return (f"[{msgctxt}] " if msgctxt else "") + shown


def _check_format(fmt: str, allowed: tuple[str, ...] = ("text", "json")) -> None:
    if fmt not in allowed:
        raise LocflowError(f"unknown format `{fmt}`", hint="one of: " + ", ".join(allowed))



def run() -> None:  # pragma: no cover - console entry for `python -m locflow`
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    except typer.Abort:
        sys.exit(EXIT_INTERRUPTED)
    except typer.TyperException as exc:  # click's usage errors, as typer re-exports them
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()
            sys.exit(exc.exit_code)
        # A missing or unknown option is a usage error like any other: one line, not a box.
        from ..render import print_error

        ctx = getattr(exc, "ctx", None)
        hint = f"see `{ctx.command_path} --help`" if ctx is not None else None
        print_error(LocflowError(exc.format_message(), hint=hint))
        sys.exit(EXIT_USAGE if hint else exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


# The commands register themselves on `app` when their modules are imported.
from . import catalogs, exchange, plurals, review, terms  # noqa: E402,F401
