"""The pre-commit hook definition and the CI example in docs/CI.md, run as pre-commit and a
workflow would run them: the hook's entry on the files its pattern selects."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
BIN = Path(sys.executable).parent
HOOK = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
CI_DOC = (ROOT / "docs" / "CI.md").read_text()


def _run(entry: str, *args: str) -> subprocess.CompletedProcess[str]:
    command, *rest = shlex.split(entry)
    return subprocess.run(
        [str(BIN / command), *rest, *args], capture_output=True, text=True, check=False
    )


def test_hook_selects_template_files_only() -> None:
    pattern = re.compile(HOOK["files"])
    chosen = ["template.yaml", "sam/template.yml", "template.json", "cdk.out/App.template.json"]
    left = [
        ".pre-commit-config.yaml",
        "cdk.json",
        "cdk.out/manifest.json",
        "pyproject.yaml",
        "cdk.out/App.assets.json",
        "docs/template.md",
    ]
    assert [p for p in chosen if pattern.search(p)] == chosen
    assert [p for p in left if pattern.search(p)] == []


def test_hook_entry_fails_on_findings_and_passes_clean_templates(tmp_path: Path) -> None:
    assert HOOK["language"] == "python" and HOOK["require_serial"] is True
    flagged = tmp_path / "template.json"
    flagged.write_text((DATA / "log_groups.json").read_text())
    clean = tmp_path / "clean.template.json"
    clean.write_text(yaml.safe_dump(yaml.safe_load((DATA / "clean.yaml").read_text())))
    failing = _run(HOOK["entry"], "--fail-on", "warning", str(flagged), str(clean))
    assert failing.returncode == 1, failing.stderr
    assert "Sustainability-LogGroupRetention" in failing.stdout
    passing = _run(HOOK["entry"], "--fail-on", "warning", str(clean))
    assert passing.returncode == 0, passing.stdout + passing.stderr


def test_documented_local_hook_matches_the_definition() -> None:
    config = yaml.safe_load(re.search(r"```yaml\n(# \.pre-commit-config.*?)```", CI_DOC, re.S)[1])
    local = config["repos"][0]["hooks"][0]
    assert config["repos"][0]["repo"] == "local"
    assert local["id"] == HOOK["id"] and local["entry"] == HOOK["entry"]
    assert local["language"] == HOOK["language"]
    assert re.search(local["files"], "infra/stack.yaml")


def test_documented_workflow_uploads_the_sarif_it_writes(tmp_path: Path) -> None:
    workflow = yaml.safe_load(re.search(r"```yaml\n(# \.github/workflows.*?)```", CI_DOC, re.S)[1])
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["lint"]["steps"]
    lint = next(
        s["run"] for s in steps if str(s.get("run", "")).startswith("green-constructs lint")
    )
    upload = next(
        s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")
    )
    assert upload["if"] == "always()"
    args = shlex.split(lint)[2:]
    output = args[args.index("--output") + 1]
    assert upload["with"]["sarif_file"] == output
    args[args.index("cdk.out")] = str(DATA / "assembly")
    args[args.index("--output") + 1] = str(tmp_path / output)
    done = _run("green-constructs lint", *args)
    assert done.returncode in (0, 1), done.stderr
    sarif = yaml.safe_load((tmp_path / output).read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["tool"]["driver"]["name"]
