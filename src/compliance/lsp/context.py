"""Where the cursor is in a YAML file, read from the text's indentation (so it works on half-typed text).

:func:`ancestors` walks up from the cursor and returns the keys and list items that contain it,
innermost first; :func:`norm_before` returns the text of the norm being typed, up to the cursor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from compliance.lsp.positions import Lines

#: A line's structure: indentation, list dashes, then an optional ``key:``.
_LINE = re.compile(r"(?P<indent> *)(?P<dashes>(?:-(?: +|$))*)(?:(?P<key>[A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?=[ \t]|$))?")
_BLOCK_INDICATOR = re.compile(r"[|>][0-9+-]*[ \t]*(?:#.*)?$")


@dataclass(frozen=True)
class Node:
    """A key or a list item that contains the cursor: where it is written."""

    kind: str  # "key" or "item"
    name: str  # the key; "" for an item
    line: int  # 0-based line
    column: int  # 0-based character column of the key or of the dash
    value: int  # 0-based character column where its value starts on that line


def _tokens(text: str, line: int) -> list[Node]:
    """The items (dashes) and the key written on one line, left to right."""
    found = _LINE.match(text)
    if found is None:
        return []
    out: list[Node] = []
    at = len(found["indent"])
    for dash in re.finditer(r"-( +|$)", found["dashes"] or ""):
        out.append(Node("item", "", line, at + dash.start(), at + dash.end()))
    if found["key"]:
        key_at = found.start("key")
        value = found.end()
        value += len(text[value:]) - len(text[value:].lstrip(" \t"))
        out.append(Node("key", found["key"], line, key_at, value))
    return out


def _blank(text: str) -> bool:
    stripped = text.strip()
    return not stripped or stripped.startswith("#")


def ancestors(lines: Lines, line: int, column: int) -> list[Node]:
    """The keys and items that contain the cursor (0-based ``line`` and character ``column``), innermost first.

    A key whose value starts before the cursor on the cursor's own line counts (``instrument: ab|``),
    and so does an item whose dash is before the cursor (``- court SHALL|``); not on a line inside a
    block scalar (``|`` or ``>``), whose text only looks like keys.
    """
    text = lines.line(line)
    own = [t for t in _tokens(text, line) if (t.value <= column if t.kind == "key" else t.column < column)]
    threshold = min(len(text) - len(text.lstrip(" ")), column) if text.strip() else column
    above = _walk(lines, line, threshold, bool(own) and own[0].kind == "item")
    if above and _owns_block(lines, above[0]):
        return _walk(lines, line, threshold, False) if own and own[0].kind == "item" else above
    return [*reversed(own), *above]


def _owns_block(lines: Lines, node: Node) -> bool:
    """Whether a key's or item's value is a block scalar (``|`` or ``>``) starting on the next line."""
    return _BLOCK_INDICATOR.match(lines.line(node.line)[node.value:]) is not None


def _walk(lines: Lines, line: int, threshold: int, after_item: bool) -> list[Node]:
    """The keys and items above ``line`` that contain a position at column ``threshold``, innermost first."""
    chain: list[Node] = []
    for number in range(line - 1, -1, -1):
        if threshold == 0 and not after_item:
            break
        above = lines.line(number)
        if _blank(above):
            continue
        indent = len(above) - len(above.lstrip(" "))
        if indent > threshold or (indent == threshold and not after_item):
            continue
        tokens = _tokens(above, number)
        if indent == threshold:  # a key whose list is written at the key's own indentation
            if not tokens or tokens[0].kind != "key":
                continue
            tokens = tokens[:1]
        else:
            tokens = [t for t in tokens if t.column < threshold]
        if not tokens:
            continue
        chain += reversed(tokens)
        threshold = tokens[0].column
        after_item = chain[-1].kind == "item"
    return chain


def keys(chain: list[Node]) -> list[str]:
    """The names of the keys of a chain, innermost first."""
    return [node.name for node in chain if node.kind == "key"]


def in_norm(chain: list[Node]) -> bool:
    """Whether a chain is inside an item of a ``norms:`` list (a norm of a provision or of a rule's example)."""
    return len(chain) >= 2 and chain[0].kind == "item" and chain[1].kind == "key" and chain[1].name == "norms"


def norm_before(lines: Lines, chain: list[Node], line: int, column: int) -> str:
    """The norm's text from its start to the cursor (its block indicator or opening quote left out)."""
    item = chain[0]
    parts = [lines.line(number) for number in range(item.line, line + 1)]
    parts[-1] = parts[-1][:column]
    parts[0] = parts[0][item.value:] if item.line != line else parts[0][item.value:column]
    head = parts[0].lstrip()
    if _BLOCK_INDICATOR.match(head):
        head = ""
    elif head[:1] in ("'", '"'):
        head = head[1:]
    parts[0] = head
    return "\n".join(parts)
