"""Acknowledge a cdk-nag finding on a construct, with the installed major's mechanism."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from constructs import IConstruct

from .installed import CDK_NAG_MAJOR


def acknowledge(
    scope: IConstruct, rule_id: str, reason: str, *, applies_to: Sequence[str] = ()
) -> None:
    """Acknowledge ``rule_id`` on ``scope`` and its children, giving the real ``reason``.

    ``applies_to`` narrows a granular rule (``AwsSolutions-IAM5``) to findings such as
    ``Action::s3:GetObject*``: cdk-nag 3 acknowledges ``AwsSolutions-IAM5[Action::s3:GetObject*]``,
    cdk-nag 2 records ``appliesTo`` in a ``NagSuppressions`` entry.
    """
    if CDK_NAG_MAJOR >= 3:
        ids = [f"{rule_id}[{entry}]" for entry in applies_to] or [rule_id]
        cdk.Validations.of(scope).acknowledge(
            *(cdk.Acknowledgment(id=each, reason=reason) for each in ids)
        )
        return
    # cdk-nag 2 only: the check runs against the installed cdk-nag 3, which dropped it
    from cdk_nag import NagSuppressions  # type: ignore[attr-defined]

    suppression: dict = {"id": rule_id, "reason": reason}
    if applies_to:
        suppression["applies_to"] = list(applies_to)
    NagSuppressions.add_resource_suppressions(scope, [suppression], apply_to_children=True)
