"""The console entry point, with a fast path for `pull` and warm `status` and `check`.

CI and pre-commit run `locflow status`/`locflow check` on every commit, mostly on unchanged
trees, and an editor runs `locflow pull` after each edited article. Building typer's command
tree costs more than the work itself then, so those commands, with their everyday options, are
parsed here and answered through the same library calls and renderers; anything else (help,
other commands, unusual options, --debug) goes to typer.
Non-terminal output is also kept whole in the cache, keyed by the stat of every file it was
computed from (re-checked by content when a file changed within the racy window, as git does).
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import EXIT_INTERRUPTED, EXIT_USAGE, LocflowError

if TYPE_CHECKING:
    from typing import Iterable, Iterator

FORMATS = {"status": ("text", "json"), "check": ("text", "json", "junit", "github")}
OPTIONS = {"status": {"--lang", "-l", "--catalog", "--format", "-f", "--shard"},
           "check": {"--lang", "-l", "--catalog", "--format", "-f", "--only", "--skip", "--path-prefix", "--shard"}}


@dataclass
class Request:
    command: str
    config: str | None = None
    values: dict[str, list[str]] = field(default_factory=dict)

    def get(self, *names: str) -> list[str] | None:
        found = [v for name in names for item in self.values.get(name, []) for v in item.split(",") if v.strip()]
        return [v.strip() for v in found] or None

    @property
    def format(self) -> str:
        return (self.get("--format", "-f") or ["text"])[-1]


def parse(argv: list[str]) -> Request | None:
    """The request, or None when typer should handle the command line."""
    args = list(argv)
    config = None
    while args and args[0].startswith("-"):
        head = args.pop(0)
        if head in ("--config", "-c") and args:
            config = args.pop(0)
        elif head.startswith("--config="):
            config = head.split("=", 1)[1]
        else:
            return None  # --help, --version, --debug: typer's job
    if not args or args[0] not in OPTIONS:
        return None
    request = Request(args.pop(0), config)
    while args:
        head = args.pop(0)
        name, eq, value = head.partition("=")
        if name not in OPTIONS[request.command]:
            return None
        if not eq:
            if not args:
                return None
            value = args.pop(0)
        request.values.setdefault(name, []).append(value)
    if request.format not in FORMATS[request.command] or len(request.values.get("--format", []) +
                                                             request.values.get("-f", [])) > 1:
        return None
    if any(not request.get(name) for name in request.values):
        return None  # `--lang ,,`: typer's path says what is wrong
    if request.format == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        return None  # the job summary is written besides the output: typer's path does both
    return request


def main(argv: list[str] | None = None) -> int:
    """`locflow` on the command line."""
    argv = sys.argv[1:] if argv is None else argv
    pulled = fast_pull(argv)
    if pulled is not None:
        return pulled
    request = parse(argv)
    if request is None:
        from .cli import run

        run()
        return 0
    try:
        return answer(request)
    except LocflowError as exc:
        from .render import print_error

        print_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        from .render import INTERRUPTED, console

        console(stderr=True).print(INTERRUPTED)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        from .errors import stop_on_closed_pipe

        stop_on_closed_pipe()
    except Exception as exc:  # a bug in locflow: one line and exit 2, as the typer path (never exit 1, "findings")
        from .render import internal_error

        internal_error(exc)
        return EXIT_USAGE


PULL_FLAGS = {"--check", "--dry-run", "--purge-obsolete"}


def fast_pull(argv: list[str]) -> int | None:
    """`pull` with its everyday flags, without building typer's command tree (an edited article's
    pull costs less than that). None: typer handles the command line."""
    args = list(argv)
    config = None
    while args and args[0] in ("--config", "-c") and len(args) > 1:
        config = args[1]
        args = args[2:]
    if not args or args[0] != "pull" or any(a not in PULL_FLAGS for a in args[1:]):
        return None
    flags = set(args[1:])
    check, dry_run = "--check" in flags, "--dry-run" in flags or "--check" in flags
    try:
        if "--purge-obsolete" not in flags and stamped_pull(config):
            return 0
        return _pull(config, "--purge-obsolete" in flags, dry_run, check)
    except LocflowError as exc:
        from .render import print_error

        print_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        from .render import INTERRUPTED, console

        console(stderr=True).print(INTERRUPTED)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        from .errors import stop_on_closed_pipe

        stop_on_closed_pipe()
    except Exception as exc:  # a bug in locflow: one line, as the typer path prints it
        from .render import internal_error

        internal_error(exc)
        return EXIT_USAGE


def _pull(config: str | None, purge: bool, dry_run: bool, check: bool) -> int:
    """The pull as `locflow pull` runs it through typer (cli/catalogs.py), printed the same way."""
    from .pull import pull
    from .render import print_pull, show_waiting
    from .validate import load_project

    project = load_project(config)  # as the typer path: a typo'd check id or provider stops every command
    result = pull(project, purge_obsolete=purge, dry_run=dry_run, waiting=show_waiting)
    print_pull(result, dry_run, echo)
    if result.exit_code:
        return result.exit_code
    return 1 if check and (result.written or result.orphaned) else 0


def echo(text: str, err: bool = False) -> None:
    """click.echo for plain text, without importing click (a tenth of an edited article's pull)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def stamped_pull(config: str | None) -> bool:
    """A tree exactly as a pull that found it current left it: print that pull's answer and load
    nothing (see pullstamp). False: the full pull runs."""
    from .config import find_config
    from .pullstamp import lookup

    try:
        data = lookup(Path(config) if config is not None else find_config())
    except LocflowError:
        return False  # no config: the full path says so
    if data is None:
        return False
    from .render import pull_up_to_date, pull_warning

    for path, line, message in data["warnings"]:
        echo(pull_warning(path, line, message), err=True)
    sys.stdout.write(pull_up_to_date(data["templates"], data["catalogs"]) + "\n")
    return True


def answer(request: Request) -> int:
    from .project import Project

    project = Project.load(request.config)
    tty = sys.stdout.isatty()
    cache = None if tty else OutputCache(project, request)
    if cache is not None and (hit := cache.lookup()) is not None:
        data, code = hit
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return code
    # Not a terminal: the output goes to a temporary file first, then to stdout and the cache. A
    # check of an archive writes hundreds of megabytes of JSON; in a StringIO they would be held
    # whole, twice (and a third time encoded for the cache).
    import tempfile

    buffer = tempfile.TemporaryFile("w+", encoding="utf-8", newline="") if not tty else None
    from .render import console

    out = console(file=buffer) if buffer is not None else console()
    try:
        code = _compute(project, request, out)
        if buffer is not None:
            buffer.flush()
            sys.stdout.flush()
            for piece in _read_back(buffer):
                sys.stdout.buffer.write(piece)
            length = buffer.buffer.tell()  # read back to its end
            if cache is not None and code != EXIT_USAGE:  # what went to stderr is not in the cache: never replay it
                cache.store(_read_back(buffer), length, code)
    finally:
        if buffer is not None:
            buffer.close()
    return code


def _read_back(buffer) -> "Iterator[bytes]":
    """What was written to a text temp file, as bytes, in pieces of a megabyte."""
    raw = buffer.buffer
    raw.seek(0)
    while piece := raw.read(1 << 20):
        yield piece


def _compute(project, request: Request, out) -> int:
    from .shards import parse_shard

    languages, catalogs = request.get("--lang", "-l"), request.get("--catalog")
    shard = parse_shard((request.values.get("--shard") or [None])[-1])
    from .validate import check_registries

    check_registries(project.config)  # as cli.common.load_project: a typo'd check id or provider stops every command
    if request.command == "status":
        from .render import status_json, status_table
        from .status import rollup, status

        broken: list = []
        rows = status(project, languages, catalogs, shard, missing=True, errors=broken)
        if request.format == "json":
            out.file.write(status_json(rows, broken, shard) + "\n")
        else:
            status_table(rows if catalogs else rollup(rows), out)
        if broken:
            from .render import print_error

            for exc in broken:
                print_error(exc)
            return EXIT_USAGE
        return 0
    from .checks.runner import relocated, run_checks
    from .render import check_output

    only = request.get("--only")
    prefix = request.values.get("--path-prefix", [None])[-1]
    result = relocated(run_checks(project, languages, catalogs, only, request.get("--skip"), shard), project, prefix)
    check_output(result, request.format, out, show_info=bool(only))
    return result.exit_code


class OutputCache:
    """Whole outputs of non-terminal runs, valid while no input file changed."""

    def __init__(self, project, request: Request) -> None:
        from .cache import CACHE_DIR, digest

        self.project = project
        # Paths in the output are relative to the current folder: it is part of the key.
        key = json.dumps([request.command, sorted(request.values.items()), os.environ.get("COLUMNS", ""), os.getcwd()])
        name = f"output-{digest(key.encode())[:16]}"
        self.path = project.root / CACHE_DIR / "cache" / f"{name}.json"  # stats and exit code
        self.text_path = self.path.with_suffix(".txt")  # the output itself, raw: no JSON to decode

    def _inputs(self) -> list[Path]:
        """Every file the answer depends on: config, glossary, catalogs, templates, sources."""
        project = self.project
        paths = [project.config.path]
        if project.config.glossary:
            paths.append(project.root / project.config.glossary)
        if project.config.locales_path.is_dir():
            paths += project.config.locales_path.rglob("*.po*")
        for catalog in project.config.catalogs.values():
            for pattern in catalog.sources:
                paths += project.root.glob(pattern)
        return sorted(set(paths))

    def _stats(self) -> dict[str, list[int]]:
        from .fingerprint import code_fingerprint

        stats: dict[str, list] = {"@code": [code_fingerprint()]}
        for path in self._inputs():
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            stats[str(path)] = [st.st_size, st.st_mtime_ns, st.st_ino]
        return stats

    def lookup(self) -> tuple[bytes, int] | None:
        from .cache import RACY_SECONDS, enabled, usable

        if not enabled() or not usable(self.project.root):
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("written_at"), (int, float)) \
                or not isinstance(data.get("length"), int) or not isinstance(data.get("code"), int):
            return None  # not what store writes (edited by hand, another tool): computed again
        stats = self._stats()
        if data.get("stats") != stats:
            return None
        newest = max((s[1] for k, s in stats.items() if not k.startswith("@")), default=0) / 1e9
        if newest >= data.get("written_at", 0) - RACY_SECONDS:
            return None  # a file changed too close to the cache write to trust its mtime
        try:
            text = self.text_path.read_bytes()
        except OSError:
            return None
        if len(text) != data.get("length"):
            return None
        return text, int(data["code"])

    def store(self, pieces: "Iterable[bytes]", length: int, code: int) -> None:
        """Keep the output (`pieces` of `length` bytes in all) and its exit code."""
        import time

        from .cache import enabled, usable
        from .catalog import atomic_write

        if not enabled() or not usable(self.project.root):
            return
        payload = {"stats": self._stats(), "written_at": time.time(), "length": length, "code": code}
        try:
            atomic_write(self.text_path, pieces)
            atomic_write(self.path, json.dumps(payload).encode("utf-8"))
        except OSError:
            pass


def main_exit() -> None:
    sys.exit(main())
