"""`locflow check`: one small unit per check, a registry, a runner and reporters.

Importing the package registers the built-in checks (`suite`) and nothing above them: the runner,
which reads projects and plans pulls, is `checks.runner`, imported by the commands that run checks.
"""
from __future__ import annotations

from .base import REGISTRY, Check, Finding
from .suite import all_checks, check_entry, severities

__all__ = ["REGISTRY", "Check", "Finding", "all_checks", "check_entry", "severities"]
