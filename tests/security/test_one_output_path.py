"""Every run goes through the same output path: a repeated run (a cache hit) behaves exactly like the
first one, whatever the options, the environment, the rules folder or the reader of stdout.

These were the replay's failures (issue 12): ``FORCE_COLOR`` dropped, edits under a symlinked rules
subfolder never seen, ``--rules`` copies served to plain runs, and raw tracebacks on a closed pipe.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

STATUTE = ROOT / "legislation" / "ng.yaml"
DAY = ["--as-of", "2026-11-28"]


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("COMPLIANCE_", "NO_COLOR", "FORCE_COLOR"))}
    return subprocess.run([sys.executable, "-m", "compliance", "--no-config", *args], cwd=cwd, capture_output=True,
                          env={**base, "COMPLIANCE_CACHE_DIR": str(cwd / "cache"), **env}, check=False)


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}, {"NO_COLOR": "1", "FORCE_COLOR": "1"}])
def test_a_repeated_run_prints_the_same_bytes_as_the_first(env: dict[str, str], tmp_path: Path) -> None:
    first = _run(["check", str(STATUTE), *DAY], tmp_path, **env)
    again = _run(["check", str(STATUTE), *DAY], tmp_path, **env)
    assert first.returncode == again.returncode == 0
    assert first.stdout == again.stdout and first.stderr == again.stderr
    coloured = b"\x1b[" in first.stdout
    assert coloured == (env.get("FORCE_COLOR") is not None and "NO_COLOR" not in env)


def test_rules_are_read_afresh_through_a_symlinked_subfolder(tmp_path: Path) -> None:
    real = tmp_path / "real-palermo"
    shutil.copytree(ROOT / "rules" / "palermo", real)
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("palermo"))
    (rules / "palermo").symlink_to(real, target_is_directory=True)
    args = ["check", str(STATUTE), *DAY, "-f", "json", "--rules", str(rules)]
    before = _run(args, tmp_path)
    plain = _run(["check", str(STATUTE), *DAY, "-f", "json"], tmp_path)
    assert before.returncode == 0 and before.stdout == plain.stdout  # the copy says what the bundled rules say
    target = real / "art_03.yaml"
    text = target.read_text(encoding="utf-8")
    assert "weight: 2" in text
    target.write_text(text.replace("weight: 2", "weight: 3", 1), encoding="utf-8")
    after = _run(args, tmp_path)
    assert after.returncode == 0 and after.stdout != before.stdout  # the edit behind the symlink is seen
    plain_again = _run(["check", str(STATUTE), *DAY, "-f", "json"], tmp_path)
    assert plain_again.stdout == plain.stdout  # and the copy is not served to plain runs


@pytest.mark.parametrize("args", [
    ["check", str(STATUTE), *DAY],
    ["check", str(STATUTE), *DAY, "-f", "json"],
    ["check", str(ROOT / "legislation"), *DAY, "-f", "html"],
    ["compare", str(ROOT / "legislation"), *DAY, "-f", "csv"],
    ["rules"],
    ["vocabulary"],
    ["explain", "COE-2005-26"],
    ["--help"],
], ids=lambda a: " ".join(a[:1] + a[-2:]))
def test_a_closed_pipe_is_a_quiet_exit_141_never_a_traceback(args: list[str], tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first byte (like `| head -0`)
    base = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    try:
        done = subprocess.run([sys.executable, "-m", "compliance", "--no-config", *args], cwd=tmp_path,
                              stdout=write_end, stderr=subprocess.PIPE, check=False,
                              env={**base, "COMPLIANCE_CACHE_DIR": str(tmp_path / "cache")})
    finally:
        os.close(write_end)
    assert done.returncode == 141, done.stderr
    assert done.stderr == b""
