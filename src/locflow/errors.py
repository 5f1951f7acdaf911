"""The one exception type users see."""
from __future__ import annotations

from pathlib import Path

# Exit codes, the same for every command (README, "Exit codes").
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_PROVIDER = 3
EXIT_INTERRUPTED = 130
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE: the reader stopped reading (`| head`), as a shell reports it


class LocflowError(Exception):
    """A problem the user can fix; the CLI prints it as one line, no traceback."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        path: str | Path | None = None,
        line: int | None = None,
        col: int | None = None,
        exit_code: int = EXIT_USAGE,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = str(path) if path is not None else None
        self.line = line
        self.col = col
        self.exit_code = exit_code

    @property
    def where(self) -> str:
        """`file:line:col` as far as it is known."""
        if self.path is None:
            return ""
        parts = [_shown(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} ({self.hint})" if self.hint else text


def decode_position(exc: UnicodeDecodeError) -> dict[str, int]:
    """line= and col= of the first undecodable byte, as an editor counts them (msgfmt says line:col)."""
    data = exc.object if isinstance(exc.object, (bytes, bytearray)) else b""
    before = bytes(data[:exc.start])
    line_start = before.rfind(b"\n") + 1
    return {"line": before.count(b"\n") + 1, "col": len(before[line_start:].decode("utf-8", "replace")) + 1}


def stop_on_closed_pipe() -> None:
    """The reader of stdout went away: point stdout at /dev/null so the interpreter's last flush cannot
    fail too, and end as a process ended by SIGPIPE does (not 1, which means findings)."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(EXIT_PIPE_CLOSED)


def _shown(path: str) -> str:
    """A path inside the working folder as the user would type it (`workflow.yaml`, not /home/…/workflow.yaml)."""
    import os

    if not os.path.isabs(path):
        return path
    try:
        here = os.getcwd()
    except OSError:
        return path
    return os.path.relpath(path, here) if path.startswith(here.rstrip("/") + "/") else path
