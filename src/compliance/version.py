"""The package version (kept in its own module so that any layer may read it)."""

__version__ = "0.8.0"
