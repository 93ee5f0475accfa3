"""EBS volumes should use gp3 rather than the previous-generation gp2, io1 or magnetic types."""

from __future__ import annotations

from typing import Any

from ..context import TemplateContext
from ..model import Resource, Severity
from ..registry import rule

VOLUME = "AWS::EC2::Volume"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
KINDS = {
    "AWS::EC2::Instance": "EC2 instance",
    LAUNCH_TEMPLATE: "Launch template",
    "AWS::AutoScaling::LaunchConfiguration": "Launch configuration",
}
REPLACEMENTS = {
    "gp2": "gp3",
    "io1": "gp3, or io2 beyond gp3's IOPS",
    "standard": "gp3, or st1/sc1 for cold sequential data",
}


def _mapped_types(mappings: Any) -> list[tuple[str, str]]:
    """(device name, volume type) of block device mappings with a previous-generation type."""
    found: list[tuple[str, str]] = []
    for mapping in mappings if isinstance(mappings, list) else ():
        ebs = mapping.get("Ebs") if isinstance(mapping, dict) else None
        volume_type = ebs.get("VolumeType") if isinstance(ebs, dict) else None
        if isinstance(volume_type, str) and volume_type.lower() in REPLACEMENTS:
            found.append((str(mapping.get("DeviceName", "?")), volume_type.lower()))
    return found


@rule(
    id="Sustainability-EbsVolumeType",
    severity=Severity.WARNING,
    title="EBS volume of a previous-generation type (gp2, io1, standard)",
    explanation=(
        "gp2 ties IOPS to size, so volumes are over-provisioned to get performance; gp3 sets "
        "IOPS and throughput apart from size, with a 3,000 IOPS baseline at any size."
    ),
    remediation=(
        "Set VolumeType: gp3 (with Iops/Throughput if needed); use io2 only beyond gp3's "
        "limits and st1/sc1 for cold sequential data."
    ),
    best_practices=("SUS04-BP02", "SUS05-BP01"),
    resource_types=(VOLUME, *KINDS),
    notes=(
        "Not in the scanner. An AWS::EC2::Volume without VolumeType is gp2 (the documented "
        "default) and is flagged; a block device mapping without VolumeType takes the AMI's "
        "type and is not judged."
    ),
)
def ebs_volume_type(resource: Resource, template: TemplateContext) -> str | None:
    if resource.type == VOLUME:
        volume_type = resource.get("VolumeType", "gp2")
        if not isinstance(volume_type, str) or volume_type.lower() not in REPLACEMENTS:
            return None
        default = " (the default)" if resource.get("VolumeType") is None else ""
        return (
            f"EBS volume {resource.logical_id} is {volume_type}{default}, a previous-generation "
            f"type; use {REPLACEMENTS[volume_type.lower()]}."
        )
    mappings = (
        resource.get("LaunchTemplateData.BlockDeviceMappings")
        if resource.type == LAUNCH_TEMPLATE
        else resource.get("BlockDeviceMappings")
    )
    found = _mapped_types(mappings)
    if not found:
        return None
    devices = ", ".join(f"{device} ({kind}, use {REPLACEMENTS[kind]})" for device, kind in found)
    return (
        f"{KINDS[resource.type]} {resource.logical_id} maps previous-generation EBS volumes: "
        f"{devices}."
    )
