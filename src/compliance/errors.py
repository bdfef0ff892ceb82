r"""Errors raised for bad input. Every one carries a :class:`~compliance.span.Span`.

The CLI prints ``str(error)``: one line ``file:line:column: message``, optionally followed by
indented context lines (the offending source line and a caret). Both are made safe to print
(:mod:`compliance.textsafe`): control characters are escaped and a newline in the file name or the
message is shown as ``\n``, so one error is always exactly one line plus its own context lines.
"""

from __future__ import annotations

from compliance.span import Span
from compliance.textsafe import one_line, safe_lines


class ComplianceError(Exception):
    """Base class of all user-facing input errors."""

    kind = "error"

    def __init__(self, message: str, span: Span, context: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.context = context

    def __str__(self) -> str:
        """Return ``file:line:column: message`` (one line, control characters escaped)."""
        return one_line(f"{self.span}: {self.message}")

    def display(self) -> str:
        """Return the one-line message followed by any context lines (each escaped, carets kept aligned).

        Context lines are always indented, so none of them can pass for an error line of its own.
        """
        if not self.context:
            return str(self)
        context = [line if not line or line[0] in " \t" else f"    {line}" for line in safe_lines(self.context)]
        return "\n".join([str(self), *context])


class LoadError(ComplianceError):
    """A file could not be read or is not well-formed YAML."""


class SchemaError(ComplianceError):
    """A YAML document does not match the expected structure."""


class NormSyntaxError(ComplianceError):
    """A norm does not follow the grammar of the norm language."""


class VocabularyError(ComplianceError):
    """A norm uses a term outside the closed vocabulary, or in the wrong place."""


class RuleError(ComplianceError):
    """A rule file, a rule id or a rule reference is invalid."""


class ErrorList(Exception):
    """Several input errors found in one pass, sorted by position."""

    def __init__(self, errors: list[ComplianceError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.span)
        super().__init__("\n".join(str(e) for e in self.errors))
