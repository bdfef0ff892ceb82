"""What every command shares: the terminal (quiet, verbose, colour, progress), errors, safe writes."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from compliance.textsafe import one_line

if TYPE_CHECKING:
    from compliance.model.rules import RuleSet

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

EXIT_CODES = ("Exit codes: 0 success; 1 a threshold breached (--fail-under, --fail-on, a regression against "
              "--baseline, or an expired waiver); 2 invalid input or usage; 3 internal error.")


@dataclass
class Terminal:
    """How to talk to the user: set once by the root options, read by every command."""

    quiet: bool = False
    verbose: bool = False

    def note(self, message: str) -> None:
        """A progress or status line on stderr (hidden by --quiet); always one line, control characters escaped."""
        if not self.quiet:
            typer.echo(one_line(message), err=True)

    def debug(self, message: str) -> None:
        """A line on stderr shown only with --verbose (one line, escaped)."""
        if self.verbose:
            typer.echo(one_line(message), err=True)

    def warn(self, message: str) -> None:
        """A warning on stderr (hidden by --quiet; one line, escaped before it is coloured)."""
        if not self.quiet:
            echo(paint(one_line(message), "yellow", sys.stderr), err=True)


TERMINAL = Terminal()


def color_enabled(stream: object) -> bool:
    """Colour only for a terminal, unless ``NO_COLOR`` or ``FORCE_COLOR`` says otherwise (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Print to stdout (or stderr), keeping colour codes only where colour is enabled."""
    typer.echo(text, err=err, nl=nl, color=color_enabled(sys.stderr if err else sys.stdout))


def paint(text: str, color: str, stream: object) -> str:
    """``text`` in ``color`` when the stream gets colour, else unchanged."""
    return typer.style(text, fg=color) if color_enabled(stream) else text


class Progress:
    """A one-line progress counter on stderr, drawn only when stderr is a terminal and not --quiet."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.enabled = total > 1 and not TERMINAL.quiet and sys.stderr.isatty()

    def __call__(self, path: Path) -> None:
        """Advance to the next file."""
        from compliance.checkpoint import reached

        reached("file-checked")
        self.done += 1
        if self.enabled:
            sys.stderr.write(f"\r\x1b[2K[{self.done}/{self.total}] {one_line(path.name)}")
            sys.stderr.flush()

    def close(self) -> None:
        """Erase the counter line."""
        if self.enabled:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


class InputError(Exception):
    """A usage problem that is not tied to a position in a file."""


def fail(lines: list[str], code: int = EXIT_INPUT) -> NoReturn:
    r"""Print error lines on stderr and exit.

    Each entry is printed as exactly one line, control characters escaped: a newline in a file name
    or a value the user gave prints as ``\n`` and cannot start a line of its own.
    """
    for line in lines:
        typer.echo(one_line(line), err=True)
    raise typer.Exit(code)


def errors_of(exc: Exception) -> list[str]:
    """The display lines of an input error (or of each error of an ErrorList): the error, then its context lines."""
    from compliance.errors import ComplianceError, ErrorList

    if isinstance(exc, ErrorList):
        return [line for e in exc.errors for line in e.display().split("\n")]
    if isinstance(exc, ComplianceError):
        return exc.display().split("\n")
    return [f"error: {exc}"]


@contextmanager
def input_errors() -> Iterator[None]:
    """Turn input errors (positioned or not) into lines on stderr and exit code 2."""
    from compliance.errors import ComplianceError, ErrorList

    try:
        yield
    except (ComplianceError, ErrorList) as exc:
        fail(errors_of(exc))
    except InputError as exc:
        fail([f"error: {exc}"])


@contextmanager
def collect(errors: list[str]) -> Iterator[None]:
    """Add the input errors of one file to ``errors`` and carry on with the next file."""
    from compliance.errors import ComplianceError, ErrorList

    try:
        yield
    except (ComplianceError, ErrorList) as exc:
        errors += errors_of(exc)


def load_rules(rules_dir: Path | None, standard: str | None = None) -> RuleSet:
    """Load the rule set (default: bundled), exiting 2 on any error, and check ``--standard`` names a profile."""
    from compliance import api

    with input_errors():
        rules = api.load_rules(rules_dir)
    if standard is not None:
        check_profile(rules, standard)
    return rules


def check_profile(rules: RuleSet, standard: str) -> None:
    """Exit 2 unless ``standard`` is a profile of the rule set, naming the flag, variable or config key it came from."""
    import difflib

    from compliance.cli.conventions import given_as

    known = sorted(rules.profiles.profiles)
    if standard in known:
        return
    where = given_as("standard", "--standard")
    close = difflib.get_close_matches(standard, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    prefix = "" if where.endswith(": standard") else "error: "
    fail([f"{prefix}{where}: unknown profile {standard!r}{hint} (profiles: {', '.join(known)})"])


def parse_date(value: str | None, flag: str = "--as-of") -> dt.date | None:
    """A ``YYYY-MM-DD`` option value as a date."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{flag}: invalid date {value!r}: use YYYY-MM-DD") from None


def write(output: Path, text: str | bytes, inputs: list[Path], *, mkdir: bool = False) -> None:
    """Write ``text`` to ``output`` safely (see :mod:`compliance.atomic`); never over an input file.

    A symlink or anything but a regular file at ``output``, a missing folder (unless ``mkdir``),
    and a failed write (no permission, full disk) are input errors: one line, exit 2, nothing
    written.
    """
    from compliance.atomic import UnsafeTarget, write_bytes, write_text

    target = output.resolve()
    if any(target == p.resolve() for p in inputs if str(p) != "-"):
        raise InputError(f"output {output} is one of the input files; refusing to overwrite it")
    try:
        if isinstance(text, bytes):
            write_bytes(output, text, mkdir=mkdir)
        else:
            write_text(output, text, mkdir=mkdir)
    except UnsafeTarget as exc:
        raise InputError(f"cannot write {output}: {exc}") from None
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number.

    >>> counted(1, "file"), counted(2, "file"), counted(0, "jurisdiction page")
    ('1 file', '2 files', '0 jurisdiction pages')
    """
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def suggest(wanted: str, ids: list[str]) -> str:
    """``; did you mean 'X'?`` for the closest id, or a pointer to the list."""
    import difflib

    prefixes = sorted((i for i in ids if wanted.startswith(i)), key=len, reverse=True)
    close = prefixes[:1] or difflib.get_close_matches(wanted, ids, n=1)
    return f"; did you mean {close[0]!r}?" if close else " (see 'compliance rules')"


RulesOpt = Annotated[Path | None, typer.Option(
    "--rules", envvar="COMPLIANCE_RULES", metavar="DIR", help="Rule set folder (default: the bundled rules).")]
StandardOpt = Annotated[str | None, typer.Option(
    "--standard", "-s", envvar="COMPLIANCE_STANDARD", metavar="PROFILE",
    help="Instruments to check against: a profile of rules/profiles.yaml (e.g. all, un, coe).")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", envvar="COMPLIANCE_AS_OF", metavar="DATE",
    help="Evaluate the law in force on this date (YYYY-MM-DD; default today).")]
FilesArg = Annotated[list[Path] | None, typer.Argument(
    metavar="FILE", show_default=False,
    help="Statute files or folders; '-' reads one statute from stdin (default: the bundled legislation).")]
class Lang(StrEnum):
    """Languages of the rendered reports (JSON, CSV and the CI formats are language-neutral)."""

    en = "en"
    fr = "fr"
    es = "es"


LangOpt = Annotated[Lang, typer.Option(
    "--lang", envvar="COMPLIANCE_LANG",
    help="Language of text, Markdown, HTML and PDF reports: en, fr or es (treaty text in its authentic "
         "language where the rule set has it, else English, marked).")]
MkdirOpt = Annotated[bool, typer.Option(
    "--mkdir", help="Create missing folders of the output path (default: a missing folder is an error).")]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", envvar="COMPLIANCE_NO_CACHE",
    help="Do not read or write the result cache (kept under ~/.cache/compliance or COMPLIANCE_CACHE_DIR).")]
JobsOpt = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, envvar="COMPLIANCE_JOBS", metavar="N",
    help="Worker processes for many files (default: as many as pay off; 1: none).", show_default=False)]
