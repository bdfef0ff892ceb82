"""Each run imports what its output needs: no Jinja for the non-template formats, no process pool for one file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import sys
sys.argv = {argv!r}
from compliance.entry import main
try:
    main()
except SystemExit:
    pass
print(",".join(m for m in ("jinja2", "concurrent.futures.process", "pygls", "watchfiles", "ruamel.yaml")
               if m in sys.modules), file=sys.stderr)
"""


def _imported(argv: list[str], tmp_path: Path) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=["compliance", "--no-config", *argv])],
                          capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode in (0, 1), done.stderr
    lines = done.stderr.splitlines()
    return set(filter(None, (lines[-1] if lines else "").split(",")))


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "csv", "junit", "github", "gitlab"])
def test_check_of_one_file_imports_no_templates_and_no_pool(fmt: str, tmp_path: Path) -> None:
    imported = _imported(["check", str(ROOT / "legislation" / "au.yaml"), "-f", fmt, "--no-cache"], tmp_path)
    assert imported == set()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_compare_without_templates_imports_no_jinja(fmt: str, tmp_path: Path) -> None:
    imported = _imported(["compare", str(ROOT / "legislation"), "-f", fmt, "-o", str(tmp_path / f"out.{fmt}"),
                          "--no-cache", "--jobs", "1"], tmp_path)
    assert "jinja2" not in imported and "pygls" not in imported


def test_html_does_import_jinja(tmp_path: Path) -> None:
    # The probe can see an import: the test above would fail if the formats stopped being lazy.
    assert "jinja2" in _imported(["check", str(ROOT / "legislation" / "au.yaml"), "-f", "html", "-o",
                                  str(tmp_path / "r.html"), "--no-cache"], tmp_path)
