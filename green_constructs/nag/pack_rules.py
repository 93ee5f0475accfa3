"""What a pack checks, shared by the cdk-nag 2 and 3 front ends."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import aws_cdk as cdk

from ..rules import Rule, RuleSettings, select_rules
from .construct_templates import ConstructFindings, StackTemplate
from .output import NagOutput
from .settings import rule_settings
from .visits import Apply


class PackRules:
    """The rules of one of our packs, its settings, and the construct-tree code paths."""

    rules: tuple[Rule, ...]
    """The pack's rules, without the excluded ones."""

    def __init__(
        self,
        pack: str,
        *,
        strict: bool,
        settings: RuleSettings | Mapping[str, Any] | None,
        exclude: Iterable[str],
    ) -> None:
        self.pack = pack
        self.strict = strict
        self.settings = rule_settings(settings)
        self.rules = select_rules(packs=[pack], exclude=exclude)
        self._construct_findings = ConstructFindings(self.rules, self.settings)

    @property
    def rule_ids(self) -> list[str]:
        """The ids of :attr:`rules`, in order."""
        return [r.id for r in self.rules]

    def apply_to(
        self, node: cdk.CfnResource, output: NagOutput, *, compliant: bool = False
    ) -> None:
        """Hand each unacknowledged finding on ``node`` to ``output`` now; with ``compliant``,
        also each rule for ``node``'s type that found nothing (report rows)."""
        self._apply(cdk.Stack.of(node), [node], output, compliant=compliant)

    def applier(self, output: NagOutput, *, compliant: bool = False) -> Apply:
        """:meth:`apply_to` for several resources of a stack at once (Aspects' visits, once
        the app is prepared: see :mod:`.visits`)."""
        return lambda stack, nodes: self._apply(stack, nodes, output, compliant=compliant)

    def prime(self, stack: cdk.Stack, template: StackTemplate) -> None:
        """Take ``template`` as ``stack``'s, written once for several packs."""
        self._construct_findings.prime(stack, template)

    def _apply(
        self,
        stack: cdk.Stack,
        nodes: Sequence[cdk.CfnResource],
        output: NagOutput,
        *,
        compliant: bool,
    ) -> None:
        for node, resource_type, findings, suppressible in self._construct_findings.for_resources(
            stack, nodes
        ):
            for finding in findings:
                if not finding.acknowledged:
                    output.finding(node, finding, suppressible=suppressible)
            if compliant:
                found = {f.rule.id for f in findings}
                for rule in self.rules:
                    if rule.id not in found and rule.applies_to(resource_type):
                        output.compliant(node, rule)
