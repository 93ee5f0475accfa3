"""A stack's resources and their logical ids, from one call into JavaScript.

Synthesis writes a stack's ``Resources`` in construct-tree order (depth first, children in the
order they were added, nested stacks left to their own templates), which is the order
``node.find_all()`` lists them in. Pairing the two gives every resource's logical id without
asking each resource for it (a call into JavaScript each); the pairing is used only when the
counts match and every resource's type is the type at its place in the template.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from constructs import IConstruct


def jsii_key(construct: IConstruct) -> str:
    """The jsii reference of ``construct``: the same for every Python object standing for it
    (jsii makes a new one each time it hands over a construct created in JavaScript), and read
    without a call into JavaScript."""
    return str(construct.__jsii_ref__.ref)  # type: ignore[attr-defined]


def own_resources(stack: cdk.Stack) -> list[cdk.CfnResource]:
    """The resources of ``stack``'s own template in tree order: one call into JavaScript, and
    one per nested stack (whose resources are left out)."""
    found = stack.node.find_all()
    nested: set[str] = set()
    for construct in found[1:]:
        if isinstance(construct, cdk.Stack) and jsii_key(construct) not in nested:
            nested.update(jsii_key(c) for c in construct.node.find_all())
    return [c for c in found if isinstance(c, cdk.CfnResource) and jsii_key(c) not in nested]


_CLASS_TYPES: dict[type, str | None] = {}


def _type_of(resource: cdk.CfnResource) -> str:
    """The resource's type: its L1 class's constant (read once per class), or for a plain
    ``CfnResource`` (custom resources...) its own."""
    kind = type(resource)
    if kind not in _CLASS_TYPES:
        constant = (
            None if kind is cdk.CfnResource else getattr(kind, "CFN_RESOURCE_TYPE_NAME", None)
        )
        _CLASS_TYPES[kind] = constant if isinstance(constant, str) else None
    return _CLASS_TYPES[kind] or resource.cfn_resource_type


def logical_ids(stack: cdk.Stack, template: Sequence[tuple[str, str]]) -> dict[str, str] | None:
    """Logical id by jsii reference of each resource of ``stack``, paired in order with
    ``template``'s ``(logical id, type)`` entries; ``None`` when they do not pair up."""
    resources = own_resources(stack)
    if len(resources) != len(template):
        return None
    if any(_type_of(r) != kind for r, (_, kind) in zip(resources, template, strict=True)):
        return None
    return {jsii_key(r): logical_id for r, (logical_id, _) in zip(resources, template, strict=True)}
