"""``compliance check --watch``: re-checks on each change, redraws a terminal, survives bad files, stops on Ctrl-C.

The loop is driven here by injected change sets (no file watcher, no timing); one test runs the
real watcher in-process, and the end-to-end tests run the command in a subprocess that stops at
the ``watch-ready`` checkpoint after each run (see :mod:`compliance.checkpoint`), so a file is
changed only once the watcher is live. Nothing sleeps: every wait is a blocking read, with a
generous timer that ends a hung run as a safety net only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from compliance.cli import watch as watching
from compliance.cli.watch import CLEAR, Watched, file_changes, watch_loop, watched_inputs

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
#: A hung watcher ends after this long (a safety net; each wait normally returns in well under a second).
SAFETY_NET = 120.0

STATUTE = """\
schema_version: 1
jurisdiction: {{code: aq, name: {name}}}
instruments:
  - id: act
    title: Anti-Trafficking Act
    citation: Act 1
    url: https://example.org/act
    enacted: 2010-05-01
provisions:
  - id: s1
    instrument: act
    heading: Recovery period
    source_url: https://example.org/act/s1
    text: (fictional)
    text_status: paraphrase
    retrieved: 2026-11-28
    norms:
      - state SHALL grant recovery_period TO presumed_victim FOR AT LEAST 30 days IF reasonable_grounds
"""
BROKEN = "schema_version: 1\njurisdiction: [\n"


def _statute(path: Path, name: str) -> Path:
    path.write_text(STATUTE.format(name=name), encoding="utf-8")
    return path


def _save_by_rename(path: Path, text: str) -> None:
    """Save as many editors do: write a new file beside it, then rename it over the old one."""
    spare = path.with_name(path.name + ".swp")
    spare.write_text(text, encoding="utf-8")
    os.replace(spare, path)


# --- the loop, on injected change sets -------------------------------------------------------------------------


def test_the_loop_runs_once_when_watching_starts_then_on_each_change_to_an_input(tmp_path: Path) -> None:
    statute = tmp_path / "aq.yaml"
    watched = Watched(files=frozenset({statute}))
    runs: list[list[Path]] = []

    def run(changed: list[Path]) -> Watched:
        runs.append(changed)
        return watched

    batches = [set(), {tmp_path / "notes.txt"}, {statute}, {tmp_path / "aq.yaml.swp", statute}]
    watch_loop(run, watched, lambda _: iter(batches))
    assert runs == [[], [statute], [statute]]


def test_the_loop_restarts_the_watcher_when_a_run_names_other_inputs(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    before, after = Watched(files=frozenset({first})), Watched(files=frozenset({second}))
    opened: list[Watched] = []
    runs: list[list[Path]] = []

    def changes(watched: Watched) -> Iterator[set[Path]]:
        opened.append(watched)
        return iter([set(), {first}] if watched == before else [set(), {first}, {second}])

    def run(changed: list[Path]) -> Watched:
        runs.append(changed)
        return before if len(runs) == 1 else after  # the second run read an edited configuration

    watch_loop(run, before, changes)
    assert opened == [before, after]
    assert runs == [[], [first], [], [second]]  # a new watcher checks once more: nothing between is missed


def test_the_loop_stops_cleanly_when_the_changes_stop(tmp_path: Path) -> None:
    closed: list[bool] = []

    def changes(_: Watched) -> Iterator[set[Path]]:
        try:
            yield set()
            yield set()
        finally:
            closed.append(True)

    watch_loop(lambda _: Watched(), Watched(), changes)
    assert closed == [True]


def test_what_counts_as_a_change(tmp_path: Path) -> None:
    folder, rules = tmp_path / "legislation", tmp_path / "rules"
    (rules / "new_instrument").mkdir(parents=True)
    statute, output = tmp_path / "aq.yaml", tmp_path / "report.yaml"
    watched = Watched(files=frozenset({statute}), folders=frozenset({folder, rules}), trees=frozenset({rules}),
                      ignored=frozenset({output}))
    assert watched.relevant([statute, folder / "gb.yaml", folder / "ie.yml", rules / "scoring.yaml"]) == sorted(
        [statute, folder / "gb.yaml", folder / "ie.yml", rules / "scoring.yaml"])
    ignored = [output, folder / "notes.txt", folder / ".gb.yaml.swp", folder / "sub" / "x.yaml",
               tmp_path / "other.yaml", tmp_path / f".{statute.name}.abc.tmp"]
    assert watched.relevant(ignored) == []
    assert watched.relevant([rules / "new_instrument", folder]) == [folder, rules / "new_instrument"]


def test_the_inputs_watched_follow_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    statute = _statute(tmp_path / "aq.yaml", "Examplia")
    folder = tmp_path / "more"
    folder.mkdir()
    (tmp_path / "rules" / "coe").mkdir(parents=True)
    params = {"files": [Path("aq.yaml"), folder], "rules_dir": Path("rules"), "waivers": None, "no_waivers": False,
              "baseline": Path("base.json"), "output": Path("out.json"), "output_sarif": Path("c.sarif"),
              "output_json": None}
    watched = watched_inputs(params, Path(".compliance.yaml"))
    here = tmp_path.resolve()
    assert watched.files == {here / "aq.yaml", here / ".compliance-waivers.yaml", here / "base.json",
                             here / ".compliance.yaml"}
    assert watched.folders == {folder.resolve(), here / "rules", here / "rules" / "coe"}
    assert watched.ignored == {here / "out.json", here / "c.sarif"}
    assert watched.roots == sorted({here, folder.resolve(), here / "rules", here / "rules" / "coe"})
    audit = watched_inputs({**params, "no_waivers": True, "waivers": None}, None)
    assert here / ".compliance-waivers.yaml" not in audit.files
    assert placed_under(audit, statute)


def placed_under(watched: Watched, path: Path) -> bool:
    return path.parent.resolve() / path.name in watched.files


# --- the command, in-process, with injected change sets ------------------------------------------------------


def _edits(*steps: Callable[[], object]) -> Callable[[Watched], Iterator[set[Path]]]:
    """A change source that says "watching", then makes each edit and reports what changed."""

    def changes(watched: Watched) -> Iterator[set[Path]]:
        yield set()
        for step in steps:
            changed = step()
            yield {Path(p) for p in changed} if isinstance(changed, list) else set()

    return changes


def test_each_change_is_checked_anew_and_a_broken_file_is_shown_then_watched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statute = _statute(tmp_path / "aq.yaml", "Examplia")
    where = statute.resolve()

    def rename() -> list[Path]:
        _statute(statute, "Watchland")
        return [where]

    def break_it() -> list[Path]:
        statute.write_text(BROKEN, encoding="utf-8")
        return [where]

    def fix() -> list[Path]:
        _statute(statute, "Examplia")  # back to the first content: a cache hit must still be this content
        return [where]

    monkeypatch.setattr(watching, "file_changes", _edits(rename, break_it, fix))
    result = runner.invoke(app, ["--no-config", "check", str(statute), "--watch", "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    runs = result.stdout.split("\n--- changed: ")
    assert len(runs) == 4
    assert runs[0].startswith("Examplia (aq)") and "Watchland" not in runs[0]
    assert "Watchland (aq)" in runs[1] and "Examplia" not in runs[1]
    assert "(aq)" not in runs[2]
    assert "Examplia (aq)" in runs[3]
    assert f"{statute}:3:1: invalid YAML" in result.stderr, result.stderr
    assert result.stderr.count("watching for changes (Ctrl-C to stop)") == 4
    assert "Traceback" not in result.output and "\x1b" not in result.stdout


def test_a_threshold_breach_is_shown_and_the_watch_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statute = _statute(tmp_path / "aq.yaml", "Examplia")
    monkeypatch.setattr(watching, "file_changes", _edits(lambda: [statute.resolve()]))
    result = runner.invoke(app, ["--no-config", "check", str(statute), "--watch", "--fail-under", "100"])
    assert result.exit_code == 0, result.output  # only the end of the changes ends it
    assert result.stderr.count("is below --fail-under 100") == 2


def test_on_a_terminal_each_run_is_a_redraw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statute = _statute(tmp_path / "aq.yaml", "Examplia")

    def rename() -> list[Path]:
        _statute(statute, "Watchland")
        return [statute.resolve()]

    monkeypatch.setattr(watching, "file_changes", _edits(rename))
    monkeypatch.setattr(watching, "_redraws", lambda: True)
    result = runner.invoke(app, ["--no-config", "check", str(statute), "--watch"])
    assert result.exit_code == 0, result.output
    screens = result.stdout.split(CLEAR)
    assert screens[0] == "" and len(screens) == 3
    assert screens[1].startswith("Examplia (aq)") and screens[2].startswith("Watchland (aq)")
    assert "---" not in result.stdout.splitlines()[0]
    assert f"changed: {statute.resolve()}\n" in result.stderr


def test_outputs_are_rewritten_on_each_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statute = _statute(tmp_path / "aq.yaml", "Examplia")
    report = tmp_path / "report.json"
    seen: list[str] = []

    def rename() -> list[Path]:
        seen.append(report.read_text(encoding="utf-8"))
        _statute(statute, "Watchland")
        return [statute.resolve(), report.resolve()]

    monkeypatch.setattr(watching, "file_changes", _edits(rename))
    result = runner.invoke(app, ["--no-config", "check", str(statute), "--watch", "-f", "json", "-o", str(report)])
    assert result.exit_code == 0, result.output
    assert '"Examplia"' in seen[0]
    assert '"Watchland"' in report.read_text(encoding="utf-8")
    assert result.stderr.count(f"wrote {report}") == 2


def test_an_edited_configuration_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("COMPLIANCE_") and n != "COMPLIANCE_CACHE_DIR"]:
        monkeypatch.delenv(name)
    statute = _statute(tmp_path / "aq.yaml", "Examplia")
    config = tmp_path / ".compliance.yaml"
    config.write_text("standard: un\n", encoding="utf-8")

    def edit(text: str) -> Callable[[], list[Path]]:
        def step() -> list[Path]:
            config.write_text(text, encoding="utf-8")
            return [config.resolve()]
        return step

    monkeypatch.setattr(watching, "file_changes", _edits(edit("standard: coe\n"), edit("standard: nonsense\n"),
                                                          edit("standard: all\n")))
    result = runner.invoke(app, ["check", statute.name, "--watch", "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    runs = result.stdout.split("\n--- changed: ")
    assert len(runs) == 4, result.output
    assert "standard un" in runs[0] and "standard coe" in runs[1] and "standard all" in runs[3]
    assert "(aq)" not in runs[2]
    assert "unknown profile 'nonsense'" in result.stderr
    assert "Traceback" not in result.output


def test_a_configuration_that_names_other_files_moves_the_watch_to_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("COMPLIANCE_") and n != "COMPLIANCE_CACHE_DIR"]:
        monkeypatch.delenv(name)
    _statute(tmp_path / "a.yaml", "Examplia")
    _statute(tmp_path / "b.yaml", "Watchland")
    config = tmp_path / ".compliance.yaml"
    config.write_text("paths: [a.yaml]\n", encoding="utf-8")
    opened: list[Watched] = []

    def changes(watched: Watched) -> Iterator[set[Path]]:
        opened.append(watched)
        yield set()
        if len(opened) == 1:
            config.write_text("paths: [b.yaml]\n", encoding="utf-8")
            yield {config.resolve()}

    monkeypatch.setattr(watching, "file_changes", changes)
    result = runner.invoke(app, ["check", "--watch"])
    assert result.exit_code == 0, result.output
    here = tmp_path.resolve()
    assert here / "a.yaml" in opened[0].files and here / "b.yaml" not in opened[0].files
    assert here / "b.yaml" in opened[1].files and here / "a.yaml" not in opened[1].files
    runs = result.stdout.split("\n--- ")
    assert len(runs) == 3
    assert runs[0].startswith("Examplia (aq)")
    assert runs[1].startswith("changed: .compliance.yaml ---\nWatchland (aq)")
    assert runs[2].startswith("the inputs to watch changed ---\nWatchland (aq)")


def test_watch_refuses_stdin_in_one_line() -> None:
    result = runner.invoke(app, ["--no-config", "check", "-", "--watch"], input="")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: --watch cannot watch a statute read from stdin ('-'): give the file to watch"]


def test_watch_refuses_a_file_whose_folder_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "aq.yaml"
    shown = missing.parent.resolve() / missing.name
    result = runner.invoke(app, ["--no-config", "check", str(missing), "--watch"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: --watch: cannot watch {shown}: its folder {shown.parent} does not exist"]


# --- the real file watcher, in-process ---------------------------------------------------------------------------


def test_the_real_watcher_sees_a_save_by_rename_and_only_the_files_of_interest(tmp_path: Path) -> None:
    statute = _statute(tmp_path / "aq.yaml", "Examplia")
    watched = Watched(files=frozenset({statute.resolve()}))
    stop = threading.Event()
    net = threading.Timer(SAFETY_NET, stop.set)
    net.start()
    try:
        source = file_changes(watched, stop)
        next(source)  # live now: what it saw before does not matter
        (tmp_path / "notes.txt").write_text("not an input", encoding="utf-8")
        _save_by_rename(statute, STATUTE.format(name="Watchland"))
        relevant: list[Path] = []
        for batch in source:
            relevant = watched.relevant(batch)
            if relevant:
                break
        assert relevant == [statute.resolve()]
        stop.set()
        assert list(source) == []  # the stop event ends it
    finally:
        net.cancel()


# --- end to end: the command in a subprocess, stopped at its checkpoints ------------------------------------------


class Driven:
    """``python -m compliance check FILE --watch`` in a subprocess, answering each checkpoint.

    ``on_point(name, count)`` is called at each checkpoint (``count``: how many times that point was
    reached so far, from 1), while the run waits there; it returns True to send SIGINT there.
    """

    def __init__(self, tmp_path: Path, args: list[str], terminal: bool = False) -> None:
        self.out = tmp_path / "stdout.txt"
        self.other: list[str] = []
        self.points: list[str] = []
        self.screen = bytearray()
        self.read_end, self.write_end = os.pipe()
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_")}
        env.update(COMPLIANCE_CHECKPOINT_FD=str(self.read_end), COMPLIANCE_CACHE_DIR=str(tmp_path / "cache"),
                   NO_COLOR="1", TERM="xterm")
        if terminal:  # stdout is a terminal: a pseudo-terminal, drained by a thread so that it never fills
            import pty

            master, slave = pty.openpty()
            stdout: int = slave
        else:
            stdout = os.open(self.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "compliance", "--no-config", "check", *args, "--watch"], cwd=tmp_path,
            env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE, text=True,
            pass_fds=(self.read_end,))
        os.close(stdout)
        os.close(self.read_end)
        self.drain = threading.Thread(target=self._drain, args=(master,), daemon=True) if terminal else None
        if self.drain is not None:
            self.drain.start()
        self.net = threading.Timer(SAFETY_NET, self.process.kill)

    def _drain(self, master: int) -> None:
        try:
            while chunk := os.read(master, 65536):
                self.screen += chunk
        except OSError:  # EIO: the process has ended and closed the terminal
            pass
        finally:
            os.close(master)

    def drive(self, on_point: Callable[[str, int], bool]) -> int:
        assert self.process.stderr is not None
        self.net.start()
        try:
            for line in self.process.stderr:
                if not line.startswith("checkpoint "):
                    self.other.append(line.rstrip("\n"))
                    continue
                name = line.split(" ", 1)[1].strip()
                self.points.append(name)
                if on_point(name, self.points.count(name)):
                    self.process.send_signal(signal.SIGINT)
                try:
                    os.write(self.write_end, b"g")
                except BrokenPipeError:
                    pass
        finally:
            os.close(self.write_end)
            code = self.process.wait(timeout=SAFETY_NET)
            self.net.cancel()
            if self.drain is not None:
                self.drain.join(timeout=SAFETY_NET)
        return code

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8")

    def assert_interrupted(self, code: int) -> None:
        text = "\n".join(self.other)
        assert "Traceback" not in text and "Exception ignored" not in text, text
        assert code == 130, (code, text)
        assert self.other and self.other[-1] == "interrupted", text


def test_end_to_end_a_saved_change_is_checked_and_ctrl_c_ends_the_watch(tmp_path: Path) -> None:
    statute = _statute(tmp_path / "aq.yaml", "Examplia")
    driven = Driven(tmp_path, [statute.name, "--as-of", "2026-11-28"])
    seen: list[str] = []

    def on_point(name: str, count: int) -> bool:
        if name != "watch-ready":
            return False
        seen.append(driven.stdout())
        if count == 1:
            _save_by_rename(statute, STATUTE.format(name="Watchland"))  # the watcher is live: it must see this
        elif count == 2:
            statute.write_text(BROKEN, encoding="utf-8")
        elif count == 3:
            _statute(statute, "Examplia")
        return count == 4

    code = driven.drive(on_point)
    driven.assert_interrupted(code)
    assert driven.points.count("watch-ready") == 4, driven.points
    assert seen[0].startswith("Examplia (aq) — aq.yaml") and "Watchland" not in seen[0]
    second = seen[1][len(seen[0]):]
    assert second.startswith("--- changed: aq.yaml ---\nWatchland (aq) — aq.yaml"), second[:200]
    assert seen[2][len(seen[1]):] == "--- changed: aq.yaml ---\n"  # the broken file: its errors are on stderr
    assert any(line.startswith("aq.yaml:") and "invalid YAML" in line for line in driven.other), driven.other
    assert seen[3][len(seen[2]):].startswith("--- changed: aq.yaml ---\nExamplia (aq) — aq.yaml")
    assert "\x1b" not in seen[3]


def test_end_to_end_ctrl_c_in_the_middle_of_a_re_check(tmp_path: Path) -> None:
    statute = _statute(tmp_path / "aq.yaml", "Examplia")
    driven = Driven(tmp_path, [statute.name])

    def on_point(name: str, count: int) -> bool:
        if name == "watch-ready":
            _statute(statute, "Watchland")
        return name == "rules-loaded" and count == 2  # the re-check, after its rules are loaded

    code = driven.drive(on_point)
    driven.assert_interrupted(code)
    assert driven.points.count("watch-ready") == 1, driven.points
    assert "Watchland" not in driven.stdout()


def test_end_to_end_ctrl_c_while_waiting_for_a_change(tmp_path: Path) -> None:
    statute = _statute(tmp_path / "aq.yaml", "Examplia")
    driven = Driven(tmp_path, [statute.name])
    assert driven.process.stderr is not None
    driven.net.start()
    try:
        for line in driven.process.stderr:
            if line.strip() == "checkpoint watch-ready":
                os.write(driven.write_end, b"g")  # let it go on to wait for a change, and interrupt it there
                driven.process.send_signal(signal.SIGINT)
                continue
            if line.startswith("checkpoint "):
                os.write(driven.write_end, b"g")
                continue
            driven.other.append(line.rstrip("\n"))
    finally:
        os.close(driven.write_end)
        code = driven.process.wait(timeout=SAFETY_NET)
        driven.net.cancel()
    driven.assert_interrupted(code)
    assert driven.stdout().startswith("Examplia (aq)")


def test_end_to_end_on_a_terminal_each_run_redraws_the_screen(tmp_path: Path) -> None:
    statute = _statute(tmp_path / "aq.yaml", "Examplia")
    driven = Driven(tmp_path, [statute.name], terminal=True)

    def on_point(name: str, count: int) -> bool:
        if name == "watch-ready" and count == 1:
            _save_by_rename(statute, STATUTE.format(name="Watchland"))
        return name == "watch-ready" and count == 2

    code = driven.drive(on_point)
    driven.assert_interrupted(code)
    screens = driven.screen.decode("utf-8").split(CLEAR)
    assert len(screens) == 3 and screens[0] == "", screens[:1]
    assert screens[1].startswith("Examplia (aq)") and "Watchland" not in screens[1]
    assert screens[2].startswith("Watchland (aq)")
    assert not any(line.startswith("--- ") for line in driven.screen.decode("utf-8").splitlines())
    assert "changed: aq.yaml" in driven.other
