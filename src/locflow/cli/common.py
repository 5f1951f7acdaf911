"""What every command shares: the typer app, the global options' state, the error handler, the
project loader and the options that mean the same in every command."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, List, Optional

import typer

from ..errors import EXIT_INTERRUPTED, EXIT_USAGE, LocflowError

app = typer.Typer(
    help="Localization workflow: pull strings into gettext catalogs, translate, review, check, publish.\n\n"
         "Example: locflow sync",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    config: Optional[Path] = None
    debug: bool = False


state = State()


def make_console(stderr: bool = False):
    from ..render import console

    return console(stderr)


@contextmanager
def handle_errors() -> Iterator[None]:
    """One coloured line for user errors; exit codes as the README lists them."""
    try:
        yield
    except LocflowError as exc:
        from ..render import print_error

        print_error(exc)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        from ..render import INTERRUPTED

        make_console(stderr=True).print(INTERRUPTED)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except Exception as exc:  # a bug in locflow: one line, the traceback only under --debug
        if state.debug:
            raise
        from ..render import internal_error

        internal_error(exc)
        raise typer.Exit(EXIT_USAGE) from None


def load_project():
    """The project, its whole workflow.yaml validated before any command writes or sends anything
    (see validate.py)."""
    from ..validate import load_project as load

    return load(state.config)


def split_values(values: Optional[List[str]]) -> Optional[List[str]]:
    """Accept both `--lang et --lang lv` and `--lang et,lv`."""
    if not values:
        return None
    found = [v.strip() for item in values for v in item.split(",") if v.strip()]
    if not found:
        raise LocflowError("an option was given an empty value", hint="e.g. --lang et,lv")
    return found


def show_waiting(message: str) -> None:
    from ..render import show_waiting as show

    show(message)


FORMAT_HELP = "Output format: text or json."

# Options that mean the same in every command, declared once.
Languages = Annotated[Optional[List[str]], typer.Option("--lang", "-l", help="Only these languages.")]
def one_language(values: List[str]) -> List[str]:
    """A command that works on one language refuses a second `--lang` (click would keep the last one
    quietly, and `review approve --lang et --lang lv` would approve lv only); it reads `lang[0]`."""
    if len(values) > 1:
        raise typer.BadParameter(f"give one language (got {', '.join(values)}): run the command once per language")
    return values


Language = Annotated[List[str], typer.Option("--lang", "-l", help="Language.", metavar="<str>",
                                             callback=one_language)]
Catalogs = Annotated[Optional[List[str]],
                     typer.Option("--catalog", help="Only these catalogs (name, group or glob).")]
TextOrJson = Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)]
CheckFormat = Annotated[str, typer.Option("--format", "-f", help="text, json, junit or github.")]
Reviewer = Annotated[Optional[str], typer.Option("--reviewer", help="Your name (default: git user.name).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")]
ShardOption = Annotated[Optional[str], typer.Option(
    "--shard", help="Only shard K of N (e.g. 2/4): a stable split of the catalogs for parallel CI jobs.")]


def one_line(msgctxt: Optional[str], text: str, width: int = 60) -> str:
    """One line per entry, whatever the text holds: line breaks and tabs shown as \\n and \\t, the
    context in brackets (two entries may differ only by it)."""
    shown = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    shown = shown if len(shown) <= width else shown[:width - 1] + "…"
    return (f"[{msgctxt}] " if msgctxt else "") + shown


def check_format(fmt: str, allowed: tuple[str, ...] = ("text", "json")) -> None:
    if fmt not in allowed:
        raise LocflowError(f"unknown format `{fmt}`", hint="one of: " + ", ".join(allowed))
