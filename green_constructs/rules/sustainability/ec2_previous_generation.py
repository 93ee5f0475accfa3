"""EC2 instances should use current-generation instance types."""

from __future__ import annotations

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule

INSTANCE = "AWS::EC2::Instance"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
INSTANCE_DEFAULT = "m1.small"
KINDS = {
    INSTANCE: "EC2 instance",
    LAUNCH_TEMPLATE: "Launch template",
    "AWS::AutoScaling::LaunchConfiguration": "Launch configuration",
}


@rule(
    id="Sustainability-Ec2PreviousGeneration",
    severity=Severity.WARNING,
    title="EC2 instance type of a previous generation",
    explanation=(
        "Previous-generation instances do less work per watt than their successors, which run "
        "on newer processors (often Graviton) and more efficient hosts."
    ),
    remediation="Move to the successor family named in the finding (check AMI architecture).",
    best_practices=("SUS05-BP02",),
    resource_types=tuple(KINDS),
    notes=(
        "Not in the scanner. Families and successors come from the catalog; unknown families "
        "are not judged. An AWS::EC2::Instance with neither InstanceType nor LaunchTemplate "
        f"gets CloudFormation's default, {INSTANCE_DEFAULT}, and is flagged."
    ),
)
def ec2_previous_generation(resource: Resource, template: TemplateContext) -> str | None:
    if resource.type == LAUNCH_TEMPLATE:
        instance_type = resource.get("LaunchTemplateData.InstanceType")
    else:
        instance_type = resource.get("InstanceType")
    default = ""
    if resource.type == INSTANCE and instance_type is None and not resource.get("LaunchTemplate"):
        instance_type, default = INSTANCE_DEFAULT, " (the default)"
    if not isinstance(instance_type, str):
        return None
    family = template.catalog.find_family(instance_type)
    if family is None or not family.previous_generation:
        return None
    return (
        f"{KINDS[resource.type]} {resource.logical_id} uses {instance_type}{default}, a "
        f"previous-generation {family.name} type; move to "
        f"{family.superseded_by or 'a current generation'}."
    )
