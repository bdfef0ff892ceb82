"""Find the configuration file without importing anything heavy (it runs before every command)."""

from __future__ import annotations

from pathlib import Path

#: A pyproject.toml larger than this is not read (real ones are a few kilobytes).
PYPROJECT_BYTES = 1024 * 1024


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
    """Whether the file has a ``[tool.compliance]`` table, in any valid TOML spelling.

    Read with :mod:`tomllib` (so ``[ tool.compliance ]``, ``[tool."compliance"]``, an inline
    ``[tool] compliance = {...}`` and dotted keys all count). A file that is too large or not valid
    TOML is treated as a configuration when it mentions ``compliance`` at all, so that reading it
    reports the problem (exit 2) rather than a CI gate silently running without its settings.
    """
    import tomllib

    try:
        if pyproject.stat().st_size > PYPROJECT_BYTES:
            return True  # reading it says it is too large
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "compliance" not in text:
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True
    tool = data.get("tool")
    return isinstance(tool, dict) and "compliance" in tool
