"""HTTP for MT providers: timeouts, retries with backoff and jitter, Retry-After.

deep-translator calls `requests.get/post` with no timeout and no retry. Instead of forking it,
each adapter module's `requests` name is pointed at a `RetryingRequests`: the same API, backed
by a session whose urllib3 `Retry` handles 429/5xx/timeouts and honours Retry-After.
"""
from __future__ import annotations

import contextlib
import threading
from types import ModuleType
from typing import Any, Iterator

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RETRY_AFTER = 60


class _CappedRetry(Retry):
    """Retry-After is honoured, but a server asking for an hour does not hang the run."""

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, MAX_RETRY_AFTER)


class RetryingRequests:
    """Stands in for the `requests` module inside a deep-translator adapter."""

    exceptions = requests.exceptions
    RequestException = requests.RequestException

    def __init__(self, timeout: float, retries: int, backoff: float = 0.5, pool: int = 16,
                 params: dict[str, str] | None = None) -> None:
        self.timeout = timeout
        self.params = dict(params or {})  # added to every GET: options deep-translator has no parameter for
        self.retry = _CappedRetry(
            total=retries, connect=retries, read=retries, status=retries, other=0,
            status_forcelist=RETRY_STATUSES, allowed_methods=None,  # POST too: translation is idempotent
            backoff_factor=backoff, backoff_jitter=backoff / 2, respect_retry_after_header=True,
            raise_on_status=False,
        )
        self.pool = pool
        self._local = threading.local()
        self.requests_sent = 0
        self._lock = threading.Lock()

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
        with self._lock:
            self.requests_sent += 1
        return self._session().request(method, url, **kwargs)

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
