"""Shared fixtures, and the ``--update-snapshots`` option for golden reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance import api
from compliance.model.rules import RuleSet

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
#: The codes of the bundled jurisdictions, in file-name order (the corpus grows; tests follow it).
BUNDLED = sorted(p.stem for p in (ROOT / "legislation").glob("*.yaml"))


def sarif_schema_path() -> Path:
    """The official OASIS SARIF 2.1.0 schema: read from ../shared/schemas (never copied into the project).

    ``COMPLIANCE_SARIF_SCHEMA`` names it elsewhere; the path returned may not exist (tests then skip).
    """
    import os

    if os.environ.get("COMPLIANCE_SARIF_SCHEMA"):
        return Path(os.environ["COMPLIANCE_SARIF_SCHEMA"])
    name = Path("shared") / "schemas" / "sarif-schema-2.1.0.json"
    candidates = [folder / name for folder in ROOT.parents] + [Path("/work") / name]
    return next((c for c in candidates if c.is_file()), candidates[0])


def pytest_configure(config: pytest.Config) -> None:
    """Keep the tests' result cache apart from the user's (and fresh for every run)."""
    import os
    import tempfile

    os.environ["COMPLIANCE_CACHE_DIR"] = tempfile.mkdtemp(prefix="compliance-test-cache-")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true", default=False,
                     help="Rewrite tests/snapshots/ from the current output (then review the git diff).")


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return api.load_rules(ROOT / "rules")


@pytest.fixture(scope="session")
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))
