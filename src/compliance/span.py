"""Source positions shared by every diagnostic and finding.

Lines and columns are 1-based, as editors and compilers print them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compliance.textsafe import one_line


@dataclass(frozen=True, order=True)
class Span:
    """A position in a source file, optionally tagged with the legal path it belongs to.

    Attributes:
        file: The path of the file as the user named it.
        line: 1-based line of the first character.
        column: 1-based column of the first character.
        end_line: 1-based line of the last character (defaults to ``line``).
        end_column: 1-based column just after the last character (defaults to ``column``).
        law_path: Headings that locate the position in law, e.g. ``("act-2015", "s45")``.
    """

    file: str
    line: int = 1
    column: int = 1
    end_line: int = 0
    end_column: int = 0
    law_path: tuple[str, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        """Format as ``file:line:column`` (the file name made safe as one line: see :mod:`compliance.textsafe`).

        >>> str(Span("legislation/gb-eaw.yaml", 12, 5))
        'legislation/gb-eaw.yaml:12:5'
        """
        return f"{one_line(self.file)}:{self.line}:{self.column}"

    def with_law_path(self, *parts: str) -> Span:
        """Return a copy of this span that carries the given legal heading path."""
        return Span(self.file, self.line, self.column, self.end_line, self.end_column, parts)


def caret_context(source_line: str, column: int, indent: str = "    ") -> str:
    """Render a source line with a caret under the given 1-based column.

    >>> print(caret_context("court SHALL convict x", 7))
        court SHALL convict x
              ^
    """
    pointer = " " * (max(column, 1) - 1) + "^"
    return f"{indent}{source_line.rstrip()}\n{indent}{pointer}"
