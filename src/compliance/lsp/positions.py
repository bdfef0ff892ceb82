r"""Positions: the engine's 1-based line and column (in characters) <-> LSP positions.

The engine's spans count lines as PyYAML does and columns in characters (code points), from 1.
An LSP position counts lines from 0, split only at ``\r\n``, ``\r`` and ``\n``, and columns in
code units of the negotiated encoding: UTF-16 unless the client asked for UTF-8 or UTF-32. A
character outside the Basic Multilingual Plane (an emoji, some CJK) is two UTF-16 units; ``é``
is one UTF-16 unit and two UTF-8 bytes.

Every conversion clamps to the document, so a range built here always lies inside it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import cached_property

#: How an LSP client splits lines.
_LSP_BREAK = re.compile(r"\r\n|\r|\n")
#: How PyYAML splits lines (the engine's line numbers): the LSP breaks plus NEL, LS and PS.
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_YAML_ONLY = ("\x85", "\u2028", "\u2029")
#: Where ``str.splitlines`` splits but an LSP client does not.
_SPLITLINES_ONLY = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")

UTF16, UTF8, UTF32 = "utf-16", "utf-8", "utf-32"


def units(text: str, encoding: str = UTF16) -> int:
    r"""The length of ``text`` in code units of ``encoding``.

    >>> units("ab"), units("é"), units("é", "utf-8"), units("\U0001d11e"), units("\U0001d11e", "utf-32")
    (2, 1, 2, 2, 1)
    """
    if text.isascii() or encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def characters(line: str, count: int, encoding: str = UTF16) -> int:
    r"""How many characters of ``line`` make up its first ``count`` code units (clamped to the line).

    A count that falls inside a character (half a surrogate pair) counts that character as started.

    >>> characters("a\U0001d11eb", 3), characters("a\U0001d11eb", 2), characters("ab", 9)
    (2, 2, 2)
    """
    if count <= 0:
        return 0
    if line.isascii() or encoding == UTF32:
        return min(count, len(line))
    done = 0
    for index, char in enumerate(line):
        if done >= count:
            return index
        done += units(char, encoding)
    return len(line)


class Lines:
    """A document's text, with its lines as an LSP client counts them (computed on first use)."""

    def __init__(self, text: str, encoding: str = UTF16, split: list[str] | None = None) -> None:
        """``split``, if given, must be ``text.splitlines()`` (a reader may have it already)."""
        self.text = text
        self.encoding = encoding
        self._split = split

    @cached_property
    def _plain(self) -> bool:
        """Whether ``str.splitlines`` splits the text exactly where an LSP client does."""
        return not any(char in self.text for char in _SPLITLINES_ONLY)

    @cached_property
    def starts(self) -> list[int]:
        """The offset of the first character of each LSP line."""
        if self._plain:
            starts = list(itertools.accumulate(map(len, self.text.splitlines(keepends=True)), initial=0))
            if len(starts) > 1 and starts[-1] == len(self.text) and not self.text.endswith(("\n", "\r")):
                starts.pop()
            return starts
        return [0, *(m.end() for m in _LSP_BREAK.finditer(self.text))]

    @cached_property
    def _lines(self) -> list[str]:
        """Every LSP line, without its line break."""
        if self._plain:
            lines = self._split if self._split is not None else self.text.splitlines()
            return [*lines, ""] if not lines or self.text.endswith(("\n", "\r")) else lines
        return [self.line_at(i) for i in range(len(self.starts))]

    @cached_property
    def yaml_starts(self) -> list[int] | None:
        """The offset of each line as PyYAML counts them, when that differs from the LSP lines."""
        if not any(mark in self.text for mark in _YAML_ONLY):
            return None
        return [0, *(m.end() for m in _YAML_BREAK.finditer(self.text))]

    def __len__(self) -> int:
        """The number of LSP lines (a text ending with a line break has an empty last line)."""
        return len(self._lines)

    def line(self, index: int) -> str:
        """LSP line ``index`` (0-based) without its line break; empty outside the document."""
        lines = self._lines
        return lines[index] if 0 <= index < len(lines) else ""

    def line_at(self, index: int) -> str:
        """LSP line ``index`` cut from the text by its start offset (empty outside the document)."""
        if not 0 <= index < len(self.starts):
            return ""
        start = self.starts[index]
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def place(self, line: int, column: int) -> tuple[int, int]:
        """The LSP line (0-based) and character index on it of the engine's 1-based ``line`` and ``column``."""
        yaml_starts = self.yaml_starts
        if yaml_starts is not None:
            offset = self._yaml_offset(yaml_starts, line, column)
            index = bisect.bisect_right(self.starts, offset) - 1
            return index, min(offset - self.starts[index], len(self.line(index)))
        index = min(max(line - 1, 0), len(self) - 1)
        return index, min(max(column - 1, 0), len(self.line(index)))

    def position(self, line: int, column: int) -> tuple[int, int]:
        """The LSP position (0-based line, code units) of the engine's 1-based ``line`` and ``column``."""
        index, at = self.place(line, column)
        return index, self.lsp_character(index, at)

    def _yaml_offset(self, yaml_starts: list[int], line: int, column: int) -> int:
        index = min(max(line - 1, 0), len(yaml_starts) - 1)
        start = yaml_starts[index]
        end = yaml_starts[index + 1] if index + 1 < len(yaml_starts) else len(self.text)
        length = len(self.text[start:end].rstrip("\r\n\x85\u2028\u2029"))
        return start + min(max(column - 1, 0), length)

    def from_offset(self, offset: int) -> tuple[int, int]:
        """The LSP position of a character offset into the text (clamped to the text)."""
        offset = min(max(offset, 0), len(self.text))
        index = bisect.bisect_right(self.starts, offset) - 1
        text = self.line(index)
        return index, units(text[:min(offset - self.starts[index], len(text))], self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The character offset of an LSP position (clamped to its line, and to the document)."""
        if line >= len(self.starts):
            return len(self.text)
        index = max(line, 0)
        return self.starts[index] + characters(self.line(index), character, self.encoding)

    def column(self, line: int, character: int) -> int:
        """The 0-based character column of an LSP position on its line (clamped to the line)."""
        return characters(self.line(line), character, self.encoding)

    def lsp_character(self, line: int, column: int) -> int:
        """The LSP character (code units) of a 0-based character ``column`` on LSP line ``line``."""
        text = self.line(line)
        return units(text[:min(max(column, 0), len(text))], self.encoding)
