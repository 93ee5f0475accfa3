"""Synthesize an app under every check a construct must pass: AwsSolutions, our packs, cfn-lint."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from green_constructs.nag import enable_sustainability_checks

OUR_PLUGINS = {"SustainabilityChecks", "GenAISustainabilityChecks"}


def synth_checked(app: cdk.App) -> cdk.cx_api.CloudAssembly:
    """Synthesize with AwsSolutions and both of our packs in strict mode.

    Synth raises on any unacknowledged AwsSolutions error or any finding of ours (strict mode
    turns our warnings into errors; infos are checked by :func:`our_findings`).
    """
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks())
    enable_sustainability_checks(app, strict=True)
    return app.synth()


def our_findings(assembly: cdk.cx_api.CloudAssembly) -> list[dict]:
    """Every violation our packs reported (infos included)."""
    report = Path(assembly.directory, "validation-report.json")
    if not report.exists():
        return []
    return [
        violation
        for plugin in json.loads(report.read_text())["pluginReports"]
        if plugin["pluginName"] in OUR_PLUGINS
        for violation in plugin["violations"]
    ]


def cfn_lint_errors(assembly: cdk.cx_api.CloudAssembly) -> list[str]:
    """cfn-lint errors (E-rules) in every stack template of ``assembly``, each checked in the
    stack's region (us-east-1 for environment-agnostic stacks): a template deploys to one
    region, and some resource types (SageMaker) do not exist in every region."""
    from cfnlint.api import ManualArgs, lint

    errors = []
    for stack in assembly.stacks:
        text = Path(stack.template_full_path).read_text()
        region = stack.environment.region
        regions = [region if region != "unknown-region" else "us-east-1"]
        config = ManualArgs(include_checks=["I"], include_experimental=True, regions=regions)
        for match in lint(text, config=config):
            if match.rule.id.startswith("E"):
                errors.append(f"{stack.stack_name}: {match}")
    return errors
