"""A stack's findings applied once it is prepared: where the cdk-nag 2 Aspects hand over."""

from __future__ import annotations

from collections.abc import Callable

import aws_cdk as cdk
import jsii
from constructs import IValidation


@jsii.implements(IValidation)
class PreparedStackCheck:
    """A validation of one stack that calls ``apply`` on each resource an Aspect visited.

    Aspects run before CDK prepares the app (cross-stack references, nested stack templates)
    and, for resources later in the tree, before the Aspects that follow; validations run
    after both and before synthesis records annotations, so the template read then is the
    one synthesis writes.
    """

    def __init__(self, apply: Callable[[cdk.CfnResource], None]) -> None:
        self._apply = apply
        self._nodes: list[cdk.CfnResource] = []

    def add(self, node: cdk.CfnResource) -> None:
        """Apply the findings on ``node`` when the stack is validated."""
        self._nodes.append(node)

    def validate(self) -> list[str]:
        """Apply the findings on each resource added; report no error of its own."""
        for node in self._nodes:
            self._apply(node)
        return []
