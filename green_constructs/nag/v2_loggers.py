"""cdk-nag 2's loggers, called directly where ``apply_rule`` would only forward to them.

``apply_rule`` reads each property of the rule back from Python (about ten calls across the
jsii boundary, two milliseconds a result); for a compliant rule, and for a finding on a resource
without cdk-nag suppressions, all it does is call each logger of the pack with the same data,
which is one call a logger. Results on resources with suppressions still go through
``apply_rule``, which decides them.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import cdk_nag

from ..rules import Finding, Rule
from .levels import nag_level
from .output import ApplyRule, NagOutput

_NAG: Any = cdk_nag  # cdk-nag 2's AnnotationLogger; the type check runs against cdk-nag 3


class LoggerOutput(NagOutput):
    """Results of ``pack`` (a cdk-nag 2 ``NagPack`` named ``pack_name``) straight to its
    loggers."""

    def __init__(self, pack: Any, pack_name: str, apply_rule: ApplyRule, *, strict: bool) -> None:
        super().__init__(apply_rule, strict=strict)
        self._pack = pack
        self._pack_name = pack_name
        self._loggers: list[Any] | None = None

    def _all_loggers(self) -> list[Any]:
        if self._loggers is None:
            self._loggers = list(self._pack._loggers)  # noqa: SLF001 - NagPack's, protected
        return self._loggers

    def finding(self, node: cdk.CfnResource, finding: Finding, *, suppressible: bool) -> None:
        if suppressible:
            super().finding(node, finding, suppressible=suppressible)
            return
        rule = finding.rule
        data = dict(  # the logger methods take the data struct's fields as keywords
            nag_pack_name=self._pack_name,
            resource=node,
            rule_id=rule.id,
            rule_original_name=rule.id.split("-", 1)[1],
            rule_info=finding.message,
            rule_explanation=f"{rule.explanation} Fix: {rule.remediation}",
            rule_level=nag_level(rule.severity, strict=self.strict),
            finding_id="",
        )
        for logger in self._all_loggers():
            logger.on_non_compliance(**data)

    def compliant(self, node: cdk.CfnResource, rule: Rule) -> None:
        data = dict(
            nag_pack_name=self._pack_name,
            resource=node,
            rule_id=rule.id,
            rule_original_name=rule.id.split("-", 1)[1],
            rule_info=rule.title,
            rule_explanation=rule.explanation,
            rule_level=nag_level(rule.severity, strict=self.strict),
        )
        for logger in self._all_loggers():
            if type(logger) is not _NAG.AnnotationLogger:  # its onCompliance does nothing
                logger.on_compliance(**data)
