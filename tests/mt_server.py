"""A real HTTP server on 127.0.0.1 speaking LibreTranslate's API, Google's mobile page and DeepL's v2 API.

Its "translation" is deterministic and keeps masked tokens: `[et] ` + the text with every
word's letters upper-cased. Faults are switched on by the tests: latency, a queue of status
codes (429 with Retry-After, 500), stalled replies, malformed bodies, dropped tokens.
"""
from __future__ import annotations

import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = re.compile(r"\[X\d+X\]")
DEEPL_KEY = "test-deepl-key:fx"  # the only key the DeepL endpoint accepts


def fake_translate(text: str, target: str) -> str:
    parts = TOKEN.split(text)
    tokens = TOKEN.findall(text)
    out = [parts[0].upper()]
    for token, part in zip(tokens, parts[1:]):
        out.append(token + part.upper())
    return f"[{target}] " + "".join(out)


@dataclass
class Faults:
    latency: float = 0.0
    statuses: list[int] = field(default_factory=list)  # consumed one per request
    retry_after: str | None = None
    stall: float = 0.0  # sleep this long before answering (longer than the client's timeout)
    malformed: bool = False
    malformed_path: str | None = None  # only this path's replies are malformed
    drop_tokens: bool = False
    inject: str = ""  # appended to every translation, e.g. "<script>alert(1)</script>"
    empty: bool = False


class MTServer:
    def __init__(self) -> None:
        self.faults = Faults()
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server._handle(self, "GET")

            def do_POST(self) -> None:
                server._handle(self, "POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "MTServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        with self.lock:
            self.faults = Faults()
            self.requests.clear()

    def count(self, path: str | None = None) -> int:
        with self.lock:
            return sum(1 for r in self.requests if path is None or r["path"] == path)

    @staticmethod
    def _read(handler: BaseHTTPRequestHandler):
        """(parsed URL, params): the query string's parameters updated with the body's (JSON or form)."""
        parsed = urlparse(handler.path)
        params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if body:
            try:
                params.update(json.loads(body))
            except ValueError:
                params.update({k: v[0] for k, v in parse_qs(body.decode()).items()})
        return parsed, params

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parsed, params = self._read(handler)
        with self.lock:
            self.requests.append({"method": method, "path": parsed.path, "params": params})
            faults = self.faults
            status = faults.statuses.pop(0) if faults.statuses else 200
        if faults.latency:
            time.sleep(faults.latency)
        if faults.stall:
            time.sleep(faults.stall)
        if status != 200:
            self._send(handler, status, "text/plain", b"try again later",
                       {"Retry-After": faults.retry_after} if faults.retry_after and status == 429 else {})
            return
        if faults.malformed_path == parsed.path:
            faults = Faults(malformed=True)
        if parsed.path.rstrip("/").endswith("/v2/translate"):
            self._deepl(handler, params, faults)
        elif parsed.path.rstrip("/").endswith("translate"):
            self._libre(handler, params, faults)
        elif parsed.path.rstrip("/").endswith("/m"):
            self._google(handler, params, faults)
        else:
            self._send(handler, 404, "text/plain", b"not found")

    def _translation(self, text: str, target: str, faults: Faults) -> str:
        if faults.empty:
            return ""
        result = fake_translate(text, target)
        if faults.drop_tokens:
            result = TOKEN.sub("", result, count=1)
        return result + faults.inject

    def _libre(self, handler: BaseHTTPRequestHandler, params: dict, faults: Faults) -> None:
        if faults.malformed:
            self._send(handler, 200, "text/html", b"<html><body>Service Unavailable</body></html>")
            return
        text = self._translation(params.get("q", ""), params.get("target", ""), faults)
        self._send(handler, 200, "application/json", json.dumps({"translatedText": text}).encode())

    def _deepl(self, handler: BaseHTTPRequestHandler, params: dict, faults: Faults) -> None:
        if params.get("auth_key") != DEEPL_KEY:
            self._send(handler, 403, "application/json", b'{"message": "Wrong endpoint"}')
            return
        text = self._translation(params.get("text", ""), params.get("target_lang", "").lower(), faults)
        reply = {"translations": [{"detected_source_language": params.get("source_lang", "").upper(), "text": text}]}
        self._send(handler, 200, "application/json", json.dumps(reply).encode())

    def _google(self, handler: BaseHTTPRequestHandler, params: dict, faults: Faults) -> None:
        if faults.malformed:
            page = "<html><body><div class='other'>nothing here</div></body></html>"
        else:
            text = self._translation(params.get("q", ""), params.get("tl", ""), faults)
            page = ("<html><head><title>Google Translate</title></head><body><div class='frame'>"
                    f"<div class=\"result-container\">{html.escape(text)}</div></div></body></html>")
        self._send(handler, 200, "text/html; charset=utf-8", page.encode())

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, ctype: str, body: bytes,
              headers: dict | None = None) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", ctype)
            handler.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): that is the point of a stall test
