"""The ``compliance`` command's entry point: answers ``compliance --help`` without loading anything.

The top-level help is deterministic, so it is kept as text (``cli/help.txt``, checked against the
live help by a test) and printed straight away when the terminal is wide enough for it to be
identical; everything else goes to the typer application in :mod:`compliance.cli`. Only ``os`` and ``sys``
are imported on the help path.
"""

from __future__ import annotations

import os
import sys


def _program() -> str:
    first = sys.argv[0] if sys.argv else "compliance"
    return "python -m compliance" if first.endswith("__main__.py") else os.path.basename(first) or "compliance"


def _columns() -> int:
    """The terminal width as ``shutil.get_terminal_size`` would say (COLUMNS, then the terminal, then 80)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
    except (AttributeError, ValueError, OSError):
        return 80


def main() -> None:
    """Run the command line; Ctrl-C at any moment, during imports included, prints ``interrupted`` and exits 130."""
    import signal

    try:
        try:
            _main()
        finally:
            if sys.stdout is not None:
                sys.stdout.flush()  # a closed pipe shows here, not as a message at interpreter shutdown
    except KeyboardInterrupt:
        _interrupted()
    except BrokenPipeError:
        _broken_pipe()
    finally:
        # The run is over (its outputs written, or refused): a late Ctrl-C while the interpreter
        # shuts down has nothing left to stop and must not print a traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interrupted() -> None:
    try:
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
    finally:
        os._exit(130)  # no cleanup that a second Ctrl-C could interrupt: every write is already atomic


def _broken_pipe() -> None:
    """The reader went away (``compliance check | head``): stop quietly, as a program stopped by SIGPIPE does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more can be flushed into the closed pipe
    finally:
        os._exit(141)  # 128 + SIGPIPE: what shells report for a writer whose reader closed


def _main() -> None:
    from compliance.checkpoint import reached

    reached("start")
    if sys.argv[1:] == ["--help"] and _columns() >= 80:
        try:
            with open(os.path.join(os.path.dirname(__file__), "cli", "help.txt"), encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            text = ""
        if text:
            sys.stdout.write(text.replace("{prog}", _program()))
            return
    from compliance.cli import main as run

    reached("imported")
    run()
