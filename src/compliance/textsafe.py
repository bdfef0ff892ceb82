r"""Text that is safe to print: control characters and bidi overrides escaped, visibly.

A bottom-level module (standard library only), so that :mod:`compliance.errors` can use it; the
renderers import it through :mod:`compliance.render.sanitize`.

What is escaped, and how:

- C0 controls (U+0000-U+001F) except tab and, in multi-line text, newline; DEL (U+007F); C1
  controls (U+0080-U+009F, NEL included). ESC therefore never reaches a terminal, so no CSI, OSC
  or other escape sequence can act: ``"\x1b[31m"`` prints as the eight characters ``\x1b[31m``.
- The bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069),
  which can make text read differently from what it is ("Trojan Source").
- The Unicode line and paragraph separators (U+2028, U+2029), which some viewers treat as line
  breaks, and lone surrogates, which cannot be encoded.

Each is replaced by a Python-style escape (``\x1b``, ``\r``, ``\u202e``), so the reader sees
that something was there. A backslash already in the text is left alone (Windows paths stay
readable), so the escaped form is for people, not for decoding back.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

_UNSAFE_CLASS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
#: Characters never printed raw (tab and newline are allowed).
UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
#: The same, plus newline: what a single-line field may not contain.
UNSAFE_IN_LINE = re.compile(f"[\n{_UNSAFE_CLASS}]")


def escape_char(char: str) -> str:
    r"""The visible escape of one character: ``\n``, ``\r``, ``\t``, ``\xHH`` or ``\uHHHH``.

    >>> escape_char("\x1b"), escape_char("\u202e"), escape_char("\n")
    ('\\x1b', '\\u202e', '\\n')
    """
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _escape(match: re.Match[str]) -> str:
    return escape_char(match[0])


def terminal_safe(text: str) -> str:
    r"""``text`` with every control character except tab and newline escaped (see the module docstring).

    Use it for text whose line breaks are meant (a statute's text, a block of lines).

    >>> terminal_safe("a\x1b]0;title\x07b\nc")
    'a\\x1b]0;title\\x07b\nc'
    """
    return text if UNSAFE.search(text) is None else UNSAFE.sub(_escape, text)


def one_line(text: str) -> str:
    r"""``text`` made safe as (part of) one output line: :func:`terminal_safe`, and newlines escaped too.

    Whatever the input, the result holds no line break of any kind, so a name or a message can
    never start a new line of output.

    >>> one_line("Name\nf.yaml:1:1: [met] forged")
    'Name\\nf.yaml:1:1: [met] forged'
    """
    return text if UNSAFE_IN_LINE.search(text) is None else UNSAFE_IN_LINE.sub(_escape, text)


def safe_lines(text: str) -> list[str]:
    r"""Split ``text`` at its newlines and make each line safe with :func:`one_line`.

    A caret line (spaces and one ``^``) under the line before it is moved to stay under the same
    character once that line's escapes have made it longer.

    >>> safe_lines("    a\x1bb\n      ^")
    ['    a\\x1bb', '         ^']
    """
    raw = text.split("\n")
    out: list[str] = []
    for index, line in enumerate(raw):
        stripped = line.rstrip()
        if index and stripped.endswith("^") and not stripped[:-1].strip():
            column = len(stripped) - 1
            out.append(" " * len(one_line(raw[index - 1][:column])) + "^")
        else:
            out.append(one_line(line))
    return out
