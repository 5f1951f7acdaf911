"""HTTP for MT providers: deadlines, bounded replies, retries with backoff and jitter, Retry-After.

deep-translator calls `requests.get/post` with no timeout and no retry. Instead of forking it,
each adapter module's `requests` name is pointed at a `RetryingRequests`: the same API, backed
by a session whose urllib3 `Retry` handles 429/5xx/timeouts and honours Retry-After.

`requests`' timeout bounds each socket read, so a server trickling one byte a second never
times out. Every attempt therefore also has a total deadline (the configured timeout): a
watchdog shuts the connection's socket when it passes. Replies are read in chunks and refused
beyond MAX_REPLY_BYTES, so a hostile server cannot fill memory.
"""
from __future__ import annotations

import contextlib
import socket
import threading
from types import ModuleType
from typing import Any, Iterator

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RETRY_AFTER = 60
MAX_REPLY_BYTES = 8 * 1024 * 1024  # a translation reply; far above any real one, far below harm
_active = threading.local()  # the attempt watchdog of the request this thread is making


class _Watchdog:
    """Shuts the socket of a request attempt that has not finished `seconds` after it started."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.sock: socket.socket | None = None
        self._timer: threading.Timer | None = None

    def start(self, conn: HTTPConnection) -> None:
        self.cancel()
        self.expired = False
        self.sock = None
        self._timer = threading.Timer(self.seconds, self._abort, (conn,))
        self._timer.daemon = True
        self._timer.start()

    def _abort(self, conn: HTTPConnection) -> None:
        self.expired = True
        sock = self.sock or getattr(conn, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # a blocked recv returns at once
            except OSError:
                pass

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _watched(base: type) -> type:
    class Watched(base):  # type: ignore[misc, valid-type]
        def request(self, *args: Any, **kwargs: Any) -> Any:
            watchdog = getattr(_active, "watchdog", None)
            if watchdog is not None:
                watchdog.start(self)  # each attempt (a retry after 429 too) has its own deadline
            result = super().request(*args, **kwargs)
            if watchdog is not None:
                watchdog.sock = self.sock  # http.client forgets it once a closing response is returned
            return result

    return Watched


class _Pool(HTTPConnectionPool):
    ConnectionCls = _watched(HTTPConnection)


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _watched(HTTPSConnection)


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}


class ReplyTooLarge(requests.RequestException):
    """The server sent more than MAX_REPLY_BYTES."""


class _CappedRetry(Retry):
    """Retry-After is honoured, but a server asking for an hour does not hang the run.

    Every retry is counted (a subclass per shim carries its counter: urllib3 copies the Retry
    object on each attempt), so the summary says how many requests the server really saw.
    """

    counter: "RequestCounts | None" = None

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, MAX_RETRY_AFTER)

    def increment(self, *args: Any, **kwargs: Any) -> Retry:
        new = super().increment(*args, **kwargs)  # raises when no retry is left: nothing more is sent
        if self.counter is not None:
            response = kwargs.get("response") if "response" in kwargs else (args[2] if len(args) > 2 else None)
            self.counter.add(retries=1, throttled=int(getattr(response, "status", None) == 429))
        return new


class RequestCounts:
    """HTTP requests as the server saw them: first attempts plus retries, and its 429 replies."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.retries = 0
        self.throttled = 0

    def add(self, requests: int = 0, retries: int = 0, throttled: int = 0) -> None:
        with self._lock:
            self.requests += requests + retries
            self.retries += retries
            self.throttled += throttled


class RetryingRequests:
    """Stands in for the `requests` module inside a deep-translator adapter."""

    exceptions = requests.exceptions
    RequestException = requests.RequestException

    def __init__(self, timeout: float, retries: int, backoff: float = 0.5, pool: int = 16,
                 params: dict[str, str] | None = None) -> None:
        self.timeout = timeout
        self.params = dict(params or {})  # added to every GET: options deep-translator has no parameter for
        self.counts = RequestCounts()
        counting = type("_CountingRetry", (_CappedRetry,), {"counter": self.counts})
        self.retry = counting(
            total=retries, connect=retries, read=retries, status=retries, other=0,
            status_forcelist=RETRY_STATUSES, allowed_methods=None,  # POST too: translation is idempotent
            backoff_factor=backoff, backoff_jitter=backoff / 2, respect_retry_after_header=True,
            raise_on_status=False,
        )
        self.pool = pool
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = _Adapter(max_retries=self.retry, pool_connections=4, pool_maxsize=self.pool)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        kwargs.pop("proxies", None) if kwargs.get("proxies") is None else None
        kwargs["stream"] = True
        self.counts.add(requests=1)
        watchdog = _active.watchdog = _Watchdog(self.timeout)
        try:
            response = self._session().request(method, url, **kwargs)
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_REPLY_BYTES:
                    response.close()
                    raise ReplyTooLarge(f"reply larger than {MAX_REPLY_BYTES // (1024 * 1024)} MB: refused")
        except ReplyTooLarge:
            raise
        except requests.RequestException as exc:
            if watchdog.expired:
                raise requests.exceptions.Timeout(f"no complete reply within {self.timeout:g} s") from None
            raise exc
        finally:
            watchdog.cancel()
            _active.watchdog = None
        response._content = bytes(body)  # what `stream=False` would have stored, read within the bounds
        if response.status_code == 429:  # the last reply, after any retries
            self.counts.add(throttled=1)
        return response

    @property
    def requests_sent(self) -> int:
        return self.counts.requests

    def get(self, url: str, params: Any = None, **kwargs: Any) -> requests.Response:
        extra = getattr(self._local, "extra", None)
        if self.params or extra:
            params = {**(params or {}), **self.params, **(extra or {})}
        return self.request("GET", url, params=params, **kwargs)

    @contextlib.contextmanager
    def adding(self, params: dict[str, str]) -> Iterator[None]:
        """Add parameters to this thread's GETs for one call: a DeepL glossary_id differs per language pair."""
        self._local.extra = params
        try:
            yield
        finally:
            self._local.extra = None

    def post(self, url: str, data: Any = None, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, data=data, json=json, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)


_patch_lock = threading.Lock()


def install(module: ModuleType, shim: RetryingRequests) -> None:
    """Point one deep-translator module at the shim (idempotent, last caller wins)."""
    with _patch_lock:
        module.requests = shim  # type: ignore[attr-defined]
