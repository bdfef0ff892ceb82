"""Configuration: ``.compliance.yaml`` or ``[tool.compliance]`` in ``pyproject.toml``.

The file is found by walking up from the working directory; in each folder ``.compliance.yaml`` is
looked for first, then a ``pyproject.toml`` that has a ``[tool.compliance]`` table. Keys are the
long option names without the dashes (``fail-under = 50``). Paths in the file are relative to the
folder that holds it. Precedence: command-line flags, then ``COMPLIANCE_*`` environment variables,
then the file, then the built-in defaults.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from compliance.errors import LoadError
from compliance.loader import NodePos, YamlDocument, load_yaml
from compliance.model.base import Strict
from compliance.span import Span
from compliance.validate import validate_document


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Config(Strict):
    """The settings a configuration file may hold (each is also a flag and a ``COMPLIANCE_*`` variable)."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=_kebab)

    paths: list[str] | None = Field(default=None, description="Statute files or folders to check by default.")
    rules: str | None = Field(default=None, description="Rule set folder (default: the bundled rules).")
    standard: str | None = Field(default=None, description="A profile of the rule set, e.g. all, un, coe.")
    as_of: dt.date | None = Field(default=None, description="Evaluate the law in force on this date.")
    format: Literal["text", "json", "markdown", "html", "csv", "sarif", "junit", "github", "gitlab"] | None = Field(
        default=None, description="Default output format of check.")
    fail_under: int | None = Field(default=None, ge=0, le=100, description="Fail if an overall score is below N.")
    fail_on: Literal["missing", "partial"] | None = Field(
        default=None, description="Fail on any missing (or partial or missing) finding.")
    fail_on_area: list[str] | None = Field(default=None, description="Limit fail-on to these areas.")
    fail_on_requirement: list[str] | None = Field(default=None, description="Limit fail-on to these requirement ids.")
    waivers: str | None = Field(default=None, description="The waiver file.")
    baseline: str | None = Field(default=None, description="The baseline file: fail only on regressions.")
    exit_zero: bool | None = Field(default=None, description="Exit 0 even when a threshold is breached.")
    max_file_bytes: int | None = Field(default=None, ge=1, description="Largest input file, in bytes.")
    max_string_chars: int | None = Field(default=None, ge=1, description="Longest string value, in characters.")
    max_depth: int | None = Field(default=None, ge=1, description="Deepest nesting of mappings and lists.")
    max_aliases: int | None = Field(default=None, ge=1, description="Most uses of YAML aliases in one file.")
    max_nodes: int | None = Field(default=None, ge=1, description="Most YAML nodes (keys, values, items) in one file.")

    @field_validator("fail_under", "max_file_bytes", "max_string_chars", "max_depth", "max_aliases", "max_nodes",
                     mode="before")
    @classmethod
    def _whole_number(cls, value: Any, info: ValidationInfo) -> Any:
        """A whole number in the key's range, said in our words (not pydantic's)."""
        if value is None:
            return value
        bounds = cls.model_fields[str(info.field_name)].metadata
        low = next((int(b.ge) for b in bounds if hasattr(b, "ge")), 0)
        high = next((int(b.le) for b in bounds if hasattr(b, "le")), None)
        span = f"from {low} to {high}" if high is not None else f"of at least {low}"
        number = value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            number = int(value)
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValueError(f"expected a whole number {span}, got {value!r}")
        if number < low or (high is not None and number > high):
            raise ValueError(f"{number} is out of range: use a whole number {span}")
        return number

    @field_validator("exit_zero", mode="before")
    @classmethod
    def _true_or_false(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value

    @field_validator("paths", "fail_on_area", "fail_on_requirement", mode="before")
    @classmethod
    def _a_list(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, list):
            raise ValueError(f"expected a list (e.g. [a, b]), got {value!r}")
        return value

    def limits(self) -> dict[str, int]:
        """The loader limits this file sets (field names of :class:`compliance.limits.Limits`)."""
        return {key: value for key in ("file_bytes", "string_chars", "depth", "aliases", "nodes")
                if (value := getattr(self, f"max_{key}")) is not None}


@dataclass(frozen=True)
class LoadedConfig:
    """A configuration file that was found and read."""

    path: Path
    config: Config

    def resolve(self, value: str) -> str:
        """A path written in the file, relative to the file's folder."""
        return str(self.path.parent / value) if not Path(value).is_absolute() else value


def load_config(path: Path) -> LoadedConfig:
    """Read and validate a configuration file.

    Raises:
        ComplianceError: (or ErrorList) Unreadable file, bad TOML/YAML, unknown keys (listing the allowed
            ones), or values of the wrong type; positioned in the file.
    """
    doc = _toml_document(path) if path.name == "pyproject.toml" else load_yaml(path)
    return LoadedConfig(path, validate_document(doc, Config))


def _toml_document(path: Path) -> YamlDocument:
    """The ``[tool.compliance]`` table of a pyproject.toml, read with :mod:`tomllib` under a size limit.

    TOML keeps no positions, so each key's line is found afterwards (:func:`_toml_positions`) for
    error messages only; the values always come from :mod:`tomllib`.
    """
    from compliance.policy.discover import PYPROJECT_BYTES

    name = str(path)
    try:
        size = path.stat().st_size
        if size > PYPROJECT_BYTES:
            raise LoadError(f"file is {size} bytes, more than the {PYPROJECT_BYTES} a pyproject.toml may have",
                            Span(name))
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"cannot read file: {exc}", Span(name)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(found[1]), int(found[2])) if found else (1, 1)
        raise LoadError(f"invalid TOML: {str(exc).split(' (at ')[0]}", Span(name, line, col)) from None
    tool = data.get("tool", {})
    table: Any = tool.get("compliance", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise LoadError("tool.compliance must be a table of settings", Span(name))
    lines = text.splitlines()
    doc = YamlDocument(path=name, data=table, lines=lines)
    _toml_positions(doc, lines, list(table))
    return doc


_HEADER = re.compile(r"\s*\[([^\[\]]*)\]\s*(#.*)?$")


def _header_name(line: str) -> str | None:
    """The normalised name of a ``[table]`` header line (spaces and quotes dropped), else None."""
    found = _HEADER.match(line)
    return re.sub(r"[\s\"']", "", found[1]) if found else None


def _toml_positions(doc: YamlDocument, lines: list[str], keys: list[str]) -> None:
    """Best-effort line and column of the table and of each key, for messages (line 1 when not found)."""
    start = next((i for i, ln in enumerate(lines) if _header_name(ln) == "tool.compliance"), None)
    if start is None:  # inline table or dotted keys: ``compliance = {...}`` under [tool], or tool.compliance.x = 1
        start = next((i for i, ln in enumerate(lines) if re.match(r"\s*(tool\s*\.\s*)?[\"']?compliance[\"']?\s*[.=]",
                                                                 ln)), None)
        if start is None:
            return
        doc.positions[()] = NodePos(start, 0, start, len(lines[start]))
        for key in keys:
            doc.positions[(key,)] = NodePos(start, 0, start, len(lines[start]))
        return
    doc.positions[()] = NodePos(start, 0, start, len(lines[start]))
    for i in range(start + 1, len(lines)):
        if _header_name(lines[i]) is not None:
            break
        found = re.match(r"(\s*)[\"']?([A-Za-z0-9_-]+)[\"']?\s*=", lines[i])
        if found and found[2] in keys:
            col = len(found[1])
            doc.key_positions[(found[2],)] = NodePos(i, col, i, col + len(found[2]))
            value_col = lines[i].index("=") + 1
            value_col += len(lines[i][value_col:]) - len(lines[i][value_col:].lstrip())
            doc.positions[(found[2],)] = NodePos(i, value_col, i, len(lines[i]))


def defaults(loaded: LoadedConfig) -> dict[str, Any]:
    """The configuration as click ``default_map`` values keyed by parameter name, paths resolved.

    A ``.compliance-waivers.yaml`` beside the configuration file is used when ``waivers`` is not set.
    """
    cfg = loaded.config
    out: dict[str, Any] = {}
    beside = loaded.path.parent / ".compliance-waivers.yaml"
    if cfg.waivers is None and beside.is_file():
        out["waivers"] = loaded.resolve(beside.name)
    if cfg.paths is not None:
        out["files"] = [loaded.resolve(p) for p in cfg.paths]
    for key in ("rules", "waivers", "baseline"):
        value = getattr(cfg, key)
        if value is not None:
            out[{"rules": "rules_dir"}.get(key, key)] = loaded.resolve(value)
    for key in ("standard", "fail_under", "fail_on", "fail_on_area", "fail_on_requirement", "exit_zero"):
        value = getattr(cfg, key)
        if value is not None:
            out[key] = value
    if cfg.as_of is not None:
        out["as_of"] = cfg.as_of.isoformat()
    if cfg.format is not None:
        out["fmt"] = cfg.format
    return out
