"""What config.py keeps as read because only a registry above it knows the names: check ids (the
check registry) and translation providers with their sections (the provider registry). Every
command checks them on load, the CLI (cli.common.load_project) and the fast path alike, so a typo
stops it before it writes or sends anything, at its line in workflow.yaml."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from .config import Config
    from .project import Project


def load_project(config: "str | Path | None" = None) -> "Project":
    """The project, its whole workflow.yaml validated before any command writes or sends anything."""
    from .project import Project

    project = Project.load(config)
    check_registries(project.config)
    return project


def check_registries(config: "Config") -> None:
    """Raise LocflowError at the first check id, provider name or provider option no registry knows."""
    if config.checks:
        from .checks.suite import severities

        severities(config)
    # mt.providers imports no provider's client library (requests, deep-translator): cheap on load
    from .mt.providers import check_translation

    check_translation(config)
