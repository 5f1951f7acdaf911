"""`locflow check`: one small unit per check, a registry, a runner and reporters."""
from __future__ import annotations

from . import chars, consistency, format, glossary, language, markup  # noqa: F401  (registers the checks)
from .base import REGISTRY, Check, Finding
from .runner import CheckResult, run_checks

__all__ = ["REGISTRY", "Check", "Finding", "CheckResult", "run_checks"]
