"""The EC2 instance types an instance, a launch template or an Auto Scaling group launches.

Property paths follow the CloudFormation schemas cfn-lint bundles (``AWS::EC2::Instance``
``InstanceType``/``LaunchTemplate``; ``AWS::EC2::LaunchTemplate``
``LaunchTemplateData.InstanceType``; ``AWS::AutoScaling::AutoScalingGroup``
``LaunchConfigurationName``, ``LaunchTemplate`` and ``MixedInstancesPolicy.LaunchTemplate``
with its ``Overrides``, whose instance types replace the launch template's).
Attribute-based selection (``InstanceRequirements``) names no type and is not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..context import TemplateContext
from ..model import Resource
from ..training_jobs import is_known_name

INSTANCE = "AWS::EC2::Instance"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
LAUNCH_CONFIGURATION = "AWS::AutoScaling::LaunchConfiguration"
GROUP = "AWS::AutoScaling::AutoScalingGroup"
EC2_TYPES = (INSTANCE, LAUNCH_TEMPLATE, GROUP)
"""Resources whose instance types :func:`instance_types` reads."""


def instance_types(resource: Resource, template: TemplateContext) -> tuple[str, ...]:
    """Known instance types ``resource`` launches, through the launch templates and
    configurations of the same template (cached per template and resource)."""
    return template.memo(
        ("ec2-types", resource.logical_id),
        lambda: tuple(dict.fromkeys(_types(resource, template))),
    )


def launch_template(spec: Any, template: TemplateContext) -> Resource | None:
    """The in-template launch template a ``LaunchTemplateSpecification`` names (by a
    reference to its id or by its ``LaunchTemplateName``)."""
    if not isinstance(spec, dict):
        return None
    for key in ("LaunchTemplateId", "LaunchTemplateName"):
        found = template.target(spec.get(key))
        if found is not None and found.type == LAUNCH_TEMPLATE:
            return found
    name = spec.get("LaunchTemplateName")
    if not isinstance(name, str):
        return None
    return template.by_name(LAUNCH_TEMPLATE, "LaunchTemplateName").get(name)


def _types(resource: Resource, template: TemplateContext) -> Iterator[str]:
    if resource.type == INSTANCE:
        if resource.get("InstanceType") is not None:
            yield from _known(resource.get("InstanceType"))
        else:
            yield from _template_types(resource.get("LaunchTemplate"), template)
    elif resource.type == LAUNCH_TEMPLATE:
        yield from _known(resource.get("LaunchTemplateData.InstanceType"))
    elif resource.type == GROUP:
        config = template.target(resource.get("LaunchConfigurationName"))
        if config is not None and config.type == LAUNCH_CONFIGURATION:
            yield from _known(config.get("InstanceType"))
        yield from _template_types(resource.get("LaunchTemplate"), template)
        mixed = resource.get("MixedInstancesPolicy.LaunchTemplate")
        if isinstance(mixed, dict):
            overrides = mixed.get("Overrides")
            overrides = overrides if isinstance(overrides, list) else []
            listed = [o for o in overrides if isinstance(o, dict)]
            if listed:
                for override in listed:
                    yield from _known(override.get("InstanceType"))
            else:
                yield from _template_types(mixed.get("LaunchTemplateSpecification"), template)


def _template_types(spec: Any, template: TemplateContext) -> Iterator[str]:
    found = launch_template(spec, template)
    if found is not None:
        yield from _known(found.get("LaunchTemplateData.InstanceType"))


def _known(value: Any) -> Iterator[str]:
    if is_known_name(value):
        yield value
