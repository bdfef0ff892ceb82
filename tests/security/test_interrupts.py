"""Ctrl-C at any moment prints ``interrupted``, exits 130, never a traceback, and loses nothing.

Deterministic: the tool runs with ``COMPLIANCE_CHECKPOINT_FD`` (see :mod:`compliance.checkpoint`),
so it stops at each known point of a run (start, imports done, configured, rules loaded, each
file checked, a file built but not yet renamed into place, site pages moving) and waits for the
test, which interrupts it *there*. No sleep, no timing: the same points on a busy machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from compliance.bench import generate_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(folder, jurisdictions=5, provisions=30)
    return folder


def _drive(args: list[str], cwd: Path, stop_at: int | None) -> tuple[int, list[str], list[str]]:
    """Run the tool, let it pass every checkpoint but number ``stop_at``, where it gets SIGINT.

    Returns the exit code, the checkpoints passed and the other stderr lines.
    """
    read_end, write_end = os.pipe()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
    env.update(COMPLIANCE_CHECKPOINT_FD=str(read_end), COMPLIANCE_CACHE_DIR=str(cwd / "cache"), NO_COLOR="1")
    process = subprocess.Popen([sys.executable, "-m", "compliance", "--no-config", *args], cwd=cwd, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, pass_fds=(read_end,))
    os.close(read_end)
    points: list[str] = []
    other: list[str] = []
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if not line.startswith("checkpoint "):
                other.append(line.rstrip("\n"))
                continue
            if stop_at is not None and len(points) == stop_at:
                process.send_signal(signal.SIGINT)
            points.append(line.split(" ", 1)[1].strip())
            try:
                os.write(write_end, b"g")  # after a SIGINT too: a point where Ctrl-C is held back goes on
            except BrokenPipeError:
                pass
    finally:
        os.close(write_end)
        code = process.wait(timeout=300)
    return code, points, other


def _stops(points: list[str]) -> list[int]:
    """Where to interrupt: the first, middle and last passing of each kind of point."""
    chosen: set[int] = set()
    for name in dict.fromkeys(points):
        where = [i for i, p in enumerate(points) if p == name]
        chosen |= {where[0], where[len(where) // 2], where[-1]}
    return sorted(chosen)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_interrupted(code: int, other: list[str], point: str) -> None:
    text = "\n".join(other)
    assert "Traceback" not in text and "Exception ignored" not in text, (point, text)
    assert code == 130, (point, code, text)
    assert other and other[-1] == "interrupted", (point, text)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_at_every_point_of_a_check_leaves_the_old_report_or_the_whole_new_one(
        corpus: Path, tmp_path: Path, jobs: str) -> None:
    report = tmp_path / "report.json"
    args = ["check", str(corpus), "-f", "json", "-o", str(report), "--as-of", "2026-11-28", "--jobs", jobs,
            "--no-cache"]
    code, points, other = _drive(args, tmp_path, None)
    assert code == 0, other
    new = report.read_bytes()
    for name in ("start", "imported", "configured", "rules-loaded", "file-checked", "before-rename"):
        assert name in points, (name, points)
    for stop in _stops(points):
        report.write_text('{"previous": true}\n', encoding="utf-8")
        code, passed, other = _drive(args, tmp_path, stop)
        _assert_interrupted(code, other, points[stop])
        assert passed[: stop + 1] == points[: stop + 1]
        assert report.read_bytes() in (b'{"previous": true}\n', new), points[stop]
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == [], points[stop]


def test_ctrl_c_at_every_point_of_a_site_rewrite_leaves_the_old_site_or_the_whole_new_one(
        corpus: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    old_args = ["compare", str(corpus), "-o", str(site), "--as-of", "2010-01-01", "--no-cache"]
    new_args = ["compare", str(corpus), "-o", str(site), "--as-of", "2026-11-28", "--no-cache"]
    assert _drive(old_args, tmp_path, None)[0] == 0
    old = _tree(site)
    code, points, other = _drive(new_args, tmp_path, None)
    assert code == 0, other
    new = _tree(site)
    assert old != new and set(old) == set(new)
    assert "site-built" in points and "site-page-moved" in points
    for stop in _stops(points):
        assert _drive(old_args, tmp_path, None)[0] == 0
        code, passed, other = _drive(new_args, tmp_path, stop)
        _assert_interrupted(code, other, points[stop])
        assert passed[: stop + 1] == points[: stop + 1]
        assert _tree(site) in (old, new), points[stop]
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == [], points[stop]


def test_ctrl_c_before_the_cli_is_imported_prints_no_traceback(tmp_path: Path) -> None:
    for stop in (0, 1):  # "start" (nothing imported yet) and "imported"
        code, points, other = _drive(["--help"] if stop == 0 else ["rules"], tmp_path, stop)
        _assert_interrupted(code, other, points[stop] if len(points) > stop else "?")
