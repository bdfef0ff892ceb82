"""Injection-proof output: text safe for a terminal, one-line fields, CSV cells a spreadsheet won't run.

Pure functions on strings (standard library only). The escaping of control characters lives in
:mod:`compliance.textsafe` (a bottom-level module, so that errors can use it too) and is re-exported
here for the renderers.

CSV follows OWASP's guidance on CSV injection. A text cell whose first character is ``=``, ``+``,
``-``, ``@``, tab or carriage return (or a full-width ``=+-@``; also after leading blanks or double
quotes) is prefixed with a single quote ``'``, which spreadsheets read as "this is text". OWASP also
warns that a separator inside a cell can start a new cell: a spreadsheet that splits rows at ``;``
or tab (the list separator of many locales) would not see the CSV's quotes, so inside a cell a
``'`` is also put after every ``;``, tab or line break that a formula follows. Cells are quoted as
RFC 4180 says: when they hold a comma, a double quote or a line break, with quotes doubled. Numbers
the tool writes (scores, shares) are not text cells: they are written as numbers, never prefixed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from compliance.textsafe import escape_char, one_line, safe_lines, terminal_safe

__all__ = ["csv_cell", "csv_field", "csv_row", "display_width", "escape_char", "is_formula", "ljust", "one_line",
           "safe_lines", "terminal_safe"]

_TRIGGERS = "=+\\-@\t\r\uff1d\uff0b\uff0d\uff20"
#: The first characters that make a spreadsheet read a cell as a formula (OWASP), with full-width forms.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_FORMULA = re.compile(f'[ \t\r\n"]*[{_TRIGGERS}]')
#: A place inside a cell where a spreadsheet splitting at ``;``, tab or a line break would start a formula.
_FORMULA_AFTER_SEPARATOR = re.compile(f'(?<=[;\t\r\n])(?=[ \t\r\n"]*[{_TRIGGERS}])')
_RFC4180_QUOTE = re.compile(r'[,"\r\n]')


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: a trigger first, or after blanks and quotes.

    >>> is_formula("=1+1"), is_formula("  -2"), is_formula('"@x'), is_formula("a=1"), is_formula("")
    (True, True, True, False, False)
    """
    return _FORMULA.match(text) is not None


def csv_cell(text: str) -> str:
    """The content of a CSV text cell: control characters escaped, formulas neutralised with ``'``.

    This is what a CSV reader gets back; :func:`csv_field` adds the quoting.

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("@SUM(A1)"), csv_cell("a; -1+1"), csv_cell("Ireland")
    ("'=HYPERLINK(1)", "'@SUM(A1)", "a;' -1+1", 'Ireland')
    """
    cell = _FORMULA_AFTER_SEPARATOR.sub("'", terminal_safe(text))
    return f"'{cell}" if is_formula(cell) else cell


def csv_field(value: object) -> str:
    """One field of a CSV row: a number (int or float, not bool) as written, ``None`` empty, anything else text.

    Text goes through :func:`csv_cell` and is quoted when RFC 4180 says so.

    >>> csv_field(-3), csv_field("a,b"), csv_field("-x"), csv_field(None)
    ('-3', '"a,b"', "'-x", '')
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    cell = csv_cell(str(value))
    return '"' + cell.replace('"', '""') + '"' if _RFC4180_QUOTE.search(cell) else cell


def csv_row(values: Iterable[object]) -> str:
    r"""One CSV line (comma-separated, ``\n``-terminated) of :func:`csv_field` fields."""
    return ",".join(csv_field(v) for v in values) + "\n"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (East Asian) characters 2, combining and format characters 0.

    >>> display_width("abc"), display_width("日本"), display_width("e\u0301")
    (3, 4, 1)
    """
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def ljust(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (see :func:`display_width`)."""
    return text + " " * max(width - display_width(text), 0)
