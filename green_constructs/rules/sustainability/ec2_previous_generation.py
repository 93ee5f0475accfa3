"""EC2 capacity (instances, fleets, Auto Scaling groups, EMR) should use current-generation
instance types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...catalog import Catalog, Family
from ..context import TemplateContext
from ..intrinsics import resolve
from ..model import Resource, Severity
from ..registry import rule

INSTANCE = "AWS::EC2::Instance"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
INSTANCE_DEFAULT = "m1.small"
_EMR = ("AWS::EMR::Cluster", "AWS::EMR::InstanceGroupConfig", "AWS::EMR::InstanceFleetConfig")
KINDS = {
    INSTANCE: "EC2 instance",
    LAUNCH_TEMPLATE: "Launch template",
    "AWS::AutoScaling::LaunchConfiguration": "Launch configuration",
    "AWS::AutoScaling::AutoScalingGroup": "Auto Scaling group",
    "AWS::EC2::EC2Fleet": "EC2 Fleet",
    "AWS::EC2::SpotFleet": "Spot Fleet",
    _EMR[0]: "EMR cluster",
    _EMR[1]: "EMR instance group",
    _EMR[2]: "EMR instance fleet",
}
_PATHS = {
    INSTANCE: ("InstanceType",),
    LAUNCH_TEMPLATE: ("LaunchTemplateData.InstanceType",),
    "AWS::AutoScaling::LaunchConfiguration": ("InstanceType",),
    "AWS::AutoScaling::AutoScalingGroup": (
        "MixedInstancesPolicy.LaunchTemplate.Overrides[].InstanceType",
    ),
    "AWS::EC2::EC2Fleet": ("LaunchTemplateConfigs[].Overrides[].InstanceType",),
    "AWS::EC2::SpotFleet": (
        "SpotFleetRequestConfigData.LaunchSpecifications[].InstanceType",
        "SpotFleetRequestConfigData.LaunchTemplateConfigs[].Overrides[].InstanceType",
    ),
    _EMR[0]: (
        "Instances.MasterInstanceGroup.InstanceType",
        "Instances.CoreInstanceGroup.InstanceType",
        "Instances.TaskInstanceGroups[].InstanceType",
        "Instances.MasterInstanceFleet.InstanceTypeConfigs[].InstanceType",
        "Instances.CoreInstanceFleet.InstanceTypeConfigs[].InstanceType",
        "Instances.TaskInstanceFleets[].InstanceTypeConfigs[].InstanceType",
    ),
    _EMR[1]: ("InstanceType",),
    _EMR[2]: ("InstanceTypeConfigs[].InstanceType",),
}
"""Where each resource names instance types (the CloudFormation schemas cfn-lint bundles);
``[]`` walks a list."""
_SERVES = ("gpu", "cpu", "graviton")
"""Kinds suggested for EC2: Neuron families need the Neuron SDK, so they are not offered as
drop-in successors of a GPU type."""


@rule(
    id="Sustainability-Ec2PreviousGeneration",
    severity=Severity.WARNING,
    title="EC2 instance type of a previous generation",
    explanation=(
        "Previous-generation instances do less work per watt than their successors, which run "
        "on newer processors (often Graviton) and more efficient hosts."
    ),
    remediation=(
        "Move to the current type named in the finding: a Graviton one (arm64: check the AMI "
        "and software) or an x86 one of the same size."
    ),
    best_practices=("SUS05-BP02",),
    resource_types=tuple(KINDS),
    notes=(
        "Not in the scanner. Generations come from the catalog (families.csv: the Price List's "
        "generation, plus curated families it still calls current although superseded, such "
        "as m4, c4, r4, t2, p3, g4dn); unknown families are not judged. Reads instances, "
        "launch templates and configurations, Auto Scaling group overrides "
        "(MixedInstancesPolicy.LaunchTemplate.Overrides), EC2 and Spot Fleet launch "
        "specifications and overrides, and EMR instance groups and fleets (clusters, "
        "InstanceGroupConfig, InstanceFleetConfig). The suggested types are current EC2 types "
        "of the same size (Catalog.comparable); for EMR, check that EMR offers them in the "
        "region. An AWS::EC2::Instance with neither InstanceType nor LaunchTemplate gets "
        f"CloudFormation's default, {INSTANCE_DEFAULT}, and is flagged."
    ),
)
def ec2_previous_generation(resource: Resource, template: TemplateContext) -> str | None:
    catalog = template.catalog
    found = [
        f"{instance_type}{note} (move to {_move_to(instance_type, family, template)})"
        for instance_type, note in dict.fromkeys(_instance_types(resource))
        if (family := catalog.find_family(instance_type)) is not None and family.previous_generation
    ]
    if not found:
        return None
    emr = resource.type in _EMR
    where = " (check that EMR offers the suggested types in the region)" if emr else ""
    return (
        f"{KINDS[resource.type]} {resource.logical_id} uses previous-generation instance types: "
        f"{'; '.join(found)}{where}."
    )


def _move_to(instance_type: str, family: Family, template: TemplateContext) -> str:
    """:func:`_successors`, once per template and instance type."""
    return template.memo(
        ("ec2-successors", instance_type),
        lambda: _successors(instance_type, family, template.catalog),
    )


def _instance_types(resource: Resource) -> Iterator[tuple[str, str]]:
    """(instance type, note) pairs the resource names; the note marks CloudFormation's
    default type."""
    if resource.type == INSTANCE and resource.get("InstanceType") is None:
        if not resource.get("LaunchTemplate"):
            yield INSTANCE_DEFAULT, ", the default"
        return
    for path in _PATHS[resource.type]:
        head = path.split(".", 1)[0].removesuffix("[]")
        for value in _walk({head: resource.get(head)}, path):
            value = resolve(value, resource.parameter_defaults)
            if isinstance(value, str) and value:
                yield value, ""


def _walk(value: Any, path: str) -> Iterator[Any]:
    """Values at ``path`` below ``value`` (``Overrides[].InstanceType``)."""
    if not path:
        yield value
        return
    key, _, rest = path.partition(".")
    listed = key.endswith("[]")
    value = value.get(key.removesuffix("[]")) if isinstance(value, dict) else None
    for item in (value if isinstance(value, list) else ()) if listed else (value,):
        yield from _walk(item, rest)


def _successors(instance_type: str, family: Family, catalog: Catalog) -> str:
    """A current Graviton type and a current x86 type of the same size and kind (GPU for a
    GPU), else the family's successors."""
    gpu = family.kind in ("gpu", "gpu-previous")
    by_architecture: dict[str, list[str]] = {"arm64": [], "x86_64": []}
    for name in catalog.successors(family):
        found = catalog.find_family(name)
        if found is not None and (found.kind == "gpu") == gpu and found.kind in _SERVES:
            by_architecture[found.architecture].append(name)
    graviton, x86 = (
        catalog.comparable(instance_type, "ec2", names) for names in by_architecture.values()
    )
    named = [f"{graviton} (Graviton)" if graviton else "", x86 or ""]
    return " or ".join(n for n in named if n) or family.superseded_by or "a current generation"
