"""What a cdk-nag 2 pack's Aspect visits, applied once the app is prepared.

An Aspect is called on every construct, before CDK prepares the app (cross-stack references,
nested stack templates); validations run after that and before synthesis writes the templates.
Asking each resource for its stack is a call into JavaScript, so a visited resource is only
noted: Aspects visit a stack before what it holds, so a visited stack is checked whole (its
resources listed by one call), and only a resource in no visited stack (an Aspect added below
a stack) is asked for its stack. The first of the stack validations registered applies
everything visited since the last one did.
"""

from __future__ import annotations

from collections.abc import Callable

import aws_cdk as cdk
import jsii
from constructs import IValidation

from .tree_order import jsii_key, own_resources

Apply = Callable[[cdk.Stack, list[cdk.CfnResource]], None]


@jsii.implements(IValidation)
class _Flush:
    """A stack validation that applies what was visited; reports no error of its own."""

    def __init__(self, flush: Callable[[], None]) -> None:
        self._flush = flush

    def validate(self) -> list[str]:
        self._flush()
        return []


class Visits:
    """Visited stacks and resources, handed to ``apply`` stack by stack, resources in tree
    order."""

    def __init__(self, apply: Apply) -> None:
        self._apply = apply
        self._stacks: dict[str, cdk.Stack] = {}  # visited, so checked whole
        self._resources: dict[str, cdk.CfnResource] = {}
        self._validated: set[str] = set()  # stacks with a validation registered

    def visit(self, node: object) -> None:
        """Note ``node`` if it is a stack or a resource."""
        if isinstance(node, cdk.Stack):
            self._stacks[jsii_key(node)] = node
            self._register(node)
        elif isinstance(node, cdk.CfnResource):
            self._resources[jsii_key(node)] = node
            if not self._stacks:  # an Aspect below its stack: make sure a validation runs
                self._register(cdk.Stack.of(node))

    def _register(self, stack: cdk.Stack) -> None:
        key = jsii_key(stack)
        if key not in self._validated:
            self._validated.add(key)
            stack.node.add_validation(_Flush(self.flush))

    def flush(self) -> None:
        """Apply everything visited and not applied yet."""
        stacks, resources = self._stacks, self._resources
        self._stacks, self._resources = {}, {}
        groups: dict[str, tuple[cdk.Stack, list[cdk.CfnResource]]] = {}
        for key, stack in stacks.items():
            members = [r for r in own_resources(stack) if jsii_key(r) in resources]
            groups[key] = (stack, [resources.pop(jsii_key(r)) for r in members])
        for node in resources.values():  # in no visited stack
            stack = cdk.Stack.of(node)
            groups.setdefault(jsii_key(stack), (stack, []))[1].append(node)
        for stack, nodes in groups.values():
            if nodes:
                self._apply(stack, nodes)
