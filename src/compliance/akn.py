"""Import an Akoma Ntoso (OASIS LegalDocML) act as a statute-file skeleton, or refresh an encoded file.

The FRBR block gives the jurisdiction and the instrument; each ``section`` (or ``article``,
``rule``) becomes a provision with its eId, heading and text (whitespace normalised, otherwise as
in the XML). Norms are left to the analyst.

Reading XML is bounded and inert: defusedxml refuses any DTD (so no entity expansion and no
external entity can read a file or a URL), and the file size, the nesting depth and the number of
elements are limited before the document is used. Every problem is a :class:`LoadError` at its
position.

Updating an existing file (:func:`update`) is a round trip through ruamel.yaml: comments, key
order, quoting and block styles of the file stay as they were; only the fields that describe a
provision's text are refreshed, and new provisions (and, if needed, the act itself) are appended.
The engine itself reads YAML with PyYAML (:mod:`compliance.loader`); ruamel.yaml is used here only.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compliance.errors import LoadError
from compliance.limits import current as current_limits
from compliance.span import Span

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from ruamel.yaml import YAML

PLACEHOLDER = "not yet encoded (imported from Akoma Ntoso)"
#: Deepest element nesting accepted (real acts need about 20 levels; ElementTree walks recursively).
MAX_XML_DEPTH = 100
#: The provision fields an update takes from the XML; everything else is the analyst's.
REFRESHED = ("heading", "eid", "text_status", "text_source", "language", "retrieved", "text")
#: Defaults of the statute format for refreshed fields (a missing key means this value).
_DEFAULTS = {"language": "en"}
_UNITS = {"section": "s", "article": "art ", "rule": "r "}
_LANGUAGES = {"eng": "en", "fra": "fr", "deu": "de", "nld": "nl", "spa": "es", "ita": "it", "ron": "ro",
              "por": "pt", "swe": "sv", "pol": "pl", "ell": "el", "fin": "fi", "dan": "da"}


def read_limited(path: Path) -> bytes:
    """Read a file of at most ``compliance.limits`` ``file_bytes`` bytes (a device that never ends included).

    Raises:
        LoadError: Missing, unreadable, a folder, or larger than the limit (at ``path:1:1``).
    """
    limit = current_limits().file_bytes
    name = str(path)
    try:
        size = path.stat().st_size
        if size <= limit:
            with path.open("rb") as handle:
                raw = handle.read(limit + 1)
            size = len(raw)
    except FileNotFoundError:
        raise LoadError("no such file", Span(name)) from None
    except IsADirectoryError:
        raise LoadError("is a directory, not a file", Span(name)) from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}", Span(name)) from None
    if size > limit:
        raise LoadError(f"file is larger than the limit of {limit:,} bytes (COMPLIANCE_MAX_FILE_BYTES or "
                        "max-file-bytes)", Span(name))
    return raw


# --- XML -------------------------------------------------------------------------------------


class _BoundedBuilder:
    """An ElementTree target that refuses documents nested too deep or with too many elements."""

    def __init__(self, name: str) -> None:
        from xml.etree.ElementTree import TreeBuilder

        self.name = name
        self.builder = TreeBuilder()
        self.parser: Any = None  # the expat parser, for positions
        self.depth = 0
        self.count = 0
        self.max_elements = current_limits().nodes

    def positioned(self, message: str) -> LoadError:
        """A load error at the parser's current position (1:1 before parsing starts)."""
        line, column = (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1) if self.parser else (1, 1)
        return LoadError(message, Span(self.name, line, column))

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.depth += 1
        self.count += 1
        if self.depth > MAX_XML_DEPTH:
            raise self.positioned(f"elements nested deeper than {MAX_XML_DEPTH} levels")
        if self.count > self.max_elements:
            raise self.positioned(f"more than {self.max_elements:,} elements (COMPLIANCE_MAX_NODES or max-nodes)")
        return self.builder.start(tag, attrs)

    def end(self, tag: str) -> Element:
        self.depth -= 1
        return self.builder.end(tag)

    def data(self, data: str) -> None:
        self.builder.data(data)

    def close(self) -> Element:
        return self.builder.close()


def _parse_xml(xml: bytes, name: str) -> Element:
    """Parse XML bytes with defusedxml: no DTD, no entities, no external references, bounded."""
    from xml.parsers.expat import errors as expat_errors

    from defusedxml import DefusedXmlException, DTDForbidden
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    limit = current_limits().file_bytes
    if len(xml) > limit:
        raise LoadError(f"file is larger than the limit of {limit:,} bytes (COMPLIANCE_MAX_FILE_BYTES or "
                        "max-file-bytes)", Span(name))
    target = _BoundedBuilder(name)
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    target.parser = parser.parser
    try:
        parser.feed(xml)
        root: Element = parser.close()
    except ParseError as exc:
        line, column = exc.position
        message = expat_errors.messages.get(exc.code, str(exc)) if isinstance(exc.code, int) else str(exc)
        raise LoadError(f"invalid XML: {message}", Span(name, line, column + 1)) from None
    except DefusedXmlException as exc:
        what = ("a DTD (<!DOCTYPE ...>)" if isinstance(exc, DTDForbidden)
                else "an entity declaration or external reference")
        error = target.positioned(f"{what} is not accepted: Akoma Ntoso needs none, and one could expand entities "
                               "or read other files")
        at = xml.find(b"<!DOCTYPE")
        if at >= 0:  # point at the declaration's start, not where expat noticed it
            error.span = Span(name, xml.count(b"\n", 0, at) + 1, at - (xml.rfind(b"\n", 0, at) + 1) + 1)
        raise error from None
    except (ValueError, LookupError, UnicodeError) as exc:  # e.g. an encoding the parser cannot read
        raise target.positioned(f"invalid XML: {exc}") from None
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _find(root: Element, name: str) -> Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def _text(element: Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def parse_akn(xml: bytes, name: str) -> dict[str, Any]:
    """Parse an Akoma Ntoso document into the data of a statute file (not yet validated).

    Provision ids are unique: a repeated number (two parts each with a section 1) falls back to
    the eId.

    Raises:
        LoadError: The XML is too large, not well formed, hostile (a DTD or entities), too deep, or has
            no FRBRWork or no sections.
    """
    root = _parse_xml(xml, name)
    work = _find(root, "FRBRWork")
    if work is None:
        raise LoadError("no FRBRWork in the document's meta block: is this Akoma Ntoso?", Span(name))

    def value(parent: Element | None, field: str, attr: str = "value") -> str:
        found = _find(parent, field) if parent is not None else None
        return (found.get(attr) or "").strip() if found is not None else ""

    expression = _find(root, "FRBRExpression")
    country = value(work, "FRBRcountry").lower()
    title = value(work, "FRBRname") or _text(_find(root, "docTitle"))
    uri = value(work, "FRBRuri") or value(work, "FRBRthis")
    number = value(work, "FRBRnumber")
    enacted = value(work, "FRBRdate", "date")
    language = value(expression, "FRBRlanguage", "language")
    instrument_id = re.sub(r"[^a-z0-9]+", "-", (title or "act").lower()).strip("-")[:40].strip("-") or "act"
    provisions = [_provision(element, instrument_id, uri, name, language) for element in root.iter()
                  if _local(element.tag) in _UNITS and element.get("eId")]
    if not provisions:
        raise LoadError("no section, article or rule with an eId in the document body", Span(name))
    seen: set[str] = set()
    for provision in provisions:
        if provision["id"] in seen:
            provision["id"] = _unused(provision["eid"], seen)
        seen.add(provision["id"])
    instrument: dict[str, Any] = {"id": instrument_id, "title": title or "(untitled act)",
                                  "citation": number or title or "(no citation)", "url": uri}
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", enacted):
        instrument["enacted"] = enacted
    return {"schema_version": 1,
            "jurisdiction": {"code": country, "name": country.upper()},
            "instruments": [instrument], "provisions": provisions}


def _unused(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 2
    while candidate in taken:
        candidate, n = f"{wanted} ({n})", n + 1
    return candidate


def _language(code: str) -> str:
    """An ISO 639 code for the statute format from FRBRlanguage (``eng``, ``en-GB``...); ``en`` if unreadable."""
    base = re.split(r"[-_]", code.strip().lower())[0]
    base = _LANGUAGES.get(base, base)
    return base if re.fullmatch(r"[a-z]{2,3}", base) else "en"


def _provision(element: Element, instrument: str, uri: str, name: str, language: str) -> dict[str, Any]:
    num = element.find("{*}num")
    heading = element.find("{*}heading")
    number = _text(num).rstrip(".") if num is not None else ""
    number = re.sub(r"^(section|article|art\.?|rule)\s+", "", number, flags=re.IGNORECASE)
    lines = []
    for child in element:
        if _local(child.tag) in ("num", "heading"):
            continue
        child_num = child.find("{*}num")
        body = _text(child)
        if child_num is not None:
            prefix = _text(child_num)
            body = f"{prefix} {body[len(prefix):].strip()}" if body.startswith(prefix) else body
        if body:
            lines.append(body)
    eid = element.get("eId", "")
    return {
        "id": f"{_UNITS[_local(element.tag)]}{number}" if number else eid,
        "instrument": instrument,
        "heading": _text(heading) if heading is not None else (number or eid),
        "eid": eid,
        "source_url": uri,
        "text_status": "verbatim",
        "text_source": f"Akoma Ntoso XML {Path(name).name}, eId {eid} (whitespace normalised)",
        "language": _language(language),
        "retrieved": dt.date.today().isoformat(),
        "text": "\n".join(lines) + "\n" if lines else "(no text in the XML)\n",
        "norms": [],
        "no_norm_reason": PLACEHOLDER,
    }


# --- YAML round trip ------------------------------------------------------------------------


@dataclass
class RoundTrip:
    """A YAML file loaded with ruamel.yaml, to be written back in the file's own layout."""

    yaml: YAML
    data: Any
    newline: str

    def dump(self) -> str:
        """The document as YAML text, laid out as the file it was read from."""
        out = io.StringIO()
        self.yaml.dump(self.data, out)
        return out.getvalue().replace("\n", self.newline) if self.newline != "\n" else out.getvalue()


def _yaml(width: int = 100, mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = width
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _layout(lines: list[str]) -> tuple[int, int, int]:
    """Guess (mapping indent, sequence indent, dash offset) from the first nested blocks of a file."""
    mapping = sequence = offset = None
    for first, second in itertools.pairwise(lines):
        parent = re.match(r"( *)[^\s#-][^:#]*:\s*(#.*)?$", first)
        child = re.match(r"( *)(- +)?\S", second)
        if not parent or not child:
            continue
        step = len(child.group(1)) - len(parent.group(1))
        if step < 0 or (step == 0 and not child.group(2)):
            continue
        if child.group(2) and sequence is None:
            offset, sequence = step, step + len(child.group(2))
        elif not child.group(2) and mapping is None and step > 0:
            mapping = step
        if mapping is not None and sequence is not None:
            break
    mapping = mapping or 2
    if sequence is None or offset is None or sequence < offset + 2:
        sequence, offset = mapping + 2, mapping
    return mapping, sequence, offset


def round_trip(text: str, name: str) -> RoundTrip:
    """Load YAML text for a round trip that keeps comments, key order, quotes and block styles.

    Raises:
        LoadError: ruamel.yaml cannot read the text (positioned).
    """
    from ruamel.yaml.error import YAMLError

    newline = "\r\n" if "\r\n" in text else "\n"
    text = text.replace("\r\n", "\n")
    lines = text.splitlines()
    mapping, sequence, offset = _layout(lines)
    yaml = _yaml(max([100, *map(len, lines)]), mapping, sequence, offset)
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith(("#", "%"))), "")
    yaml.explicit_start = first.rstrip() == "---" or first.startswith("--- ")
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        span = Span(name, mark.line + 1, mark.column + 1) if mark is not None else Span(name)
        raise LoadError(f"cannot read the file for a round trip: {getattr(exc, 'problem', None) or exc}",
                        span) from None
    return RoundTrip(yaml, data, newline)


def _node(value: Any) -> Any:
    """Plain imported data as ruamel nodes: multi-line texts as literal blocks, ISO dates as dates.

    A one-line text that the engine's loader (PyYAML, YAML 1.1) would read as something else if
    written plain (``1.5``, ``0x1F``, ``null``) is single-quoted, whatever ruamel.yaml (YAML 1.2) thinks.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString

    if isinstance(value, dict):
        return CommentedMap((k, _node(v)) for k, v in value.items())
    if isinstance(value, list):
        seq = CommentedSeq(_node(v) for v in value)
        if not value:
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str) and _not_text_when_plain(value):
        return SingleQuotedScalarString(value)
    return value


def _not_text_when_plain(value: str) -> bool:
    import yaml

    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")


def skeleton(data: dict[str, Any], source: str) -> str:
    """A new statute file: ``data`` as YAML (texts as literal blocks) under a header saying where it came from."""
    header = (f"# Statute-file skeleton imported from Akoma Ntoso ({source}).\n"
              "# Check the jurisdiction, instrument and URLs, then write each provision's norms.\n")
    out = io.StringIO()
    _yaml().dump(_node(data), out)
    return header + out.getvalue()


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel keeps the comment after the last scalar of ``node``: (container, key, index)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap) and node:
        key: Any = next(reversed(node))
        index = 2
    elif isinstance(node, CommentedSeq) and node:
        key, index = len(node) - 1, 0
    else:
        return None
    return _last_slot(node[key]) or (node, key, index)


def _slot_after(container: Any, key: Any) -> tuple[Any, Any, int]:
    """Where ruamel keeps the comment that follows ``container[key]`` (inside it, if it is a collection)."""
    from ruamel.yaml.comments import CommentedMap

    return _last_slot(container[key]) or (container, key, 2 if isinstance(container, CommentedMap) else 0)


def _take_lines(slot: tuple[Any, Any, int]) -> str:
    """Detach the whole-line comments kept in ``slot`` (an end-of-line comment stays); return them.

    After a plain or quoted scalar, the token starts with its end-of-line comment (``# ...``) or
    with the newline that ends the value; after a block scalar it holds whole lines only.
    """
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
    from ruamel.yaml.tokens import CommentToken

    container, key, index = slot
    entry = container.ca.items.get(key)
    token = entry[index] if entry and len(entry) > index else None
    if not isinstance(token, CommentToken) or not token.value:
        return ""
    value = str(token.value)
    if isinstance(container[key], LiteralScalarString | FoldedScalarString):
        keep, lines = "", value
    elif value.startswith("#"):
        first, newline, lines = value.partition("\n")
        keep = first + newline
    else:
        keep, lines = "", value[1:] if value.startswith("\n") else value
    if lines:
        if keep:
            token.value = keep
        else:
            entry[index] = None
    return lines


def _give_lines(slot: tuple[Any, Any, int], lines: str) -> None:
    """Attach whole-line comments after the scalar of an empty ``slot`` (a new node's)."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
    from ruamel.yaml.tokens import CommentToken

    if lines:
        container, key, index = slot
        block = isinstance(container[key], LiteralScalarString | FoldedScalarString)
        entry = container.ca.items.setdefault(key, [None, None, None, None])
        entry[index] = CommentToken(lines if block else "\n" + lines, CommentMark(0), None)


def _append(seq: Any, item: Any) -> None:
    """Append ``item`` to ``seq``, moving the whole-line comments that ended the list after the new item.

    ruamel attaches the comment lines that follow a list (or a key) to the scalar before them; left
    there, a comment that introduces the next key (or closes the file) would end up before the new
    item. ``item`` must end with a plain or quoted scalar.
    """
    lines = _take_lines(_slot_after(seq, len(seq) - 1)) if seq else ""
    seq.append(item)
    _give_lines(_slot_after(seq, len(seq) - 1), lines)


def _insert(mapping: Any, position: int, key: str, value: Any) -> None:
    """Insert a (plain scalar) key at ``position``, below the comment lines that introduce the key after it."""
    keys = list(mapping)
    lines = _take_lines(_slot_after(mapping, keys[position - 1])) if 0 < position <= len(keys) else ""
    mapping.insert(position, key, value)
    _give_lines(_slot_after(mapping, key), lines)


def _same_url(a: object, b: object) -> bool:
    return bool(a) and bool(b) and str(a).rstrip("/") == str(b).rstrip("/")


def _same_title(a: object, b: object) -> bool:
    return bool(a) and bool(b) and " ".join(str(a).lower().split()) == " ".join(str(b).lower().split())


def _declared_act(instruments: list[Any], act: dict[str, Any]) -> str | None:
    """The id under which the file declares the imported act: the same id, else the same URL, else the same title.

    eIds are not evidence: every Akoma Ntoso act has a ``sec_1``.
    """
    for same in (lambda i: str(i.get("id")) == act["id"], lambda i: _same_url(i.get("url"), act["url"]),
                 lambda i: _same_title(i.get("title"), act["title"])):
        found = [str(i.get("id")) for i in instruments if same(i)]
        if len(found) == 1:
            return found[0]
    return None


def _set(provision: Any, key: str, value: Any) -> None:
    """Set ``key``; a new key goes just before ``text`` (or at the end), so the file's order is kept."""
    if key in provision:
        provision[key] = value  # ruamel keeps the comments around the key
        return
    keys = list(provision)
    _insert(provision, keys.index("text") if "text" in keys else len(keys), key, value)


def _refresh(provision: Any, new: dict[str, Any]) -> list[str]:
    """Refresh the text fields of an encoded provision from the import; return the names of those that changed."""
    changed = []
    for field in REFRESHED:
        old = provision.get(field)
        if old is not None and str(old) == str(new[field]):
            continue  # unchanged: keep the value as written (quotes, style)
        if old is None and _DEFAULTS.get(field) == new[field]:
            continue  # absent means the default: adding it would only be noise
        _set(provision, field, _node(new[field]))
        changed.append(field)
    return changed


def update(text: str, imported: dict[str, Any], name: str) -> tuple[str, list[str]]:
    """Refresh an encoded statute file from an imported act; return the new text and notes for the user.

    ``text`` must be a statute file that passes validation (the caller checks). Provisions of the
    imported act are matched by eId, then by id, among the provisions of the same act (declared
    under the same id, else the same URL, else the same title: see :func:`_declared_act`).
    Matched provisions get the fields of :data:`REFRESHED` from the XML; their norms, notes, dates,
    source URL and every other key stay as written. Unmatched imported provisions are appended
    (with the act's id before theirs if their id is taken by another act); the act is declared
    under ``instruments`` if the file does not declare it. Comments, key order, quoting and block
    styles are kept (see :func:`round_trip`).

    Raises:
        LoadError: The text cannot be read for a round trip.
    """
    doc = round_trip(text, name)
    data = doc.data
    notes: list[str] = []
    act = imported["instruments"][0]
    instruments, provisions = data["instruments"], data["provisions"]
    country = imported["jurisdiction"]["code"]
    code = str(data.get("jurisdiction", {}).get("code", ""))
    if country and code and not (code == country or code.startswith(f"{country}-")):
        notes.append(f"the act is from {country!r}, the file is about {code!r}")
    target = _declared_act(instruments, act)
    if target is None:
        target = act["id"]
        _append(instruments, _node(act))
        notes.append(f"declared instrument {target} ({act['title']})")
    elif target != act["id"]:
        notes.append(f"the act is the declared instrument {target}")
    ours = [p for p in provisions if str(p.get("instrument")) == target]
    by_eid = {str(p["eid"]): p for p in ours if p.get("eid")}
    by_id = {str(p.get("id")): p for p in ours}
    taken = {str(p.get("id")) for p in provisions}
    matched: set[int] = set()
    for new in imported["provisions"]:
        old = by_eid.get(new["eid"]) or by_id.get(new["id"])
        if old is not None and id(old) not in matched:
            matched.add(id(old))
            changed = [f for f in _refresh(old, new) if f in ("heading", "text")]
            if changed:
                notes.append(f"updated {old.get('id')}: {', '.join(changed)}")
            if "text" in changed and old.get("translation"):
                notes.append(f"{old.get('id')}: its text changed; check its translation")
            continue
        wanted = new["id"] if new["id"] not in taken else f"{target} {new['id']}"
        added = dict(new, id=_unused(wanted, taken), instrument=target)
        taken.add(added["id"])
        _append(provisions, _node(added))
        notes.append(f"added {added['id']}")
    notes += [f"kept {p.get('id')} (not in the imported act)" for p in ours if id(p) not in matched]
    return doc.dump(), notes
