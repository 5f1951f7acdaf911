"""`locflow serve`: the local review page, backed by the same catalogs and rules as the CLI."""
from __future__ import annotations

from .app import Server, create_app, run, serve_command

__all__ = ["Server", "create_app", "run", "serve_command"]
