"""The CI documentation works as written: workflow, pre-commit hooks, configuration keys, Python API, baseline."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from compliance.cli import app
from compliance.policy.config import Config
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
WORKFLOW = ROOT / ".github" / "workflows" / "compliance.yml"
runner = CliRunner()


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, re.S)


def _compliance_commands(run: str) -> list[list[str]]:
    return [shlex.split(line)[1:] for line in run.splitlines() if line.startswith("compliance ")]


def test_the_documented_workflow_is_the_committed_one() -> None:
    committed = WORKFLOW.read_text(encoding="utf-8")
    body = "".join(line for line in committed.splitlines(keepends=True) if not line.startswith("#"))
    assert body in _yaml_blocks(DOC)


def test_the_workflow_commands_pass_on_the_bundled_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["check"]["steps"]
    assert workflow["permissions"]["security-events"] == "write"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    shutil.copytree(ROOT / "legislation", tmp_path / "legislation")
    shutil.copy(ROOT / ".compliance-baseline.json", tmp_path)
    monkeypatch.chdir(tmp_path)
    baseline_day = yaml.safe_load((tmp_path / ".compliance-baseline.json").read_text())["as_of"]
    commands = [cmd for step in steps if "run" in step for cmd in _compliance_commands(step["run"].replace("\n", " "))]
    assert [c[0] for c in commands] == ["validate", "check"]
    for command in commands:
        extra = ["--as-of", baseline_day] if command[0] == "check" else []
        result = runner.invoke(app, ["--no-config", *command, *extra])
        assert result.exit_code == 0, (command, result.stderr)
    assert (tmp_path / upload["with"]["sarif_file"]).is_file()
    assert (tmp_path / "compliance.xml").is_file()


def test_the_committed_baseline_is_current() -> None:
    baseline = yaml.safe_load((ROOT / ".compliance-baseline.json").read_text(encoding="utf-8"))
    result = runner.invoke(app, ["--no-config", "check", "legislation", "--as-of", baseline["as_of"],
                                 "--baseline", ".compliance-baseline.json", "-f", "json"])
    stale = ("the committed .compliance-baseline.json is stale: run `compliance baseline create legislation "
             f"--as-of {baseline['as_of']} --force` and review the diff")
    assert result.exit_code == 0, stale
    assert "0 improved" in result.stderr and ", 0 regressions" in result.stderr, stale


def test_pre_commit_hooks_run_on_bundled_files(monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"compliance-validate", "compliance-check"}
    monkeypatch.chdir(ROOT)
    files = {"compliance-validate": ["legislation/us.yaml", "rules/instruments.yaml", "rules/profiles.yaml",
                                     "rules/scoring.yaml", "rules/coe_2005/art_26.yaml"],
             "compliance-check": ["legislation/us.yaml"]}
    for hook_id, hook in hooks.items():
        assert {"id", "name", "entry", "language", "files"} <= set(hook)
        assert hook["language"] == "python"
        entry = shlex.split(hook["entry"])
        assert entry[0] == "compliance"
        assert all(re.search(hook["files"], f) for f in files[hook_id])
        assert not re.search(hook["files"], "README.md")
        result = runner.invoke(app, ["--no-config", *entry[1:], *files[hook_id]])
        assert result.exit_code == 0, (hook_id, result.stderr)
    failing = runner.invoke(app, ["--no-config", *shlex.split(hooks["compliance-check"]["entry"])[1:],
                                  "--fail-on", "missing", "legislation/us.yaml"])
    assert failing.exit_code == 1


def test_the_documented_pre_commit_config_uses_real_hooks() -> None:
    ids = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    configs = [yaml.safe_load(b) for b in _yaml_blocks(DOC) if b.startswith("repos:")]
    assert len(configs) == 2
    remote = configs[0]["repos"][0]
    assert {h["id"] for h in remote["hooks"]} == ids
    for hook in remote["hooks"]:
        assert runner.invoke(app, ["--no-config", *shlex.split(
            {"compliance-validate": "validate", "compliance-check": "check"}[hook["id"]]), *hook.get("args", []),
            "--help"]).exit_code == 0


def test_every_configuration_key_is_documented() -> None:
    for name, field in Config.model_fields.items():
        assert f"| `{field.alias or name}` |" in DOC, name


def test_the_python_api_page_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    out = io.StringIO()
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(out):
        for block in re.findall(r"```python\n(.*?)```", page, re.S):
            exec(block, namespace)
    printed = out.getvalue()
    for line in page.splitlines():
        shown = re.search(r"^print\(.*\)\s+# (.+)$", line)
        if shown and "..." not in shown[1]:
            assert shown[1] in printed, shown[1]
