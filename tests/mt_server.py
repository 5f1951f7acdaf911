"""A real HTTP server on 127.0.0.1 speaking LibreTranslate's API, Google's mobile page, DeepL's v2
translate and v3 glossary API, and OpenAI's chat completions.

Its "translation" is deterministic and keeps masked tokens: `[et] ` + the text with every
word's letters upper-cased. Glossary entries (DeepL, with `glossary_id`) and a segment's terms
(chat) are applied as written and not upper-cased, so a test sees whether they reached the
"engine". Faults are switched on by the tests: latency, a queue of status codes (429 with
Retry-After, 500), stalled replies, malformed bodies, dropped tokens, broken chat replies.
"""
from __future__ import annotations

import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import uuid
from urllib.parse import parse_qs, urlparse

TOKEN = re.compile(r"\[X\d+X\]")
DEEPL_KEY = "test-deepl-key:fx"  # the only key the DeepL endpoint accepts
CHAT_KEY = "test-chat-key"  # the chat endpoint accepts this bearer key, or none (a local server)


def fake_translate(text: str, target: str, entries: dict[str, str] | None = None) -> str:
    """Upper-case everything but tokens and glossary phrases (source -> target, longest first)."""
    kept: list[str] = []
    if entries:
        pattern = re.compile("|".join(r"(?<!\w)" + re.escape(src) + r"(?!\w)"
                                      for src in sorted(entries, key=len, reverse=True)), re.IGNORECASE)
        lookup = {src.lower(): dst for src, dst in entries.items()}

        def keep(m: re.Match) -> str:
            kept.append(lookup[m.group().lower()])
            return f"\x00{len(kept) - 1}\x00"

        text = pattern.sub(keep, text)
    parts = TOKEN.split(text)
    tokens = TOKEN.findall(text)
    out = [parts[0].upper()]
    for token, part in zip(tokens, parts[1:]):
        out.append(token + part.upper())
    result = "".join(out)
    result = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], result)
    return f"[{target}] " + result


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
    chat: str | None = None  # a broken chat reply: "not-json", "missing-id", "extra-id"
    chat_terms: str = "always"  # "always", "never", or "on-retry" (only for segments sent back with problems)


class MTServer:
    def __init__(self) -> None:
        self.faults = Faults()
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.glossaries: dict[str, dict] = {}  # DeepL v3: id -> {"glossary_id", "name", "dictionaries", ...}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server._handle(self, "GET")

            def do_POST(self) -> None:
                server._handle(self, "POST")

            def do_DELETE(self) -> None:
                server._handle(self, "DELETE")

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
            self.glossaries.clear()

    def hold(self) -> threading.Event:
        """From now on the provider answers only once the returned event is set (a slow provider the test
        controls); `wait_for_request` says when a run has asked."""
        release = threading.Event()
        answer = self._translation

        def held(text: str, target: str, faults: Faults, *rest) -> str:
            release.wait(60)
            return answer(text, target, faults, *rest)

        self._translation = held  # type: ignore[method-assign]
        return release

    def wait_for_request(self, seconds: float = 30) -> bool:
        deadline = time.monotonic() + seconds
        while not self.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        return bool(self.requests)

    def count(self, path: str | None = None, method: str | None = None) -> int:
        with self.lock:
            return sum(1 for r in self.requests if (path is None or r["path"] == path)
                       and (method is None or r["method"] == method))

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
            self.requests.append({"method": method, "path": parsed.path, "params": params,
                                  "auth": handler.headers.get("Authorization", "")})
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
        if "/v3/glossaries" in parsed.path:
            self._glossaries(handler, method, parsed.path, params)
        elif parsed.path.rstrip("/").endswith("/chat/completions"):
            self._chat(handler, params, faults)
        elif parsed.path.rstrip("/").endswith("/v2/translate"):
            self._deepl(handler, params, faults)
        elif parsed.path.rstrip("/").endswith("translate"):
            self._libre(handler, params, faults)
        elif parsed.path.rstrip("/").endswith("/m"):
            self._google(handler, params, faults)
        else:
            self._send(handler, 404, "text/plain", b"not found")

    def _translation(self, text: str, target: str, faults: Faults, entries: dict[str, str] | None = None) -> str:
        if faults.empty:
            return ""
        result = fake_translate(text, target, entries)
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
        entries = None
        if params.get("glossary_id"):
            with self.lock:
                glossary = self.glossaries.get(params["glossary_id"])
            pair = (params.get("source_lang", "").lower(), params.get("target_lang", "").lower())
            found = [d for d in (glossary or {}).get("dictionaries", [])
                     if (d["source_lang"].lower(), d["target_lang"].lower()) == pair]
            if not found:
                self._send(handler, 400, "application/json", b'{"message": "glossary not found for this pair"}')
                return
            entries = found[0]["entries"]
        text = self._translation(params.get("text", ""), params.get("target_lang", "").lower(), faults, entries)
        reply = {"translations": [{"detected_source_language": params.get("source_lang", "").upper(), "text": text}]}
        self._send(handler, 200, "application/json", json.dumps(reply).encode())

    def _glossaries(self, handler: BaseHTTPRequestHandler, method: str, path: str, params: dict) -> None:
        """DeepL's v3 glossary endpoints: list, create (TSV dictionaries), delete."""
        if handler.headers.get("Authorization") != f"DeepL-Auth-Key {DEEPL_KEY}":
            self._send(handler, 403, "application/json", b'{"message": "Forbidden"}')
            return
        tail = path.rstrip("/").split("/v3/glossaries")[1].strip("/")
        with self.lock:
            if method == "GET" and not tail:
                listing = [{k: v for k, v in g.items() if k != "dictionaries"}
                           | {"dictionaries": [{"source_lang": d["source_lang"], "target_lang": d["target_lang"],
                                                "entry_count": len(d["entries"])} for d in g["dictionaries"]]}
                           for g in self.glossaries.values()]
                body, status = {"glossaries": listing}, 200
            elif method == "POST" and not tail:
                dictionaries = []
                for d in params.get("dictionaries", []):
                    pairs = [line.split("\t") for line in d["entries"].split("\n") if line]
                    if d.get("entries_format") != "tsv" or any(len(p) != 2 for p in pairs):
                        self._send(handler, 400, "application/json", b'{"message": "bad entries"}')
                        return
                    dictionaries.append({"source_lang": d["source_lang"], "target_lang": d["target_lang"],
                                         "entries": dict(pairs)})
                glossary_id = str(uuid.uuid4())
                self.glossaries[glossary_id] = {"glossary_id": glossary_id, "name": params["name"],
                                                "dictionaries": dictionaries,
                                                "creation_time": "2026-11-30T00:00:00Z"}
                body, status = {"glossary_id": glossary_id, "name": params["name"]}, 201
            elif method == "DELETE" and tail in self.glossaries:
                del self.glossaries[tail]
                self._send(handler, 204, "application/json", b"")
                return
            else:
                body, status = {"message": "not found"}, 404
        self._send(handler, status, "application/json", json.dumps(body).encode())

    def _chat(self, handler: BaseHTTPRequestHandler, params: dict, faults: Faults) -> None:
        """OpenAI chat completions: the last user message holds the segments; terms are applied as given."""
        if handler.headers.get("Authorization", f"Bearer {CHAT_KEY}") != f"Bearer {CHAT_KEY}":
            self._send(handler, 401, "application/json", b'{"error": "invalid api key"}')
            return
        if params.get("response_format") != {"type": "json_object"}:
            self._send(handler, 400, "application/json", b'{"error": "json response_format expected"}')
            return
        request = json.loads([m for m in params["messages"] if m["role"] == "user"][-1]["content"])
        target = request["target_language"]
        segments = []
        for seg in request["segments"]:
            use = faults.chat_terms == "always" or (faults.chat_terms == "on-retry" and seg.get("problems"))
            entries = {t["source"]: t["target"] for t in seg["terms"]} if use else None
            segments.append({"id": seg["id"], "text": self._translation(seg["text"], target, faults, entries)})
        if faults.chat == "missing-id":
            segments = segments[1:]
        elif faults.chat == "extra-id":
            segments.append({"id": "invented", "text": "[x] EXTRA"})
        content = json.dumps({"segments": segments}, ensure_ascii=False)
        if faults.chat == "not-json":
            content = content[: len(content) // 2]
        reply = {"id": "chatcmpl-test", "object": "chat.completion", "model": params.get("model"),
                 "choices": [{"index": 0, "finish_reason": "stop",
                              "message": {"role": "assistant", "content": content}}]}
        self._send(handler, 200, "application/json", json.dumps(reply, ensure_ascii=False).encode())

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
