"""Packs for cdk-nag 3: CDK validation plugins that read the synthesized templates.

CDK calls ``validate`` once with the template paths; every rule then runs on plain Python data,
one crossing into Python for the whole app instead of one per resource and rule.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import aws_cdk as cdk
import cdk_nag
from constructs import IConstruct

from ..lint.runner import lint
from ..rules import Finding, RuleSettings
from ..rules.acknowledgements import PLUGIN_NAMES
from .levels import report_severity
from .output import NagOutput, nag_apply_rule
from .pack_rules import PackRules


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
        settings: RuleSettings | Mapping[str, Any] | None = None,
        exclude: Iterable[str] = (),
        verbose: bool = False,
    ) -> None:
        # With a scope, cdk-nag writes Validations.of(x).acknowledge(...) ids into the template
        # metadata, where the rules engine (and so `green-constructs lint`) reads them.
        super().__init__(
            scope, verbose=verbose, write_suppressions_to_cloud_formation=scope is not None
        )
        self._pack_name = self._PACK
        self._checks = PackRules(self._PACK, strict=strict, settings=settings, exclude=exclude)

    @property
    def name(self) -> str:
        return self._NAME

    @property
    def rule_ids(self) -> list[str]:
        return self._checks.rule_ids

    def findings(self, template_paths: Iterable[str]) -> list[tuple[Finding, str]]:
        """Findings of this pack on synthesized stack templates and their nested stacks, each
        with the path of the template it is in.

        The templates are read through their cloud assembly's manifest by the code path of
        ``green-constructs lint`` (regions from the stack environments).
        """
        wanted = {os.path.realpath(p) for p in template_paths}
        directories = sorted({os.path.dirname(p) for p in wanted})
        result = lint(directories, self._checks.rules, settings=self._checks.settings)

        def checked(name: str) -> bool:
            """Whether a template is one of ``wanted`` or a nested stack of one (the lint names
            nested templates ``<parent>/<file>.nested``)."""
            parent = name.rpartition("/")[0] if name.endswith(".nested") else name
            return os.path.realpath(result.paths.get(parent, result.paths[name])) in wanted

        return [(f, result.paths[f.template]) for f in result.findings if checked(f.template)]

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        violations: list[cdk.PolicyViolation] = []
        failed = False
        for finding, template_path in self.findings(context.template_paths):
            if finding.acknowledged:
                continue
            violation = _violation(finding, template_path, strict=self._checks.strict)
            failed = failed or violation.severity == "error"
            violations.append(violation)
        return cdk.PolicyValidationPluginReport(success=not failed, violations=violations)

    def _check_resource(self, node: cdk.CfnResource) -> None:
        """The construct-tree path (``validate_scope``): same rules, same findings."""
        output = NagOutput(nag_apply_rule(self._apply_rule), strict=self._checks.strict)
        self._checks.apply_to(node, output)


class SustainabilityChecks(_ValidationPack):
    """The ``Sustainability`` pack (AWS Sustainability Scanner's checks and more) for cdk-nag 3.

    Register with ``Validations.of(app).add_plugins(SustainabilityChecks(app))`` or call
    :func:`green_constructs.nag.enable_sustainability_checks`. ``strict`` fails synth on
    warnings too; ``settings`` tunes rule thresholds; ``exclude`` drops rule ids.
    """

    _PACK = "Sustainability"
    _NAME = PLUGIN_NAMES[_PACK]


class GenAISustainabilityChecks(_ValidationPack):
    """The ``GenAI`` pack (generative-AI sustainability guidance) for cdk-nag 3."""

    _PACK = "GenAI"
    _NAME = PLUGIN_NAMES[_PACK]
