"""HTTP for MT providers: timeouts, retries with backoff and jitter, Retry-After.

deep-translator calls `requests.get/post` with no timeout and no retry. Instead of forking it,
each adapter module's `requests` name is pointed at a `RetryingRequests`: the same API, backed
by a session whose urllib3 `Retry` handles 429/5xx/timeouts and honours Retry-After.
"""
from __future__ import annotations

import threading
from types import ModuleType
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RETRY_AFTER = 60


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
            adapter = HTTPAdapter(max_retries=self.retry, pool_connections=4, pool_maxsize=self.pool)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        kwargs.pop("proxies", None) if kwargs.get("proxies") is None else None
        self.counts.add(requests=1)
        response = self._session().request(method, url, **kwargs)
        if response.status_code == 429:  # the last reply, after any retries
            self.counts.add(throttled=1)
        return response

    @property
    def requests_sent(self) -> int:
        return self.counts.requests

    def get(self, url: str, params: Any = None, **kwargs: Any) -> requests.Response:
        if self.params:
            params = {**(params or {}), **self.params}
        return self.request("GET", url, params=params, **kwargs)

    def post(self, url: str, data: Any = None, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, data=data, json=json, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)


_patch_lock = threading.Lock()


def install(module: ModuleType, shim: RetryingRequests) -> None:
    """Point one deep-translator module at the shim (idempotent, last caller wins)."""
    with _patch_lock:
        module.requests = shim  # type: ignore[attr-defined]
