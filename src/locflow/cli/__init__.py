"""The `locflow` command line: parse options, call the core, render. No logic lives here."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .. import __version__
from ..errors import EXIT_INTERRUPTED, EXIT_USAGE, LocflowError
from .common import app, state

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
from . import catalogs, exchange, plurals, review, terms, tm  # noqa: E402,F401
