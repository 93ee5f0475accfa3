"""The cdk-nag packs, against whichever cdk-nag major is installed (the suite runs both)."""

from __future__ import annotations

import json

import aws_cdk as cdk
import cdk_nag
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from nag_findings import lint_findings, nag_findings

from green_constructs.cli import main
from green_constructs.nag import (
    CDK_NAG_MAJOR,
    GenAISustainabilityChecks,
    SustainabilityChecks,
    enable_sustainability_checks,
)

ENV = cdk.Environment(account="111111111111", region="eu-north-1")
PATH_METADATA = {"aws:cdk:enable-path-metadata": True}


def _acknowledge(construct, rule_id: str, reason: str) -> None:
    if CDK_NAG_MAJOR >= 3:
        cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment(id=rule_id, reason=reason))
    else:
        cdk_nag.NagSuppressions.add_resource_suppressions(
            construct, [{"id": rule_id, "reason": reason}], apply_to_children=True
        )


def _naive_stack(app: cdk.App) -> cdk.Stack:
    stack = cdk.Stack(app, "Naive", env=ENV)
    logs.LogGroup(stack, "Forever", retention=logs.RetentionDays.INFINITE)
    kept = logs.LogGroup(stack, "AuditTrail", retention=logs.RetentionDays.INFINITE)
    _acknowledge(kept, "Sustainability-LogGroupRetention", "Audit logs are kept by regulation.")
    s3.CfnBucket(stack, "Unmanaged")
    sagemaker.CfnEndpointConfig(
        stack,
        "GpuConfig",
        production_variants=[
            sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name="AllTraffic",
                model_name="model",
                instance_type="ml.g4dn.xlarge",
                initial_instance_count=1,
            )
        ],
        async_inference_config=sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty(
            output_config=sagemaker.CfnEndpointConfig.AsyncInferenceOutputConfigProperty(
                s3_output_path="s3://bucket/out"
            )
        ),
    )
    return stack


@pytest.fixture(scope="module")
def naive(tmp_path_factory) -> cdk.cx_api.CloudAssembly:
    outdir = tmp_path_factory.mktemp("naive")
    app = cdk.App(outdir=str(outdir), context=PATH_METADATA)
    _naive_stack(app)
    enable_sustainability_checks(app)
    return app.synth()


def _lint(directory: str, capsys) -> dict:
    code = main(["lint", directory, "--format", "json", "--fail-on", "never"])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def _in_naive(naive: cdk.cx_api.CloudAssembly, rule_id: str, path: str) -> tuple[str, str, str]:
    return (rule_id, "Naive.template.json", _logical_id(naive, path))


def test_packs_report_findings_of_both_packs(naive) -> None:
    found = nag_findings(naive)
    rules = {rule for rule, _, _ in found}
    assert _in_naive(naive, "Sustainability-LogGroupRetention", "Naive/Forever/Resource") in found
    assert "GenAI-AsyncFailureHandling" in rules
    assert any(r.startswith("Sustainability-") for r in rules)


def test_acknowledged_finding_is_not_reported(naive) -> None:
    audit = _in_naive(naive, "Sustainability-LogGroupRetention", "Naive/AuditTrail/Resource")
    assert audit not in nag_findings(naive)


def test_packs_and_cli_report_the_same_findings(naive) -> None:
    assert lint_findings(naive.directory) == nag_findings(naive)
    assert lint_findings(naive.directory, acknowledged=True) == {
        _in_naive(naive, "Sustainability-LogGroupRetention", "Naive/AuditTrail/Resource")
    }


def _logical_id(assembly: cdk.cx_api.CloudAssembly, path: str) -> str:
    resources = assembly.get_stack_by_name("Naive").template["Resources"]
    return next(
        lid
        for lid, body in resources.items()
        if body.get("Metadata", {}).get("aws:cdk:path") == path
    )


def _alarm_on_wrong_dimension(stack: cdk.Stack) -> None:
    cloudwatch.Alarm(
        stack,
        "NeverFires",
        metric=cloudwatch.Metric(
            namespace="AWS/SageMaker",
            metric_name="ApproximateBacklogSizePerInstance",
            dimensions_map={"Endpoint": "my-endpoint"},
        ),
        threshold=1,
        evaluation_periods=1,
    )


def _synth_errors(app: cdk.App) -> list[str]:
    """Rule ids our packs reported as errors (cdk-nag 3 fails synth; 2 annotates errors)."""
    if CDK_NAG_MAJOR >= 3:
        with pytest.raises(Exception) as raised:
            app.synth()
        return [
            r
            for r in ("GenAI-ScalingMetricDimensions", "Sustainability-LogGroupRetention")
            if r in str(raised.value)
        ]
    assembly = app.synth()
    return sorted(
        {
            rule
            for stack in assembly.stacks
            for m in stack.messages
            if m.entry.type == "aws:cdk:error"
            for rule in ("GenAI-ScalingMetricDimensions", "Sustainability-LogGroupRetention")
            if rule in str(m.entry.data)
        }
    )


def test_error_finding_fails_synth(tmp_path) -> None:
    app = cdk.App(outdir=str(tmp_path), context=PATH_METADATA)
    stack = cdk.Stack(app, "Alarms", env=ENV)
    _alarm_on_wrong_dimension(stack)
    enable_sustainability_checks(app)
    assert _synth_errors(app) == ["GenAI-ScalingMetricDimensions"]


def test_strict_fails_on_warnings(tmp_path) -> None:
    app = cdk.App(outdir=str(tmp_path), context=PATH_METADATA)
    stack = cdk.Stack(app, "Logs", env=ENV)
    logs.LogGroup(stack, "Forever", retention=logs.RetentionDays.INFINITE)
    enable_sustainability_checks(app, strict=True, packs=["Sustainability"])
    assert _synth_errors(app) == ["Sustainability-LogGroupRetention"]


def test_warnings_do_not_fail_synth_by_default(tmp_path) -> None:
    app = cdk.App(outdir=str(tmp_path), context=PATH_METADATA)
    stack = cdk.Stack(app, "Logs", env=ENV)
    logs.LogGroup(stack, "Forever", retention=logs.RetentionDays.INFINITE)
    enable_sustainability_checks(app, packs=["Sustainability"])
    assembly = app.synth()
    assert {r for r, _, _ in nag_findings(assembly)} == {"Sustainability-LogGroupRetention"}


def test_packs_have_their_rules_and_names() -> None:
    sustainability, genai = SustainabilityChecks(), GenAISustainabilityChecks()
    assert sustainability.rule_ids and all(
        r.startswith("Sustainability-") for r in sustainability.rule_ids
    )
    assert genai.rule_ids and all(r.startswith("GenAI-") for r in genai.rule_ids)


def test_unknown_pack_is_rejected_naming_allowed_values() -> None:
    with pytest.raises(ValueError, match="packs: unknown Nope; allowed: Sustainability, GenAI"):
        enable_sustainability_checks(cdk.App(), packs=["Nope"])


@pytest.mark.skipif(CDK_NAG_MAJOR < 3, reason="validate_scope exists in cdk-nag 3 only")
def test_validate_scope_walks_the_tree_with_the_same_findings(naive, tmp_path) -> None:
    app = cdk.App(outdir=str(tmp_path), context=PATH_METADATA)
    stack = _naive_stack(app)
    report = GenAISustainabilityChecks().validate_scope(stack)
    from_scope = {v.rule_name for v in report.violations}
    assert from_scope == {r for r, _, _ in nag_findings(naive) if r.startswith("GenAI-")}


def test_stages_and_nested_stacks_are_checked(tmp_path, capsys) -> None:
    app = cdk.App(outdir=str(tmp_path), context=PATH_METADATA)
    stage = cdk.Stage(app, "Prod", env=ENV)
    parent = cdk.Stack(stage, "Parent")
    nested = cdk.NestedStack(parent, "Inner")
    logs.LogGroup(nested, "Forever", retention=logs.RetentionDays.INFINITE)
    logs.LogGroup(parent, "AlsoForever", retention=logs.RetentionDays.INFINITE)
    enable_sustainability_checks(app, packs=["Sustainability"])
    assembly = app.synth()
    found = [r for r, _, _ in nag_findings(assembly)]
    assert found.count("Sustainability-LogGroupRetention") == 2
    report = _lint(assembly.directory, capsys)
    retention = [
        f for f in report["findings"] if f["rule_id"] == "Sustainability-LogGroupRetention"
    ]
    assert len(retention) == 2
