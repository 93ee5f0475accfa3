"""What a pack checks, shared by the cdk-nag 2 and 3 front ends."""

from __future__ import annotations

from typing import Callable, Iterable

import aws_cdk as cdk

from ..rules import RuleSettings, select_rules
from .apply_rule import FindingRule
from .construct_templates import ConstructFindings


class PackRules:
    """The rules of one of our packs, its settings, and the construct-tree code path."""

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

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r in self.rules]

    def apply_to(self, node: cdk.CfnResource, apply_rule: Callable[[FindingRule], None]) -> None:
        """Hand each unacknowledged finding on ``node`` to cdk-nag's ``apply_rule``."""
        for finding in self._construct_findings.for_resource(node):
            if not finding.acknowledged:
                apply_rule(FindingRule(finding, node, strict=self.strict))
