"""Packs for cdk-nag 2: Aspects that report through cdk-nag, honouring ``NagSuppressions``.

As cdk-nag's own packs, each writes ``<pack>-<stack>-NagReport.csv`` to the assembly unless
``reports=False``: a row per rule and resource of a type the rule checks, ``Compliant`` or
``Non-Compliant`` (acknowledged findings are left out of the report).

The Aspect picks the resources to check; their findings come from the stack's template once
CDK has prepared the app (see :mod:`.visits`), as ``green-constructs lint`` reads it. A synth
with ``skip_validation=True`` therefore reports none. Results go straight to the pack's loggers
where cdk-nag's ``apply_rule`` would only forward them (see :mod:`.v2_loggers`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import aws_cdk as cdk
import cdk_nag
import jsii
from constructs import IConstruct, IValidation

from ..rules import RuleSettings
from .construct_templates import stack_template
from .output import nag_apply_rule
from .pack_rules import PackRules
from .tree_order import jsii_key, own_resources
from .v2_loggers import LoggerOutput
from .visits import Visits


class _AspectPack(cdk_nag.NagPack):
    """A cdk-nag 2 pack running one of our rule packs."""

    _PACK = ""

    def __init__(
        self,
        scope: IConstruct | None = None,
        *,
        strict: bool = False,
        settings: RuleSettings | Mapping[str, Any] | None = None,
        exclude: Iterable[str] = (),
        verbose: bool = False,
        reports: bool = True,
    ) -> None:
        # cdk-nag 2's NagPack takes reports; the check runs against the installed cdk-nag 3
        super().__init__(verbose=verbose, reports=reports)  # type: ignore[call-arg]
        self._pack_name = self._PACK
        self._checks = PackRules(self._PACK, strict=strict, settings=settings, exclude=exclude)
        output = LoggerOutput(self, self._PACK, nag_apply_rule(self._apply_rule), strict=strict)
        self._apply_stack = self._checks.applier(output, compliant=reports)
        self._visits = Visits(self._apply_stack)

    @property
    def rule_ids(self) -> list[str]:
        return self._checks.rule_ids

    def visit(self, node: IConstruct) -> None:
        self._visits.visit(node)


class SustainabilityChecks(_AspectPack):
    """The ``Sustainability`` pack for cdk-nag 2 (``Aspects.of(app).add(SustainabilityChecks())``)."""

    _PACK = "Sustainability"


class GenAISustainabilityChecks(_AspectPack):
    """The ``GenAI`` pack for cdk-nag 2 (``Aspects.of(app).add(GenAISustainabilityChecks())``)."""

    _PACK = "GenAI"


@jsii.implements(IValidation)
class PackValidation:
    """Several cdk-nag 2 packs run on every stack of ``stage`` (an App or a Stage) once it is
    prepared, each stack's template written and its resources listed once for all of them.

    ``enable_sustainability_checks`` adds one to the app and to each Stage it holds, in place
    of the packs' Aspects, which JavaScript calls once per construct; CDK validates a Stage's
    constructs when it synthesizes that Stage, so the stacks of a Stage within ``stage`` are
    left to that Stage's validation.
    """

    def __init__(self, stage: cdk.Stage, packs: Iterable[_AspectPack]) -> None:
        self.packs = tuple(packs)
        self._stage = stage

    def validate(self) -> list[str]:
        found = self._stage.node.find_all()
        inner: set[str] = set()
        for construct in found[1:]:
            if isinstance(construct, cdk.Stage) and jsii_key(construct) not in inner:
                inner.update(jsii_key(c) for c in construct.node.find_all())
        for stack in found:
            if isinstance(stack, cdk.Stack) and jsii_key(stack) not in inner:
                self._apply(stack)
        return []

    def _apply(self, stack: cdk.Stack) -> None:
        with stack_template(stack) as template:
            nodes = own_resources(stack)
            for pack in self.packs:
                pack._checks.prime(stack, template)  # noqa: SLF001 - this module's class
                pack._apply_stack(stack, nodes)  # noqa: SLF001
