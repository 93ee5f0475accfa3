"""Instances should be reached through Session Manager, not SSH from a bastion host."""

from __future__ import annotations

from typing import Any

from ..context import TemplateContext
from ..intrinsics import is_intrinsic
from ..model import Resource, Severity
from ..registry import rule
from ..values import as_int

SSH_PORT = 22
TCP = ("tcp", "6")


def _opens_ssh(entry: Any) -> bool:
    """True when an ingress rule admits TCP port 22 (a missing IpProtocol is judged by ports)."""
    if not isinstance(entry, dict) or is_intrinsic(entry):
        return False
    protocol = entry.get("IpProtocol")
    if protocol is not None and str(protocol).lower() not in TCP:
        return False
    low, high = as_int(entry.get("FromPort")), as_int(entry.get("ToPort"))
    if SSH_PORT in (low, high):
        return True
    return low is not None and high is not None and low <= SSH_PORT <= high


@rule(
    id="Sustainability-SshIngress",
    severity=Severity.INFO,
    title="Security group ingress open to SSH (TCP port 22)",
    explanation=(
        "SSH access usually means bastion hosts: instances that run around the clock only to "
        "relay logins. Systems Manager Session Manager needs no open port and no extra instance."
    ),
    remediation=(
        "Remove the port 22 ingress and connect with AWS Systems Manager Session Manager "
        "(or EC2 Instance Connect Endpoint) instead of SSH through a bastion host."
    ),
    best_practices=("SUS06-BP04", "SUS02-BP03"),
    resource_types=("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"),
    equivalents=(
        "sustainability-scanner:from_port_is_ssh",
        "sustainability-scanner:to_port_is_ssh",
        "sustainability-scanner:port_range_includes_ssh",
    ),
    notes=(
        "The scanner's from-port, to-port and port-range checks are one rule here. Ports are "
        "compared as numbers: the scanner compares two string ports as text, so it flags "
        '"100"-"3000" and skips a range mixing a string and a number. Rules for another '
        "protocol (udp, icmp, or -1 for all traffic, where ports do not apply) are not flagged; "
        "the scanner flags udp port 22."
    ),
)
def ssh_ingress(resource: Resource, template: TemplateContext) -> str | None:
    if resource.type == "AWS::EC2::SecurityGroupIngress":
        if not _opens_ssh(resource.properties):
            return None
        group = template.target(resource.get("GroupId"))
        on_group = f" on security group {group.logical_id}" if group is not None else ""
        return (
            f"Ingress rule {resource.logical_id}{on_group} opens TCP port 22 (SSH); use Session "
            "Manager instead of SSH or a bastion host."
        )
    entries = resource.get("SecurityGroupIngress")
    count = sum(_opens_ssh(e) for e in entries) if isinstance(entries, list) else 0
    if not count:
        return None
    return (
        f"Security group {resource.logical_id} opens TCP port 22 (SSH) in {count} ingress "
        f"rule{'s' if count > 1 else ''}; use Session Manager instead of SSH or a bastion host."
    )
