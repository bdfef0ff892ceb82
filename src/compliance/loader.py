"""Read YAML files into plain data while keeping every node's position.

No schema logic lives here. The loader:

* uses PyYAML's C-accelerated safe loader when libyaml is present (pure-Python safe loader otherwise);
* refuses duplicate keys, merge keys and any tag that would construct an object;
* keeps dates (and any timestamp) as strings, so that pydantic parses and reports them;
* reads only ``true``/``false`` as booleans (``no`` stays the string ``"no"``: it is Norway's code);
* records where each node starts and ends, so later stages can point at ``file:line:column``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from compliance.errors import LoadError, SchemaError
from compliance.limits import Limits
from compliance.limits import current as current_limits
from compliance.span import Span


def pick_loader(module: Any = yaml) -> type[Any]:
    """PyYAML's libyaml-based safe loader, or (with a warning, once) its slower pure-Python one."""
    fast = getattr(module, "CSafeLoader", None)
    if fast is not None:
        return fast  # type: ignore[no-any-return]
    warnings.warn("PyYAML was installed without libyaml: reading YAML with the pure-Python safe loader, "
                  "several times slower (reinstall PyYAML with libyaml for speed)", RuntimeWarning, stacklevel=2)
    return module.SafeLoader  # type: ignore[no-any-return]


_Loader: type[Any] = pick_loader()

PathKey = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


class NodePos(NamedTuple):
    """Where one YAML node stands (0-based, as PyYAML marks are) and how a scalar was written."""

    line: int
    column: int
    end_line: int
    end_column: int
    style: str | None = None


@dataclass
class YamlDocument:
    """A parsed YAML file: its data, the position of every node, and its source lines."""

    path: str
    data: Any
    positions: dict[PathKey, NodePos] = field(default_factory=dict)
    key_positions: dict[PathKey, NodePos] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def span(self, path: PathKey, *, key: bool = False) -> Span:
        """Return the span of the node at ``path`` (or of its key), falling back to its nearest ancestor."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while True:
            pos = table.get(probe) or self.positions.get(probe)
            if pos is not None:
                return Span(self.path, pos.line + 1, pos.column + 1, pos.end_line + 1, pos.end_column + 1)
            if not probe:
                return Span(self.path, 1, 1)
            probe = probe[:-1]

    def scalar_span(self, path: PathKey, line: int, column: int, law_path: tuple[str, ...] = ()) -> Span:
        """Map a 1-based (line, column) inside the string value at ``path`` to a file span.

        Literal block scalars (``|``), the first line of folded ones (``>``) and single-line plain or
        quoted scalars map exactly; other multi-line scalar styles fall back to the start of the value,
        and so does any position the mapping would put past the end of a line (a folded line, a line
        break YAML keeps inside the value).
        """
        pos = self.positions.get(tuple(path))
        if pos is None:
            return self.span(path).with_law_path(*law_path) if law_path else self.span(path)
        start = Span(self.path, pos.line + 1, pos.column + 1, 0, 0, law_path)
        if pos.style in ("|", ">"):
            first = pos.line + 1  # content starts on the line after the indicator (0-based)
            indent = _block_indent(self.lines, first)
            content = next((i for i in range(first, len(self.lines)) if self.lines[i].strip()), first)
            start = Span(self.path, content + 1, indent + 1, 0, 0, law_path)
            if pos.style == ">" and line > 1:
                return start
            file_line, file_column = first + line - 1, indent + column
        elif line == 1 and pos.end_line == pos.line:
            shift = 1 if pos.style in ("'", '"') else 0
            file_line, file_column = pos.line, pos.column + shift + column
        else:
            return start
        if file_line >= len(self.lines) or file_column > len(self.lines[file_line]) + 1:
            return start
        return Span(self.path, file_line + 1, file_column, 0, 0, law_path)


def _block_indent(lines: list[str], first: int) -> int:
    for text in lines[first:]:
        if text.strip():
            return len(text) - len(text.lstrip(" "))
    return 0


def load_yaml(path: str | Path, *, display_path: str | None = None) -> YamlDocument:
    """Read and parse one YAML file whose top level must be a mapping.

    Args:
        path: The file to read.
        display_path: How to name the file in errors (defaults to ``str(path)``).

    Raises:
        LoadError: The file is missing, unreadable, not UTF-8, empty, or not well-formed YAML.
        SchemaError: The top level is not a mapping.
    """
    name = display_path or str(path)
    limit = current_limits().file_bytes
    try:
        size = Path(path).stat().st_size
        if size > limit:
            raise LoadError(f"file is {_bytes(size)}, larger than the limit of {_bytes(limit)} "
                            "(COMPLIANCE_MAX_FILE_BYTES or max-file-bytes)", Span(name))
        with Path(path).open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise LoadError("no such file", Span(name)) from None
    except IsADirectoryError:
        raise LoadError("is a directory, not a YAML file", Span(name)) from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror}", Span(name)) from None
    return parse_yaml(raw, name)


def _bytes(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"


def parse_yaml(raw: bytes | str, name: str) -> YamlDocument:
    """Parse YAML text (bytes are decoded as UTF-8; a UTF-8 byte-order mark is allowed) into a document.

    Raises:
        LoadError: Too large, binary, UTF-16/32, not UTF-8, empty, not YAML, or beyond a limit of
            :mod:`compliance.limits` (string length, nesting, aliases); or an object-constructing tag.
    """
    limits = current_limits()
    if len(raw) > limits.file_bytes:
        raise LoadError(f"file is larger than the limit of {_bytes(limits.file_bytes)} "
                        "(COMPLIANCE_MAX_FILE_BYTES or max-file-bytes)", Span(name))
    if isinstance(raw, bytes):
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise LoadError("file is UTF-16 or UTF-32 (it starts with such a byte-order mark); save it as UTF-8",
                            Span(name))
        if b"\x00" in raw[:8192]:
            line = raw[: raw.index(b"\x00")].count(b"\n") + 1
            raise LoadError("binary file (it contains NUL bytes), not YAML text", Span(name, line, 1))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise LoadError(f"file is not valid UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
                            Span(name, line, column)) from None
    else:
        text = raw
    if not text.strip():
        raise LoadError("file is empty", Span(name))
    if len(text) > limits.nodes:  # a file shorter than the limit cannot hold more nodes than it has characters
        _count_nodes(text, limits.nodes, name)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        lines = text.splitlines()
        at = lines[line - 1][col - 1:col] if 0 < line <= len(lines) else ""
        if at == "\t" or "'\\t'" in problem:
            problem = "a tab character cannot indent or start a value; use spaces"
        elif "another document" in problem:
            problem = "a file holds one YAML document, but a second one starts here ('---')"
        elif "nesting depth" in problem:
            problem = f"nested deeper than the limit of {limits.depth} levels (COMPLIANCE_MAX_DEPTH or max-depth)"
        raise LoadError(f"invalid YAML: {problem}", Span(name, line, col)) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML: {exc}", Span(name)) from None
    if node is None:
        raise LoadError("file holds no YAML document", Span(name))
    doc = YamlDocument(path=name, data=None, lines=text.splitlines())
    doc.data = _Builder(doc, limits).construct(node, ())
    if not isinstance(doc.data, dict):
        raise SchemaError("the top level must be a mapping of keys to values", doc.span(()))
    return doc


_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)


def _count_nodes(text: str, limit: int, name: str) -> None:
    """Refuse a file of more than ``limit`` nodes, from the parser's event stream (no tree is built).

    Memory stays flat and the time is that of parsing at most ``limit`` nodes: a 16 MB file of tiny
    nodes is refused in a fraction of a second instead of building millions of objects. Syntax
    errors are left to the composer, which reports them in full.
    """
    count = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, _NODE_EVENTS):
                count += 1
                if count > limit:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                    raise LoadError(f"more than {limit:,} YAML nodes (keys, values and items); split the file "
                                    "(limit: COMPLIANCE_MAX_NODES or max-nodes)", Span(name, line, column))
    except yaml.YAMLError:
        return


def _pos(node: yaml.Node) -> NodePos:
    start, end = node.start_mark, node.end_mark
    style = getattr(node, "style", None)
    return NodePos(start.line, start.column, end.line, end.column, style)


def _span(doc: YamlDocument, node: yaml.Node) -> Span:
    p = _pos(node)
    return Span(doc.path, p.line + 1, p.column + 1)


class _Builder:
    """Turn a composed node graph into plain data, recording positions and enforcing the limits."""

    def __init__(self, doc: YamlDocument, limits: Limits) -> None:
        self.doc = doc
        self.limits = limits
        self.seen: set[int] = set()
        self.aliases = 0

    def construct(self, node: yaml.Node, path: PathKey) -> Any:
        doc = self.doc
        if id(node) in self.seen:
            self.aliases += 1
            if self.aliases > self.limits.aliases:
                raise LoadError(f"more than {self.limits.aliases} uses of YAML aliases (an alias bomb?); "
                                "write the values out (limit: COMPLIANCE_MAX_ALIASES or max-aliases)",
                                _span(doc, node))
        self.seen.add(id(node))
        if len(path) > self.limits.depth:
            raise LoadError(f"nested deeper than the limit of {self.limits.depth} levels "
                            "(COMPLIANCE_MAX_DEPTH or max-depth)", _span(doc, node))
        doc.positions[path] = _pos(node)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                raise LoadError(f"tag {node.tag!r} is not allowed", _span(doc, node))
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    raise LoadError("merge keys ('<<') are not supported", _span(doc, key_node))
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (_STR, _INT):
                    raise LoadError("mapping keys must be plain strings", _span(doc, key_node))
                key = str(key_node.value)
                if key in result:
                    first = doc.key_positions[(*path, key)]
                    raise LoadError(
                        f"duplicate key {key!r} (first defined at line {first.line + 1})",
                        _span(doc, key_node),
                    )
                doc.key_positions[(*path, key)] = _pos(key_node)
                result[key] = self.construct(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise LoadError(f"tag {node.tag!r} is not allowed", _span(doc, node))
            return [self.construct(item, (*path, i)) for i, item in enumerate(node.value)]
        if len(node.value) > self.limits.string_chars:
            raise LoadError(f"a value of {len(node.value):,} characters is longer than the limit of "
                            f"{self.limits.string_chars:,} (COMPLIANCE_MAX_STRING_CHARS or max-string-chars)",
                            _span(doc, node))
        return _scalar(node, doc)


def _scalar(node: yaml.Node, doc: YamlDocument) -> Any:
    value: str = node.value
    tag = node.tag
    if tag in (_STR, _TIMESTAMP):
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        lowered = value.lower()
        return {"true": True, "false": False}.get(lowered, value)
    if tag == _INT:
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag == _FLOAT:
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    raise LoadError(f"tag {tag!r} is not allowed", _span(doc, node))
