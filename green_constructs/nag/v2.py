"""Packs for cdk-nag 2: Aspects that report through cdk-nag, honouring ``NagSuppressions``."""

from __future__ import annotations

from typing import Iterable

import aws_cdk as cdk
import cdk_nag
from constructs import IConstruct

from ..rules import RuleSettings, select_rules
from .apply_rule import FindingRule
from .construct_templates import ConstructFindings


class _AspectPack(cdk_nag.NagPack):
    """A cdk-nag 2 pack running one of our rule packs."""

    _PACK = ""

    def __init__(
        self,
        scope: IConstruct | None = None,
        *,
        strict: bool = False,
        settings: RuleSettings | None = None,
        exclude: Iterable[str] = (),
        verbose: bool = False,
    ) -> None:
        super().__init__(verbose=verbose, reports=False)
        self._pack_name = self._PACK
        self._strict = strict
        self._rules = select_rules(packs=[self._PACK], exclude=exclude)
        self._construct_findings = ConstructFindings(self._rules, settings)

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r in self._rules]

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, cdk.CfnResource):
            return
        for finding in self._construct_findings.for_resource(node):
            if not finding.acknowledged:
                self._apply_rule(FindingRule(finding, node, strict=self._strict))


class SustainabilityChecks(_AspectPack):
    """The ``Sustainability`` pack for cdk-nag 2 (``Aspects.of(app).add(SustainabilityChecks())``)."""

    _PACK = "Sustainability"


class GenAISustainabilityChecks(_AspectPack):
    """The ``GenAI`` pack for cdk-nag 2 (``Aspects.of(app).add(GenAISustainabilityChecks())``)."""

    _PACK = "GenAI"
