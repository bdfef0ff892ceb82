r"""What the CI formats (SARIF, JUnit, GitHub, GitLab) share: failures, order, identity, escaping.

Which findings fail, in which order, under which identity, and the escaping that keeps any user string
from breaking a host's format. User strings (jurisdiction names and codes, file names, provision ids,
headings, statute text) can hold anything a YAML file can: control characters, line breaks, lone
surrogates (from ``"\ud800"`` escapes), markup. Every CI renderer passes them through one of the
functions here before they reach its output.
"""

from __future__ import annotations

import re

from compliance.model.results import Report, RequirementResult

#: Baseline marks of findings that the baseline already knows and that did not get worse.
KNOWN = frozenset({"unchanged", "improved"})

_SURROGATE = re.compile("[\ud800-\udfff]")
# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Controls other than tab, LF and CR (C0, DEL, C1).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Everything a reader or a host may take for a line break, and other whitespace runs.
_BREAKS = re.compile("[\\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# CommonMark lets any ASCII punctuation be escaped with a backslash; these are the ones that start
# inline markup, links, HTML, entities or (``|``) a new table cell.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~&!#])")


def unicode_safe(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, so that it can always be encoded as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def visible(text: str) -> str:
    r"""``text`` with lone surrogates replaced and control characters (except tab, LF, CR) shown as ``\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", unicode_safe(text))


def xml_text(text: str) -> str:
    r"""``text`` with every character XML 1.0 forbids shown as ``\xNN`` or ``\uNNNN`` (never raw)."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}",
                        unicode_safe(text))


def one_line(text: str) -> str:
    """``text`` on one line: every run of whitespace, line breaks and control characters becomes one space."""
    return _BREAKS.sub(" ", unicode_safe(text)).strip()


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary where one is near, ending in ``…``."""
    if len(text) <= limit:
        return text
    cut = text[:max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def md(text: str) -> str:
    """``text`` as inline Markdown that shows exactly this text: one line, markup and ``|`` escaped.

    Safe in a table cell: a line break cannot end the row and a ``|`` cannot start a cell.
    """
    return _MARKDOWN.sub(r"\\\1", one_line(text))


def is_failure(req: RequirementResult) -> bool:
    """Whether a finding fails the run's CI formats: partial or missing, not waived, and not known to the baseline.

    Under ``--baseline`` only new and regressed findings fail; unchanged and improved ones are known.
    """
    return req.status in ("partial", "missing") and req.waiver is None and req.baseline not in KNOWN


def severity(req: RequirementResult) -> tuple[int, float, int]:
    """Sort key, most severe first: missing before partial before the rest, then heavier, then lower score."""
    rank = {"missing": 0, "partial": 1}.get(req.status, 2)
    return rank, -req.weight, req.score


def finding_id(report: Report, req: RequirementResult) -> str:
    """The identity of a finding across runs: ``<jurisdiction>:<requirement>``, never a line number."""
    return f"{report.jurisdiction.code}:{req.id}"


def verdict(req: RequirementResult) -> str:
    """A finding's verdict in words: ``missing (0/100)``, ``partly met (71/100)``, ``not assessed``."""
    if req.status == "not_assessed":
        return "not assessed (the law for this area was not read)"
    if req.status == "partial":
        return f"partly met ({req.score}/100)"
    return f"{req.status} ({req.score}/100)"
