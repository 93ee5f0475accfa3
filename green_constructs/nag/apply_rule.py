"""A rule's result on a resource handed to cdk-nag's ``apply_rule`` (for its suppressions,
annotations, reports): a finding, or a rule the resource complies with (report rows)."""

from __future__ import annotations

import aws_cdk as cdk
import cdk_nag
import jsii

from ..rules import Finding, Rule
from .levels import nag_level


@jsii.implements(cdk_nag.IApplyRule)
class FindingRule:
    """``IApplyRule`` whose rule is already decided: the finding makes it non-compliant.

    jsii reads ``node``, ``info``, ``explanation``, ``level`` and ``rule_suffix_override``
    as properties, so they are properties here.
    """

    def __init__(self, finding: Finding, node: cdk.CfnResource, *, strict: bool) -> None:
        self._finding = finding
        self._node = node
        self._level = nag_level(finding.severity, strict=strict)

    @property
    def node(self) -> cdk.CfnResource:
        return self._node

    @property
    def info(self) -> str:
        return self._finding.message

    @property
    def explanation(self) -> str:
        rule = self._finding.rule
        return f"{rule.explanation} Fix: {rule.remediation}"

    @property
    def level(self) -> cdk_nag.NagMessageLevel:
        return self._level

    @property
    def rule_suffix_override(self) -> str:
        return self._finding.rule.id.split("-", 1)[1]

    def rule(self, node: cdk.CfnResource) -> cdk_nag.NagRuleCompliance:
        """Non-compliant: the finding decided it."""
        return cdk_nag.NagRuleCompliance.NON_COMPLIANT


@jsii.implements(cdk_nag.IApplyRule)
class CompliantRule:
    """``IApplyRule`` of a rule that checked the resource and found nothing: cdk-nag 2 writes
    it to its report as ``Compliant`` and annotates nothing."""

    def __init__(self, rule: Rule, node: cdk.CfnResource, *, strict: bool) -> None:
        self._rule = rule
        self._node = node
        self._level = nag_level(rule.severity, strict=strict)

    @property
    def node(self) -> cdk.CfnResource:
        return self._node

    @property
    def info(self) -> str:
        return self._rule.title

    @property
    def explanation(self) -> str:
        return self._rule.explanation

    @property
    def level(self) -> cdk_nag.NagMessageLevel:
        return self._level

    @property
    def rule_suffix_override(self) -> str:
        return self._rule.id.split("-", 1)[1]

    def rule(self, node: cdk.CfnResource) -> cdk_nag.NagRuleCompliance:
        """Compliant: the rule found nothing on ``node``."""
        return cdk_nag.NagRuleCompliance.COMPLIANT
