"""locflow: the localization workflow of the Estonian Free Press."""
from __future__ import annotations

__version__ = "0.1.0"
