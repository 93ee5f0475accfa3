"""Synth-time checks that the stack's region offers what a construct asks for.

An instance type not offered for a SageMaker feature in the stack's region, or an image not
published there, fails synth with a message naming the property, the region and the regions
(greenest first) that offer it. Facts come from the catalog's generated tables
(``sagemaker_instance_types.csv``, ``dlc_images.csv``) and its dated availability snapshot
(``region_availability.csv``). Environment-agnostic stacks cannot be checked: what was not
checked is listed in the template's ``Metadata`` under :data:`AVAILABILITY_METADATA`.
"""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from .catalog import Catalog
from .catalog.records import FEATURE_NAMES

AVAILABILITY_METADATA = "green-constructs:availability-not-checked"


class NotOfferedError(ValueError):
    """The stack's region does not offer an instance type, feature or image."""


def not_offered_message(
    property_name: str, what: str, region: str, regions: list[str], *, verb: str = "offered"
) -> str:
    """``<property>: <what> is not <verb> in <region>; <verb> in (greenest first): ...``."""
    where = ", ".join(regions) if regions else "no region"
    return f"{property_name}: {what} is not {verb} in {region}; {verb} in (greenest first): {where}"


def check_instance_offered(
    scope: Construct,
    *,
    property_name: str,
    instance_type: str,
    feature: str,
    catalog: Catalog | None = None,
) -> None:
    """Fail synth when the stack's region does not offer ``instance_type`` for ``feature``."""
    if cdk.Token.is_unresolved(instance_type):
        return
    catalog = catalog or Catalog.default()
    stack = cdk.Stack.of(scope)
    if cdk.Token.is_unresolved(stack.region):
        note_unchecked(stack, f"{instance_type} for {FEATURE_NAMES[feature]}")
        return
    if catalog.offered(instance_type, feature, stack.region) is False:
        raise NotOfferedError(
            not_offered_message(
                property_name,
                f"{instance_type} for {FEATURE_NAMES[feature]}",
                stack.region,
                catalog.offering_regions(instance_type, feature) or [],
            )
        )


def note_unchecked(stack: cdk.Stack, what: str) -> None:
    """Record in the template's metadata that ``what`` could not be checked (no region)."""
    metadata = dict(stack.template_options.metadata or {})
    notes = list(metadata.get(AVAILABILITY_METADATA, []))
    if what not in notes:
        notes.append(what)
    metadata[AVAILABILITY_METADATA] = notes
    stack.template_options.metadata = metadata
