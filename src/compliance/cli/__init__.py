"""The command-line interface: a thin typer layer over :mod:`compliance.api` and :mod:`compliance.policy`.

Reports go to stdout (or ``--output``); errors, notes and progress go to stderr. Heavy modules are
imported inside commands so that ``--help`` stays fast.
"""

from compliance.cli import checks, data, init
from compliance.cli.app import app, main
from compliance.cli.common import EXIT_CODES, EXIT_FAILED, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK

__all__ = ["EXIT_CODES", "EXIT_FAILED", "EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "app", "checks", "data", "init",
           "main"]
