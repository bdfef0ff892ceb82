"""JSON Schemas for editors: generated from the models, committed under schemas/, used by the bundled files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from compliance import api
from compliance.cli import app
from compliance.loader import load_yaml
from tests.conftest import ROOT

SCHEMAS = ROOT / "schemas"
REGENERATE = ("for n in " + " ".join(api.SCHEMAS) + "; do compliance schema $n > schemas/$n.schema.json; done")


def _kind(path: Path) -> str:
    if path.parent.name == "legislation":
        return "statute"
    if path.parent.name == "rules":
        return path.stem
    if path.parent.name == "translations":
        return "translations"
    return "rules"


BUNDLED_YAML = sorted([*(ROOT / "legislation").glob("*.yaml"), *(ROOT / "rules").glob("*.yaml"),
                       *(ROOT / "rules").glob("*/*.yaml")])


@pytest.mark.parametrize("name", sorted(api.SCHEMAS))
def test_committed_schema_is_current(name: str) -> None:
    result = CliRunner().invoke(app, ["--no-config", "schema", name])
    assert result.exit_code == 0
    committed = (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == result.stdout, f"schemas/{name}.schema.json is stale; regenerate: {REGENERATE}"
    schema = json.loads(committed)
    jsonschema.validators.validator_for(schema).check_schema(schema)


@pytest.mark.parametrize("path", BUNDLED_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_bundled_files_name_their_schema_and_validate_against_it(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    kind = _kind(path)
    target = (path.parent / first.removeprefix("# yaml-language-server: $schema=")).resolve()
    assert first.startswith("# yaml-language-server: $schema="), first
    assert target == (SCHEMAS / f"{kind}.schema.json").resolve()
    schema = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.validate(load_yaml(path).data, schema)


def test_the_statute_schema_rejects_what_the_loader_rejects() -> None:
    schema = json.loads((SCHEMAS / "statute.schema.json").read_text(encoding="utf-8"))
    data = load_yaml(ROOT / "legislation" / "us.yaml").data
    data["provisions"][0]["txt"] = data["provisions"][0].pop("text")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_outputs_validate_against_their_published_schemas(tmp_path: Path) -> None:
    runner = CliRunner()
    us = str(ROOT / "legislation" / "us.yaml")
    report = json.loads(runner.invoke(app, ["--no-config", "check", us, "-f", "json", "--as-of", "2026-11-28"]).stdout)
    jsonschema.validate(report, json.loads((SCHEMAS / "report.schema.json").read_text(encoding="utf-8")))
    compared = runner.invoke(app, ["--no-config", "compare", "-f", "json", "--as-of", "2026-11-28"])
    comparison = json.loads(compared.stdout)
    jsonschema.validate(comparison, json.loads((SCHEMAS / "comparison.schema.json").read_text(encoding="utf-8")))
    out = tmp_path / "b.json"
    assert runner.invoke(app, ["--no-config", "baseline", "create", us, "-o", str(out)]).exit_code == 0
    jsonschema.validate(json.loads(out.read_text()), json.loads((SCHEMAS / "baseline.schema.json").read_text()))
