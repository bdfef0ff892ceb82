"""``compliance --help`` is instant: it imports none of the heavy libraries and prints the live help."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from compliance.cli import app
from tests.conftest import ROOT

HEAVY = ("yaml", "lark", "pydantic", "jinja2", "typer")


def _probe(args: list[str], env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    code = ("import sys, json\n"
            f"sys.argv = ['compliance', *{args!r}]\n"
            "from compliance.entry import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})})
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_help_imports_none_of_the_heavy_libraries() -> None:
    out, loaded = _probe(["--help"], {"COLUMNS": "100"})
    assert loaded == []
    assert out.startswith("Usage: compliance [OPTIONS] COMMAND [ARGS]...")


def test_the_stored_help_is_the_live_help() -> None:
    live = CliRunner().invoke(app, ["--help"], prog_name="compliance", terminal_width=78).stdout
    stored = (ROOT / "src" / "compliance" / "cli" / "help.txt").read_text(encoding="utf-8")
    stale = ("src/compliance/cli/help.txt is stale: regenerate it from "
             "CliRunner().invoke(app, ['--help'], prog_name='compliance', terminal_width=78)")
    assert stored.replace("{prog}", "compliance") == live, stale


def test_a_narrow_terminal_gets_the_live_help() -> None:
    out, loaded = _probe(["--help"], {"COLUMNS": "60"})
    assert "typer" in loaded
    assert max(len(line) for line in out.splitlines()) <= 60


def test_other_commands_still_run() -> None:
    out, loaded = _probe(["--version"])
    assert out.startswith("compliance ") and "typer" in loaded
