"""Limits on what the loader accepts, so that a hostile or broken file is refused quickly.

Defaults suit hand-written statute and rule files with room to spare. They are configurable with
``COMPLIANCE_MAX_*`` environment variables or the ``max-*`` keys of the configuration file
(docs/ci.md#limits). This module imports nothing heavy: the CLI sets the limits before any command.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Limits:
    """What one YAML file may hold."""

    #: Largest file, in bytes (checked from the file's size before reading it).
    file_bytes: int = 16 * 1024 * 1024
    #: Longest string value, in characters.
    string_chars: int = 1_000_000
    #: Deepest nesting of mappings and lists.
    depth: int = 32
    #: Most uses of YAML aliases (``*name``) while reading one file, expansions included.
    aliases: int = 100
    #: Most YAML nodes (keys, values, items) in one file, counted before any object is built.
    nodes: int = 100_000


_current = Limits()

#: Setting name (as in ``max-file-bytes``) -> field name.
NAMES = {f"max-{f.name.replace('_', '-')}": f.name for f in fields(Limits)}


def current() -> Limits:
    """The limits in force."""
    return _current


def set_limits(**changes: int) -> Limits:
    """Change some limits (field names as keys); return the limits now in force."""
    global _current
    for key, value in changes.items():
        if value < 1:
            raise ValueError(f"limit {key} must be at least 1, not {value}")
    _current = replace(_current, **changes)
    return _current


def reset() -> None:
    """Back to the defaults (for tests)."""
    global _current
    _current = Limits()
