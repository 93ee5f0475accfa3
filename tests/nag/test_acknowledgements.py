"""Acknowledgements made at synth are the CLI's too: the form the CDK CLI suggests under
cdk-nag 3 (``<plugin name>::<rule id>``), the bare rule id, and cdk-nag 2's ``NagSuppressions``,
each with a real synthesized app; and the ``enable_sustainability_checks`` docstring's example
for the installed major runs as written."""

from __future__ import annotations

import inspect
import textwrap

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from nag_findings import lint_findings, lint_report, nag_findings

from green_constructs.nag import CDK_NAG_MAJOR, enable_sustainability_checks
from green_constructs.nag.acknowledge import acknowledge
from green_constructs.rules.acknowledgements import acknowledged_rule_id

RULE = "Sustainability-LogGroupRetention"
ENV = cdk.Environment(account="111111111111", region="eu-north-1")
OTHER_NAMESPACE = "SustainabilityChecks::GenAI-AsyncScaleToZero"


def docstring_example(major: int) -> str:
    """The literal block of ``enable_sustainability_checks``'s docstring for cdk-nag ``major``."""
    lines = inspect.cleandoc(enable_sustainability_checks.__doc__).splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith(f"cdk-nag {major}::"))
    block = []
    for line in lines[start + 1 :]:
        if line and not line.startswith(" "):
            break
        block.append(line)
    return textwrap.dedent("\n".join(block)).strip()


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> tuple[cdk.cx_api.CloudAssembly, dict[str, tuple]]:
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("acknowledged")))
    stack = cdk.Stack(app, "Audit", env=ENV)
    groups = {
        name: logs.LogGroup(stack, name, retention=logs.RetentionDays.INFINITE)
        for name in ("Documented", "Bare", "Open")
    }
    enable_sustainability_checks(app, packs=["Sustainability"])
    names = {"cdk": cdk, "log_group": groups["Documented"]}
    if CDK_NAG_MAJOR < 3:
        from cdk_nag import NagSuppressions  # cdk-nag 2 only

        names["NagSuppressions"] = NagSuppressions
    exec(docstring_example(CDK_NAG_MAJOR), names)  # noqa: S102 - the example as documented
    acknowledge(groups["Bare"], RULE, "Kept for the incident review.")
    assembly = app.synth()
    keys = {
        name: (RULE, stack.template_file, stack.resolve(stack.get_logical_id(g.node.default_child)))
        for name, g in groups.items()
    }
    return assembly, keys


def test_docstring_shows_both_majors() -> None:
    assert "cdk.Acknowledgment(" in docstring_example(3)
    assert "NagSuppressions.add_resource_suppressions(" in docstring_example(2)


def test_acknowledged_at_synth_and_by_the_cli(synthesized) -> None:
    assembly, keys = synthesized
    assert nag_findings(assembly) == {keys["Open"]}
    assert lint_findings(assembly.directory) == {keys["Open"]}
    assert lint_findings(assembly.directory, acknowledged=True) == {
        keys["Documented"],
        keys["Bare"],
    }


def test_the_cli_shows_the_reasons_given(synthesized) -> None:
    assembly, keys = synthesized
    reasons = {
        f["resource"]: f["reason"]
        for f in lint_report(assembly.directory)["findings"]
        if f["acknowledged"]
    }
    assert reasons == {
        keys["Documented"][2]: "Audit logs are kept for seven years by regulation.",
        keys["Bare"][2]: "Kept for the incident review.",
    }


@pytest.mark.parametrize(
    ("acknowledged", "rule_id"),
    [
        ("GenAISustainabilityChecks::GenAI-AsyncScaleToZero", "GenAI-AsyncScaleToZero"),
        ("SustainabilityChecks::Sustainability-LogGroupRetention", RULE),
        ("GenAI-AsyncScaleToZero", "GenAI-AsyncScaleToZero"),
        # another plugin's namespace is not ours: CDK would not match it to our report either
        (OTHER_NAMESPACE, OTHER_NAMESPACE),
        ("AwsSolutions-IAM5[Action::s3:GetObject*]", "AwsSolutions-IAM5[Action::s3:GetObject*]"),
    ],
)
def test_acknowledged_rule_id(acknowledged: str, rule_id: str) -> None:
    assert acknowledged_rule_id(acknowledged) == rule_id
