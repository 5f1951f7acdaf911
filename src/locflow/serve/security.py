"""Who may use the review page: the holder of the per-run token, from the server's own origin.

- The token (printed with the URL, as Jupyter does) is accepted once as `?token=`; the answer
  is a redirect that drops it from the address bar and sets a session cookie (HttpOnly,
  SameSite=Strict, named after the port so two servers on one machine do not mix).
- The Host header must name this server (a DNS-rebinding page sends its own name), and an
  Origin header, when present, must be this server's origin (a cross-site form or fetch).
- State-changing requests are POST and carry the session's CSRF token in a hidden field,
  compared in constant time.
"""
from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

MAX_SESSIONS = 256
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets (False when either is missing)."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def split_host(value: str) -> tuple[str, int | None] | None:
    """`name:port` or `[v6]:port` -> (name, port); None when it does not parse."""
    value = value.strip().lower()
    if not value:
        return None
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[1:end], value[end + 1:]
        if rest and not rest.startswith(":"):
            return None
        port_text = rest[1:] if rest else ""
    else:
        name, _, port_text = value.partition(":")
        if ":" in port_text:
            return None
    if port_text:
        if not port_text.isdigit():
            return None
        return name, int(port_text)
    return name, None


@dataclass
class Session:
    csrf: str
    messages: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) shown once


class Guard:
    """The token, the sessions it opened, and the host/origin rules of one server."""

    def __init__(self, token: str, host: str, port: int) -> None:
        self.token = token
        self.host = host.strip("[]").lower()
        self.port = port
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def cookie(self) -> str:
        return f"locflow-{self.port}"

    def names(self) -> set[str]:
        """Host names this server answers to: the one it was started with, and the loopback
        names when it listens on loopback or on every interface."""
        names = {self.host}
        if is_loopback(self.host) or self.host in ("0.0.0.0", "::"):
            names.update(LOOPBACK_NAMES)
        return names

    def host_ok(self, header: str | None) -> bool:
        parsed = split_host(header or "")
        if parsed is None:
            return False
        name, port = parsed
        if (port or 80) != self.port:
            return False
        if name in self.names():
            return True
        # Listening on every interface: any address literal is this machine; a name is not trusted.
        return self.host in ("0.0.0.0", "::") and _is_ip(name)

    def origin_ok(self, origin: str) -> bool:
        scheme, sep, rest = origin.partition("://")
        return scheme.lower() == "http" and bool(sep) and "/" not in rest and self.host_ok(rest)

    def token_ok(self, value: str | None) -> bool:
        return same(value, self.token)

    # -- sessions -----------------------------------------------------------------------------

    def open(self) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[sid] = Session(secrets.token_urlsafe(32))
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return sid

    def session(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        with self._lock:
            for key, session in self._sessions.items():
                if same(key, sid):
                    return session
        return None

    def csrf_ok(self, session: Session, value: str | None) -> bool:
        return same(value, session.csrf)
