"""Packs for cdk-nag 2: Aspects that report through cdk-nag, honouring ``NagSuppressions``.

As cdk-nag's own packs, each writes ``<pack>-<stack>-NagReport.csv`` to the assembly unless
``reports=False``: a row per rule and resource of a type the rule checks, ``Compliant`` or
``Non-Compliant`` (acknowledged findings are left out of the report).

The Aspect picks the resources to check; their findings come from the stack's template once
CDK has prepared the app (see :mod:`.prepared_stack`), as ``green-constructs lint`` reads it.
A synth with ``skip_validation=True`` therefore reports none.
"""

from __future__ import annotations

from collections.abc import Iterable

import aws_cdk as cdk
import cdk_nag
from constructs import IConstruct

from ..rules import RuleSettings
from .pack_rules import PackRules, nag_apply_rule


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
        reports: bool = True,
    ) -> None:
        # cdk-nag 2's NagPack takes reports; the check runs against the installed cdk-nag 3
        super().__init__(verbose=verbose, reports=reports)  # type: ignore[call-arg]
        self._reports = reports
        self._pack_name = self._PACK
        self._checks = PackRules(self._PACK, strict=strict, settings=settings, exclude=exclude)

    @property
    def rule_ids(self) -> list[str]:
        return self._checks.rule_ids

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, cdk.CfnResource):
            self._checks.apply_when_prepared(
                node, nag_apply_rule(self._apply_rule), compliant=self._reports
            )


class SustainabilityChecks(_AspectPack):
    """The ``Sustainability`` pack for cdk-nag 2 (``Aspects.of(app).add(SustainabilityChecks())``)."""

    _PACK = "Sustainability"


class GenAISustainabilityChecks(_AspectPack):
    """The ``GenAI`` pack for cdk-nag 2 (``Aspects.of(app).add(GenAISustainabilityChecks())``)."""

    _PACK = "GenAI"
