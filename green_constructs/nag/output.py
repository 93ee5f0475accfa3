"""Where a pack's results go: cdk-nag's ``apply_rule``, for annotations, suppressions and
report rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import aws_cdk as cdk
import cdk_nag

from ..rules import Finding, Rule
from .apply_rule import CompliantRule, FindingRule

ApplyRule = Callable[[FindingRule | CompliantRule], None]


def nag_apply_rule(apply_rule: Callable[[cdk_nag.IApplyRule], None]) -> ApplyRule:
    """A ``NagPack``'s ``_apply_rule`` as an ``ApplyRule``.

    A cast: ``FindingRule`` and ``CompliantRule`` are ``IApplyRule`` through
    ``jsii.implements``, which the type checker does not follow (and their properties are
    read-only where the jsii protocol declares setters cdk-nag never calls)."""
    return cast(ApplyRule, apply_rule)


class NagOutput:
    """Hands each result to cdk-nag's ``apply_rule``: about ten calls between Python and
    JavaScript each, as cdk-nag reads the rule's properties back."""

    def __init__(self, apply_rule: ApplyRule, *, strict: bool) -> None:
        self._apply_rule = apply_rule
        self.strict = strict

    def finding(self, node: cdk.CfnResource, finding: Finding, *, suppressible: bool) -> None:
        """An unacknowledged finding; ``suppressible`` when the template holds cdk-nag
        suppressions for the resource (or the whole template), which cdk-nag then applies."""
        self._apply_rule(FindingRule(finding, node, strict=self.strict))

    def compliant(self, node: cdk.CfnResource, rule: Rule) -> None:
        """A rule that checked ``node`` and found nothing (a report row)."""
        self._apply_rule(CompliantRule(rule, node, strict=self.strict))
