"""Find the configuration file without importing anything heavy (it runs before every command)."""

from __future__ import annotations

import re
from pathlib import Path


def find_config(start: Path) -> Path | None:
    """The nearest ``.compliance.yaml`` (or ``pyproject.toml`` with ``[tool.compliance]``) at or above ``start``.

    In each folder ``.compliance.yaml`` wins over ``pyproject.toml``; the nearest folder wins.
    """
    for folder in [start, *start.parents]:
        candidate = folder / ".compliance.yaml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[tool\.compliance\]", text, re.MULTILINE) is not None
