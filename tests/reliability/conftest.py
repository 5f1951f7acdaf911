"""Shared pieces of the reliability and security suites (issue 10).

Everything runs on copies in tmp_path: the committed sample project (site, locales,
glossaries, workflow.yaml; `copy_sample` and the `sample` fixture come from tests/conftest.py)
or small projects written here. The MT server is the loopback test server of
tests/mt_server.py, extended with faults it lacks (connection resets, truncated bodies,
error bodies that echo the request's credentials).
"""
from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import polib
import pytest
from typer.testing import CliRunner

from locflow.cli import app
from tests.conftest import Run, copy_sample  # noqa: F401 - copy_sample: re-exported for the test modules
from tests.mt_server import MTServer

TEMP_SUFFIX = ".tmp"


# --------------------------------------------------------------------------- the loopback server


@dataclass
class ExtraFaults:
    resets: int = 0  # close the socket without answering (RST), one per request, consumed
    reset_all: bool = False
    truncated_body: bool = False  # 200 + a JSON body cut in the middle
    truncate_text: bool = False  # a well-formed reply whose translation is cut in half
    echo_status: int = 0  # answer every request with this status and a body echoing what was sent
    seen_headers: list = field(default_factory=list)
    # Hostile replies (issue 17): a well-formed translation made dangerous.
    trickle: float = 0.0  # send the reply one byte every `trickle` seconds (each read well inside the timeout)
    trickle_match: str = ""  # ... only for requests whose text contains this
    huge: int = 0  # pad the translation to this many characters
    echo_key: bool = False  # append the request's api_key to the translation
    append: str = ""  # appended to every translation (links, placeholders, control characters)


class FaultServer(MTServer):
    """MTServer plus the faults a hostile or broken network adds."""

    def __init__(self) -> None:
        super().__init__()
        self.extra = ExtraFaults()
        self.httpd.handle_error = lambda *args: None  # a reset is the point, not an error to print

    def reset(self) -> None:
        super().reset()
        self.extra = ExtraFaults()

    def _handle(self, handler, method: str) -> None:  # noqa: C901 - one branch per fault
        from urllib.parse import parse_qs, urlparse

        extra = self.extra
        with self.lock:
            extra.seen_headers.append(dict(handler.headers))
        if extra.reset_all or extra.resets:
            parsed = urlparse(handler.path)
            params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
            length = int(handler.headers.get("Content-Length") or 0)
            if length:
                handler.rfile.read(length)
            with self.lock:
                self.requests.append({"method": method, "path": parsed.path, "params": params, "reset": True})
                if extra.resets:
                    extra.resets -= 1
            sock = handler.connection
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
            return
        if extra.trickle or extra.huge or extra.echo_key or extra.append:
            self._hostile(handler, method, extra)
            return
        if extra.echo_status or extra.truncated_body or extra.truncate_text:
            parsed, params = self._read(handler)
            with self.lock:
                self.requests.append({"method": method, "path": parsed.path, "params": params})
            if extra.echo_status:
                echoed = json.dumps({"error": "bad key", "request": params, "path": handler.path,
                                     "headers": dict(handler.headers)})
                self._send(handler, extra.echo_status, "application/json", echoed.encode())
                return
            from tests.mt_server import fake_translate

            text = fake_translate(params.get("q", ""), params.get("target", params.get("tl", "")))
            if extra.truncate_text:
                text = text[: max(1, len(text) // 2)]
            if parsed.path.rstrip("/").endswith("/m"):
                import html

                page = ("<html><body><div class=\"result-container\">" + html.escape(text)
                        + "</div></body></html>")
                if extra.truncated_body:
                    page = page[: len(page) // 3]
                self._send(handler, 200, "text/html; charset=utf-8", page.encode())
                return
            reply = json.dumps({"translatedText": text})
            if extra.truncated_body:
                reply = reply[: len(reply) // 2]
            self._send(handler, 200, "application/json", reply.encode())
            return
        super()._handle(handler, method)


    def _hostile(self, handler, method: str, extra: ExtraFaults) -> None:
        """A LibreTranslate or Google reply that is well formed and hostile."""
        import html
        import time

        from tests.mt_server import fake_translate

        parsed, params = self._read(handler)
        with self.lock:
            self.requests.append({"method": method, "path": parsed.path, "params": params})
        text = fake_translate(params.get("q", ""), params.get("target", params.get("tl", ""))) + extra.append
        if extra.echo_key:
            text += " " + params.get("api_key", "")
        if extra.huge:
            text += " x" * (extra.huge // 2)
        if parsed.path.rstrip("/").endswith("/m"):
            ctype = "text/html; charset=utf-8"
            body = f'<html><body><div class="result-container">{html.escape(text)}</div></body></html>'.encode()
        else:
            ctype, body = "application/json", json.dumps({"translatedText": text}).encode()
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", ctype)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if not extra.trickle or extra.trickle_match not in params.get("q", ""):
                handler.wfile.write(body)
                return
            for i in range(len(body)):
                handler.wfile.write(body[i:i + 1])
                handler.wfile.flush()
                time.sleep(extra.trickle)
        except OSError:
            pass  # the client gave up: that is the point


@pytest.fixture(scope="session")
def server():
    srv = FaultServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def mt(server):
    """The loopback server with no faults and an empty request log."""
    server.reset()
    yield server
    server.reset()


# --------------------------------------------------------------------------- projects


def labels_project(root: Path, url: str, labels: Iterable[str], *, languages=("en", "et", "lv"),
                   providers: str = "[google]", concurrency: int = 2, timeout: float = 2, retries: int = 1,
                   extra: str = "") -> Path:
    """A UI-only project whose template holds `labels` (plain text: what is sent equals the msgid)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site" / "templates").mkdir(parents=True, exist_ok=True)
    body = "".join(f"<p>{{{{ _({json.dumps(label)}) }}}}</p>\n" for label in labels)
    (root / "site" / "templates" / "page.html").write_text(body, encoding="utf-8")
    (root / "workflow.yaml").write_text(
        f"""site: Reliability Press
source_language: en
languages: [{", ".join(languages)}]
catalogs:
  ui: {{kind: labels, sources: ["site/templates/*.html"], publish: reviewed}}
translation:
  providers: {providers}
  concurrency: {concurrency}
  timeout: {timeout}
  retries: {retries}
  backoff: 0.01
  google: {{url: "{url}/m"}}
  libre: {{url: "{url}/", api_key_env: LIBRETRANSLATE_API_KEY}}
{extra}""",
        encoding="utf-8",
    )
    return root


def words(n: int, prefix: str = "Label") -> list[str]:
    """n distinct plain labels."""
    names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
             "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"]
    return [f"{prefix} {names[i % len(names)]} {i // len(names)}" for i in range(n)]


# --------------------------------------------------------------------------- running locflow


def cli(root: Path, *args, env: dict | None = None) -> Run:
    """locflow in-process (CliRunner) with --config pointing at `root`."""
    result = CliRunner().invoke(app, ["--config", str(root / "workflow.yaml"), *[str(a) for a in args]],
                                env=env)
    exc = result.exception if not isinstance(result.exception, SystemExit) else None
    return Run(result.exit_code, result.stdout, result.stderr, exc)


def child_env(extra: dict | None = None) -> dict:
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1", PYTHONUNBUFFERED="1")
    env.update(extra or {})
    return env


def locflow(*args, cwd: Path, env: dict | None = None, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """The real thing: `python -m locflow ...` in a child process."""
    return subprocess.run([sys.executable, "-m", "locflow", *[str(a) for a in args]], cwd=cwd, capture_output=True,
                          text=True, env=child_env(env), timeout=timeout, **kwargs)


def spawn(*args, cwd: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "locflow", *[str(a) for a in args]], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(env))


# --------------------------------------------------------------------------- inspecting files


def po_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "locales").rglob("*.po") if p.is_file())


def temp_files(root: Path) -> list[Path]:
    """Leftovers of an atomic write: `.name.XXXX.tmp` next to the target."""
    return sorted(p for p in root.rglob("*") if p.name.startswith(".") and p.name.endswith(TEMP_SUFFIX))


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True, text=True,
                          env=dict(os.environ, LC_ALL="C", LANGUAGE=""))


def active(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


def tree_bytes(root: Path, *, skip: tuple[str, ...] = (".locflow",)) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink() and not set(p.relative_to(root).parts) & set(skip)}
