"""Every code block of the README and the docs runs as written (conventions: doc_blocks.py).

Complete Python blocks run as programs (``python block.py``, ``CDK_OUTDIR`` in a temporary
folder) with cdk-nag's AwsSolutions pack added to every app they synthesize: an AwsSolutions
error or any finding of our packs fails. Excerpts must be lines of the README's complete app.
The README's ``green-constructs`` commands run from the repository root's layout, with the
package's virtual environment on ``PATH`` (what ``source .venv/bin/activate`` does), and a
``$`` command prints the output shown under it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import pytest
from compliance import cfn_lint_errors, our_findings
from doc_blocks import (
    README,
    ROOT,
    Block,
    blocks,
    documents,
    missing_excerpt_paragraphs,
    readme_app,
)

from green_constructs.cli import main

ALL_BLOCKS = [block for path in documents() for block in blocks(path)]
PYTHON = [block for block in ALL_BLOCKS if block.language == "python"]
EXCERPTS = [block for block in PYTHON if block.info == "python excerpt"]
PROGRAMS = [block for block in PYTHON if block.info == "python"]

# Complete programs that call AWS: they run against moto in their own test.
ELSEWHERE = {
    "from green_constructs.runtime import AsyncInferenceClient": (
        ROOT / "tests" / "runtime" / "test_readme_snippet.py"
    ),
}

# Runs a block as a program, adding AwsSolutions to every app it synthesizes.
RUNNER = """
import runpy, sys
import aws_cdk as cdk
import cdk_nag
from importlib.metadata import version

synth = cdk.App.synth

def checked(self, *args, **kwargs):
    if int(version("cdk-nag").split(".")[0]) >= 3:
        cdk.Validations.of(self).add_plugins(cdk_nag.AwsSolutionsChecks())
    else:
        cdk.Aspects.of(self).add(cdk_nag.AwsSolutionsChecks())
    return synth(self, *args, **kwargs)

cdk.App.synth = checked

import green_constructs.nag as nag  # record the packs the block enables

enable = nag.enable_sustainability_checks
enabled = []

def recording(app, **kwargs):
    packs = enable(app, **kwargs)
    enabled.extend(type(pack).__name__ for pack in packs)
    return packs

nag.enable_sustainability_checks = recording
runpy.run_path(sys.argv[1], run_name="__main__")
print("ENABLED", ",".join(sorted(enabled)))
"""


def _elsewhere(block: Block) -> Path | None:
    return next((test for key, test in ELSEWHERE.items() if key in block.code), None)


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    env.update(extra)
    return env


def test_python_blocks_are_programs_or_excerpts() -> None:
    odd = [
        f"{block.where}: ```{block.info}" for block in PYTHON if block not in PROGRAMS + EXCERPTS
    ]
    assert not odd, "fence Python blocks as ```python (complete) or ```python excerpt"
    assert len(PROGRAMS) >= 3 and len(EXCERPTS) >= 2


def test_readme_app_shows_training_async_inference_monitoring_and_the_checks() -> None:
    code = readme_app().code
    for name in (
        "TrainiumTrainingJob(",
        "AsyncInferenceEndpoint(",
        "SustainabilityMonitor(",
        "CarbonMetricsPublisher(",
        "enable_sustainability_checks(app)",
        "app.synth()",
    ):
        assert name in code


@pytest.mark.parametrize("block", EXCERPTS, ids=lambda block: block.where)
def test_excerpt_is_lines_of_the_readme_app(block: Block) -> None:
    assert missing_excerpt_paragraphs(block.code, readme_app().code) == []


@pytest.mark.parametrize("block", PROGRAMS, ids=lambda block: block.where)
def test_python_block_runs(block: Block, tmp_path: Path) -> None:
    test = _elsewhere(block)
    if test is not None:
        # the block is the one that test extracts and runs
        spec = importlib.util.spec_from_file_location("readme_block_elsewhere", test)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.readme_snippet() == block.code
        return
    program = tmp_path / "block.py"
    program.write_text(block.code)
    outdir = tmp_path / "cdk.out"
    cdk_app = "aws_cdk" in block.code
    command = [sys.executable, *(["-c", RUNNER] if cdk_app else []), str(program)]
    result = subprocess.run(
        command, cwd=tmp_path, env=_env(CDK_OUTDIR=str(outdir)), capture_output=True, text=True
    )
    assert result.returncode == 0, f"{block.where}\n{result.stdout}\n{result.stderr}"
    if not cdk_app:
        return
    assert (outdir / "manifest.json").exists(), f"{block.where} synthesizes no app"
    enabled = re.findall(r"^ENABLED (.*)$", result.stdout, re.M)
    assert enabled and len(enabled[-1].split(",")) >= 2, (
        f"{block.where} does not call enable_sustainability_checks(app)"
    )
    assembly = cdk.cx_api.CloudAssembly(str(outdir))
    assert assembly.stacks
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []
    assert main(["lint", str(outdir), "--fail-on", "info", "--output", str(tmp_path / "lint")]) == 0


# --- the README's commands -------------------------------------------------------------------


def _readme_commands() -> list[tuple[Block, str]]:
    """``green-constructs`` lines of the README's unlabelled blocks, but those asking AWS."""
    return [
        (block, re.split(r"\s#\s", line)[0].strip())
        for block in blocks(README)
        if block.info == ""
        for line in block.code.splitlines()
        if line.startswith("green-constructs ") and "--aws" not in line
    ]


def _transcripts() -> list[tuple[Block, str, str]]:
    """``$ command`` lines of the README's blocks and the output shown under each."""
    found = []
    for block in blocks(README):
        lines = block.code.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ "):
                output = []
                for rest in lines[i + 1 :]:
                    if rest.startswith("$ "):
                        break
                    output.append(rest)
                found.append((block, line[2:], "\n".join(output)))
    return found


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    """The repository root's layout after ``make synth``: the examples, the default app's
    ``cdk.out``, the package's ``.venv`` and the CDK CLI's ``node_modules``; and a
    ``template.yaml`` for the commands that take one."""
    from app import build_app

    root = tmp_path_factory.mktemp("repository")
    shutil.copytree(
        ROOT / "examples",
        root / "examples",
        ignore=shutil.ignore_patterns("cdk.out", "__pycache__"),
    )
    shutil.copy(ROOT / "package.json", root / "package.json")
    (root / ".venv").symlink_to(Path(sys.prefix))
    if (ROOT / "node_modules").is_dir():
        (root / "node_modules").symlink_to(ROOT / "node_modules")
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    assembly = build_app(context, outdir=str(root / "cdk.out")).synth()
    template = Path(assembly.get_stack_by_name("GreenGenAI").template_full_path)
    shutil.copy(template, root / "template.yaml")  # JSON is YAML
    return root


def _shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    bin_dir = Path(sys.executable).parent
    env = _env(PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", VIRTUAL_ENV=sys.prefix)
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def test_readme_has_cli_commands() -> None:
    subcommands = {command.split()[1] for _, command in _readme_commands()}
    assert {"lint", "preflight", "estimate", "regions", "rules"} <= subcommands


@pytest.mark.parametrize(
    "command",
    [command for _, command in _readme_commands()],
    ids=[f"{block.where}:{command}" for block, command in _readme_commands()],
)
def test_readme_command_runs_as_written(command: str, repository: Path) -> None:
    result = _shell(command, repository)
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"


@pytest.mark.parametrize(
    ("command", "shown"),
    [(command, shown) for _, command, shown in _transcripts()],
    ids=[block.where for block, _, _ in _transcripts()],
)
def test_readme_transcript_prints_what_it_shows(command: str, shown: str, repository: Path) -> None:
    if "npx " in command and not (repository / "node_modules").exists():
        pytest.skip("the CDK CLI is not installed (make synth installs it)")
    result = _shell(command, repository)
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"

    def lines(text: str) -> list[str]:
        # line numbers in templates follow the installed aws-cdk-lib's output
        return [re.sub(r"(\.template\.json):\d+:", r"\1:N:", line) for line in text.splitlines()]

    assert lines(result.stdout) == lines(shown), (
        f"the README shows other output for `{command}`: replace it with\n{result.stdout}"
    )


# --- shell blocks that need an AWS account or a cluster: they must at least parse -------------

SHELL = [block for block in ALL_BLOCKS if block.language in {"bash", "sh", "shell"}]


@pytest.mark.parametrize("block", SHELL, ids=lambda block: block.where)
def test_shell_block_parses(block: Block) -> None:
    result = subprocess.run(["bash", "-n"], input=block.code, capture_output=True, text=True)
    assert result.returncode == 0, f"{block.where}: {result.stderr}"
