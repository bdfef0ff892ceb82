"""Run the doctests of the pure helpers (span formatting, score arithmetic, rendering)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["compliance.span", "compliance.score", "compliance.ast", "compliance.render.jinja"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
