r"""Read a statute file's YAML piece by piece, so that an edit re-reads only the piece it touched.

A statute file is a mapping of a few top-level keys, one of which (``provisions``) holds most of
the file, one item per provision. :class:`ChunkedReader` splits the text at the top-level keys
and at the items of ``provisions``, reads each piece with the engine's own reader
(:func:`compliance.loader.parse_yaml`, so the same limits and refusals apply), keeps the pieces
it read, keyed by their text, and joins them into the :class:`~compliance.loader.YamlDocument` a
whole read would give: the same data, and the same position for every node.

Whenever the split could differ from a whole read, it gives up and returns ``None``, and the
caller reads the whole text (which then also gives the exact error the command line prints):
a piece that does not read (bad YAML, a tab, an alias to another piece), anchors or aliases, a
document marker or directive, a quoted, complex or flow top-level key, a top-level key given
twice, line breaks other than ``\n`` and ``\r\n``, more nodes than the limit, or a text beyond
the size limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from compliance.errors import ComplianceError
from compliance.limits import current as current_limits
from compliance.loader import NodePos, PathKey, YamlDocument, parse_yaml

#: A top-level line: one that starts with anything but a space, a tab, a comment or a dash.
_TOP_LINE = re.compile(r"\n(?=[^ \t\r\n#-])")
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]+([^\r\n]*?))?[ \t]*\r?$")
#: Characters that PyYAML or ``str.splitlines`` count as line breaks where ``\n`` counting would not, and a BOM.
_ODD_CHARACTERS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\ufeff"
#: What may come before an anchor (``&name``) or an alias (``*name``), and what may not follow one.
_BEFORE_ANCHOR = frozenset(" \t\r\n[]{},:-")
_NOT_IN_ANCHOR = frozenset(" \t\r\n[]{},")
_SPLIT_KEY = "provisions"
_WRAPPER = f"{_SPLIT_KEY}:\n"

_Placed = tuple[dict[PathKey, NodePos], dict[PathKey, NodePos]]
_PlaceKey = tuple[str, int, int, tuple[int, int] | None]


@dataclass(frozen=True)
class _Piece:
    """One piece as read on its own: its data and node positions, lines counted from the piece's first line."""

    data: Any
    positions: dict[PathKey, NodePos]
    key_positions: dict[PathKey, NodePos]


def _shift(table: dict[PathKey, NodePos], lines: int, old: PathKey = (), new: PathKey = ()) -> dict[PathKey, NodePos]:
    """Positions moved down by ``lines``, with the path prefix ``old`` renamed ``new``."""
    cut = len(old)
    return {(*new, *key[cut:]): NodePos(p.line + lines, p.column, p.end_line + lines, p.end_column, p.style)
            for key, p in table.items() if key[:cut] == old and (cut or key)}


def _has_anchor(text: str) -> bool:
    """Whether the text may hold a YAML anchor or alias (quoted text too: a false alarm only costs time)."""
    for mark in "&*":
        at = text.find(mark)
        while at >= 0:
            if (at == 0 or text[at - 1] in _BEFORE_ANCHOR) and text[at + 1:at + 2] not in ("", *_NOT_IN_ANCHOR):
                return True
            at = text.find(mark, at + 1)
    return False


def _unusual(text: str) -> bool:
    r"""Whether the text has line breaks other than ``\n`` and ``\r\n``, a BOM, or a document marker or directive."""
    if any(char in text for char in _ODD_CHARACTERS):
        return True
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return True
    return text.startswith(("---", "...", "%")) or any(mark in text for mark in ("\n---", "\n...", "\n%"))


class ChunkedReader:
    """Reads successive versions of one statute file, re-reading only the pieces that changed."""

    def __init__(self) -> None:
        self._pieces: dict[str, _Piece] = {}
        self._placed: dict[_PlaceKey, _Placed] = {}

    def read(self, text: str, name: str) -> YamlDocument | None:
        """The document of ``text`` (named ``name`` in spans), or ``None`` where only a whole read is exact."""
        limits = current_limits()
        if len(text) > limits.file_bytes or _unusual(text) or _has_anchor(text):
            return None
        blocks = _blocks(text)
        if blocks is None:
            return None
        pieces: dict[str, _Piece] = {}
        placed: dict[_PlaceKey, _Placed] = {}
        data: dict[str, Any] = {}
        doc = YamlDocument(path=name, data=data, lines=text.splitlines())
        line = text.count("\n", 0, blocks[0][1])
        first_line = line
        for key, start, end in blocks:
            if key in data:
                return None
            items = _items(text, start, end) if key == _SPLIT_KEY else None
            if items is None:
                body = text[start:end]
                piece = self._piece(body, name, pieces)
                if piece is None or list(piece.data) != [key]:
                    return None
                data[key] = piece.data[key]
                self._place(doc, piece, body, line, 0, placed, (), ())
            else:
                value = self._provisions(doc, text, start, line, items, end, name, pieces, placed)
                if value is None:
                    return None
                data[key] = value
            if len(doc.positions) + len(doc.key_positions) > limits.nodes:
                return None
            line += text.count("\n", start, end)
        doc.positions[()] = NodePos(first_line, 0, line, 0)
        self._pieces, self._placed = pieces, placed
        return doc

    def _provisions(self, doc: YamlDocument, text: str, start: int, line: int, items: list[int], end: int,
                    name: str, pieces: dict[str, _Piece], placed: dict[_PlaceKey, _Placed],
                    ) -> list[Any] | None:
        """Read each item of the ``provisions`` block (its key at ``start``, on ``line``) on its own."""
        here = first_item = line + text.count("\n", start, items[0])
        indent = len(text[items[0]:items[0] + 200]) - len(text[items[0]:items[0] + 200].lstrip(" "))
        out: list[Any] = []
        for index, begin in enumerate(items):
            stop = items[index + 1] if index + 1 < len(items) else end
            body = text[begin:stop]
            piece = self._piece(_WRAPPER + body, name, pieces)
            value = piece.data.get(_SPLIT_KEY) if piece is not None and isinstance(piece.data, dict) else None
            if piece is None or list(piece.data) != [_SPLIT_KEY] or not isinstance(value, list) or len(value) != 1:
                return None
            if index == 0:
                wrapper = piece.key_positions.get((_SPLIT_KEY,))
                doc.key_positions[(_SPLIT_KEY,)] = NodePos(line, 0, line, len(_SPLIT_KEY),
                                                           wrapper.style if wrapper else None)
            out.append(value[0])
            # A whole read ends a collection at the next item's dash; a piece read alone, at its own end.
            boundary = (1 + body.count("\n"), indent) if index + 1 < len(items) else None
            self._place(doc, piece, body, here - 1, index, placed, (_SPLIT_KEY, 0), (_SPLIT_KEY, index), boundary)
            here += body.count("\n")
        tail = doc.positions.get((_SPLIT_KEY, len(out) - 1))
        end_line, end_column = (tail.end_line, tail.end_column) if tail else (first_item, indent)
        doc.positions[(_SPLIT_KEY,)] = NodePos(first_item, indent, end_line, end_column)
        return out

    def _piece(self, text: str, name: str, pieces: dict[str, _Piece]) -> _Piece | None:
        """The piece read from ``text`` (kept from an earlier version when its text is unchanged)."""
        piece = pieces.get(text) or self._pieces.get(text)
        if piece is None:
            try:
                doc = parse_yaml(text, name)
            except ComplianceError:
                return None
            piece = _Piece(doc.data, doc.positions, doc.key_positions)
        pieces[text] = piece
        return piece

    def _place(self, doc: YamlDocument, piece: _Piece, text: str, lines: int, index: int,
               placed: dict[_PlaceKey, _Placed], old: PathKey, new: PathKey,
               boundary: tuple[int, int] | None = None) -> None:
        """Add a piece's positions to ``doc``, moved down to the piece's first line in the file."""
        key = (text, lines, index, boundary)
        found = placed.get(key) or self._placed.get(key)
        if found is None:
            positions = piece.positions
            if boundary is not None:
                positions = _end_at(positions, piece.data, boundary)
            found = (_shift(positions, lines, old, new), _shift(piece.key_positions, lines, old, new))
        placed[key] = found
        doc.positions.update(found[0])
        doc.key_positions.update(found[1])


def _end_at(positions: dict[PathKey, NodePos], data: Any, boundary: tuple[int, int]) -> dict[PathKey, NodePos]:
    """Positions where each collection that ends at the piece's end ends at ``boundary`` (line, column) instead."""
    line, column = boundary
    out = dict(positions)
    for path, pos in positions.items():
        if pos.end_line == line and pos.end_column == 0 and isinstance(_value(data, path), dict | list):
            out[path] = pos._replace(end_column=column)
    return out


def _value(data: Any, path: PathKey) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _blocks(text: str) -> list[tuple[str, int, int]] | None:
    """The top-level keys with the text each spans (``[start, end)`` offsets), or ``None`` if the layout is unusual."""
    starts = [m.end() for m in _TOP_LINE.finditer(text)]
    if text[:1] not in ("", " ", "\t", "\r", "\n", "#", "-"):
        starts.insert(0, 0)
    if not starts:
        return None
    for line in text[:starts[0]].splitlines():
        if line.strip() and not line.lstrip(" ").startswith("#"):
            return None
    blocks: list[tuple[str, int, int]] = []
    for index, start in enumerate(starts):
        stop = text.find("\n", start)
        found = _KEY_LINE.match(text, start, len(text) if stop < 0 else stop)
        if found is None:
            return None
        blocks.append((found[1], start, starts[index + 1] if index + 1 < len(starts) else len(text)))
    return blocks


def _items(text: str, start: int, end: int) -> list[int] | None:
    """The offset of each item of the block sequence under the key at ``start``; ``None`` if it is not one."""
    stop = text.find("\n", start)
    found = _KEY_LINE.match(text, start, end if stop < 0 else stop)
    if found is None or stop < 0 or (found[2] and not found[2].startswith("#")):
        return None
    first = re.compile(r"\n( *)(?=[^ \r\n#])").search(text, stop, end)
    if first is None or text[first.end():first.end() + 1] != "-":
        return None
    indent = first.end() - first.start() - 1
    spaces = " " * indent
    item = re.compile(rf"\n{spaces}-(?=[ \t\r\n]|$)")
    odd = re.compile(rf"\n {{0,{indent - 1}}}[^ \r\n#]") if indent else None
    if odd is not None and odd.search(text, stop, end):
        return None
    same = re.compile(rf"\n{spaces}(?:[^ \r\n#-]|-[^ \t\r\n])")
    if same.search(text, stop, end):
        return None
    return [m.start() + 1 for m in item.finditer(text, stop, end)] or None
