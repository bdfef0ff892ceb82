"""Locate the bundled rule set and legislation, installed (wheel) or in a source checkout."""

from __future__ import annotations

from pathlib import Path


def _data_dir(name: str) -> Path:
    packaged = Path(__file__).parent / "data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"bundled {name}/ not found (looked in {packaged} and {checkout})")


def bundled_rules_dir() -> Path:
    """The directory of the bundled rule set."""
    return _data_dir("rules")


def bundled_legislation_dir() -> Path:
    """The directory of the bundled legislation files."""
    return _data_dir("legislation")


def bundled_findings() -> Path:
    """The bundled calibration data set (``calibration/findings.yaml``)."""
    return _data_dir("calibration") / "findings.yaml"
