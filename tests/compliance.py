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
    """cfn-lint errors (E-rules) in every stack template of ``assembly``."""
    from cfnlint.api import lint_all

    errors = []
    for stack in assembly.stacks:
        text = Path(stack.template_full_path).read_text()
        for match in lint_all(text):
            if match.rule.id.startswith("E"):
                errors.append(f"{stack.stack_name}: {match}")
    return errors
