"""Packs for cdk-nag 3: CDK validation plugins that read the synthesized templates.

CDK calls ``validate`` once with the template paths; every rule then runs on plain Python data,
one crossing into Python for the whole app instead of one per resource and rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import aws_cdk as cdk
import cdk_nag
from constructs import IConstruct

from ..lint.decode import decode_file
from ..lint.nested import nested_template_paths
from ..rules import Finding, RuleSettings, evaluate, select_rules
from .apply_rule import FindingRule
from .construct_templates import ConstructFindings
from .levels import report_severity


def _violation(finding: Finding, template_path: str, *, strict: bool) -> cdk.PolicyViolation:
    rule = finding.rule
    return cdk.PolicyViolation(
        rule_name=rule.id,
        description=finding.message,
        fix=rule.remediation,
        severity=report_severity(finding.severity, strict=strict),
        rule_metadata={
            "pack": rule.pack,
            "severity": rule.severity.value,
            "best_practices": ", ".join(rule.best_practices),
        },
        violating_resources=[
            cdk.PolicyViolatingResource(
                resource_logical_id=finding.resource,
                template_path=template_path,
                locations=["Properties"],
            )
        ],
    )


class _ValidationPack(cdk_nag.NagPack):
    """A cdk-nag 3 pack running one of our rule packs."""

    _PACK = ""
    _NAME = ""

    def __init__(
        self,
        scope: IConstruct | None = None,
        *,
        strict: bool = False,
        settings: RuleSettings | None = None,
        exclude: Iterable[str] = (),
        verbose: bool = False,
    ) -> None:
        # With a scope, acknowledgements made with Validations.of(x).acknowledge(id=...) are
        # written into the template metadata, where the rules engine reads them.
        super().__init__(
            scope, verbose=verbose, write_suppressions_to_cloud_formation=scope is not None
        )
        self._pack_name = self._PACK
        self._strict = strict
        self._settings = settings
        self._rules = select_rules(packs=[self._PACK], exclude=exclude)
        self._construct_findings = ConstructFindings(self._rules, settings)

    @property
    def name(self) -> str:
        return self._NAME

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r in self._rules]

    def findings(self, template_path: str, region: str | None) -> list[Finding]:
        """Findings of this pack on a synthesized template and the nested stacks it declares."""
        found: list[Finding] = []
        pending = [Path(template_path)]
        while pending:
            path = pending.pop(0)
            decoded = decode_file(path)
            found += evaluate(
                decoded.template,
                self._rules,
                name=str(path),
                region=region,
                settings=self._settings,
            )
            pending += nested_template_paths(decoded.template, path.parent)
        return found

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        violations: list[cdk.PolicyViolation] = []
        failed = False
        for stack in context.stack_templates:
            for finding in self.findings(stack.template_path, stack.region or context.region):
                if finding.acknowledged:
                    continue
                violation = _violation(finding, finding.template, strict=self._strict)
                failed = failed or violation.severity == "error"
                violations.append(violation)
        return cdk.PolicyValidationPluginReport(success=not failed, violations=violations)

    def _check_resource(self, node: cdk.CfnResource) -> None:
        """The construct-tree path (``validate_scope``): same rules, same findings."""
        for finding in self._construct_findings.for_resource(node):
            if not finding.acknowledged:
                self._apply_rule(FindingRule(finding, node, strict=self._strict))


class SustainabilityChecks(_ValidationPack):
    """The ``Sustainability`` pack (AWS Sustainability Scanner's checks and more) for cdk-nag 3.

    Register with ``Validations.of(app).add_plugins(SustainabilityChecks(app))`` or call
    :func:`green_constructs.nag.enable_sustainability_checks`. ``strict`` fails synth on
    warnings too; ``settings`` tunes rule thresholds; ``exclude`` drops rule ids.
    """

    _PACK = "Sustainability"
    _NAME = "SustainabilityChecks"


class GenAISustainabilityChecks(_ValidationPack):
    """The ``GenAI`` pack (generative-AI sustainability guidance) for cdk-nag 3."""

    _PACK = "GenAI"
    _NAME = "GenAISustainabilityChecks"
