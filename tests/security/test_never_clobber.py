"""Outputs never follow a symlink, never replace anything but a regular file, never create folders
unasked, and ``compare -o DIR`` never overwrites what it did not write; a refused run changes nothing.

Every ``--output*`` option of every command is found by walking the CLI, so an output option
added later is covered (or this test fails, asking how to run its command).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from compliance.cli import app
from tests.conftest import ROOT

runner = CliRunner()
SMALL = [str(ROOT / "legislation" / "ng.yaml"), str(ROOT / "legislation" / "ro.yaml")]
DAY = ["--as-of", "2026-11-28"]

#: How to run each command that writes files (before its output option).
BASE = {
    ("check",): ["check", SMALL[0], *DAY],
    ("compare",): ["compare", *SMALL, "-f", "json", *DAY],
    ("baseline", "create"): ["baseline", "create", SMALL[0], *DAY, "--force"],
    ("import", "akn"): ["import", "akn", str(ROOT / "tests" / "fixtures" / "akn" / "act.xml"), "--force"],
    ("init",): ["init", "xx"],
}


def _output_options() -> Iterator[tuple[tuple[str, ...], str]]:
    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in sorted(subs.items()):
                yield from walk(sub, (*path, name))
            return
        for param in getattr(command, "params", []):
            long = [o for o in param.opts if o.startswith("--output")]
            if long:
                yield path, long[0]

    yield from walk(typer.main.get_command(app), ())


OUTPUTS = sorted(_output_options())


def _run(args: list[str], cwd: Path) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, ["--no-config", *args])
    finally:
        os.chdir(old)
    return result.exit_code, result.stderr


def test_every_output_option_is_covered() -> None:
    assert OUTPUTS, "no output option found"
    for command, _ in OUTPUTS:
        assert command in BASE, f"add how to run {' '.join(command)} to BASE"


def _targets(tmp: Path) -> dict[str, Path]:
    """Every kind of thing a target name can already be that must not be written through or replaced."""
    victim = tmp / "victim.txt"
    victim.write_text("the user's file\n", encoding="utf-8")
    link = tmp / "link.out"
    link.symlink_to(victim)
    dangling = tmp / "dangling.out"
    dangling.symlink_to(tmp / "nowhere" / "file")
    folder = tmp / "folder.out"
    folder.mkdir()
    fifo = tmp / "fifo.out"
    os.mkfifo(fifo)
    kinds = {"symlink to a file": link, "dangling symlink": dangling, "folder": folder, "fifo": fifo}
    if hasattr(os, "getuid") and os.getuid() == 0:
        device = tmp / "device.out"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a null device node of our own
        kinds["character device"] = device
    return kinds


def _state(path: Path) -> tuple[int, bytes | None, str | None]:
    info = os.lstat(path)
    content = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
    return info.st_mode, content, os.readlink(path) if stat.S_ISLNK(info.st_mode) else None


@pytest.mark.parametrize(("command", "option"), OUTPUTS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
def test_no_output_goes_through_a_symlink_or_replaces_a_non_file(command: tuple[str, ...], option: str,
                                                                 tmp_path: Path) -> None:
    if command == ("compare",) and option == "--output":
        pass  # -f json: a file output; the folder (html) output is tested below
    victim = tmp_path / "victim.txt"
    for kind, target in _targets(tmp_path).items():
        before = _state(target)
        victim_before = victim.read_bytes()
        code, err = _run([*BASE[command], option, str(target)], tmp_path)
        assert code == 2, (kind, err)
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and str(target) in lines[0], (kind, err)
        assert _state(target) == before, kind
        assert victim.read_bytes() == victim_before, kind
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


@pytest.mark.parametrize(("command", "option"), OUTPUTS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
def test_a_missing_folder_is_an_error_unless_mkdir(command: tuple[str, ...], option: str, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "deeper" / "out.txt"
    code, err = _run([*BASE[command], option, str(target)], tmp_path)
    assert code == 2 and "--mkdir" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "missing").exists()
    code, err = _run([*BASE[command], option, str(target), "--mkdir"], tmp_path)
    assert code in (0, 1), err  # 1: a gate may fail; the file is written either way
    assert target.is_file() and target.stat().st_size > 0


@pytest.mark.parametrize("errno_", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_a_failed_write_is_one_line_exit_2_and_leaves_the_old_file(errno_: int, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"
    target.write_text("old\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr(os, "replace", refuse)
    code, err = _run(["check", SMALL[0], *DAY, "-f", "json", "-o", str(target)], tmp_path)
    assert code == 2 and len(err.strip().splitlines()) == 1 and os.strerror(errno_) in err, err
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


# --- compare -o DIR ----------------------------------------------------------------------------------

def _tree(folder: Path) -> dict[str, tuple[int, bytes | None, str | None]]:
    return {str(p.relative_to(folder)): _state(p) for p in sorted(folder.rglob("*"))} if folder.exists() else {}


def _site(tmp: Path, *extra: str, files: list[str] | None = None) -> tuple[int, str]:
    return _run(["compare", *(files or SMALL), *DAY, "-o", str(tmp / "site"), *extra], tmp)


def test_a_site_is_rewritten_over_its_own_pages_and_nothing_else(tmp_path: Path) -> None:
    code, err = _site(tmp_path)
    assert code == 0, err
    site = tmp_path / "site"
    pages = sorted(p.name for p in site.iterdir())
    assert ".compliance-manifest.json" in pages and "index.html" in pages and "comparison.csv" in pages
    (site / "notes.md").write_text("mine\n", encoding="utf-8")  # a file of the user's, not a page name
    code, err = _site(tmp_path)
    assert code == 0, err
    assert (site / "notes.md").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("page", ["index.html", "comparison.csv"])
def test_a_file_the_tool_did_not_write_is_refused_and_the_folder_is_unchanged(page: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / page).write_text("the user's own page\n", encoding="utf-8")
    before = _tree(site)
    code, err = _site(tmp_path)
    assert code == 2 and "--force" in err and page in err and len(err.strip().splitlines()) == 1, err
    assert _tree(site) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]
    code, err = _site(tmp_path, "--force")
    assert code == 0, err
    assert (site / page).read_text(encoding="utf-8") != "the user's own page\n"


def test_a_page_changed_since_it_was_written_is_not_overwritten(tmp_path: Path) -> None:
    assert _site(tmp_path)[0] == 0
    site = tmp_path / "site"
    (site / "index.html").write_text("edited by hand\n", encoding="utf-8")
    before = _tree(site)
    code, err = _site(tmp_path)
    assert code == 2 and "index.html" in err
    assert _tree(site) == before


@pytest.mark.parametrize("kind", ["symlink to a file", "dangling symlink", "folder", "fifo"])
def test_a_planted_page_is_never_followed_or_replaced_even_with_force(kind: str, tmp_path: Path) -> None:
    assert _site(tmp_path)[0] == 0
    site = tmp_path / "site"
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's file\n", encoding="utf-8")
    page = site / "index.html"
    page.unlink()
    if kind == "symlink to a file":
        page.symlink_to(victim)
    elif kind == "dangling symlink":
        page.symlink_to(tmp_path / "nowhere")
    elif kind == "folder":
        page.mkdir()
    else:
        os.mkfifo(page)
    before = _tree(site)
    for extra in ([], ["--force"]):
        code, err = _site(tmp_path, *extra)
        assert code == 2 and "index.html" in err and len(err.strip().splitlines()) == 1, err
        assert _tree(site) == before
        assert victim.read_text(encoding="utf-8") == "the user's file\n"


def test_a_symlinked_or_file_output_folder_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "site").symlink_to(real)
    code, err = _site(tmp_path)
    assert code == 2 and "symbolic link" in err
    assert list(real.iterdir()) == []
    (tmp_path / "site").unlink()
    (tmp_path / "site").write_text("a file\n", encoding="utf-8")
    code, err = _site(tmp_path)
    assert code == 2 and (tmp_path / "site").read_text(encoding="utf-8") == "a file\n"


def test_stale_pages_are_removed_unless_changed(tmp_path: Path) -> None:
    assert _site(tmp_path)[0] == 0
    site = tmp_path / "site"
    old_pages = {p.name for p in site.iterdir()}
    assert _site(tmp_path, files=[SMALL[0]])[0] == 0  # one jurisdiction fewer: its page is stale
    new_pages = {p.name for p in site.iterdir()}
    gone = {name for name in old_pages - new_pages if not name.startswith("region-")}  # region pages go too
    assert len(gone) == 1 and gone.pop().endswith(".html")
    assert _site(tmp_path)[0] == 0  # back to two
    ro_page = next(name for name in {p.name for p in site.iterdir()} - new_pages if not name.startswith("region-"))
    (site / ro_page).write_text("annotated by hand\n", encoding="utf-8")
    code, err = _site(tmp_path, files=[SMALL[0]])
    assert code == 0 and "kept" in err
    assert (site / ro_page).read_text(encoding="utf-8") == "annotated by hand\n"


def test_a_new_site_folder_needs_its_parent(tmp_path: Path) -> None:
    code, err = _run(["compare", *SMALL, *DAY, "-o", str(tmp_path / "a" / "b")], tmp_path)
    assert code == 2 and "--mkdir" in err and not (tmp_path / "a").exists()
    code, err = _run(["compare", *SMALL, *DAY, "-o", str(tmp_path / "a" / "b"), "--mkdir"], tmp_path)
    assert code == 0 and (tmp_path / "a" / "b" / "index.html").is_file()
