"""What a pack checks, shared by the cdk-nag 2 and 3 front ends."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

import aws_cdk as cdk
import cdk_nag

from ..rules import Rule, RuleSettings, select_rules
from .apply_rule import CompliantRule, FindingRule
from .construct_templates import ConstructFindings
from .prepared_stack import PreparedStackCheck

ApplyRule = Callable[[FindingRule | CompliantRule], None]


def nag_apply_rule(apply_rule: Callable[[cdk_nag.IApplyRule], None]) -> ApplyRule:
    """A ``NagPack``'s ``_apply_rule`` as an ``ApplyRule``.

    A cast: ``FindingRule`` and ``CompliantRule`` are ``IApplyRule`` through
    ``jsii.implements``, which the type checker does not follow (and their properties are
    read-only where the jsii protocol declares setters cdk-nag never calls)."""
    return cast(ApplyRule, apply_rule)


class PackRules:
    """The rules of one of our packs, its settings, and the construct-tree code paths."""

    rules: tuple[Rule, ...]
    """The pack's rules, without the excluded ones."""

    def __init__(
        self,
        pack: str,
        *,
        strict: bool,
        settings: RuleSettings | None,
        exclude: Iterable[str],
    ) -> None:
        self.pack = pack
        self.strict = strict
        self.settings = settings
        self.rules = select_rules(packs=[pack], exclude=exclude)
        self._construct_findings = ConstructFindings(self.rules, settings)
        self._prepared: dict[str, PreparedStackCheck] = {}

    @property
    def rule_ids(self) -> list[str]:
        """The ids of :attr:`rules`, in order."""
        return [r.id for r in self.rules]

    def apply_to(
        self, node: cdk.CfnResource, apply_rule: ApplyRule, *, compliant: bool = False
    ) -> None:
        """Hand each unacknowledged finding on ``node`` to cdk-nag's ``apply_rule`` now; with
        ``compliant``, also each rule for ``node``'s type that found nothing (report rows)."""
        findings = self._construct_findings.for_resource(node)
        for finding in findings:
            if not finding.acknowledged:
                apply_rule(FindingRule(finding, node, strict=self.strict))
        if compliant:
            found = {f.rule.id for f in findings}
            for rule in self.rules:
                if rule.id not in found and rule.applies_to(node.cfn_resource_type):
                    apply_rule(CompliantRule(rule, node, strict=self.strict))

    def apply_when_prepared(
        self, node: cdk.CfnResource, apply_rule: ApplyRule, *, compliant: bool = False
    ) -> None:
        """:meth:`apply_to` once ``node``'s stack is prepared (validated, before synthesis)."""
        stack = cdk.Stack.of(node)
        check = self._prepared.get(stack.node.path)
        if check is None:
            check = PreparedStackCheck(lambda n: self.apply_to(n, apply_rule, compliant=compliant))
            stack.node.add_validation(check)
            self._prepared[stack.node.path] = check
        check.add(node)
