"""Every example is a runnable CDK app that passes our packs, AwsSolutions and cfn-lint."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from cdk_nag import AwsSolutionsChecks
from compliance import cfn_lint_errors, our_findings

from green_constructs.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CLEAN = [
    "async_llm_endpoint",
    "realtime_inf2_chat",
    "batch_summarization",
    "pretrain_on_hyperpod",
    "finetune_on_trainium",
    "rag_knowledge_base",
    "bedrock_batch_inference",
]


def _build(example: str, outdir: Path) -> cdk.App:
    spec = importlib.util.spec_from_file_location(
        f"example_{example}", EXAMPLES / example / "app.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_app(outdir=str(outdir))


@pytest.fixture(scope="module", params=CLEAN)
def example(request, tmp_path_factory) -> tuple[str, cdk.cx_api.CloudAssembly]:
    app = _build(request.param, tmp_path_factory.mktemp(request.param))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks())  # its errors fail this synth
    return request.param, app.synth()


def test_example_has_no_findings_and_no_cfn_lint_errors(example) -> None:
    _, assembly = example
    assert our_findings(assembly) == []
    assert cfn_lint_errors(assembly) == []


def test_example_passes_the_lint_cli(example, capsys) -> None:
    _, assembly = example
    assert main(["lint", assembly.directory, "--fail-on", "info"]) == 0
    assert "0 findings" in capsys.readouterr().out


def test_example_deploys_in_its_region_the_greenest_that_offers_all_it_uses(
    example, capsys
) -> None:
    _, assembly = example
    assert main(["preflight", assembly.directory, "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert (summary["blocker"], summary["unknown"]) == (0, 0)
    regions = {stack.environment.region for stack in assembly.stacks}
    assert summary["deployable_regions"][:1] == sorted(regions)
