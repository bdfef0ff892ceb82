"""``compliance check --watch``: check, then check again whenever an input changes, until Ctrl-C.

Each run is an ordinary ``check``: the settings are resolved afresh (flags as given, then
``COMPLIANCE_*`` variables, then the configuration file *as it now is*), and the command's own
code loads, checks, renders and writes. There is no second output path and nothing is kept from
one run to the next, so a run sees what is on disk (the result cache is keyed by content).

What is watched follows from a run's settings: the statute files and folders given (or the bundled
legislation), the rule set in use, the configuration file, and the waiver and baseline files. The
*folders* holding them are watched, not the files, so an editor that saves by writing a new file
and renaming it over the old one is seen; a change counts only if it is to one of those files, or
to a ``.yaml``/``.yml`` file directly in a folder that is checked (a rule set's folder and its
instrument folders included). The files a run writes (``--output``) never count. When a run's
settings name other inputs (the configuration was edited), the watcher restarts on them and checks
once more.

:func:`watch_loop` is the loop itself, on any iterator of change sets (tests give their own);
:func:`file_changes` is the real one, on :func:`watchfiles.watch`.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from typer._click.core import Context, ParameterSource
from typer._click.exceptions import BadParameter, ClickException
from typer._click.globals import get_current_context

from compliance.cli.common import TERMINAL, fail
from compliance.cli.conventions import CONFIG_META, reworded
from compliance.textsafe import one_line

#: Milliseconds over which watchfiles groups the events of one save (an editor's save is several).
DEBOUNCE_MS = 200
#: Milliseconds watchfiles waits before saying "no change yet". Its first word, change or not, says the
#: watcher is live, so the first check runs only then: a save during that check is not missed.
RUST_TIMEOUT_MS = 100
#: Home, clear the screen and its scrollback (what ``clear`` sends): the redraw of a terminal.
CLEAR = "\x1b[H\x1b[2J\x1b[3J"
#: How long a statute or rule file's name ends (``api.expand_paths`` and the rule registry read these).
YAML = (".yaml", ".yml")
#: Where a flag typed on the command line keeps its value from run to run.
_TYPED = (ParameterSource.COMMANDLINE, ParameterSource.PROMPT)


@dataclass(frozen=True)
class Watched:
    """What a run's settings make worth watching (every path absolute, its folder resolved)."""

    #: Files whose change counts: statute files given, the configuration, waiver and baseline files.
    files: frozenset[Path] = frozenset()
    #: Folders whose ``.yaml``/``.yml`` files count: statute folders, the rule set's folder and its subfolders.
    folders: frozenset[Path] = frozenset()
    #: Folders (the rule set's) whose new or removed subfolders count too: the watch then restarts on them.
    trees: frozenset[Path] = frozenset()
    #: Files the run writes itself (its outputs): never a change.
    ignored: frozenset[Path] = frozenset()

    @property
    def roots(self) -> list[Path]:
        """The folders to hand to the file watcher (only those that exist)."""
        return sorted(p for p in self.folders | {f.parent for f in self.files} if p.is_dir())

    def relevant(self, paths: Iterable[Path]) -> list[Path]:
        """The paths, of those that changed, that are inputs of the check."""
        return sorted(p for p in set(paths) if p not in self.ignored and (
            p in self.files or p in self.folders or (p.parent in self.folders and p.suffix in YAML)
            or (p.parent in self.trees and p.is_dir())))


def placed(path: Path) -> Path:
    """``path`` absolute, its folder resolved (as the watcher reports it), the name itself kept."""
    return path.parent.resolve() / path.name


def watched_inputs(params: Mapping[str, Any], config: Path | None) -> Watched:
    """What to watch for a ``check`` with these parameters, given the configuration file it read (if any)."""
    from compliance.policy.waivers import DEFAULT_WAIVERS
    from compliance.resources import bundled_legislation_dir, bundled_rules_dir

    files: set[Path] = set()
    folders: set[Path] = set()
    given: list[Path] = list(params.get("files") or [])
    if not given:
        folders.add(bundled_legislation_dir().resolve())
    for path in given:
        if str(path) == "-":
            continue
        if path.is_dir():
            folders.add(path.resolve())
        else:
            files.add(placed(path))
    rules = Path(params.get("rules_dir") or bundled_rules_dir()).resolve()
    folders.add(rules)
    try:
        folders |= {sub.resolve() for sub in rules.iterdir() if sub.is_dir()}
    except OSError:
        pass  # a missing rule folder: the run says so; its parent is not watched (it may be anywhere)
    waivers = params.get("waivers")
    if waivers is not None:
        files.add(placed(Path(waivers)))
    elif not params.get("no_waivers"):
        files.add(placed(Path(DEFAULT_WAIVERS)))  # the default, so that creating it counts
    if params.get("baseline") is not None:
        files.add(placed(Path(params["baseline"])))
    if config is not None:
        files.add(placed(config))
    outputs = {placed(Path(value)) for key, value in params.items()
               if (key == "output" or key.startswith("output_")) and value is not None}
    return Watched(frozenset(files - outputs), frozenset(folders), frozenset({rules}), frozenset(outputs))


def refusal(params: Mapping[str, Any]) -> str | None:
    """Why ``--watch`` cannot go with these parameters (one line), or ``None``."""
    if any(str(p) == "-" for p in params.get("files") or []):
        return "--watch cannot watch a statute read from stdin ('-'): give the file to watch"
    return None


def file_changes(watched: Watched, stop: threading.Event | None = None) -> Iterator[set[Path]]:
    """The change sets of :func:`watchfiles.watch` over ``watched.roots`` (not recursive): the paths that changed.

    The first set comes as soon as the watcher is live (empty unless something changed already): a
    change made after it is seen. Later sets are never empty. It ends when ``stop`` is set.
    """
    import watchfiles

    started = False
    for batch in watchfiles.watch(*watched.roots, watch_filter=None, debounce=DEBOUNCE_MS,
                                  rust_timeout=RUST_TIMEOUT_MS, yield_on_timeout=True, recursive=False,
                                  stop_event=stop, raise_interrupt=True):
        paths = {Path(path) for _, path in batch}
        if paths or not started:
            started = True
            yield paths


def _next(source: Iterator[set[Path]]) -> set[Path] | None:
    """The next change set, ``None`` once there are no more; a watcher that fails is a one-line error, exit 2."""
    try:
        return next(source)
    except StopIteration:
        return None
    except (OSError, RuntimeError) as exc:  # watchfiles: OSError subclasses, WatchfilesRustInternalError
        fail([f"error: --watch: cannot watch for changes: {exc}"])


def watch_loop(run: Callable[[list[Path]], Watched], watched: Watched,
               changes: Callable[[Watched], Iterator[set[Path]]]) -> None:
    """Run once as soon as the watcher is live, then after each change to an input, until the changes end.

    ``run`` gets the inputs that changed (none for the first run of a watcher) and returns what its
    settings make worth watching: when that differs, the watcher restarts on it and runs once more
    (a change between the two watchers would otherwise go unseen). A run that fails or breaches a
    threshold is shown, never the end: the loop ends only when ``changes`` does (or on Ctrl-C).
    """
    from compliance.checkpoint import reached

    while True:
        source = changes(watched)
        try:
            first = True
            while True:
                batch = _next(source)
                if batch is None:
                    return
                changed = watched.relevant(batch)
                if not (first or changed):
                    continue
                first = False
                wanted = run(changed)
                reached("watch-ready")
                if wanted != watched:
                    watched = wanted
                    break
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()  # stops the watcher's thread now, not when the generator is collected


def _redraws() -> bool:
    """Whether stdout is a terminal that can be cleared and redrawn."""
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _named(paths: list[Path]) -> str:
    """The changed paths for a message: relative to the working directory where they are under it."""
    cwd = Path.cwd().resolve()
    return ", ".join(str(p.relative_to(cwd)) if p.is_relative_to(cwd) else str(p) for p in paths)


class Session:
    """The runs of one ``check --watch``: each resolves the settings afresh and invokes ``check`` itself."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.redraw = _redraws()
        self.runs = 0
        self.watched = watched_inputs(ctx.params, ctx.meta.get(CONFIG_META))

    def run(self, changed: list[Path]) -> Watched:
        """One check, shown as a redraw on a terminal or after a separator line; what to watch next."""
        self._header(changed)
        self.runs += 1
        try:
            sub = self._settings()
            problem = refusal(sub.params)
            if problem is not None:
                fail([f"error: {problem}"])
            watched = watched_inputs(sub.params, sub.meta.get(CONFIG_META))
            if watched.roots:
                self.watched = watched
            callback = self.ctx.command.callback
            assert callback is not None  # check has one
            sub.invoke(callback, **{**sub.params, "watch": False})
        except typer.Exit as exc:  # the check said what failed (exit 1 or 2): keep watching
            if exc.exit_code == 130:
                raise
        except ClickException as exc:  # a bad setting in the edited configuration: said as on any run
            exc.show()
        TERMINAL.note("watching for changes (Ctrl-C to stop)")
        TERMINAL.debug(f"watching {', '.join(str(p) for p in self.watched.roots)}")
        return self.watched

    def _header(self, changed: list[Path]) -> None:
        what = f"changed: {_named(changed)}" if changed else "the inputs to watch changed"
        if self.redraw:
            sys.stdout.write(CLEAR)
            sys.stdout.flush()
            if self.runs:
                TERMINAL.note(what)
        elif self.runs:
            typer.echo(one_line(f"--- {what} ---"))

    def _settings(self) -> Context:
        """A fresh context for ``check``: the root options run again (configuration re-read), flags kept as typed.

        A parameter that was typed on the command line keeps its value; every other one is resolved
        again from the environment, the configuration file as it is now, and its default, exactly as a
        new process would. Problems exit as they would there (``typer.Exit`` or a click error).
        """
        root = self.ctx.find_root()
        group = root.command
        top = group.context_class(group, info_name=root.info_name, **group.context_settings)
        for name, value in root.params.items():
            top.params[name] = value
            source = root.get_parameter_source(name)
            if source is not None:
                top.set_parameter_source(name, source)
        if group.callback is not None:
            top.invoke(group.callback, **top.params)  # the root options: limits, configuration, defaults
        command = self.ctx.command
        sub = command.context_class(command, info_name=self.ctx.info_name, parent=top, **command.context_settings)
        with sub:
            for param in command.get_params(sub):
                source = self.ctx.get_parameter_source(param.name)
                if source in _TYPED and param.name in self.ctx.params:
                    sub.params[param.name] = self.ctx.params[param.name]
                    sub.set_parameter_source(param.name, source)
                    continue
                try:
                    param.handle_parse_result(sub, {}, [])
                except BadParameter as exc:
                    raise (reworded(exc) or exc) from None
        return sub


def watch_check() -> None:
    """``check --watch`` of the running command: refuse what cannot be watched, then loop until Ctrl-C."""
    ctx = get_current_context()
    problem = refusal(ctx.params)
    if problem is not None:
        fail([f"error: {problem}"])
    session = Session(ctx)
    for path in sorted(session.watched.files):
        if not path.parent.is_dir():
            fail([f"error: --watch: cannot watch {path}: its folder {path.parent} does not exist"])
    if not session.watched.roots:
        fail(["error: --watch: nothing to watch: no folder of the inputs exists"])
    watch_loop(session.run, session.watched, file_changes)


__all__ = ["CLEAR", "Session", "Watched", "file_changes", "refusal", "watch_check", "watch_loop", "watched_inputs"]
